/**
 * The one error shape every route answers with: `{ error: { code, message, details } }`.
 * A handler throws an HttpError; the HTTP middleware turns it (and anything unexpected) into
 * that body, so a provider's integrator parses one shape for every failure.
 */
export interface ErrorBody {
  error: { code: string; message: string; details: unknown };
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: unknown = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export const badRequest = (message: string, details: unknown = {}) => new HttpError(400, 'BAD_REQUEST', message, details);
export const unauthorized = (message = 'A valid bearer token is required') => new HttpError(401, 'UNAUTHORIZED', message);
export const forbidden = (message: string, details: unknown = {}) => new HttpError(403, 'FORBIDDEN', message, details);
export const notFound = (message: string, details: unknown = {}) => new HttpError(404, 'NOT_FOUND', message, details);
export const conflict = (message: string, details: unknown = {}) => new HttpError(409, 'CONFLICT', message, details);
export const notImplemented = (message: string) => new HttpError(501, 'NOT_IMPLEMENTED', message);
