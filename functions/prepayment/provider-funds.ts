/**
 * GET /v1/providers/{providerCode}/funds/{year}: a provider's money of a year as the agency counts it,
 * for the hospital itself (its console's 预拨与清算) and staff: each month's settled claims, fund
 * payments, stays and points (the projection the runs read), the advance each month's prepayment
 * paid it, its ledger (advances, year-end versions, recoveries), and its latest year-end statement with
 * the point value it was priced at. A provider reads its own only.
 */
import * as z from 'zod';
import { requireActingFor, requireRole } from '../../shared/auth/principal.ts';
import type { RouteHandler } from '../../shared/http/api.ts';
import { providerCodeSchema } from '../../shared/budget/budget.ts';
import { monthsOfYear } from '../../shared/budget/store/facts.ts';
import { ledgerOfYear } from '../../shared/budget/store/ledger.ts';
import { getRunVersion } from '../../shared/budget/store/runs.ts';
import { providerYearEnds } from '../../shared/budget/store/year-end.ts';
import type { ProviderStatement } from '../../shared/budget/year-end.ts';
import type { PointValue } from '../../shared/budget/point-value.ts';
import { yearParam } from './budgets.ts';

export const providerFundsParams = z.object({ providerCode: providerCodeSchema, year: yearParam });

export const providerFundsRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'provider', 'staff');
  const { providerCode, year } = request.params(providerFundsParams);
  requireActingFor(principal, providerCode);
  const [facts, ledger, statements] = await Promise.all([
    monthsOfYear(providerCode, year),
    ledgerOfYear(providerCode, year),
    providerYearEnds<ProviderStatement>(providerCode, year),
  ]);
  const latest = statements.at(-1);
  const run = latest && (await getRunVersion('year-end', latest.region, String(year), latest.version));
  const advanceOf = (month: string) =>
    ledger.filter((e) => e.kind === 'prepayment' && e.period === month).reduce((a, e) => a + e.amountFen, 0);
  const months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`).map((month) => {
    const f = facts.find((m) => m.month === month);
    return {
      month,
      claims: f?.claims ?? 0,
      fundPaidFen: f?.fundPaidFen ?? 0,
      stays: f?.stays ?? 0,
      cases: (f?.cases ?? 0) + (f?.dipCases ?? 0),
      centipoints: (f?.centipoints ?? 0) + (f?.dipCentipoints ?? 0),
      advanceFen: advanceOf(month),
    };
  });
  const sum = (kind: string) => ledger.filter((e) => e.kind === kind).reduce((a, e) => a + e.amountFen, 0);
  // The year-end's ledger entries (one per version that moved money); null until a year-end has run.
  const yearEnd = ledger.filter((e) => e.kind === 'year-end');
  return {
    statusCode: 200,
    body: {
      providerCode,
      year,
      totals: {
        claims: months.reduce((a, m) => a + m.claims, 0),
        fundPaidFen: months.reduce((a, m) => a + m.fundPaidFen, 0),
        advancedFen: sum('prepayment'),
        recoveredFen: -sum('recovery'),
        yearEndFen: yearEnd.length ? sum('year-end') : null,
      },
      months,
      ledger: ledger.map((e) => ({ kind: e.kind, period: e.period, version: e.version, runId: e.runId, amountFen: e.amountFen })),
      yearEnd: latest
        ? {
            region: latest.region,
            version: latest.version,
            pointValue: (run?.summary as { pointValue?: PointValue } | undefined)?.pointValue ?? null,
            statement: statementView(latest),
          }
        : null,
    },
  };
};

/** The figures of a provider's year-end statement the hospital reads (the CSV's columns, as fen). */
const statementView = (p: ProviderStatement) => ({
  method: p.method,
  cases: p.cases,
  centipoints: p.centipoints,
  drgPaymentFen: p.drgPaymentFen,
  itemPaymentFen: p.itemPaymentFen,
  globalBudgetFen: p.globalBudgetFen,
  capitationFen: p.capitationFen,
  entitlementFen: p.entitlementFen,
  prepaidFen: p.prepaidFen,
  recoveryFen: p.recoveryFen,
  netFen: p.netFen,
  toPayFen: p.toPayFen,
  toRecoverFen: p.toRecoverFen,
  stays: p.stays,
});
