/**
 * The constructors of the one refusal type (shared/refusal/refusal.ts) by status. A handler throws
 * one; the HTTP error middleware turns it (and anything unexpected) into the uniform body, so a
 * provider's integrator parses one shape for every failure.
 */
import { Refusal } from '../refusal/refusal.ts';

export { type ErrorBody, Refusal, Refusal as HttpError } from '../refusal/refusal.ts';

export const badRequest = (message: string, details: unknown = {}) => new Refusal(400, message, details);
export const unauthorized = (message = 'A valid bearer token is required') => new Refusal(401, message);
export const forbidden = (message: string, details: unknown = {}) => new Refusal(403, message, details);
export const notFound = (message: string, details: unknown = {}) => new Refusal(404, message, details);
export const conflict = (message: string, details: unknown = {}) => new Refusal(409, message, details);
/** A body sent as something other than JSON: every yibao route reads JSON. */
export const unsupportedMediaType = (contentType: string) =>
  new Refusal(415, `content-type: ${contentType} is not accepted; send application/json`, {
    problems: [{ field: 'content-type', rule: 'application/json', message: `${contentType} is not JSON` }],
  });
export const tooManyRequests = (message: string, details: unknown = {}) => new Refusal(429, message, details);
export const notImplemented = (message: string) => new Refusal(501, message);

/** How long a client waits before sending a timed-out request again (the `Retry-After` header of the 503). */
export const TIMEOUT_RETRY_AFTER_SECONDS = 2;

/**
 * The answer when a route's handler has not finished before its Lambda's deadline (29 s, inside API
 * Gateway's 30): 503, as an HTTP API answers an integration it stopped waiting for, with
 * `Retry-After`. Not a 500: nothing is known to be wrong with the request; its outcome is unknown.
 * Every write is idempotent by its natural key, and a transaction either committed whole or not at
 * all, so the same request sent again answers what happened (a replay of the committed write, or
 * the write done once now).
 */
export const handlerTimedOut = () =>
  new Refusal(
    503,
    'The request did not finish in time; its outcome is unknown. Send the same request again after Retry-After: it answers what was done (every write is idempotent)',
    { retryAfterSeconds: TIMEOUT_RETRY_AFTER_SECONDS },
    'TIMEOUT',
  );
