/**
 * Issue 14: the year-end provider CSV says how each provider's stays were paid (the method, stays by
 * points and by items, the points of per-bed-day stays), its global budget settled and the recoveries
 * taken. Worked numbers; the columns are appended, so every earlier column keeps its place.
 */
import { describe, expect, it } from 'vitest';
import { bedDayPointsOf, emptyMonth } from '../../shared/budget/facts.ts';
import { compileSettlementPolicy, type SettlementPolicy } from '../../shared/budget/policy.ts';
import { providerColumns, toCsv } from '../../shared/budget/report.ts';
import { settleYear, type ProviderYear } from '../../shared/budget/year-end.ts';
import { yuanToFen as y } from '../../shared/money/fen.ts';
import { settlementPolicyFor } from '../../shared/policy/year-end.ts';

const honghe = settlementPolicyFor('532500', 2025)!;
const withTerms = (change: (d: SettlementPolicy['document']) => void): SettlementPolicy => {
  const doc = structuredClone(honghe.document);
  change(doc);
  return compileSettlementPolicy(doc);
};
const provider = (code: string, p: Partial<ProviderYear>): ProviderYear => ({
  providerCode: code,
  centipoints: 0,
  cases: 0,
  fundPaidFen: 0,
  pointedFundPaidFen: 0,
  prepaidFen: 0,
  settledBeforeFen: 0,
  ...p,
});

describe('the year-end provider CSV', () => {
  it('names the method, stays by points and items, bed-day points, the global budget settled and the recoveries', () => {
    const policy = withTerms((d) => {
      d.globalBudget = {
        surplus: { keptPercent: 60, capPercentOfBudget: 5 },
        overrun: { fundBearsPercent: 50, withinPercentOfBudget: 10 },
        basis: { illustrative: 'test terms', source: 'honghe-2022-52' },
      };
    });
    const r = settleYear({
      region: '532500',
      year: 2025,
      policy,
      drgBudgetFen: y('300000'),
      communities: [],
      providers: [
        // 3,000 points of which 800.00 from two per-bed-day stays; 4 stays, 3 paid by points; 13,000 by items.
        provider('HH0001', {
          centipoints: 300_000,
          bedDayCentipoints: 80_000,
          cases: 3,
          fundPaidFen: y('53000'),
          pointedFundPaidFen: y('40000'),
          stays: 4,
          pointedStays: 3,
          globalBudgetFen: y('400000'),
          prepaidFen: y('250000'),
          recoveriesDueFen: y('3000'),
          recoveredFromPrepaymentsFen: y('1000'),
        }),
        provider('HH0002', { fundPaidFen: y('5000') }),
      ],
    });
    const [header, a, b] = toCsv(providerColumns, r.providers).split('\r\n');
    const columns = header!.split(',');
    expect(columns.slice(15)).toEqual([
      'method',
      'stays_settled',
      'stays_by_points',
      'stays_by_items',
      'bed_day_points',
      'global_budget_yuan',
      'global_budget_used_yuan',
      'global_budget_outcome',
      'global_budget_adjustment_yuan',
      'recoveries_yuan',
      'recovered_from_prepayments_yuan',
    ]);
    const row = (line: string) => Object.fromEntries(line.split(',').map((v, i) => [columns[i], v]));
    // Used 300,000 + 13,000 = 313,000 of a 400,000 budget: surplus 87,000, 60% = 52,200, capped at 5% = 20,000.
    // Entitlement 300,000 + 13,000 + 20,000 = 333,000; net 333,000 − 250,000 − 3,000 = 80,000.
    expect(row(a!)).toMatchObject({
      provider_code: 'HH0001',
      points: '3000.00',
      drg_payment_yuan: '300000.00',
      item_payment_yuan: '13000.00',
      entitlement_yuan: '333000.00',
      net_yuan: '80000.00',
      method: policy.yearEnd.payBy,
      stays_settled: '4',
      stays_by_points: '3',
      stays_by_items: '1',
      bed_day_points: '800.00',
      global_budget_yuan: '400000.00',
      global_budget_used_yuan: '313000.00',
      global_budget_outcome: 'surplus',
      global_budget_adjustment_yuan: '20000.00',
      recoveries_yuan: '3000.00',
      recovered_from_prepayments_yuan: '1000.00',
    });
    // No budget line: the budget columns are empty, the adjustment 0.
    expect(row(b!)).toMatchObject({
      provider_code: 'HH0002',
      stays_settled: '0',
      bed_day_points: '0.00',
      global_budget_yuan: '',
      global_budget_outcome: '',
      global_budget_adjustment_yuan: '0.00',
      recoveries_yuan: '0.00',
    });
  });

  it("reads the paying method's bed-day points from the totals", () => {
    const t = { ...emptyMonth('2026'), bedDayCentipoints: 1_200, dipBedDayCentipoints: 3_400 };
    expect([bedDayPointsOf(t, 'drg'), bedDayPointsOf(t, 'dip'), bedDayPointsOf(t, 'items')]).toEqual([1_200, 3_400, 0]);
  });
});
