/**
 * Staff permissions per route (issue 20.6): `routePermissions` in infra/topology.ts names the
 * permission of every route (a Record over every route name: a route without its line is a compile
 * error), `httpApi` refuses a staff token without it before the handler runs (403 naming it), the
 * OpenAPI document and shared/auth/README.md say the same.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { permissionOf, routeKey, routePermissions, routes } from '../../infra/topology.ts';
import { STAFF_PERMISSIONS, type StaffPermission } from '../../shared/auth/principal.ts';
import { type ApiEvent, httpApi, type RouteTableOf } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { buildOpenApiDocument } from '../../tools/openapi.ts';
import { lambdaContext } from '../support/lambda-context.ts';

const context = lambdaContext();

const event = (key: string, principal: Record<string, string>): ApiEvent =>
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
      http: { method: key.split(' ')[0], path: '/', protocol: 'HTTP/1.1', sourceIp: '1', userAgent: '' },
      authorizer: { lambda: principal },
    },
  }) as never;

/**
 * The writes staff may make that need no permission, each for its written reason; every other route
 * that is not a GET names one. A new write route lands here only with its reason.
 */
const WRITES_WITHOUT_PERMISSION: Record<string, string> = {
  ping: 'a connectivity check that stores nothing',
  lookUpMember: 'a read (a POST so the ID number stays out of URLs); audited and rate-limited for providers',
  preSettleClaim: 'a calculation that stores nothing',
  preGroupCase: 'a calculation that stores nothing',
  appealClaimAudit: 'providers only',
  transitionAlert: 'regulators only',
  createSubscription: 'regulators only',
  deleteSubscription: 'regulators only',
  applyForCareAssessment: 'a member’s own application, taken at the counter by any clerk',
  appealCareAssessment: 'a member’s own appeal, taken at the counter by any clerk',
};

describe('routePermissions (infra/topology.ts)', () => {
  it('names a permission of STAFF_PERMISSIONS, or null, for every declared route and nothing else', () => {
    expect(Object.keys(routePermissions).sort()).toEqual(routes.map((r) => r.name).sort());
    for (const permission of Object.values(routePermissions)) {
      if (permission !== null) expect(Object.keys(STAFF_PERMISSIONS)).toContain(permission);
    }
    // Every permission guards at least one route: none is declared for nothing.
    const used = new Set(Object.values(routePermissions).filter(Boolean));
    expect(Object.keys(STAFF_PERMISSIONS).filter((p) => !used.has(p as StaffPermission))).toEqual([]);
  });

  it('requires a permission of every write but the listed ones', () => {
    const unguarded = routes.filter((r) => r.method !== 'GET' && !permissionOf(r.name)).map((r) => r.name);
    expect(unguarded.sort()).toEqual(Object.keys(WRITES_WITHOUT_PERMISSION).sort());
    expect(Object.values(routePermissions).filter(Boolean).length).toBe(54 + 4 /* operations: dead letters and reconciliation, issue 20 */);
  });
});

describe('httpApi applies the declared permission before the handler', () => {
  let reached = 0;
  const ok = () => {
    reached += 1;
    return { statusCode: 200, body: { ok: true } };
  };
  const table: RouteTableOf<'adjudication'> = {
    preSettleClaim: ok,
    settleClaim: ok,
    getClaim: ok,
    reverseClaim: ok,
    listProviderClaims: ok,
  };
  const handler = httpApi(createLogger('test'), 'adjudication', table);
  const call = async (name: 'settleClaim' | 'getClaim', principal: Record<string, string>) =>
    (await handler(event(routeKey(routes.find((r) => r.name === name)!), principal), context)) as {
      statusCode: number;
      body: string;
    };

  it('refuses staff without the permission with a 403 naming it, and never runs the handler', async () => {
    reached = 0;
    const res = await call('settleClaim', { sub: 'clerk', role: 'staff', permissions: 'accounts:write registers:write' });
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body).error).toEqual({
      code: 'FORBIDDEN',
      message: `This route needs the staff permission claims:write (${STAFF_PERMISSIONS['claims:write']})`,
      details: { requiredPermission: 'claims:write' },
    });
    expect(reached).toBe(0);
  });

  it('lets staff holding it, and other roles (their handler decides), reach the handler; a route without one is open to all staff', async () => {
    reached = 0;
    expect((await call('settleClaim', { sub: 'clerk', role: 'staff', permissions: 'claims:write' })).statusCode).toBe(200);
    expect((await call('settleClaim', { sub: 'his', role: 'provider', providerCode: 'H0001' })).statusCode).toBe(200);
    expect((await call('getClaim', { sub: 'clerk', role: 'staff', permissions: '' })).statusCode).toBe(200);
    expect(reached).toBe(3);
  });

  it('answers 401, not 403, when the request carries no principal at all', async () => {
    const res = (await handler(event(routeKey(routes.find((r) => r.name === 'settleClaim')!), undefined as never), context)) as {
      statusCode: number;
    };
    expect(res.statusCode).toBe(401);
  });
});

describe('the permission is documented', () => {
  it('in docs/openapi.json (x-permission and the description) for exactly the routes that declare one', async () => {
    const doc = (await buildOpenApiDocument()) as unknown as {
      paths: Record<string, Record<string, { 'x-permission'?: string; description?: string }>>;
    };
    for (const r of routes) {
      const path = r.path;
      const op = doc.paths[path]?.[r.method.toLowerCase()];
      expect(op, r.name).toBeDefined();
      expect(op!['x-permission'], r.name).toBe(permissionOf(r.name));
      if (permissionOf(r.name)) expect(op!.description, r.name).toContain(`\`${permissionOf(r.name)}\``);
    }
  });

  it('in shared/auth/README.md, one line per permission naming its routes', () => {
    const readme = readFileSync(new URL('../../shared/auth/README.md', import.meta.url), 'utf8');
    for (const permission of Object.keys(STAFF_PERMISSIONS) as StaffPermission[]) {
      const names = routes.filter((r) => permissionOf(r.name) === permission).map((r) => r.name);
      const line = readme.split('\n').find((l) => l.startsWith(`| \`${permission}\``));
      expect(line, permission).toBeDefined();
      for (const name of names) expect(line, `${permission} ${name}`).toContain(`\`${name}\``);
    }
  });
});
