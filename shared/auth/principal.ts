import * as z from 'zod';
import { forbidden, unauthorized } from '../http/errors.ts';

/**
 * Who is calling. Three roles, each bound to what it may see:
 *  - provider: a hospital or pharmacy system, bound to its provider code (it acts only for itself);
 *  - staff: agency staff, with permissions;
 *  - regulator: a supervision office, bound to its pooling region.
 * The same shape is carried in the JWT claims and in the authorizer's context.
 */
export const ROLES = ['provider', 'staff', 'regulator'] as const;
export type Role = (typeof ROLES)[number];

const providerCode = z.string().regex(/^[A-Z0-9]{4,20}$/, 'a provider code is 4-20 upper-case letters or digits');
const regionCode = z.string().regex(/^\d{6}$/, 'a region code is the 6-digit administrative division code');

export const principalSchema = z.discriminatedUnion('role', [
  z.object({ sub: z.string().min(1), role: z.literal('provider'), providerCode }),
  z.object({ sub: z.string().min(1), role: z.literal('staff'), permissions: z.array(z.string()).default([]) }),
  z.object({ sub: z.string().min(1), role: z.literal('regulator'), region: regionCode }),
]);
export type Principal = z.infer<typeof principalSchema>;

/**
 * The authorizer's context may carry only flat string values (API Gateway's rule), so permissions
 * travel space-separated and are split again here.
 */
export function principalToContext(p: Principal): Record<string, string> {
  switch (p.role) {
    case 'provider':
      return { sub: p.sub, role: p.role, providerCode: p.providerCode };
    case 'staff':
      return { sub: p.sub, role: p.role, permissions: p.permissions.join(' ') };
    case 'regulator':
      return { sub: p.sub, role: p.role, region: p.region };
  }
}

export function principalFromContext(context: Record<string, unknown> | undefined): Principal {
  if (!context) throw unauthorized();
  const raw = { ...context } as Record<string, unknown>;
  if (typeof raw.permissions === 'string') raw.permissions = raw.permissions.split(' ').filter(Boolean);
  const parsed = principalSchema.safeParse(raw);
  if (!parsed.success) throw unauthorized('The token does not name a known role');
  return parsed.data;
}

export function requireRole<R extends Role>(principal: Principal, ...roles: R[]): asserts principal is Extract<Principal, { role: R }> {
  if (!(roles as Role[]).includes(principal.role)) {
    throw forbidden(`This route is for ${roles.join(' or ')}; the caller is ${principal.role}`, { requiredRoles: roles });
  }
}

/** A provider acts only for itself; staff act for any provider; regulators never act for one. */
export function requireActingFor(principal: Principal, provider: string): void {
  if (principal.role === 'staff') return;
  if (principal.role === 'provider' && principal.providerCode === provider) return;
  throw forbidden(`The caller may not act for provider ${provider}`, { field: 'providerCode' });
}

/**
 * Staff permissions, named by what they let a clerk change. A staff token carries the ones its
 * holder was granted; a route that changes an agency register or the fund's money requires its
 * permission (a staff token without it is a 403 naming it). Which route requires which is declared
 * with the route in infra/topology.ts and enforced by `httpApi` (shared/http/api.ts); add a
 * permission here, so the list stays the one documented set.
 */
export const STAFF_PERMISSIONS = {
  /** Enrolment (参保登记): enrol members one by one or in bulk, record contributions, categories, transfers, out-of-area registrations. */
  'members:write': 'enrol members and change their enrolment (contributions, categories, transfers, out-of-area)',
  /** Claims (结算): settle or reverse a claim on a provider's behalf (手工报销 at the agency's counter). */
  'claims:write': 'settle and reverse claims on a provider’s behalf',
  /** Designated providers (定点医药机构): register them. */
  'providers:write': 'register designated providers',
  /** Policies (政策): publish a new version of any policy kind. */
  'policies:publish': 'publish policy versions',
  /** Budgets (总额预算): the year's budget, health communities, their assessments and capitated members. */
  'budgets:write': 'set budgets, register health communities, their assessments and capitated members',
  /** Payments (拨付): start prepayment and year-end settlement runs, which move the fund's money. */
  'payments:run': 'start prepayment and year-end settlement runs',
  /** The audit trail (审计追踪): every fact kept for a correlation id, across regions. */
  'audit:read': 'read the audit trail of any region',
  /** Catalogues (医保目录): import and publish versions. */
  'catalogue:write': 'import and publish catalogue versions',
  /** Chronic-disease approvals, family-doctor contracts, households, supplementary-plan enrolments. */
  'registers:write': 'change the member registers (approvals, contracts, households, supplementary plans)',
  /** Employers and their monthly contributions. */
  'contributions:write': 'register employers and record or import contributions',
  /** Personal accounts (个人账户): credits, mutual-aid payments, transfers. */
  'accounts:write': 'credit personal accounts and pay from them on a member’s request',
  /** Long-term care (长期护理保险): the assessor register, care institutions' certification, assigning assessors, reversing care claims. */
  'ltc:manage': 'register assessors and care institutions, assign assessments, reverse care claims',
  /** Long-term care: an assessor scores or confirms the assessments assigned to them (失能评估). */
  'ltc:assess': 'score and confirm disability assessments as an assigned assessor',
  /** Policy simulation (政策测算): run a draft over settled claims and read the results. */
  'simulation:run': 'run policy simulations of drafts and read their reports',
  /** Maternity (生育保险): grant the maternity allowance (生育津贴). */
  'maternity:write': 'grant maternity allowances',
  /** Operators: list, inspect and replay the outbox's dead letters (events the bus kept refusing). */
  'operations:replay': 'list, inspect and replay dead-lettered events',
  /** Operators: run reconciliation of settled claims against what reached downstream, and read its reports. */
  'operations:reconcile': 'run reconciliation and read its reports',
} as const;
export type StaffPermission = keyof typeof STAFF_PERMISSIONS;

/** Staff holding `permission`: anyone else (another role, or staff without it) is a 403 that names it. */
export function requirePermission(
  principal: Principal,
  permission: StaffPermission,
): asserts principal is Extract<Principal, { role: 'staff' }> {
  requireRole(principal, 'staff');
  requireStaffPermission(principal, permission);
}

/**
 * A route's declared permission (infra/topology.ts), as `httpApi` applies it before the handler: a
 * staff caller must hold it (a 403 naming it); other roles pass to the handler's own role checks.
 */
export function requireStaffPermission(principal: Principal, permission: StaffPermission): void {
  if (principal.role !== 'staff' || principal.permissions.includes(permission)) return;
  throw forbidden(`This route needs the staff permission ${permission} (${STAFF_PERMISSIONS[permission]})`, {
    requiredPermission: permission,
  });
}

/** Every staff permission: for a local clerk who does everything (tests, the demo, local tools). */
export const ALL_STAFF_PERMISSIONS = Object.keys(STAFF_PERMISSIONS) as StaffPermission[];

/** Every staff permission but the ones named: a clerk to show what lacking exactly those refuses. */
export const allPermissionsBut = (...excluded: StaffPermission[]): StaffPermission[] =>
  ALL_STAFF_PERMISSIONS.filter((p) => !excluded.includes(p));
