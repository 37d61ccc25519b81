import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { AUTHORIZER_CACHE_TTL_SECONDS, routeKey, routes, type FunctionKey, type RouteSpec } from '../topology.ts';

/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * An HTTP API waits at most 30 s for its Lambda integration, then answers 503 Service Unavailable
 * (a REST API answers 504). The route functions give up first (29 s timeout, and shared/http/api.ts
 * answers 503 TIMEOUT a second before it), so this is the last line, as on AWS.
 */
const INTEGRATION_TIMEOUT_MS = 30_000;
const INTEGRATION_TIMED_OUT = Symbol('integration timed out');

interface CompiledRoute {
  spec: RouteSpec;
  key: string;
  pattern: RegExp;
  params: string[];
}

/** /v1/members/{memberId} → a regex with one capture per path parameter. */
export function compileRoute(spec: RouteSpec): CompiledRoute {
  const params: string[] = [];
  const source = spec.path
    .split('/')
    .map((segment) => {
      const param = /^\{([A-Za-z0-9_]+)\}$/.exec(segment);
      if (param?.[1]) {
        params.push(param[1]);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { spec, key: routeKey(spec), pattern: new RegExp(`^${source}$`), params };
}

export interface MatchedRoute {
  route: CompiledRoute;
  pathParameters: Record<string, string>;
}

/**
 * Picks the route API Gateway would: a literal segment beats a parameter (so /v1/claims/pre-settle
 * is not read as /v1/claims/{providerCode}), then the method must match.
 */
export function matchRoute(compiled: CompiledRoute[], method: string, path: string): MatchedRoute | undefined {
  const candidates = compiled
    .filter((r) => r.spec.method === method)
    .map((r) => ({ r, m: r.pattern.exec(path) }))
    .filter((c): c is { r: CompiledRoute; m: RegExpExecArray } => c.m !== null)
    .sort((a, b) => a.r.params.length - b.r.params.length);
  const best = candidates[0];
  if (!best) return undefined;
  const pathParameters = Object.fromEntries(best.r.params.map((name, i) => [name, decodeURIComponent(best.m[i + 1] ?? '')]));
  return { route: best.r, pathParameters };
}

function percentDecodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

export interface HttpFrontOptions {
  port: number;
  region: string;
  account: string;
  invoke: (fn: FunctionKey, event: unknown, trigger: 'http' | 'authorizer') => Promise<unknown>;
  /**
   * Extra endpoints of the local cloud itself (JWKS, schedule triggers, the console's files): answered
   * before the routes. A JSON body unless the answer names its headers (then the body is sent as is).
   */
  local: (req: IncomingMessage, url: URL, body: Buffer) => Promise<LocalAnswer | undefined>;
  /**
   * How far `npm start`'s demo year has got (infra/local/demo/progress.ts), served as
   * `GET /local/demo/progress` for the console: a local-cloud page, not a platform route, so it is in
   * no topology and on no AWS stack.
   */
  demoProgress?: () => unknown;
  /** How long the front waits for a route's function (HTTP API: 30 s); a test of the gateway's 503 shortens it. */
  integrationTimeoutMs?: number;
  /** How long a decision of the authorizer is kept per Authorization header (default: the stack's, AUTHORIZER_CACHE_TTL_SECONDS; 0: none). */
  authorizerCacheTtlSeconds?: number;
}

type AuthorizerDecision = APIGatewaySimpleAuthorizerWithContextResult<Record<string, unknown>>;

/** Headers whose decision the front keeps at most (a busy day's tokens); the oldest go first. */
const AUTHORIZER_CACHE_ENTRIES = 10_000;

/**
 * API Gateway's authorizer results cache: the decision (allow with its context, or deny) for one
 * identity source, the Authorization header, kept for the TTL and used for every route. Our
 * authorizer only authenticates (the route's handler checks the role), so its decision depends on
 * the token alone, which is what makes one decision good for every route.
 */
function authorizerCache(ttlSeconds: number) {
  const kept = new Map<string, { decision: AuthorizerDecision; until: number }>();
  return {
    get(header: string): AuthorizerDecision | undefined {
      const entry = kept.get(header);
      if (!entry) return undefined;
      if (entry.until > Date.now()) return entry.decision;
      kept.delete(header);
      return undefined;
    },
    set(header: string, decision: AuthorizerDecision): void {
      if (ttlSeconds <= 0) return;
      if (kept.size >= AUTHORIZER_CACHE_ENTRIES) kept.delete(kept.keys().next().value as string);
      kept.set(header, { decision, until: Date.now() + ttlSeconds * 1000 });
    },
  };
}

export type LocalAnswer =
  | { statusCode: number; body: unknown; headers?: undefined }
  | { statusCode: number; body: Buffer | string; headers: Record<string, string> };

/** Where the console reads the demo year's progress (local cloud only). */
export const DEMO_PROGRESS_PATH = '/local/demo/progress';

export interface HttpFront {
  url: string;
  /** The routes this front serves, as it matched them. */
  routes: RouteSpec[];
  stop(): Promise<void>;
}

const gatewayAnswer = (res: ServerResponse, statusCode: number, message: string) => {
  // API Gateway's own rejections (no route, no token, denied) have this body, not the handlers' one.
  res.writeHead(statusCode, { 'content-type': 'application/json', 'apigw-requestid': randomUUID() });
  res.end(JSON.stringify({ message }));
};

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'cookie') continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

function isTextual(contentType: string | undefined): boolean {
  return !contentType || /^(text\/|application\/(json|x-www-form-urlencoded|xml|.*\+json|x-ndjson|jsonl))/i.test(contentType);
}

/** The HTTP request as an API Gateway HTTP API (payload format 2.0) event. */
export function toApiEvent(req: IncomingMessage, url: URL, body: Buffer, matched: MatchedRoute, account: string): APIGatewayProxyEventV2 {
  const headers = headersOf(req);
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const textual = isTextual(headers['content-type']);
  const now = Date.now();
  const cookies = req.headers.cookie
    ?.split(';')
    .map((c) => c.trim())
    .filter(Boolean);
  return {
    version: '2.0',
    routeKey: matched.route.key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(matched.route.params.length ? { pathParameters: matched.pathParameters } : {}),
    requestContext: {
      accountId: account,
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: matched.route.key,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(body.length ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !textual,
  };
}

function toAuthorizerEvent(event: APIGatewayProxyEventV2, region: string, account: string): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:${region}:${account}:local/$default/${event.requestContext.http.method}${event.rawPath}`,
    identitySource: [event.headers.authorization ?? ''],
    routeKey: event.routeKey,
    rawPath: event.rawPath,
    rawQueryString: event.rawQueryString,
    cookies: event.cookies ?? [],
    headers: event.headers,
    queryStringParameters: event.queryStringParameters ?? {},
    requestContext: event.requestContext,
    pathParameters: event.pathParameters ?? {},
    stageVariables: {},
  };
}

function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2) {
  // HTTP API's rules: a bare string or object without statusCode is a 200 JSON body.
  if (typeof result === 'string' || typeof result !== 'object' || result === null || !('statusCode' in result)) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(typeof result === 'string' ? result : JSON.stringify(result));
    return;
  }
  const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string> | undefined) };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  res.writeHead(result.statusCode ?? 200, headers);
  const body = result.body ?? '';
  res.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

/**
 * The local API Gateway: turns each request into the v2 event of its declared route, runs the
 * authorizer first on authorized routes (401 without a token, 403 when it denies, its context
 * passed on as requestContext.authorizer.lambda), then the route's function.
 */
export async function startHttpFront(options: HttpFrontOptions): Promise<HttpFront> {
  const compiled = routes.map(compileRoute);
  const decisions = authorizerCache(options.authorizerCacheTtlSeconds ?? AUTHORIZER_CACHE_TTL_SECONDS);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) return gatewayAnswer(res, 413, 'Request Entity Too Large');
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);

    if (url.pathname === DEMO_PROGRESS_PATH && options.demoProgress) {
      if (req.method !== 'GET') return gatewayAnswer(res, 405, 'Method Not Allowed');
      // Polled while the year fills in: never cached.
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(options.demoProgress()));
      return;
    }

    const local = await options.local(req, url, body);
    if (local?.headers) {
      res.writeHead(local.statusCode, local.headers);
      res.end(req.method === 'HEAD' ? undefined : local.body);
      return;
    }
    if (local) {
      res.writeHead(local.statusCode, { 'content-type': 'application/json' });
      res.end(JSON.stringify(local.body));
      return;
    }

    // API Gateway answers a path it cannot percent-decode (`%zz`, a cut UTF-8 sequence) with 400 before any route.
    if (!percentDecodable(url.pathname)) return gatewayAnswer(res, 400, 'Bad Request');
    const matched = matchRoute(compiled, req.method ?? 'GET', url.pathname);
    if (!matched) return gatewayAnswer(res, 404, 'Not Found');
    const event = toApiEvent(req, url, body, matched, options.account);

    if (matched.route.spec.authorized) {
      if (!event.headers.authorization) return gatewayAnswer(res, 401, 'Unauthorized');
      let decision = decisions.get(event.headers.authorization);
      if (!decision) {
        try {
          decision = (await options.invoke(
            'authorizer',
            toAuthorizerEvent(event, options.region, options.account),
            'authorizer',
          )) as AuthorizerDecision;
        } catch {
          // A failed authorizer is not a decision: nothing is kept, the next request asks again.
          return gatewayAnswer(res, 500, 'Internal Server Error');
        }
        if (decision && typeof decision.isAuthorized === 'boolean') decisions.set(event.headers.authorization, decision);
      }
      if (!decision?.isAuthorized) return gatewayAnswer(res, 403, 'Forbidden');
      (event.requestContext as unknown as { authorizer: unknown }).authorizer = { lambda: decision.context ?? {} };
    }

    let timer: NodeJS.Timeout | undefined;
    try {
      const stoppedWaiting = new Promise<typeof INTEGRATION_TIMED_OUT>((resolve) => {
        timer = setTimeout(() => resolve(INTEGRATION_TIMED_OUT), options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS);
      });
      const result = await Promise.race([options.invoke(matched.route.spec.function, event, 'http'), stoppedWaiting]);
      // As an HTTP API does when its integration has not answered in 30 s (the function may still finish).
      if (result === INTEGRATION_TIMED_OUT) return gatewayAnswer(res, 503, 'Service Unavailable');
      writeResult(res, result as APIGatewayProxyResultV2);
    } catch {
      gatewayAnswer(res, 500, 'Internal Server Error');
    } finally {
      clearTimeout(timer);
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) gatewayAnswer(res, 500, 'Internal Server Error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routes: compiled.map((r) => r.spec),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
