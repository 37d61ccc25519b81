/**
 * Issue 14 point 4, pure: the year-end pays every stay once (by points where the region-year pays
 * so, else by items), settles each provider's global budget by the policy's terms, takes confirmed
 * recoveries, and pools providers registered at any code level with their region.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { yuanToFen } from '../../shared/money/fen.ts';
import { settlementPolicyFor } from '../../shared/policy/year-end.ts';
import { compileSettlementPolicy, type SettlementPolicy } from '../../shared/budget/policy.ts';
import { settleGlobalBudget, settleYear, type ProviderYear } from '../../shared/budget/year-end.ts';
import { pointsOf, emptyMonth } from '../../shared/budget/facts.ts';
import { coversPlace, poolingRegionAmong, regionLevels } from '../../shared/policy/pooling.ts';
import { providerInputSchema } from '../../shared/budget/provider.ts';
import { planTakes, takenFen } from '../../shared/budget/recoveries.ts';

const y = yuanToFen;
const honghe = settlementPolicyFor('532500', 2025)!;
const withTerms = (base: SettlementPolicy, change: (d: SettlementPolicy['document']) => void): SettlementPolicy => {
  const doc = structuredClone(base.document);
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
const terms = { keptShare: 6_000, keptCap: 500, fundBearsShare: 5_000, bandShare: 1_000 };

describe('every stay paid once', () => {
  it('where the region-year pays by items, pays a stay the fund share of its claims (the 12,675 yuan that was paid 0)', () => {
    const policy = withTerms(honghe, (d) => {
      d.yearEnd.payBy = 'items';
    });
    const r = settleYear({
      region: '532500',
      year: 2025,
      policy,
      drgBudgetFen: 0,
      communities: [],
      providers: [provider('HH0003', { fundPaidFen: y('12675'), stays: 3, prepaidFen: y('90000') })],
    });
    expect(r.payBy).toBe('items');
    expect(r.providers[0]).toMatchObject({
      drgPaymentFen: 0,
      itemPaymentFen: y('12675'),
      entitlementFen: y('12675'),
      netFen: -y('77325'),
      toRecoverFen: y('77325'),
      stays: { settled: 3, byPoints: 0, byItems: 3 },
    });
  });

  it('where it pays by DRG, a stay with a counted case is paid by points, one without by items', () => {
    const r = settleYear({
      region: '532500',
      year: 2025,
      policy: honghe,
      drgBudgetFen: y('300000'),
      communities: [],
      providers: [
        // Two stays grouped (3,000 points; the fund paid 40,000 on them), one not (8,000), 5,000 outpatient.
        provider('HH0001', {
          centipoints: 300_000,
          cases: 2,
          fundPaidFen: y('53000'),
          pointedFundPaidFen: y('40000'),
          stays: 3,
          pointedStays: 2,
        }),
      ],
    });
    expect(r.providers[0]).toMatchObject({
      drgPaymentFen: y('300000'),
      itemPaymentFen: y('13000'),
      stays: { settled: 3, byPoints: 2, byItems: 1 },
    });
    expect(r.totals).toMatchObject({ stays: 3, staysByPoints: 2, staysByItems: 1 });
  });

  it('reads only the paying method’s points from the totals', () => {
    const t = {
      ...emptyMonth('2026'),
      centipoints: 100,
      cases: 1,
      drgPointedStays: 1,
      drgPointedFundPaidFen: 7,
      dipCentipoints: 300,
      dipCases: 2,
    };
    expect(pointsOf(t, 'drg')).toEqual({ centipoints: 100, cases: 1, pointedStays: 1, pointedFundPaidFen: 7 });
    expect(pointsOf(t, 'dip')).toEqual({ centipoints: 300, cases: 2, pointedStays: 0, pointedFundPaidFen: 0 });
    expect(pointsOf(t, 'items')).toEqual({ centipoints: 0, cases: 0, pointedStays: 0, pointedFundPaidFen: 0 });
  });

  it('property: stays split into points and items; entitlement parts add up; items never count a pointed stay', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            stays: fc.integer({ min: 0, max: 50 }),
            pointedShare: fc.integer({ min: 0, max: 100 }),
            stayFen: fc.integer({ min: 0, max: 1_000_000 }),
            otherFen: fc.integer({ min: 0, max: 1_000_000 }),
            centipoints: fc.integer({ min: 0, max: 1_000_000 }),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        fc.integer({ min: 0, max: 1e9 }),
        (rows, budget) => {
          const providers = rows.map((x, i) => {
            const pointedStays = Math.floor((x.stays * x.pointedShare) / 100);
            const pointedFundPaidFen = Math.floor((x.stayFen * x.pointedShare) / 100);
            return provider(`P${i}`, {
              centipoints: pointedStays ? x.centipoints : 0,
              stays: x.stays,
              pointedStays,
              fundPaidFen: x.stayFen + x.otherFen,
              pointedFundPaidFen,
            });
          });
          const r = settleYear({ region: '532500', year: 2025, policy: honghe, drgBudgetFen: budget, communities: [], providers });
          for (const s of r.providers) {
            const input = providers.find((p) => p.providerCode === s.providerCode)!;
            expect(s.stays.byPoints + s.stays.byItems).toBe(s.stays.settled);
            expect(s.itemPaymentFen).toBe(input.fundPaidFen - input.pointedFundPaidFen);
            expect(s.entitlementFen).toBe(s.drgPaymentFen + s.itemPaymentFen + s.globalBudgetFen + s.capitationFen);
          }
          expect(r.totals.staysByPoints + r.totals.staysByItems).toBe(r.totals.stays);
          const points = r.providers.reduce((a, p) => a + p.centipoints, 0);
          expect(r.totals.drgPaymentFen).toBe(points > 0 ? budget : 0);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("each provider's global budget (总额预算)", () => {
  it('keeps 60% of a surplus, capped at 5% of the budget: 1,000,000 budget, 900,000 used → keeps 50,000 (not 60,000)', () => {
    expect(settleGlobalBudget(y('1000000'), y('900000'), terms)).toMatchObject({
      outcome: 'surplus',
      surplusFen: y('100000'),
      keptFen: y('50000'),
      adjustmentFen: y('50000'),
    });
    // 980,000 used: 60% of 20,000 = 12,000, under the cap.
    expect(settleGlobalBudget(y('1000000'), y('980000'), terms).keptFen).toBe(y('12000'));
  });

  it('shares an overrun within 10% of the budget half and half; beyond it the provider bears it all', () => {
    // 1,150,000 used: overrun 150,000; the fund bears 50% of the first 100,000 = 50,000; the provider 100,000.
    expect(settleGlobalBudget(y('1000000'), y('1150000'), terms)).toMatchObject({
      outcome: 'overrun',
      overrunFen: y('150000'),
      fundBearsFen: y('50000'),
      providerBearsFen: y('100000'),
      adjustmentFen: -y('100000'),
    });
    expect(settleGlobalBudget(y('1000000'), y('1000000'), terms)).toMatchObject({ outcome: 'on-budget', adjustmentFen: 0 });
  });

  it('enters the settlement in the entitlement of a provider with a budget line, under terms that settle budgets', () => {
    const policy = withTerms(honghe, (d) => {
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
      drgBudgetFen: 0,
      communities: [],
      providers: [
        provider('HH0001', { fundPaidFen: y('1150000'), globalBudgetFen: y('1000000'), prepaidFen: y('850000') }),
        provider('HH0002', { fundPaidFen: y('900000'), globalBudgetFen: y('1000000') }),
        provider('HH0003', { fundPaidFen: y('5000') }),
      ],
    });
    const [a, b, c] = r.providers;
    expect(a).toMatchObject({
      itemPaymentFen: y('1150000'),
      globalBudgetFen: -y('100000'),
      entitlementFen: y('1050000'),
      netFen: y('200000'),
    });
    expect(b).toMatchObject({ globalBudgetFen: y('50000'), entitlementFen: y('950000') });
    expect(c).toMatchObject({ globalBudget: null, globalBudgetFen: 0, entitlementFen: y('5000') });
    expect(r.totals.globalBudgetFen).toBe(-y('50000'));
  });
});

describe('confirmed recoveries at the year-end', () => {
  it('takes what is still due by its own entry, beside the year-end entry', () => {
    const r = settleYear({
      region: '532500',
      year: 2025,
      policy: honghe,
      drgBudgetFen: 0,
      communities: [],
      providers: [
        provider('HH0001', {
          fundPaidFen: y('20000'),
          prepaidFen: y('15000'),
          recoveriesDueFen: y('3000'),
          recoveredFromPrepaymentsFen: y('1000'),
        }),
      ],
    });
    expect(r.providers[0]).toMatchObject({
      entitlementFen: y('20000'),
      recoveryFen: y('3000'),
      recoveredFromPrepaymentsFen: y('1000'),
      netFen: y('2000'),
      ledgerFen: y('5000'),
      recoveryNowFen: y('3000'),
      movedFen: y('2000'),
    });
  });

  it('a later version does not take a recovery again', () => {
    const r = settleYear({
      region: '532500',
      year: 2025,
      policy: honghe,
      drgBudgetFen: 0,
      communities: [],
      providers: [
        provider('HH0001', {
          fundPaidFen: y('21000'),
          prepaidFen: y('15000'),
          settledBeforeFen: y('5000'),
          recoveredAtYearEndBeforeFen: y('3000'),
        }),
      ],
    });
    expect(r.providers[0]).toMatchObject({ netFen: y('3000'), ledgerFen: y('1000'), recoveryNowFen: 0, movedFen: y('1000') });
  });
});

describe('pooling regions at any code level', () => {
  it('lists a code and the codes above it', () => {
    expect(regionLevels('330902')).toEqual(['330902', '330900', '330000']);
    expect(regionLevels('330900')).toEqual(['330900', '330000']);
    expect(regionLevels('330000')).toEqual(['330000']);
    expect(() => regionLevels('3309')).toThrow(RangeError);
  });

  it('pools a district with its city when the city holds the policies, a district that is its own pooling region with itself', () => {
    const held = new Set(['330900', '341502']);
    expect(poolingRegionAmong('330902', (r) => held.has(r))).toBe('330900');
    expect(poolingRegionAmong('341502', (r) => held.has(r))).toBe('341502');
    expect(poolingRegionAmong('341503', (r) => held.has(r))).toBe('341503');
    expect(coversPlace('330900', '330902')).toBe(true);
    expect(coversPlace('330900', '331002')).toBe(false);
  });

  it('refuses a stated pooling region that does not lie above the region', () => {
    const base = { providerCode: 'ZS0001', name: '定海区医院', region: '330902', level: 'secondary' };
    expect(providerInputSchema.safeParse({ ...base, poolingRegion: '330900' }).success).toBe(true);
    const bad = providerInputSchema.safeParse({ ...base, poolingRegion: '532500' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['poolingRegion']);
  });
});

describe('recoveries taken from the next payment', () => {
  const owed = [
    { alertId: 'A-2', confirmedAt: '2026-03-02T00:00:00Z', outstandingFen: y('5000') },
    { alertId: 'A-1', confirmedAt: '2026-03-01T00:00:00Z', outstandingFen: y('8000') },
  ];
  it('takes from a prepayment as far as its advance goes, oldest first', () => {
    expect(planTakes(owed, y('10000'))).toEqual([
      { alertId: 'A-1', outstandingBeforeFen: y('8000'), amountFen: y('8000') },
      { alertId: 'A-2', outstandingBeforeFen: y('5000'), amountFen: y('2000') },
    ]);
    expect(planTakes(owed, 0)).toEqual([]);
  });
  it('takes everything owed at the year-end', () => {
    expect(takenFen(planTakes(owed, null))).toBe(y('13000'));
  });
});
