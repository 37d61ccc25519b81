/**
 * One Lambda function per `functions` entry, granted exactly what the topology declares and told
 * where to find it through the environment variables of `shared/runtime/resource-names.ts`.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, SecretValue, Tags } from 'aws-cdk-lib';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { envName } from '../../shared/runtime/resource-names.ts';
import { functions, type FunctionKey, type FunctionSpec, type TableKey, type Access } from '../topology.ts';
import { entries, KEY_TAG, pascal } from './keys.ts';
import type { Queues } from './messaging.ts';
import type { Tables } from './tables.ts';

export type Functions = Record<FunctionKey, NodejsFunction>;

/** The repository root: handler entries in the topology are relative to it. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The function behind the HTTP API's Lambda authorizer; it alone gets the JWT settings. */
export const AUTHORIZER: FunctionKey = 'authorizer';

/** Context keys holding the JWT settings the authorizer verifies tokens against (see cdk.json). */
export const JWT_CONTEXT = {
  [envName.jwtIssuer]: 'yibao:jwtIssuer',
  [envName.jwtAudience]: 'yibao:jwtAudience',
  [envName.jwtJwksUrl]: 'yibao:jwtJwksUrl',
  [envName.jwtMaxLifetimeSeconds]: 'yibao:jwtMaxLifetimeSeconds',
} as const;

function requireContext(scope: Construct, key: string): string {
  const value: unknown = scope.node.tryGetContext(key);
  if (typeof value !== 'string' || value === '') {
    throw new Error(`Context "${key}" must be a non-empty string (set it in cdk.json or with -c ${key}=...)`);
  }
  return value;
}

export interface FunctionDeps {
  tables: Tables;
  bus: EventBus;
  queues: Queues;
}

export function createFunctions(scope: Construct, deps: FunctionDeps): Functions {
  const created: Partial<Functions> = {};
  for (const [key, spec] of entries<FunctionKey, FunctionSpec>(functions)) {
    const id = pascal(key);
    const declaredTables = entries<TableKey, Access>(spec.tables as Record<TableKey, Access>);

    const environment: Record<string, string> = {
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: key,
      LOG_LEVEL: 'INFO',
    };
    for (const [table] of declaredTables) environment[envName.table(table)] = deps.tables[table].tableName;
    if (spec.publishes) environment[envName.busName] = deps.bus.eventBusName;
    for (const queue of spec.sendsTo) environment[envName.queueUrl(queue)] = deps.queues[queue].queueUrl;
    // Secrets (the ID-number hash key, the webhook-secret sealing key): Secrets Manager dynamic
    // references, resolved by CloudFormation at deploy time; each secret must exist first.
    for (const [variable, secretName] of Object.entries(spec.secrets ?? {})) {
      environment[variable] = SecretValue.secretsManager(secretName).unsafeUnwrap();
    }
    if (key === AUTHORIZER) {
      for (const [variable, contextKey] of Object.entries(JWT_CONTEXT)) environment[variable] = requireContext(scope, contextKey);
    }

    const fn = new NodejsFunction(scope, `${id}Function`, {
      entry: join(REPO_ROOT, spec.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      description: spec.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      environment,
      logGroup: new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_YEAR }),
      bundling: {
        // Local esbuild only: synth must work offline, on machines without Docker.
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        // ESM output has no `require`; CommonJS dependencies bundled in call it, so make one.
        banner:
          "import { createRequire as __yibaoCreateRequire } from 'node:module'; const require = __yibaoCreateRequire(import.meta.url);",
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        // Everything is bundled except AWS SDK v3, which the Node.js 22 Lambda runtime provides:
        // smaller bundles and faster cold starts, at the price of running the runtime's SDK version
        // (the clients used here are long-stable APIs: DynamoDB, EventBridge PutEvents, SQS).
        externalModules: ['@aws-sdk/*'],
      },
    });

    // The function itself carries its key (not its role or event source mappings, which would then
    // share a tag value with the function and confuse a lookup by tag).
    Tags.of(fn).add(KEY_TAG, key, { includeResourceTypes: ['AWS::Lambda::Function'] });

    for (const [table, access] of declaredTables) {
      if (access === 'readwrite') deps.tables[table].grantReadWriteData(fn);
      else deps.tables[table].grantReadData(fn);
    }
    if (spec.publishes) deps.bus.grantPutEventsTo(fn);
    for (const queue of spec.sendsTo) deps.queues[queue].grantSendMessages(fn);

    created[key] = fn;
  }
  return created as Functions;
}
