/**
 * Properties of the year's money over generated years: DRG payments add up to the DRG budget and
 * each lies within a fen of points × point value; capitation shares add up to what is distributed
 * or borne; every provider statement adds up; twelve advances add up to the year's advance; a chain
 * of superseding runs leaves the ledger holding the last amount. Every figure a whole fen.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { settlementPolicies } from '../../shared/policy/year-end.ts';
import { drgPayments } from '../../shared/budget/point-value.ts';
import { settleCapitation, splitByTiers } from '../../shared/budget/capitation.ts';
import { settleYear, type ProviderYear } from '../../shared/budget/year-end.ts';
import { monthlyAdvance, supersede } from '../../shared/budget/prepayment.ts';
import { applyRatio } from '../../shared/money/fen.ts';
import { TIERS } from '../../shared/budget/policy.ts';
import type { CommunityMember } from '../../shared/budget/community.ts';

const policies = settlementPolicies();
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const whole = (xs: number[]) => xs.every(Number.isSafeInteger);

const budget = fc.oneof(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 0, max: 2_000_000_000_00 }));
const centipoints = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 50_000_000 }));
const policy = fc.constantFrom(...policies);
const members = fc
  .uniqueArray(
    fc.record({
      providerCode: fc.stringMatching(/^[A-Z]{2}\d{4}$/),
      tier: fc.constantFrom(...TIERS),
      weight: fc.integer({ min: 1, max: 500 }),
    }),
    { minLength: 1, maxLength: 12, selector: (m) => m.providerCode },
  )
  .map((ms): CommunityMember[] => (ms.some((m) => m.tier === 'county') ? ms : [{ ...ms[0]!, tier: 'county' as const }, ...ms.slice(1)]));

describe('DRG payments', () => {
  it('add up to the DRG budget and each is within one fen of points × point value', () => {
    fc.assert(
      fc.property(budget, fc.array(centipoints, { minLength: 1, maxLength: 60 }), (b, cps) => {
        const paid = drgPayments(b, cps);
        const total = sum(cps);
        expect(whole(paid)).toBe(true);
        if (total === 0) {
          expect(sum(paid)).toBe(0);
          return;
        }
        expect(sum(paid)).toBe(b);
        // |paid × total − cp × budget| < total  ⇔  |paid − cp × budget ÷ total| < 1 fen
        cps.forEach((cp, i) =>
          expect(BigInt(Math.abs(Number(BigInt(paid[i]!) * BigInt(total) - BigInt(cp) * BigInt(b))))).toBeLessThan(BigInt(total)),
        );
      }),
    );
  });
});

describe('capitation', () => {
  it("splits any amount between tiers and members so the shares add up, with the amount's sign", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), members, policy, (amount, ms, p) => {
        const shares = splitByTiers(amount, ms, p.surplus.split).map((s) => s.amountFen);
        expect(sum(shares)).toBe(amount);
        expect(shares.every((s) => (amount >= 0 ? s >= 0 : s <= 0))).toBe(true);
      }),
    );
  });

  it('accounts for every fen of a surplus or an overrun', () => {
    fc.assert(
      fc.property(
        members,
        policy,
        fc.integer({ min: 0, max: 50_000 }),
        fc.integer({ min: 0, max: 200_000_000_00 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 30 }),
        (ms, p, capitated, spentFen, score, rank) => {
          const s = settleCapitation(
            {
              communityId: 'HC-1',
              name: 'x',
              members: ms,
              capitatedMembers: capitated,
              spentFen,
              assessment: { scoreBasisPoints: score, rank },
            },
            p,
          );
          const shares = sum(s.shares.map((x) => x.amountFen));
          expect(s.fundFen - s.spentFen).toBe(s.surplusFen - s.overrunFen);
          expect(s.distributedFen + s.toGlobalSettlementFen).toBe(s.surplusFen);
          expect(s.absorbedFen + s.borneByMembersFen).toBe(s.overrunFen);
          expect(shares).toBe(s.distributedFen - s.borneByMembersFen);
          expect(s.shares).toHaveLength(ms.length);
        },
      ),
    );
  });
});

describe('year-end statements', () => {
  const providerYear = fc.record({
    centipoints,
    cases: fc.integer({ min: 0, max: 5_000 }),
    fundPaidFen: fc.integer({ min: 0, max: 100_000_000_00 }),
    inpatientShare: fc.integer({ min: 0, max: 100 }),
    prepaidFen: fc.integer({ min: 0, max: 100_000_000_00 }),
    settledBeforeFen: fc.integer({ min: -1_000_000_00, max: 1_000_000_00 }),
  });

  it('add up per provider and in total, net of advances', () => {
    fc.assert(
      fc.property(
        policy,
        budget,
        fc.array(providerYear, { minLength: 1, maxLength: 40 }),
        members,
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 100_000_000_00 }),
        (p, b, ys, ms, capitated, spent) => {
          const providers: ProviderYear[] = ys.map((x, i) => ({
            providerCode: `P${String(i).padStart(5, '0')}`,
            centipoints: x.centipoints,
            cases: x.cases,
            fundPaidFen: x.fundPaidFen,
            pointedFundPaidFen: Math.floor((x.fundPaidFen * x.inpatientShare) / 100),
            prepaidFen: x.prepaidFen,
            settledBeforeFen: x.settledBeforeFen,
          }));
          const r = settleYear({
            region: p.region,
            year: p.year,
            policy: p,
            drgBudgetFen: b,
            providers,
            communities: [
              {
                communityId: 'HC-1',
                name: 'x',
                members: ms,
                capitatedMembers: capitated,
                spentFen: spent,
                assessment: { scoreBasisPoints: 8_000, rank: 3 },
              },
            ],
          });
          for (const s of r.providers) {
            expect(whole([s.drgPaymentFen, s.itemPaymentFen, s.capitationFen, s.netFen, s.ledgerFen])).toBe(true);
            expect(s.entitlementFen).toBe(s.drgPaymentFen + s.itemPaymentFen + s.capitationFen);
            expect(s.netFen).toBe(s.entitlementFen - s.prepaidFen);
            expect(s.toPayFen - s.toRecoverFen).toBe(s.netFen);
            expect(Math.min(s.toPayFen, s.toRecoverFen)).toBe(0);
            expect(s.ledgerFen).toBe(s.netFen - s.settledBeforeFen);
          }
          expect(r.totals.drgPaymentFen).toBe(r.totals.centipoints > 0 ? b : 0);
          expect(r.totals.capitationFen).toBe(sum(r.communities.flatMap((c) => c.shares.map((x) => x.amountFen))));
          expect(r.totals.toPayFen - r.totals.toRecoverFen).toBe(r.totals.entitlementFen - r.totals.prepaidFen);
          // Every community member has a statement.
          for (const m of ms) expect(r.providers.some((s) => s.providerCode === m.providerCode)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('prepayment', () => {
  it("twelve budget-share advances add up to the year's advance", () => {
    fc.assert(
      fc.property(policy, fc.integer({ min: 0, max: 10_000_000_000_00 }), (p, globalBudgetFen) => {
        for (const agreement of p.prepayment.agreements.values()) {
          if (agreement.kind !== 'budget-share') continue;
          const months = Array.from(
            { length: 12 },
            (_, i) => monthlyAdvance(agreement, { globalBudgetFen, month: i + 1, lastMonthCentipoints: 0 }).amountFen,
          );
          expect(sum(months)).toBe(applyRatio(globalBudgetFen, agreement.advanceShare));
          expect(Math.max(...months) - Math.min(...months)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('a chain of superseding runs leaves the ledger holding the last amount', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000_000 }), { minLength: 1, maxLength: 10 }), (amounts) => {
        let issued = 0;
        for (const amount of amounts) issued += supersede(amount, issued).differenceFen;
        expect(issued).toBe(amounts.at(-1));
      }),
    );
  });
});
