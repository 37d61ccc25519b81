/**
 * Who is calling, on a local cloud that runs every function in one process.
 *
 * On AWS each function has its own execution role; its SDK calls are signed with that role's
 * credentials and IAM lets through only what the stack granted. Here the handlers share one process,
 * so each invocation runs inside an AsyncLocalStorage scope naming its function, and the SDK clients
 * (shared/runtime/aws-clients.ts) sign that function's calls with its own local access key
 * (`localFnEnrolment` for enrolment). The IAM check (infra/local/guard.ts) reads the key from the
 * SigV4 Authorization header and allows what the function's topology entry grants (infra/local/iam.ts).
 * Anything else (the local cloud itself, tests, tools) signs with the operator key and is let through,
 * as an administrator would be.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FunctionKey } from '../topology.ts';
import { functions } from '../topology.ts';
import type { LocalIam } from './guard.ts';

/** The operator's credentials: the local cloud's own clients, tests and tools. */
export const OPERATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

// DynamoDB Local accepts only letters and digits in an access key: localFnEnrolment, localFnRegulatorApi.
const KEY_PREFIX = 'localFn';

/** A function's local credentials: its access key names it. */
export const credentialsOf = (fn: FunctionKey) => ({
  accessKeyId: `${KEY_PREFIX}${fn.charAt(0).toUpperCase()}${fn.slice(1)}`,
  secretAccessKey: 'local',
});

export type Caller = { kind: 'operator' } | { kind: 'function'; function: FunctionKey } | { kind: 'unknown'; accessKeyId: string };

/** Who an access key belongs to. */
export function callerOf(accessKeyId: string | undefined): Caller {
  if (accessKeyId === undefined || !accessKeyId.startsWith(KEY_PREFIX)) return { kind: 'operator' };
  const rest = accessKeyId.slice(KEY_PREFIX.length);
  const fn = `${rest.charAt(0).toLowerCase()}${rest.slice(1)}`;
  return Object.hasOwn(functions, fn) ? { kind: 'function', function: fn as FunctionKey } : { kind: 'unknown', accessKeyId };
}

/** The access key of a SigV4-signed request: `Credential=<key>/<date>/<region>/<service>/aws4_request`. */
export function accessKeyOf(authorization: string | undefined): string | undefined {
  return authorization ? /Credential=([^/,\s]+)\//.exec(authorization)?.[1] : undefined;
}

/** The invocation running here: its function, and the IAM of the cloud that runs it. */
export interface Call {
  function: FunctionKey;
  iam: LocalIam;
}
const running = new AsyncLocalStorage<Call>();

/** Runs `work` as `fn` on a cloud whose IAM is `iam`: every SDK call it makes, however deep, is signed as fn. */
export function runAs<T>(fn: FunctionKey, iam: LocalIam, work: () => T): T {
  return running.run({ function: fn, iam }, work);
}

/** The invocation running here, if any. */
export const currentCall = (): Call | undefined => running.getStore();
