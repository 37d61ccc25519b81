/**
 * `npm run token -- --role provider --provider H33090100001` prints a bearer token signed with the
 * local cloud's key (in the data folder), for curl or a HIS test client.
 *   --role provider|staff|regulator   --provider CODE   --region 330900   --sub NAME   --hours 8
 */
import { parseArgs } from 'node:util';
import { principalSchema } from '../../shared/auth/principal.ts';
import { LOCAL_MAX_TOKEN_LIFETIME_SECONDS, loadOrCreateSigningKey, mintToken } from './signing-key.ts';

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'staff' },
    provider: { type: 'string' },
    region: { type: 'string' },
    sub: { type: 'string' },
    permissions: { type: 'string', default: '' },
    hours: { type: 'string', default: '8' },
  },
});
const principal = principalSchema.safeParse({
  sub: values.sub ?? `local-${values.role}`,
  role: values.role,
  providerCode: values.provider,
  region: values.region,
  permissions: values.permissions ? values.permissions.split(',') : [],
});
if (!principal.success) {
  process.stderr.write(
    `Cannot mint that token: ${principal.error.issues.map((i) => `${i.path.join('.') || 'role'}: ${i.message}`).join('; ')}\n`,
  );
  process.stderr.write('Examples: --role staff | --role provider --provider H33090100001 | --role regulator --region 330900\n');
  process.exit(2);
}
const maxSeconds = Number(process.env.YIBAO_JWT_MAX_LIFETIME_SECONDS ?? LOCAL_MAX_TOKEN_LIFETIME_SECONDS);
const seconds = Number(values.hours) * 3600;
if (!(seconds > 0) || seconds > maxSeconds) {
  process.stderr.write(`--hours must be more than 0 and at most ${maxSeconds / 3600}: the API refuses a token that lives longer\n`);
  process.exit(2);
}
const key = await loadOrCreateSigningKey(process.env.YIBAO_DATA_DIR ?? '.yibao');
process.stdout.write(`${await mintToken(key, principal.data, seconds)}\n`);
