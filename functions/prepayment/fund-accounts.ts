/**
 * GET /v1/reports/fund-accounts/{region}/{year}: each scheme's fund account (职工 and 城乡居民 apart)
 * through a month: contribution income by source, payments by layer, reserve and months of payment,
 * budget against execution, and each scheme's warning levels as last recorded. JSON, or CSV (one row
 * per scheme and month, and a total row per scheme with its reserve and budget figures). Staff, or
 * a regulator of the region.
 */
import * as z from 'zod';
import type { RouteHandler } from '../../shared/http/api.ts';
import { conflict, notFound } from '../../shared/http/errors.ts';
import { regionSchema } from '../../shared/budget/budget.ts';
import { requireReaderOf } from '../../shared/budget/access.ts';
import { csvResponse } from '../../shared/budget/http-text.ts';
import { fenToYuan } from '../../shared/money/fen.ts';
import { toCsv } from '../../shared/budget/report.ts';
import { previousMonth } from '../../shared/budget/prepayment.ts';
import { SCHEMES, type SchemeAccount } from '../../shared/budget/fund-accounts.ts';
import { layerKeys } from '../../shared/settlement/statement.ts';
import { getLevel } from '../../shared/budget/store/warnings.ts';
import { agencyMonth } from '../../shared/time/agency-calendar.ts';
import { loadFundAccounts, loadFundStatus } from './warnings.ts';
import { yearParam } from './budgets.ts';
import { periodSchema } from './runs.ts';

export const fundAccountsQuery = z.object({
  through: periodSchema.optional(),
  scheme: z.enum(SCHEMES).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

interface Row {
  scheme: string;
  month: string;
  incomeFen: number;
  income: SchemeAccount['income'] | SchemeAccount['months'][number]['income'];
  personalAccountFen: number;
  contributions: number;
  claims: number;
  paidByLayer: Record<string, number>;
  fundPaidFen: number;
  account?: SchemeAccount;
}

const yuan = (fen: number | null | undefined) => (fen === null || fen === undefined ? '' : fenToYuan(fen));
const hundredths = (x: number | null | undefined) => (x === null || x === undefined ? '' : (x / 100).toFixed(2));

const columns = [
  ['scheme', (r: Row) => r.scheme],
  ['month', (r: Row) => r.month],
  ['income_yuan', (r: Row) => yuan(r.incomeFen)],
  ['individual_yuan', (r: Row) => yuan(r.income.individualFen)],
  ['employer_yuan', (r: Row) => yuan(r.income.employerFen)],
  ['government_yuan', (r: Row) => yuan(r.income.governmentFen)],
  ['assistance_yuan', (r: Row) => yuan(r.income.assistanceFen)],
  ['personal_account_yuan', (r: Row) => yuan(r.personalAccountFen)],
  ['contributions', (r: Row) => r.contributions],
  ['claims', (r: Row) => r.claims],
  ...layerKeys.map((layer) => [`paid_${layer}_yuan`, (r: Row) => yuan(r.paidByLayer[layer] ?? 0)] as const),
  ['fund_paid_yuan', (r: Row) => yuan(r.fundPaidFen)],
  ['reserve_opening_yuan', (r: Row) => yuan(r.account?.reserve.openingFen)],
  ['reserve_balance_yuan', (r: Row) => yuan(r.account?.reserve.balanceFen)],
  ['months_of_payment', (r: Row) => hundredths(r.account?.reserve.monthsCovered)],
  ['reserve_level', (r: Row) => r.account?.reserve.level ?? ''],
  ['budget_yuan', (r: Row) => yuan(r.account?.budget?.budgetFen)],
  ['of_budget_percent', (r: Row) => hundredths(r.account?.budget?.ofBudget)],
  ['of_pace_percent', (r: Row) => hundredths(r.account?.budget?.ofPace)],
  ['execution_level', (r: Row) => r.account?.budget?.level ?? ''],
] as const;

function rows(accounts: readonly SchemeAccount[]): Row[] {
  return accounts.flatMap((a) => [
    ...a.months.map((m): Row => ({ scheme: a.scheme, ...m })),
    {
      scheme: a.scheme,
      month: 'total',
      incomeFen: a.income.totalFen,
      income: a.income,
      personalAccountFen: a.personalAccountFen,
      contributions: a.contributions,
      claims: a.claims,
      paidByLayer: a.paidByLayer,
      fundPaidFen: a.fundPaidFen,
      account: a,
    },
  ]);
}

export const fundAccountsRoute: RouteHandler = async (request) => {
  const { region, year } = request.params(z.object({ region: regionSchema, year: yearParam }));
  requireReaderOf(request.principal(), region);
  const q = request.query(fundAccountsQuery);
  const current = agencyMonth(new Date());
  const through = q.through ?? (Number(current.slice(0, 4)) > year ? `${year}-12` : previousMonth(current));
  if (!through.startsWith(`${year}-`)) throw conflict(`through ${through} is not a month of ${year}`, { field: 'query.through' });
  const loaded = await loadFundStatus(region, through);
  if (!loaded) throw notFound(`No budget or settlement policy for region ${region} in ${year}`);
  const accounts = (await loadFundAccounts(region, through, loaded.budget, loaded.policy)).filter(
    (a) => !q.scheme || a.scheme === q.scheme,
  );
  if (q.format === 'csv') return csvResponse(toCsv(columns, rows(accounts)), `fund-accounts-${region}-${through}.csv`);
  const schemes = await Promise.all(
    accounts.map(async (a) => {
      const [reserve, execution] = await Promise.all([
        getLevel(region, year, 'reserve-months', `scheme:${a.scheme}`),
        getLevel(region, year, 'budget-execution', `scheme:${a.scheme}`),
      ]);
      // The levels last recorded by the monthly evaluation (what was warned), beside the figures now.
      return { ...a, warnings: { reserveMonths: reserve ?? null, budgetExecution: execution ?? null } };
    }),
  );
  return {
    statusCode: 200,
    body: { region, year, throughMonth: through, policy: { region: loaded.policy.region, year, version: loaded.policy.version }, schemes },
  };
};
