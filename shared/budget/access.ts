/**
 * Who may touch budgets, runs and reports: staff set and run everything; a regulator may read the
 * reports of its own region (fund supervision); providers get nothing here (their advances reach
 * them as payments, not through these routes).
 */
import { forbidden } from '../http/errors.ts';
import { requireRole, type Principal } from '../auth/principal.ts';

export function requireStaff(principal: Principal): asserts principal is Extract<Principal, { role: 'staff' }> {
  requireRole(principal, 'staff');
}

export function requireReaderOf(principal: Principal, region: string): void {
  requireRole(principal, 'staff', 'regulator');
  if (principal.role === 'regulator' && principal.region !== region) {
    throw forbidden(`A regulator of ${principal.region} may not read region ${region}`, { field: 'region' });
  }
}
