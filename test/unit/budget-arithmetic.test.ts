/**
 * The year's arithmetic with worked numbers, under Jin'an's 2023 settlement policy (3,070 yuan a
 * capitated member; surplus by score, 2 : 6 : 2; overrun absorbed in the top six, else 4 : 5 : 1):
 * point value and DRG payments, capitation surplus and both branches of the top-six rule, netting
 * of prepayments, prepayment amounts under both agreements, and superseding runs.
 */
import { describe, expect, it } from 'vitest';
import { yuanToFen } from '../../shared/money/fen.ts';
import { settlementPolicyFor } from '../../shared/policy/year-end.ts';
import { compileSettlementPolicy, type SettlementPolicy } from '../../shared/budget/policy.ts';
import { drgPayments, pointValue } from '../../shared/budget/point-value.ts';
import { CapitationRefusal, settleCapitation, splitByTiers, type CommunityYear } from '../../shared/budget/capitation.ts';
import { settleYear, type ProviderYear } from '../../shared/budget/year-end.ts';
import { monthlyAdvance, previousMonth, supersede } from '../../shared/budget/prepayment.ts';
import type { CommunityMember } from '../../shared/budget/community.ts';

const jinan = settlementPolicyFor('341502', 2023)!;
const honghe = settlementPolicyFor('532500', 2025)!;
const y = yuanToFen;

const members: CommunityMember[] = [
  { providerCode: 'JA0001', tier: 'county', weight: 1 },
  { providerCode: 'JA0101', tier: 'township', weight: 1 },
  { providerCode: 'JA0102', tier: 'township', weight: 1 },
  { providerCode: 'JA0201', tier: 'village', weight: 1 },
  { providerCode: 'JA0202', tier: 'village', weight: 1 },
  { providerCode: 'JA0203', tier: 'village', weight: 1 },
];
const community = (spentYuan: string, assessment?: { score: number; rank: number }): CommunityYear => ({
  communityId: 'JA-HC-1',
  name: '金安区第一医共体',
  members,
  capitatedMembers: 1_000,
  spentFen: y(spentYuan),
  assessment: assessment && { scoreBasisPoints: Math.round(assessment.score * 100), rank: assessment.rank },
});
const shareOf = (s: { shares: { providerCode: string; amountFen: number }[] }) =>
  Object.fromEntries(s.shares.map((x) => [x.providerCode, x.amountFen]));

