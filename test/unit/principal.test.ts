import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  principalFromContext,
  principalToContext,
  requireActingFor,
  requirePermission,
  requireRole,
  type Principal,
} from '../../shared/auth/principal.ts';
import { HttpError } from '../../shared/http/errors.ts';

const principals: fc.Arbitrary<Principal> = fc.oneof(
  fc.record({
    sub: fc.string({ minLength: 1 }),
    role: fc.constant('provider' as const),
    providerCode: fc.stringMatching(/^[A-Z0-9]{4,20}$/),
  }),
  fc.record({
    sub: fc.string({ minLength: 1 }),
    role: fc.constant('staff' as const),
    permissions: fc.array(fc.stringMatching(/^[a-z:]{1,12}$/), { maxLength: 4 }),
  }),
  fc.record({ sub: fc.string({ minLength: 1 }), role: fc.constant('regulator' as const), region: fc.stringMatching(/^\d{6}$/) }),
);

const statusOf = (fn: () => void) => {
  try {
    fn();
    return 200;
  } catch (e) {
    return e instanceof HttpError ? e.statusCode : 500;
  }
};

describe('principal', () => {
  it('survives the trip through the authorizer context (flat strings only)', () => {
    fc.assert(
      fc.property(principals, (p) => {
        const context = principalToContext(p);
        expect(Object.values(context).every((v) => typeof v === 'string')).toBe(true);
        expect(principalFromContext(context)).toEqual(p);
      }),
    );
  });

  it('refuses a context without a role, or a provider without its code', () => {
    expect(statusOf(() => principalFromContext(undefined))).toBe(401);
    expect(statusOf(() => principalFromContext({ sub: 'x', role: 'root' }))).toBe(401);
    expect(statusOf(() => principalFromContext({ sub: 'x', role: 'provider' }))).toBe(401);
  });

  it('lets a provider act only for itself, staff for anyone, a regulator for no provider', () => {
    const provider: Principal = { sub: 'a', role: 'provider', providerCode: 'H0001' };
    expect(statusOf(() => requireActingFor(provider, 'H0001'))).toBe(200);
    expect(statusOf(() => requireActingFor(provider, 'H0002'))).toBe(403);
    expect(statusOf(() => requireActingFor({ sub: 's', role: 'staff', permissions: [] }, 'H0002'))).toBe(200);
    expect(statusOf(() => requireActingFor({ sub: 'r', role: 'regulator', region: '330900' }, 'H0001'))).toBe(403);
  });

  it('checks roles', () => {
    const regulator: Principal = { sub: 'r', role: 'regulator', region: '330900' };
    expect(statusOf(() => requireRole(regulator, 'staff'))).toBe(403);
    expect(statusOf(() => requireRole(regulator, 'staff', 'regulator'))).toBe(200);
  });
});

describe('staff permissions', () => {
  it('lets staff holding the permission through and refuses everyone else with a 403 naming it', () => {
    const clerk: Principal = { sub: 'c', role: 'staff', permissions: ['registers:write'] };
    const bare: Principal = { sub: 'c', role: 'staff', permissions: [] };
    const provider: Principal = { sub: 'p', role: 'provider', providerCode: 'H0001' };
    expect(statusOf(() => requirePermission(clerk, 'registers:write'))).toBe(200);
    expect(statusOf(() => requirePermission(clerk, 'catalogue:write'))).toBe(403);
    expect(statusOf(() => requirePermission(bare, 'registers:write'))).toBe(403);
    expect(statusOf(() => requirePermission(provider, 'registers:write'))).toBe(403);
    try {
      requirePermission(bare, 'accounts:write');
    } catch (e) {
      expect((e as HttpError).message).toContain('accounts:write');
    }
  });
});
