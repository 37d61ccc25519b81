import { type RouteName, routeKey, routeNamed } from '../../infra/topology.ts';
import type { RouteHandler } from './api.ts';
import { notImplemented } from './errors.ts';

/**
 * Routes the stack already serves whose behaviour a later issue builds, by name (spread into the
 * function's table): they answer 501 in the uniform error body, naming that issue, so an integrator
 * sees a contract rather than a 404.
 */
export function pendingRoutes<N extends RouteName>(names: readonly N[], arrivesWith: string): Record<N, RouteHandler> {
  const table = {} as Record<N, RouteHandler>;
  for (const name of names) {
    table[name] = () => {
      throw notImplemented(`${routeKey(routeNamed(name))} is declared but not built yet: it arrives with ${arrivesWith}`);
    };
  }
  return table;
}
