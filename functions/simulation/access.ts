/**
 * Who may run and read simulations: staff holding `simulation:run` run them and read every region's;
 * a regulator reads its own region's (fund supervision); providers nothing.
 */
import { requireRole, type Principal } from '../../shared/auth/principal.ts';
import { forbidden } from '../../shared/http/errors.ts';

export function requireRunner(principal: Principal): asserts principal is Extract<Principal, { role: 'staff' }> {
  requireRole(principal, 'staff');
}

export function requireReaderOf(principal: Principal, region: string): void {
  requireRole(principal, 'staff', 'regulator');
  // Staff hold simulation:run: the routes declare it (infra/topology.ts) and httpApi checks it.
  if (principal.role === 'staff') return;
  if (principal.role === 'regulator' && principal.region !== region)
    throw forbidden(`A regulator of ${principal.region} may not read simulations of region ${region}`, { field: 'region' });
}
