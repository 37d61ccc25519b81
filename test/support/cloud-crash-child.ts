/**
 * The process the crash test kills: the whole local cloud (HTTP front, handlers, local bus, the
 * journalled SQS and DynamoDB Local's JVM, all in this process group) on a data folder
 * (YIBAO_TEST_DATA_DIR). It prints one line when ready, `ready <apiUrl> <dynamodbEndpoint> <staff token>
 * <provider tokens…>` (PROVIDERS: comma-separated codes), and then serves until it is killed.
 */
import { startLocalCloud } from '../../infra/local/cloud.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

const dataDir = process.env.YIBAO_TEST_DATA_DIR;
if (!dataDir) throw new Error('YIBAO_TEST_DATA_DIR is not set');
const cloud = await startLocalCloud({
  dataDir,
  retryDelaySeconds: 0,
  logLevel: (process.env.CRASH_LOG_LEVEL as 'ERROR' | undefined) ?? 'SILENT',
});
const staff = await cloud.mint({ sub: 'crash-ops', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
const providers = (process.env.PROVIDERS ?? '').split(',').filter(Boolean);
const tokens = await Promise.all(
  providers.map((providerCode) => cloud.mint({ sub: `his-${providerCode}`, role: 'provider', providerCode })),
);
process.stdout.write(`ready ${cloud.apiUrl} ${cloud.endpoints.dynamodb} ${staff} ${tokens.join(' ')}\n`);
