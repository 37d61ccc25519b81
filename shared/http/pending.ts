import type { RouteTable } from './api.ts';
import { notImplemented } from './errors.ts';

/**
 * Routes the stack already serves whose behaviour a later issue builds: they answer 501 in the
 * uniform error body, naming that issue, so an integrator sees a contract rather than a 404.
 */
export function pendingRoutes(routeKeys: readonly string[], arrivesWith: string): RouteTable {
  return Object.fromEntries(
    routeKeys.map((key) => [
      key,
      () => {
        throw notImplemented(`${key} is declared but not built yet: it arrives with ${arrivesWith}`);
      },
    ]),
  );
}
