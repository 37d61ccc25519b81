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
