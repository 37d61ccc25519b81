/**
 * The provider register (定点医药机构), kept by agency staff:
 *   POST /v1/providers                  register a provider (the same registration again: 200, nothing written)
 *   GET  /v1/providers/{providerCode}   a provider's profile (staff; a provider may read its own)
 *
 * Settlement reads a profile's level and region (shared/settlement/store/providers.ts); budgets,
 * health communities and runs read its region (shared/budget/store/register.ts writes and reads it).
 */
import * as z from 'zod';
import type { RouteHandler, RouteTableOf } from '../../shared/http/api.ts';
import { conflict, notFound } from '../../shared/http/errors.ts';
import { requireRole } from '../../shared/auth/principal.ts';
import { providerCodeSchema } from '../../shared/budget/budget.ts';
import { providerInputSchema } from '../../shared/budget/provider.ts';
import { getProvider, registerProvider } from '../../shared/budget/store/register.ts';
import { poolingRegionOf } from '../../shared/policy/store/pooling.ts';

const registerRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'staff');
  const input = request.body(providerInputSchema);
  const profile = { ...input, poolingRegion: input.poolingRegion ?? (await poolingRegionOf(input.region)) };
  const outcome = await registerProvider(profile, principal.sub, new Date().toISOString());
  if (outcome === 'conflict')
    throw conflict(`Provider ${profile.providerCode} is already registered with other details`, { field: 'body.providerCode' });
  request.logger.info('Provider registered', {
    providerCode: profile.providerCode,
    region: profile.region,
    poolingRegion: profile.poolingRegion,
    outcome,
  });
  return { statusCode: outcome === 'created' ? 201 : 200, body: { outcome, provider: profile } };
};

const getRoute: RouteHandler = async (request) => {
  const { providerCode } = request.params(z.object({ providerCode: providerCodeSchema }));
  const principal = request.principal();
  requireRole(principal, 'staff', 'provider');
  // Another provider's record answers exactly as a missing one.
  const provider = principal.role === 'provider' && principal.providerCode !== providerCode ? undefined : await getProvider(providerCode);
  if (!provider) throw notFound(`No provider ${providerCode} in the register`);
  return { statusCode: 200, body: { provider } };
};

/** The admin routes under /v1/providers (infra/topology.ts gives them to admin). */
export const providerRoutes: Pick<RouteTableOf<'admin'>, 'registerProvider' | 'getProvider'> = {
  registerProvider: registerRoute,
  getProvider: getRoute,
};
