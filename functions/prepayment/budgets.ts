/**
 * PUT /v1/budgets/{region}/{year}: staff set a region's fund budget for a year and its split (a new
 * version each time it changes; the same budget again is a 200 that writes nothing).
 * GET /v1/budgets/{region}/{year}: the latest version (or ?version=n), with its derived figures.
 */
import * as z from 'zod';
import type { RouteHandler } from '../../shared/http/api.ts';
import { badRequest, conflict, notFound } from '../../shared/http/errors.ts';
import { budgetInputSchema, checkBudget, regionSchema } from '../../shared/budget/budget.ts';
import { requireReaderOf, requireStaff } from '../../shared/budget/access.ts';
import { policies } from '../../shared/policy/store/registry.ts';
import { yearEndKind } from '../../shared/policy/year-end.ts';
import { getBudget, putBudget } from '../../shared/budget/store/budget.ts';
import { getCommunity, getProviders } from '../../shared/budget/store/register.ts';
import { capitatedPopulation as capitatedPopulation_ } from '../../shared/budget/store/capitated-population.ts';
import { mapLimit } from '../../shared/budget/store/db.ts';

export const yearParam = z.coerce.number().int().min(2000).max(2100);
export const budgetParams = z.object({ region: regionSchema, year: yearParam });

export const putBudgetRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireStaff(principal);
  const { region, year } = request.params(budgetParams);
  const input = request.body(budgetInputSchema);
  const policy = await policies.forYear(yearEndKind, region, year);
  if (!policy)
    throw conflict(
      `No settlement policy for region ${region} in ${year}: publish its year-end policy first (POST /v1/policies, kind year-end)`,
      {
        field: 'path.year',
      },
    );

  const providers = await getProviders(input.providers.map((p) => p.providerCode));
  const communities = new Map(
    (await mapLimit(input.healthCommunities, 8, (c) => getCommunity(c.communityId))).flatMap((c) =>
      c ? [[c.communityId, c] as const] : [],
    ),
  );
  // A community whose count the budget leaves out takes the approvals register's (its capitated population that year).
  const capitatedPopulation = new Map(
    await mapLimit(
      input.healthCommunities.filter((c) => c.capitatedMembers === undefined),
      8,
      async (c) => [c.communityId, await capitatedPopulation_(c.communityId, year)] as const,
    ),
  );
  const checked = checkBudget(region, year, input, policy, { providers, communities, capitatedPopulation });
  if (!checked.ok) throw badRequest(`${checked.problems[0]!.field}: ${checked.problems[0]!.message}`, { problems: checked.problems });

  const written = await putBudget(checked.budget, principal.sub, new Date().toISOString());
  if (written.outcome === 'conflict')
    throw conflict(`The ${region} ${year} budget was changed by someone else meanwhile; read it and try again`);
  request.logger.info('Budget set', {
    region,
    year,
    version: written.budget.version,
    outcome: written.outcome,
    providers: input.providers.length,
  });
  return { statusCode: written.outcome === 'created' ? 201 : 200, body: { outcome: written.outcome, budget: written.budget } };
};

export const getBudgetRoute: RouteHandler = async (request) => {
  const { region, year } = request.params(budgetParams);
  requireReaderOf(request.principal(), region);
  const { version } = request.query(z.object({ version: z.coerce.number().int().positive().optional() }));
  const budget = await getBudget(region, year, version);
  if (!budget) throw notFound(`No budget for region ${region} in ${year}${version ? ` version ${version}` : ''}`);
  return { statusCode: 200, body: { budget } };
};