describe('point value and DRG payment', () => {
  it("divides the DRG budget by the year's points: 1,000,000 yuan ÷ 10,000 points = 100 yuan a point", () => {
    const pv = pointValue(y('1000000'), 1_000_000);
    expect(pv.yuanPerPoint).toBe('100.0000');
    // 6,000 / 3,000 / 1,000 points × 100 yuan.
    expect(drgPayments(y('1000000'), [600_000, 300_000, 100_000])).toEqual([y('600000'), y('300000'), y('100000')]);
  });

  it('shows a point value that does not divide evenly to four decimals, rounded half up', () => {
    // 8,000,000 yuan over 86,543.21 points = 92.43937… yuan a point.
    expect(pointValue(y('8000000'), 8_654_321).yuanPerPoint).toBe('92.4394');
    // One fen over 200 points is 0.00005 yuan a point exactly: half up.
    expect(pointValue(1, 20_000).yuanPerPoint).toBe('0.0001');
    expect(pointValue(100, 0).yuanPerPoint).toBeNull();
  });

  it('rounds each payment to the fen by largest remainder so the payments add up to the budget', () => {
    // 1 yuan over three providers of 0.01 point each: 33.33… fen each; the odd fen goes to the first.
    expect(drgPayments(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(drgPayments(y('100'), [0, 0])).toEqual([0, 0]);
  });
});

describe("capitation surplus (Jin'an: score % to the units, 2 : 6 : 2)", () => {
  it("distributes score × surplus and sends the rest to the community's global settlement", () => {
    // Fund 1,000 × 3,070 = 3,070,000; spent 2,570,000 → surplus 500,000; score 92.5 → 462,500 distributed, 37,500 kept.
    const s = settleCapitation(community('2570000', { score: 92.5, rank: 8 }), jinan);
    expect(s).toMatchObject({
      outcome: 'surplus',
      fundFen: y('3070000'),
      spentFen: y('2570000'),
      surplusFen: y('500000'),
      distributedFen: y('462500'),
      toGlobalSettlementFen: y('37500'),
      overrunFen: 0,
    });
    // 2 : 6 : 2 of 462,500 = 92,500 / 277,500 / 92,500; townships halve theirs, villages take a third each.
    expect(shareOf(s)).toEqual({
      JA0001: y('92500'),
      JA0101: y('138750'),
      JA0102: y('138750'),
      JA0201: 3_083_334,
      JA0202: 3_083_333,
      JA0203: 3_083_333, // 30,833.33⅓ yuan: the odd fen to the first
    });
  });

  it('gives the whole surplus to the units where the policy keeps it all (Honghe 结余留用)', () => {
    // Honghe's stand-in standard 2,800 × 1,000 = 2,800,000; spent 2,300,000 → 500,000, all distributed.
    const s = settleCapitation(community('2300000'), honghe);
    expect(s).toMatchObject({ outcome: 'surplus', surplusFen: y('500000'), distributedFen: y('500000'), toGlobalSettlementFen: 0 });
    expect(shareOf(s).JA0001).toBe(y('100000'));
  });

  it('refuses a surplus without an assessment where the score decides the share', () => {
    expect(() => settleCapitation(community('2570000'), jinan)).toThrow(CapitationRefusal);
  });
});

describe("capitation overrun (Jin'an top-six rule)", () => {
  it('a community ranked in the top six: the global settlement absorbs the overrun, the units bear nothing', () => {
    // Spent 3,270,000 against a fund of 3,070,000: overrun 200,000; ranked 4th.
    const s = settleCapitation(community('3270000', { score: 95, rank: 4 }), jinan);
    expect(s).toMatchObject({ outcome: 'overrun', overrunFen: y('200000'), absorbedFen: y('200000'), borneByMembersFen: 0 });
    expect(Object.values(shareOf(s)).every((v) => v === 0)).toBe(true);
  });

  it('a community ranked 6th is still in the top six', () => {
    expect(settleCapitation(community('3270000', { score: 80, rank: 6 }), jinan).absorbedFen).toBe(y('200000'));
  });

  it('a community outside the top six: the units share the overrun 4 : 5 : 1', () => {
    const s = settleCapitation(community('3270000', { score: 70, rank: 9 }), jinan);
    expect(s).toMatchObject({ outcome: 'overrun', overrunFen: y('200000'), absorbedFen: 0, borneByMembersFen: y('200000') });
    // 4 : 5 : 1 of 200,000 = 80,000 / 100,000 / 20,000, borne (negative).
    expect(shareOf(s)).toEqual({
      JA0001: -y('80000'),
      JA0101: -y('50000'),
      JA0102: -y('50000'),
      JA0201: -666_667,
      JA0202: -666_667,
      JA0203: -666_666,
    });
  });

  it('Honghe (超支自担) has no rank rule: the units always bear it', () => {
    const s = settleCapitation(community('3000000', { score: 99, rank: 1 }), honghe);
    expect(s).toMatchObject({ absorbedFen: 0, borneByMembersFen: y('200000') });
  });

  it('a tier with no member drops out and the others share its part', () => {
    const noVillages = members.filter((m) => m.tier !== 'village');
    // 2 : 6 of 800 fen = 200 / 600.
    expect(splitByTiers(800, noVillages, jinan.surplus.split).map((s) => s.amountFen)).toEqual([200, 300, 300]);
  });
});

describe('year-end netting of prepayments', () => {
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

  it('pays or recovers entitlement − advances per provider', () => {
    const result = settleYear({
      region: '341502',
      year: 2023,
      policy: jinan,
      drgBudgetFen: y('1000000'),
      providers: [
        // County hospital: 6,000 points (600,000 yuan), 50,000 yuan of outpatient claims (its 80,000 inpatient claims are paid by points), advanced 700,000.
        provider('JA0001', {
          centipoints: 600_000,
          cases: 60,
          fundPaidFen: y('130000'),
          pointedFundPaidFen: y('80000'),
          prepaidFen: y('700000'),
        }),
        // A city hospital outside the community: 4,000 points (400,000 yuan), advanced 460,000 → recover 60,000.
        provider('LA0009', { centipoints: 400_000, cases: 35, prepaidFen: y('460000') }),
      ],
      communities: [community('2570000', { score: 92.5, rank: 8 })],
    });
    expect(result.pointValue.yuanPerPoint).toBe('100.0000');
    const byCode = Object.fromEntries(result.providers.map((p) => [p.providerCode, p]));
    // 600,000 + 50,000 + 92,500 (its 2/10 of the distributed surplus) − 700,000 = 42,500 to pay.
    expect(byCode.JA0001).toMatchObject({
      drgPaymentFen: y('600000'),
      itemPaymentFen: y('50000'),
      capitationFen: y('92500'),
      entitlementFen: y('742500'),
      prepaidFen: y('700000'),
      netFen: y('42500'),
      toPayFen: y('42500'),
      toRecoverFen: 0,
      ledgerFen: y('42500'),
      communityId: 'JA-HC-1',
      tier: 'county',
    });
    expect(byCode.LA0009).toMatchObject({ drgPaymentFen: y('400000'), netFen: -y('60000'), toPayFen: 0, toRecoverFen: y('60000') });
    // Members with no totals still get their capitation share.
    expect(byCode.JA0101).toMatchObject({ capitationFen: y('138750'), netFen: y('138750') });
    expect(result.totals).toMatchObject({
      providers: 7,
      drgPaymentFen: y('1000000'),
      capitationFen: y('462500'),
      toGlobalSettlementFen: y('37500'),
    });
  });

  it('a later version moves only the difference from what earlier versions settled', () => {
    const result = settleYear({
      region: '341502',
      year: 2023,
      policy: jinan,
      drgBudgetFen: y('1000000'),
      communities: [],
      providers: [provider('LA0009', { centipoints: 400_000, prepaidFen: y('300000'), settledBeforeFen: y('120000') })],
    });
    // All 1,000,000 to the only provider; net 700,000; 120,000 already paid → 580,000 now.
    expect(result.providers[0]).toMatchObject({ netFen: y('700000'), settledBeforeFen: y('120000'), ledgerFen: y('580000') });
  });

  it('leaves item payments out where the policy pays them elsewhere', () => {
    const doc = structuredClone(jinan.document);
    doc.yearEnd.includeItemPayments = false;
    const policy: SettlementPolicy = compileSettlementPolicy(doc);
    const result = settleYear({
      region: '341502',
      year: 2023,
      policy,
      drgBudgetFen: 0,
      communities: [],
      providers: [provider('LA0009', { fundPaidFen: y('5000') })],
    });
    expect(result.providers[0]!.itemPaymentFen).toBe(0);
  });
});

describe('prepayment amounts', () => {
  const budgetShare = jinan.prepayment.agreements.get('monthly-budget')!;
  const points = jinan.prepayment.agreements.get('last-month-points')!;

  it('advances 90% of the global budget in twelve equal parts', () => {
    // 1,200,000 × 90% = 1,080,000 a year → 90,000 a month.
    const a = monthlyAdvance(budgetShare, { globalBudgetFen: y('1200000'), month: 3, lastMonthCentipoints: 0 });
    expect(a.amountFen).toBe(y('90000'));
    expect(a.workings.join(' ')).toContain('1080000.00');
  });

  it('puts the odd fen of the year in the first months, so the twelve advances add up', () => {
    // 10,000.01 yuan × 90% = 9,000.009 → 900,001 fen a year: 75,000.08⅓ fen a month.
    const months = Array.from(
      { length: 12 },
      (_, i) => monthlyAdvance(budgetShare, { globalBudgetFen: 1_000_001, month: i + 1, lastMonthCentipoints: 0 }).amountFen,
    );
    expect(months[0]).toBe(75_001);
    expect(months.slice(1).every((m) => m === 75_000)).toBe(true);
    expect(months.reduce((a, b) => a + b, 0)).toBe(900_001);
  });

  it("advances 80% of last month's points at the provisional 95 yuan a point", () => {
    // 1,234.56 points × 95 = 117,283.20 yuan; × 80% = 93,826.56 yuan.
    const a = monthlyAdvance(points, { globalBudgetFen: 0, month: 4, lastMonthCentipoints: 123_456 });
    expect(a.amountFen).toBe(9_382_656);
  });

  it('looks back on the month before, across a year end', () => {
    expect(previousMonth('2023-03')).toBe('2023-02');
    expect(previousMonth('2024-01')).toBe('2023-12');
  });
});

describe('superseding runs pay only the difference', () => {
  it('a corrected run moves amount − issued before; the ledger then holds the latest amount', () => {
    const v1 = supersede(y('90000'), 0);
    const v2 = supersede(y('100000'), v1.differenceFen);
    const v3 = supersede(y('95000'), v1.differenceFen + v2.differenceFen);
    expect([v1.differenceFen, v2.differenceFen, v3.differenceFen]).toEqual([y('90000'), y('10000'), -y('5000')]);
    expect(v1.differenceFen + v2.differenceFen + v3.differenceFen).toBe(y('95000'));
    // Re-running a version that changes nothing moves nothing.
    expect(supersede(y('95000'), y('95000')).differenceFen).toBe(0);
  });
});
