/**
 * How a function documents its routes (functions/<folder>/openapi.ts): one entry per route the
 * function owns in infra/topology.ts, keyed by the route's name there (`settleClaim`), so a route left
 * undocumented or one the topology does not give the function is a compile error, and the method and
 * path are written only in the topology. tools/openapi.ts collects them into docs/openapi.json.
 */
import type * as z from 'zod';
import { type FunctionKey, type HttpMethod, type RouteName, type RouteNameOf, routeNamed } from '../infra/topology.ts';
import type { Role } from '../shared/auth/principal.ts';

/** One route's documentation, written beside the function that serves it. */
export interface RouteDoc {
  method: HttpMethod;
  /** The API Gateway path template, exactly as in infra/topology.ts. */
  path: string;
  summary: string;
  description?: string;
  /** Who may call it (checked in the handler; shown in the document). */
  roles: Role[];
  tags?: string[];
  request?: {
    params?: z.ZodObject;
    query?: z.ZodObject;
    body?: z.ZodType;
  };
  /** Success responses, and any error status beyond the shared 400/401/403 (404, 409 …), by status. */
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

/** A route's documentation without its method and path: its name says them (infra/topology.ts). */
export type RouteDocBody = Omit<RouteDoc, 'method' | 'path'>;

/** The docs of every route a function owns, keyed by route name (`enrolMember`), as RouteDoc entries in the order written. */
export function routeDocsOf<F extends FunctionKey>(docs: Record<RouteNameOf<F>, RouteDocBody>): RouteDoc[] {
  return (Object.entries(docs) as [RouteName, RouteDocBody][]).map(([name, doc]) => {
    const { method, path } = routeNamed(name);
    return { method, path, ...doc };
  });
}
