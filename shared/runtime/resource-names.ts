/**
 * How a function finds its resources: environment variables with the same names on AWS (set by the
 * stack) and on the local cloud (set by the local runtime). Handlers never build a name themselves.
 */
const constantCase = (key: string): string => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

export const envName = {
  table: (key: string): string => `TABLE_${constantCase(key)}`,
  queueUrl: (key: string): string => `QUEUE_URL_${constantCase(key)}`,
  busName: 'EVENT_BUS_NAME',
  jwtIssuer: 'JWT_ISSUER',
  jwtAudience: 'JWT_AUDIENCE',
  jwtJwksUrl: 'JWT_JWKS_URL',
  jwtMaxLifetimeSeconds: 'JWT_MAX_LIFETIME_SECONDS',
} as const;

/**
 * Set only by the local cloud, which runs every function in one process with one environment: whether
 * the function running now was given a variable. The stack gives each function the variables of its own
 * resources only (infra/stack/functions.ts), so code reaching for another's fails here as it would there.
 * Never set on AWS.
 */
let localVariableGiven: ((name: string) => boolean) | undefined;
export function setLocalEnvironment(given: (name: string) => boolean): void {
  localVariableGiven = given;
}

/** Reads a required setting; a missing one is a deployment fault, so it fails loudly at first use. */
export function requireEnv(name: string): string {
  const value = localVariableGiven?.(name) === false ? undefined : process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}: the stack or the local cloud must set it`);
  return value;
}

export const tableName = (key: string): string => requireEnv(envName.table(key));
export const queueUrl = (key: string): string => requireEnv(envName.queueUrl(key));
export const busName = (): string => requireEnv(envName.busName);
