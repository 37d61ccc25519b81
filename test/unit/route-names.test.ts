/**
 * Route names: infra/topology.ts names every route once (method, path, function, name); a handler's
 * table and its OpenAPI docs are keyed by the name, and httpApi finds the name from the route key
 * API Gateway sends. (A missing or extra name is a compile error: `npm run typecheck`.)
 */
import { describe, expect, it } from 'vitest';
import { routeKey, routeNamed, routes, type RouteName } from '../../infra/topology.ts';
import { STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';
import { type ApiEvent, httpApi, type RouteTableOf } from '../../shared/http/api.ts';
import { pendingRoutes } from '../../shared/http/pending.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { collectRouteDocs } from '../../tools/openapi.ts';
import { routeDocsOf } from '../../tools/route-docs.ts';
import { lambdaContext } from '../support/lambda-context.ts';

const context = lambdaContext();

const apiEvent = (key: string): ApiEvent =>
  ({
    version: '2.0',
    routeKey: key,
    rawPath: '/',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-1',
      routeKey: key,
      // A clerk holding every permission: these tests are about dispatch, not the permission guard.
      authorizer: { lambda: { sub: 'clerk', role: 'staff', permissions: Object.keys(STAFF_PERMISSIONS).join(' ') } },
      http: { method: key.split(' ')[0], path: '/', protocol: 'HTTP/1.1', sourceIp: '1', userAgent: '' },
    },
  }) as never;

type Answer = { statusCode: number; body: string };

describe('route names in infra/topology.ts', () => {
  it('names every route once, in camelCase, and keeps one route per method and path', () => {
    const names = routes.map((r) => r.name);
    expect(names).toHaveLength(
      65 +
        8 /* personal accounts, issue 12.2 */ +
        8 /* employers, employment, monthly contributions, issue 12.1 */ +
        4 /* policy simulation, issue 18 */ +
        3 /* a claim's audit result, the provider's appeal, the daily digest of review items, issue 13 */ +
        16 /* long-term care, issue 15 (the fund report: issue 15 point 1) */ +
        5 /* maternity: pregnancies, eligibility, allowances, employer wages, issue 15 */ +
        1 /* fund accounts per scheme, issue 14.5 */ +
        4 /* the console's reads: a provider's claims and funds, the risk report, the case mix, issue 16 */ +
        4 /* operations: outbox dead letters (list, replay), reconciliation (run, report), issue 20 */ +
        1 /* a member's pregnancies, for the console's member record, issue 16 */,
    );
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z][a-zA-Z]*$/);
    expect(new Set(routes.map(routeKey)).size).toBe(routes.length);
  });

  it('gives the declared route of a name, and refuses a name it does not declare', () => {
    expect(routeNamed('settleClaim')).toEqual({
      name: 'settleClaim',
      method: 'POST',
      path: '/v1/claims',
      function: 'adjudication',
      authorized: true,
    });
    expect(() => routeNamed('settleClaims' as RouteName)).toThrow(/no route named settleClaims/);
  });
});

describe('httpApi over a table keyed by route name', () => {
  const table: RouteTableOf<'adjudication'> = {
    preSettleClaim: () => ({ statusCode: 200, body: { route: 'preSettleClaim' } }),
    settleClaim: () => ({ statusCode: 201, body: { route: 'settleClaim' } }),
    getClaim: () => ({ statusCode: 200, body: { route: 'getClaim' } }),
    listProviderClaims: () => ({ statusCode: 200, body: { route: 'listProviderClaims' } }),
    reverseClaim: () => ({ statusCode: 200, body: { route: 'reverseClaim' } }),
  };
  const handler = httpApi(createLogger('test'), 'adjudication', table);

  it('dispatches the route key API Gateway sends to the route of that name', async () => {
    for (const name of ['settleClaim', 'getClaim', 'reverseClaim', 'preSettleClaim'] as const) {
      const res = (await handler(apiEvent(routeKey(routeNamed(name))), context)) as Answer;
      expect(JSON.parse(res.body)).toEqual({ route: name });
    }
  });

  it("answers 404 for another function's route key, and for the name itself sent as a key", async () => {
    expect(((await handler(apiEvent('POST /v1/members'), context)) as Answer).statusCode).toBe(404);
    expect(((await handler(apiEvent('settleClaim'), context)) as Answer).statusCode).toBe(404);
  });

  it('refuses at cold start a name the topology does not give the function (a spread escapes the compiler)', () => {
    const stray = { enrolMember: () => ({ statusCode: 200 }) };
    expect(() => httpApi(createLogger('test'), 'adjudication', { ...table, ...stray })).toThrow(
      /adjudication has no route named enrolMember/,
    );
  });
});

describe('pendingRoutes', () => {
  it('answers 501 for a declared route by name, naming its key and the issue that builds it', async () => {
    const handler = httpApi(createLogger('test'), 'platform', {
      health: () => ({ statusCode: 200 }),
      ...pendingRoutes(['ping'], 'issue 99'),
    });
    const res = (await handler(apiEvent('POST /v1/ping'), context)) as Answer;
    expect(res.statusCode).toBe(501);
    expect(JSON.parse(res.body).error.message).toBe('POST /v1/ping is declared but not built yet: it arrives with issue 99');
  });
});

describe('routeDocsOf', () => {
  it('takes the method and path of each documented name from the topology, in the order written', () => {
    const docs = routeDocsOf<'platform'>({
      ping: { summary: 'p', roles: ['staff'], responses: { 200: { description: 'ok' } } },
      health: { summary: 'h', roles: [], responses: { 200: { description: 'ok' } } },
    });
    expect(docs.map((d) => `${d.method} ${d.path}`)).toEqual(['POST /v1/ping', 'GET /health']);
  });

  it('documents every route of every function under its own name', async () => {
    const documented = (await collectRouteDocs()).flatMap(({ docs }) => docs.map(routeKey));
    expect(documented.sort()).toEqual(routes.map(routeKey).sort());
  });
});
