import { describe, expect, it } from 'vitest';
import { compileRoute, matchRoute } from '../../infra/local/http-front.ts';
import { routes, type RouteSpec } from '../../infra/topology.ts';

const compiled = routes.map(compileRoute);

describe('local API Gateway route matching', () => {
  it('prefers a literal segment over a path parameter', () => {
    expect(matchRoute(compiled, 'POST', '/v1/claims/pre-settle')?.route.key).toBe('POST /v1/claims/pre-settle');
    expect(matchRoute(compiled, 'POST', '/v1/members/bulk')?.route.key).toBe('POST /v1/members/bulk');
  });

  it('extracts and decodes path parameters', () => {
    const m = matchRoute(compiled, 'GET', '/v1/claims/H0001/ZY%2F2026-1');
    expect(m?.route.key).toBe('GET /v1/claims/{providerCode}/{claimNo}');
    expect(m?.pathParameters).toEqual({ providerCode: 'H0001', claimNo: 'ZY/2026-1' });
  });

  it('needs the method, the whole path and no extra segment', () => {
    expect(matchRoute(compiled, 'DELETE', '/v1/members')).toBeUndefined();
    expect(matchRoute(compiled, 'GET', '/v1/members/M1/eligibility/extra')).toBeUndefined();
    expect(matchRoute(compiled, 'GET', '/v1/members/')).toBeUndefined();
  });

  it('matches every declared route by its own template', () => {
    for (const spec of routes) {
      const path = spec.path.replace(/\{[^}]+\}/g, 'X1');
      expect(matchRoute(compiled, spec.method, path)?.route.spec, `${spec.method} ${spec.path}`).toBe(spec);
    }
  });

  it('escapes regex characters in literal segments', () => {
    const odd: RouteSpec = { name: 'odd', method: 'GET', path: '/v1/a.b/{id}', function: 'platform', authorized: false };
    const table = [compileRoute(odd)];
    expect(matchRoute(table, 'GET', '/v1/a.b/7')).toBeDefined();
    expect(matchRoute(table, 'GET', '/v1/aXb/7')).toBeUndefined();
  });
});
