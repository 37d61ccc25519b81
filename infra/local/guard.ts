/**
 * The local cloud's IAM check, at the transport of a function's SDK client: it reads the signed
 * request the SDK is about to send (the SigV4 Authorization header's access key, the X-Amz-Target
 * operation, the JSON body) and, when the calling function's grants do not allow it, answers in place
 * of the service with the HTTP 400 AccessDeniedException AWS sends. The SDK then parses that answer
 * as it parses any AWS error, so the handler sees exactly what it would see on AWS.
 *
 * Why here and not in an HTTP proxy in front of each emulator: the handlers, the emulators' clients
 * and the test all share one event loop, and a proxy hop doubled the cost of every DynamoDB call
 * (measured: about 1 ms on a 2 ms call), enough to push the heaviest integration tests past their
 * time limits. The check itself is the same either way, and allowed requests go out untouched.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setLocalIdentity } from '../../shared/runtime/aws-clients.ts';
import { setLocalEnvironment } from '../../shared/runtime/resource-names.ts';
import { BUS_NAME, type FunctionKey } from '../topology.ts';
import { deniedDynamo, deniedEvents, deniedSqs, type Grants, grantsOf, type Need, type Where, variableGiven } from './iam.ts';
import { accessKeyOf, callerOf, credentialsOf, currentCall } from './identity.ts';

export type GuardedService = 'dynamodb' | 'sqs' | 'events';

/** A request the local IAM refused: for tests and the console. */
export interface Denial extends Need {
  service: GuardedService;
  function: FunctionKey;
}

/** One call a function's SDK client is about to send, as the transport sees it. */
export interface GuardedCall {
  function: FunctionKey;
  service: GuardedService;
  /** The API operation: TransactWriteItems, SendMessage, PutEvents … */
  operation: string;
  body: Record<string, unknown>;
}

/** The IAM of one local cloud: what each function may touch, and what was refused. */
export interface LocalIam {
  /** What each function may touch (the topology's grants, unless a test narrowed them). */
  grants: Record<FunctionKey, Grants>;
  /** Every refusal, oldest first. */
  denials: Denial[];
  where: Where;
  onDenial?: (denial: Denial) => void;
  /**
   * A slow dependency a test injects at the same transport: the milliseconds to hold an allowed
   * call before it is sent (a DynamoDB transaction stuck behind a throttled partition, say).
   * Unset: every call goes out at once.
   */
  delayMs?: (call: GuardedCall) => number | undefined;
}

const SERVICE_OF_TARGET: Record<string, GuardedService> = {
  DynamoDB_20120810: 'dynamodb',
  AmazonSQS: 'sqs',
  AWSEvents: 'events',
};

const JSON_CONTENT = { dynamodb: 'application/x-amz-json-1.0', sqs: 'application/x-amz-json-1.0', events: 'application/x-amz-json-1.1' };

/** The error AWS answers a request IAM refused, per service protocol. */
function refusal(service: GuardedService, message: string): { headers: Record<string, string>; body: unknown } {
  switch (service) {
    case 'dynamodb':
      return { headers: {}, body: { __type: 'com.amazonaws.dynamodb.v20120810#AccessDeniedException', message } };
    case 'sqs':
      // SQS's JSON protocol also names the query-protocol code, which the SDK reports.
      return {
        headers: { 'x-amzn-query-error': 'AccessDenied;Sender' },
        body: { __type: 'com.amazon.coral.service#AccessDeniedException', message },
      };
    case 'events':
      return { headers: {}, body: { __type: 'AccessDeniedException', message } };
  }
}

interface SignedRequest {
  headers: Record<string, string>;
  /** The JSON body as sent, or the command's input it was serialised from (the same fields). */
  body?: unknown;
}

const targetOf = (target: string | undefined): { service: GuardedService | undefined; operation: string } => {
  const [prefix = '', operation = ''] = (target ?? '').split('.');
  return { service: SERVICE_OF_TARGET[prefix], operation };
};

function bodyOf(request: SignedRequest): Record<string, unknown> {
  if (typeof request.body === 'object' && request.body !== null && !(request.body instanceof Uint8Array))
    return request.body as Record<string, unknown>;
  try {
    const text =
      typeof request.body === 'string' ? request.body : request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : '';
    return JSON.parse(text || '{}') as Record<string, unknown>;
  } catch {
    // Not JSON: the service would answer that itself.
    return {};
  }
}

