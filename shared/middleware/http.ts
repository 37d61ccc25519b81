/**
 * The HTTP middlewares every route chain uses (shared/http/api.ts puts them together):
 *  - `httpCorrelation`: the caller's correlation id (or a new one) on the context and on every log line;
 *  - `jsonBody`: the body parsed once as JSON (a body that is not JSON is a 400 naming `body`);
 *  - `httpErrors`: any failure as the uniform error body; a Refusal keeps its status (and `retry-after` when its
 *    details carry `retryAfterSeconds`), anything else is a logged 500.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { Refusal, type ErrorBody } from '../refusal/refusal.ts';
import { badRequest, unsupportedMediaType } from '../http/errors.ts';
import { CORRELATION_HEADER, correlationIdFrom } from '../runtime/correlation.ts';

export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<Record<string, unknown>>;
export type ApiResult = APIGatewayProxyStructuredResultV2;

/** What the HTTP middlewares leave on the context for the route dispatcher. */
export type HttpContext = Context & { correlationId?: string; jsonBody?: unknown };

type HttpMiddleware = MiddlewareObj<ApiEvent, ApiResult, Error, HttpContext>;

export const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** Picks up the caller's `x-correlation-id` (or API Gateway's request id, or a new id) and logs it on every line. */
export const httpCorrelation = (logger: Logger): HttpMiddleware => ({
  before: (request) => {
    const correlationId = correlationIdFrom(request.event.headers?.[CORRELATION_HEADER], request.event.requestContext?.requestId);
    request.context.correlationId = correlationId;
    logger.appendKeys({ correlationId, route: request.event.routeKey });
  },
});

/** `application/json`, or a JSON-based type (`application/problem+json`), with or without parameters. */
const JSON_CONTENT_TYPE = /^application\/(?:json|[\w.-]+\+json)\s*(?:;|$)/i;

/**
 * Parses a JSON body once, before the route runs (base64 bodies decoded first); no body leaves `undefined`.
 * A body declared as anything but JSON (a form, text, XML) is refused with 415 rather than read as JSON.
 */
export const jsonBody = (): HttpMiddleware => ({
  before: (request) => {
    const { body, isBase64Encoded } = request.event;
    // A context object may be reused by the caller (tests, the local cloud): nothing carries over.
    request.context.jsonBody = undefined;
    if (body === undefined || body === '') return;
    const contentType = request.event.headers?.['content-type'];
    if (contentType !== undefined && !JSON_CONTENT_TYPE.test(contentType)) throw unsupportedMediaType(contentType);
    const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
    try {
      request.context.jsonBody = JSON.parse(text);
    } catch {
      throw badRequest('body: not valid JSON', { problems: [{ field: 'body', rule: 'json', message: 'not valid JSON' }] });
    }
  },
});

/** Turns every failure into the uniform error body; a refusal is logged as info, anything unexpected as an error and answered 500. */
export const httpErrors = (logger: Logger): HttpMiddleware => ({
  onError: (request) => {
    const error = request.error;
    const known = error instanceof Refusal ? error : undefined;
    if (!known) logger.error('Unhandled error', error as Error);
    else if (known.statusCode >= 500) logger.error(known.message, { code: known.code });
    else logger.info('Request refused', { statusCode: known.statusCode, code: known.code });
    const body: ErrorBody = known
      ? known.toBody()
      : { error: { code: 'INTERNAL', message: 'Internal error; quote the correlation id to support', details: {} } };
    // A refusal that says when to come back (a rate limit, a timeout) says it in the standard header too.
    const retryAfter = (known?.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    request.response = {
      statusCode: known?.statusCode ?? 500,
      headers: {
        ...JSON_HEADERS,
        [CORRELATION_HEADER]: request.context.correlationId ?? '',
        ...(Number.isInteger(retryAfter) && (retryAfter as number) > 0 ? { 'retry-after': String(retryAfter) } : {}),
      },
      body: JSON.stringify(body),
    };
  },
});
