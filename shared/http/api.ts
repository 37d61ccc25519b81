import middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import type * as z from 'zod';
import { handlerTimedOut, notFound } from './errors.ts';
import { parseInput, refuseBadText } from './validation.ts';
import { principalFromContext, requireStaffPermission, type Principal } from '../auth/principal.ts';
import { CORRELATION_HEADER, correlationIdFrom } from '../runtime/correlation.ts';
import { loggerContext } from '../middleware/logger-context.ts';
import { type FunctionKey, type RouteNameOf, permissionOf, routeKey, routes as declaredRoutes } from '../../infra/topology.ts';
import {
  type ApiEvent,
  type ApiResult,
  type HttpContext,
  JSON_HEADERS,
  httpCorrelation,
  httpErrors,
  jsonBody,
} from '../middleware/http.ts';

export type { ApiEvent, ApiResult } from '../middleware/http.ts';

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
  /** Aborted when the route answered without waiting for the handler (503 TIMEOUT): work it holds up may go on. */
  signal: AbortSignal;
}

export interface ApiResponse {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (request: ApiRequest) => Promise<ApiResponse> | ApiResponse;

/**
 * Routes keyed exactly as API Gateway names them ("POST /v1/members/{memberId}"), as the event's
 * `routeKey` says: what `httpRoutes` dispatches on. A function's table is keyed by route name instead
 * (`RouteTableOf<F>`); `httpApi` turns the one into the other through infra/topology.ts.
 */
export type RouteTable<K extends string = string> = Record<K, RouteHandler>;

/**
 * A function's route table, keyed by the names infra/topology.ts gives its routes (`settleClaim`,
 * `getClaim` …), so a missing or extra route is a compile error and no method or path is written twice.
 */
export type RouteTableOf<F extends FunctionKey> = Record<RouteNameOf<F>, RouteHandler>;

/** The chain's handler: dispatches on the route key API Gateway (and the local front) put on the event. */
export function dispatchRoutes(logger: Logger, routes: RouteTable) {
  return async (event: ApiEvent, context: HttpContext, options?: { signal: AbortSignal }): Promise<ApiResult> => {
    const correlationId = context.correlationId ?? correlationIdFrom(undefined);
    const handler = Object.hasOwn(routes, event.routeKey) ? routes[event.routeKey] : undefined;
    if (!handler) throw notFound(`No route ${event.routeKey}`);
    refuseBadText({ path: event.pathParameters ?? {}, query: event.queryStringParameters ?? {}, body: context.jsonBody });
    const request: ApiRequest = {
      event,
      correlationId,
      logger,
      principal: () => principalFromContext(event.requestContext.authorizer?.lambda),
      body: (schema) => parseInput(schema, context.jsonBody, 'body'),
      query: (schema) => parseInput(schema, event.queryStringParameters ?? {}, 'query'),
      params: (schema) => parseInput(schema, event.pathParameters ?? {}, 'path'),
      signal: options?.signal ?? new AbortController().signal,
    };
    const response = await handler(request);
    return {
      statusCode: response.statusCode,
      headers: { ...JSON_HEADERS, [CORRELATION_HEADER]: correlationId, ...response.headers },
      body: response.body === undefined ? '' : JSON.stringify(response.body),
    };
  };
}

/**
 * How long before its Lambda's deadline a route gives up and answers 503 TIMEOUT: time enough for the
 * error middleware to answer even on a busy container (a Lambda killed at its deadline is a 500 at API Gateway).
 */
export const HANDLER_TIMEOUT_MARGIN_MS = 1_000;

/**
 * The HTTP chain over any route table, a middy chain of named middlewares (shared/middleware/): the
 * Lambda context on every log line, the correlation id, the uniform error body, the JSON body.
 */
export function httpRoutes(logger: Logger, routes: RouteTable) {
  return middy<ApiEvent, ApiResult, Error, HttpContext>(dispatchRoutes(logger, routes), {
    // A handler still running this close to the Lambda's deadline answers 503 TIMEOUT with Retry-After
    // (middy's default, 5 ms before and a plain error, made a 500 the client could not tell from a bug).
    timeoutEarlyInMillis: HANDLER_TIMEOUT_MARGIN_MS,
    timeoutEarlyResponse: () => {
      throw handlerTimedOut();
    },
  })
    .use(loggerContext(logger))
    .use(httpCorrelation(logger))
    .use(httpErrors(logger))
    .use(jsonBody());
}

/**
 * A function's HTTP entry point: its route table is keyed by the names infra/topology.ts gives the
 * routes of `fn` (`httpApi(logger, 'adjudication', { settleClaim: … })`), so a route missing from the
 * table, or one the topology does not give this function, is a compile error. API Gateway (and the
 * local front) names the route by method and path; the topology maps that key back to the name.
 */
export function httpApi<F extends FunctionKey>(logger: Logger, fn: F, routes: RouteTableOf<F>) {
  const owned = declaredRoutes.filter((r) => r.function === fn);
  // A spread table escapes the compiler's excess-property check: refuse a stray name at cold start.
  const stray = Object.keys(routes).filter((name) => !owned.some((r) => r.name === name));
  if (stray.length > 0) throw new Error(`${fn} has no route named ${stray.join(', ')} in infra/topology.ts`);
  const table = routes as RouteTable;
  return httpRoutes(logger, Object.fromEntries(owned.map((r) => [routeKey(r), guarded(r.name, table[r.name]!)])));
}

/**
 * The route's declared staff permission (`routePermissions`, infra/topology.ts), checked before its
 * handler runs, so no handler can forget it: a staff token without it is a 403 naming it. Other
 * roles reach the handler, whose requireRole decides whether they may call at all.
 */
export function guarded(routeName: string, handler: RouteHandler): RouteHandler {
  const permission = permissionOf(routeName);
  if (!permission) return handler;
  return (request) => {
    requireStaffPermission(request.principal(), permission);
    return handler(request);
  };
}