/** How long a test wants this allowed call held (LocalIam.delayMs), if at all. */
function delayOf(iam: LocalIam, request: SignedRequest): number {
  if (!iam.delayMs) return 0;
  const fn = currentCall()?.function;
  const { service, operation } = targetOf(Object.entries(request.headers).find(([k]) => k.toLowerCase() === 'x-amz-target')?.[1]);
  if (!fn || !service) return 0;
  return iam.delayMs({ function: fn, service, operation, body: bodyOf(request) }) ?? 0;
}

/** The refusal IAM would answer this signed request with, or undefined to let it go. */
export function check(
  iam: LocalIam,
  request: SignedRequest,
): { statusCode: number; headers: Record<string, string>; body: Uint8Array } | undefined {
  const header = (name: string) => Object.entries(request.headers).find(([k]) => k.toLowerCase() === name)?.[1];
  const caller = callerOf(accessKeyOf(header('authorization')));
  if (caller.kind === 'operator') return undefined;
  const { service, operation } = targetOf(header('x-amz-target'));
  if (!service) return undefined;
  const answer = (status: number, headers: Record<string, string>, body: unknown) => ({
    statusCode: status,
    headers: { 'content-type': JSON_CONTENT[service], ...headers },
    body: new TextEncoder().encode(JSON.stringify(body)),
  });
  if (caller.kind === 'unknown') {
    const type = service === 'dynamodb' ? 'com.amazonaws.dynamodb.v20120810#UnrecognizedClientException' : 'UnrecognizedClientException';
    return answer(400, {}, { __type: type, message: 'The security token included in the request is invalid.' });
  }
  const fn = caller.function;
  const body = bodyOf(request);
  const grants = iam.grants[fn];
  const denied =
    service === 'dynamodb'
      ? deniedDynamo(grants, operation, body, iam.where)
      : service === 'sqs'
        ? deniedSqs(fn, grants, operation, body, iam.where)
        : deniedEvents(grants, operation, BUS_NAME, iam.where);
  if (!denied) return undefined;
  const denial: Denial = { service, function: fn, ...denied };
  iam.denials.push(denial);
  if (iam.denials.length > 1_000) iam.denials.splice(0, 500);
  iam.onDenial?.(denial);
  const role = `arn:aws:sts::${iam.where.account}:assumed-role/yibao-${fn}-role/yibao-${fn}`;
  const message = `User: ${role} is not authorized to perform: ${denied.action} on resource: ${denied.resource} because no identity-based policy allows the ${denied.action} action`;
  const refused = refusal(service, message);
  return answer(400, refused.headers, refused.body);
}

/** A cloud's IAM: the topology's grants unless some are narrowed (a test), and no refusal yet. */
export function localIam(where: Where, overrides: Partial<Record<FunctionKey, Grants>> = {}, onDenial?: (d: Denial) => void): LocalIam {
  return { grants: grantsOf(overrides), denials: [], where, ...(onDenial ? { onDenial } : {}) };
}

/**
 * Adds the check to a client made for a function: innermost in the deserialize step, so it sees the
 * signed request where the transport would send it, and the SDK's own deserializer reads its answer.
 * The IAM is the running invocation's cloud's (the one the client was made under, if none runs).
 */
function guardClient(client: DynamoDBDocumentClient | EventBridgeClient | SQSClient, madeUnder: LocalIam): void {
  (client as EventBridgeClient).middlewareStack.add(
    (next) => async (args) => {
      const iam = currentCall()?.iam ?? madeUnder;
      // The command's input rather than the body serialised from it: the same table and queue names
      // without parsing every request's JSON again (a 30-line claim's transaction is tens of KB).
      const { request: signed, input } = args as unknown as { request: SignedRequest; input?: unknown };
      const request = { headers: signed.headers, body: input ?? signed.body };
      const refused = check(iam, request);
      if (refused) return { response: refused, output: undefined as never };
      const delay = delayOf(iam, request);
      if (delay > 0) await sleep(delay);
      return next(args);
    },
    { step: 'deserialize', priority: 'low', name: 'yibaoLocalIam' },
  );
}

// The hooks of the shared clients and resource names: which credentials sign the running function's
// calls (and the check its clients get), and which variables it was given. Unset on AWS.
setLocalIdentity(() => {
  const call = currentCall();
  return call ? { credentials: credentialsOf(call.function), prepare: (client) => guardClient(client, call.iam) } : undefined;
});
setLocalEnvironment((name) => {
  const call = currentCall();
  return call ? variableGiven(call.function, call.iam.grants[call.function], name) : true;
});
