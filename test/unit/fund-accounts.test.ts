/**
 * Issue 14 point 5, pure: each scheme's fund account with worked numbers (income by source,
 * payments by layer, reserve and months of payment, budget against execution, levels).
 */
import { describe, expect, it } from 'vitest';
import { yuanToFen } from '../../shared/money/fen.ts';
import { emptyFundMonth, schemeAccount, type FundMonth } from '../../shared/budget/fund-accounts.ts';
import { settlementPolicyFor } from '../../shared/policy/year-end.ts';

const y = yuanToFen;
const zhoushan = settlementPolicyFor('330900', 2026)!;
const month = (m: string, f: Partial<FundMonth>): FundMonth => ({ ...emptyFundMonth(m), ...f });

describe('fund accounts per scheme', () => {
  const residents = [
    month('2026-01', {
      income: { individualFen: y('400000'), employerFen: 0, governmentFen: y('700000'), assistanceFen: y('20000') },
      contributions: 1_000,
      claims: 40,
      paidByLayer: { basic: y('150000'), catastrophic: y('30000'), assistance: y('5000') },
    }),
    month('2026-02', { claims: 50, paidByLayer: { basic: y('210000'), catastrophic: y('10000') } }),
    month('2026-03', { claims: 9, paidByLayer: { basic: y('99') } }), // after the month asked for
  ];

  it("sums income by source and payments by layer; the scheme's fund pays basic and catastrophic, other funds the rest", () => {
    const a = schemeAccount({
      scheme: 'resident',
      year: 2026,
      throughMonth: '2026-02',
      months: residents,
      budget: { budgetFen: y('2400000'), reserve: { balanceFen: y('600000'), asOf: '2025-12-31' } },
      policy: zhoushan,
    });
    expect(a.income).toEqual({
      individualFen: y('400000'),
      employerFen: 0,
      governmentFen: y('700000'),
      assistanceFen: y('20000'),
      totalFen: y('1120000'),
    });
    expect(a.paidByLayer).toEqual({ basic: y('360000'), catastrophic: y('40000'), assistance: y('5000') });
    expect(a).toMatchObject({ fundPaidFen: y('400000'), otherFundsPaidFen: y('5000'), surplusFen: y('720000'), claims: 90 });
    // Reserve 600,000 + 1,120,000 − 400,000 = 1,320,000; average payment 400,000 ÷ 2 = 200,000 → 6.60 months: above the 6-month watch line.
    expect(a.reserve).toMatchObject({ balanceFen: y('1320000'), averageMonthlyPaymentFen: y('200000'), monthsCovered: 660, level: 'none' });
    // 400,000 of a 2,400,000 budget = 16.67%; against two months' pace (400,000) = 100%.
    expect(a.budget).toMatchObject({ budgetFen: y('2400000'), ofBudget: 1667, ofPace: 10_000, level: 'none' });
    expect(a.months.map((m) => [m.month, m.incomeFen, m.fundPaidFen])).toEqual([
      ['2026-01', y('1120000'), y('180000')],
      ['2026-02', 0, y('220000')],
    ]);
  });

  it("warns per scheme: a thin employees' reserve and a fund paying ahead of its budget's pace", () => {
    const a = schemeAccount({
      scheme: 'employee',
      year: 2026,
      throughMonth: '2026-01',
      months: [
        month('2026-01', {
          income: { individualFen: 0, employerFen: y('50000'), governmentFen: 0, assistanceFen: 0 },
          personalAccountFen: y('20000'),
          paidByLayer: { basic: y('130000') },
        }),
      ],
      budget: { budgetFen: y('1200000'), reserve: { balanceFen: y('300000'), asOf: '2025-12-31' } },
      policy: zhoushan,
    });
    // 300,000 + 50,000 − 130,000 = 220,000 ÷ 130,000 a month = 1.69 months: below the 3-month alert line.
    expect(a.reserve).toMatchObject({ balanceFen: y('220000'), monthsCovered: 169, level: 'alert' });
    expect(a.personalAccountFen).toBe(y('20000'));
    // 130,000 against a month's pace of 100,000 = 130%: above the 125% alert line.
    expect(a.budget).toMatchObject({ ofPace: 13_000, level: 'alert' });
  });

  it('without a reserve or budget for the scheme, reports the flows and no level', () => {
    const a = schemeAccount({
      scheme: 'resident',
      year: 2026,
      throughMonth: '2026-02',
      months: residents,
      budget: undefined,
      policy: zhoushan,
    });
    expect(a.reserve).toMatchObject({ balanceFen: null, monthsCovered: null, level: 'none' });
    expect(a.budget).toBeNull();
  });
});
