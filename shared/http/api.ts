import middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import { HttpError, type ErrorBody, notFound, badRequest } from './errors.ts';
import { parseInput } from './validation.ts';
import { principalFromContext, type Principal } from '../auth/principal.ts';
import { CORRELATION_HEADER, correlationIdFrom } from '../runtime/correlation.ts';

export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<Record<string, unknown>>;
export type ApiResult = APIGatewayProxyStructuredResultV2;

/** What a route handler gets: parsed, validated pieces of the request, never the raw event alone. */
export interface ApiRequest {
  event: ApiEvent;
  correlationId: string;
  logger: Logger;
  /** The authenticated caller; a 401 if the route was reached without the authorizer's context. */
  principal(): Principal;
  body<S extends z.ZodType>(schema: S): z.output<S>;
  query<S extends z.ZodType>(schema: S): z.output<S>;
  params<S extends z.ZodType>(schema: S): z.output<S>;
}

export interface ApiResponse {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (request: ApiRequest) => Promise<ApiResponse> | ApiResponse;

/** Routes of one function, keyed exactly as API Gateway names them: "POST /v1/members/{memberId}". */
export type RouteTable = Record<string, RouteHandler>;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

interface Internal {
  correlationId: string;
}
type InternalContext = Context & { yibao?: Internal };

/** Picks up (or starts) the correlation id and puts it on every log line of this invocation. */
const correlation = (logger: Logger): MiddlewareObj<ApiEvent, ApiResult, Error, InternalContext> => ({
  before: (request) => {
    const correlationId = correlationIdFrom(request.event.headers?.[CORRELATION_HEADER], request.event.requestContext?.requestId);
    request.context.yibao = { correlationId };
    logger.resetKeys();
    logger.appendKeys({ correlationId, route: request.event.routeKey });
  },
});

/** Turns every failure into the uniform error body; unexpected ones are logged and answered as 500. */
const uniformErrors = (logger: Logger): MiddlewareObj<ApiEvent, ApiResult, Error, InternalContext> => ({
  onError: (request) => {
    const error = request.error;
    const known = error instanceof HttpError ? error : undefined;
    if (!known) logger.error('Unhandled error', error as Error);
    else if (known.statusCode >= 500) logger.error(known.message, { code: known.code });
    else logger.info('Request refused', { statusCode: known.statusCode, code: known.code });
    const body: ErrorBody = known
      ? known.toBody()
      : { error: { code: 'INTERNAL', message: 'Internal error; quote the correlation id to support', details: {} } };
    request.response = {
      statusCode: known?.statusCode ?? 500,
      headers: { ...JSON_HEADERS, [CORRELATION_HEADER]: request.context.yibao?.correlationId ?? '' },
      body: JSON.stringify(body),
    };
  },
});

function parseJsonBody(event: ApiEvent): unknown {
  if (event.body === undefined || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('body: not valid JSON', { problems: [{ field: 'body', rule: 'json', message: 'not valid JSON' }] });
  }
}

/**
 * A function's HTTP entry point: middy with the correlation and error middlewares, dispatching on
 * the route key that API Gateway (and the local front) put on the event.
 */
export function httpApi(logger: Logger, routes: RouteTable) {
  const dispatch = async (event: ApiEvent, context: InternalContext): Promise<ApiResult> => {
    const correlationId = context.yibao?.correlationId ?? correlationIdFrom(undefined);
    const handler = routes[event.routeKey];
    if (!handler) throw notFound(`No route ${event.routeKey}`);
    const request: ApiRequest = {
      event,
      correlationId,
      logger,
      principal: () => principalFromContext(event.requestContext.authorizer?.lambda),
      body: (schema) => parseInput(schema, parseJsonBody(event), 'body'),
      query: (schema) => parseInput(schema, event.queryStringParameters ?? {}, 'query'),
      params: (schema) => parseInput(schema, event.pathParameters ?? {}, 'path'),
    };
    const response = await handler(request);
    return {
      statusCode: response.statusCode,
      headers: { ...JSON_HEADERS, [CORRELATION_HEADER]: correlationId, ...response.headers },
      body: response.body === undefined ? '' : JSON.stringify(response.body),
    };
  };
  return middy<ApiEvent, ApiResult, Error, InternalContext>(dispatch).use(correlation(logger)).use(uniformErrors(logger));
}
