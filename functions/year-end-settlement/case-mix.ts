/**
 * GET /v1/reports/case-mix/{region}/{year}: the region-year's case mix (shared/drg/case-mix.ts) and
 * its point value: the year-end's when the year has been settled, else the budget's DRG/DIP pool over
 * the points so far (what a point would be worth if the year ended now). Staff, or a regulator of the
 * region; for the fund dashboard.
 */
import type { RouteHandler } from '../../shared/http/api.ts';
import { requireReaderOf } from '../../shared/budget/access.ts';
import { pointValue, type PointValue } from '../../shared/budget/point-value.ts';
import { getBudget } from '../../shared/budget/store/budget.ts';
import { getRunVersion } from '../../shared/budget/store/runs.ts';
import { caseMix } from '../../shared/drg/case-mix.ts';
import { regionCaseFacts } from '../../shared/drg/store/case-mix.ts';
import { yearParams } from './reports.ts';
import type { YearEndSummary } from './run.ts';

export const caseMixRoute: RouteHandler = async (request) => {
  const { region, year } = request.params(yearParams);
  requireReaderOf(request.principal(), region);
  const [facts, run, budget] = await Promise.all([
    regionCaseFacts(region, year),
    getRunVersion('year-end', region, String(year)),
    getBudget(region, year),
  ]);
  const mix = caseMix(facts);
  const settled = (run?.summary as YearEndSummary | undefined)?.pointValue;
  const point: (PointValue & { basis: 'year-end' | 'budget-so-far' }) | null = settled
    ? { ...settled, basis: 'year-end' }
    : budget
      ? { ...pointValue(budget.drgBudgetFen, mix.totalCentipoints), basis: 'budget-so-far' }
      : null;
  return { statusCode: 200, body: { region, year, ...mix, pointValue: point } };
};
