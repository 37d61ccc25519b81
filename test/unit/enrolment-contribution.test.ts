/**
 * The contribution mechanism with worked numbers from the shipped policies (Fuxin 2020: the
 * mechanism from the Fuxin plan, illustrative amounts 280 + 550 yuan; Honghe 2025: illustrative
 * 400 + 700 yuan and classified subsidies), then properties: a year's payments always add up to
 * the due exactly, share by share.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeDue, payableOf, recordPayment, totalOf, ZERO_SHARES, type Shares } from '../../shared/enrolment/contribution.ts';
import { contributionPolicy } from '../../shared/policy/enrolment.ts';

const fuxin2020 = contributionPolicy('210900', 2020)!;
const honghe2025 = contributionPolicy('532500', 2025)!;
const resident = (categories: string[], validFrom = '2025-01-01') => ({ scheme: 'resident' as const, validFrom, categories });
const shares = (individualFen: number, employerFen: number, governmentFen: number, assistanceFen: number): Shares => ({
  individualFen,
  employerFen,
  governmentFen,
  assistanceFen,
});

describe('what a resident owes, by category (Fuxin 2020)', () => {
  it('an ordinary resident pays the individual standard; the fiscal subsidy is the government share', () => {
    expect(computeDue(fuxin2020, resident([], '2020-01-01'))).toEqual({
      shares: shares(280_00, 0, 550_00, 0),
      activationThresholdFen: 280_00,
    });
  });

  it('低保 and 特困: the individual share is paid in full by the assistance fund, so nothing is payable', () => {
    const due = computeDue(fuxin2020, resident(['dibao'], '2020-01-01'));
    expect(due).toEqual({
      shares: shares(0, 0, 550_00, 280_00),
      activationThresholdFen: 0,
      subsidy: { category: 'dibao', payer: 'assistance', amountFen: 280_00 },
    });
  });

  it('建档立卡: the individual share is paid by county finance (a government share)', () => {
    expect(computeDue(fuxin2020, resident(['registered-poor'], '2020-01-01')).shares).toEqual(shares(0, 0, 830_00, 0));
  });

  it('several categories: only the most favourable applies; on a tie the rule listed first', () => {
    // 特困 (assistance, listed first) and 建档立卡 (county) both relieve 280 yuan: 特困 wins.
    expect(computeDue(fuxin2020, resident(['registered-poor', 'tekun'], '2020-01-01')).subsidy).toEqual({
      category: 'tekun',
      payer: 'assistance',
      amountFen: 280_00,
    });
  });

  it('a category the region gives no subsidy changes nothing', () => {
    expect(computeDue(fuxin2020, resident(['severely-disabled'], '2020-01-01')).shares).toEqual(shares(280_00, 0, 550_00, 0));
  });
});

describe('what a resident owes, by category (Honghe 2025, illustrative ratios and amounts)', () => {
  it('低保 90% by the assistance fund: 400 yuan → the member pays 40, the fund 360', () => {
    expect(computeDue(honghe2025, resident(['dibao'])).shares).toEqual(shares(40_00, 0, 700_00, 360_00));
  });
  it('脱贫人口: a fixed 100 yuan from county finance', () => {
    expect(computeDue(honghe2025, resident(['registered-poor'])).shares).toEqual(shares(300_00, 0, 800_00, 0));
  });
  it('低保 and 监测 together: 90% beats 80%', () => {
    expect(computeDue(honghe2025, resident(['monitored', 'dibao'])).subsidy).toMatchObject({ category: 'dibao', amountFen: 360_00 });
  });
  it('a category the region defines (orphan): fully paid by prefecture finance', () => {
    expect(computeDue(honghe2025, resident(['orphan'])).shares).toEqual(shares(0, 0, 1_100_00, 0));
  });
});

describe('what an employee owes (Honghe 2025: employer 6%, employee 2%, flexible 8%, base 4,500–22,000 yuan)', () => {
  it('through an employer, all year, base 6,000 yuan: 4,320 employer + 1,440 employee; covered after one month (480)', () => {
    const due = computeDue(honghe2025, {
      scheme: 'employee',
      employeeKind: 'employer',
      monthlyBaseFen: 6_000_00,
      validFrom: '2025-01-01',
      categories: [],
    });
    expect(due).toEqual({ shares: shares(1_440_00, 4_320_00, 0, 0), activationThresholdFen: 480_00, contributionBaseFen: 6_000_00 });
  });

  it('a base under the floor is raised to it, and a July start owes six months', () => {
    const due = computeDue(honghe2025, {
      scheme: 'employee',
      employeeKind: 'employer',
      monthlyBaseFen: 3_000_00,
      validFrom: '2025-07-15',
      categories: [],
    });
    expect(due).toMatchObject({ shares: shares(540_00, 1_620_00, 0, 0), contributionBaseFen: 4_500_00 });
  });

  it('a flexible worker pays the whole rate alone, on a base held at the ceiling', () => {
    const due = computeDue(honghe2025, {
      scheme: 'employee',
      employeeKind: 'flexible',
      monthlyBaseFen: 30_000_00,
      validFrom: '2025-01-01',
      categories: ['dibao'],
    });
    expect(due).toEqual({ shares: shares(21_120_00, 0, 0, 0), activationThresholdFen: 1_760_00, contributionBaseFen: 22_000_00 });
  });
});

describe('recording payments', () => {
  it('splits an employee payment between employer and employee in proportion to what each owes', () => {
    const account = { due: shares(1_440_00, 4_320_00, 0, 0), paid: ZERO_SHARES, activationThresholdFen: 480_00 };
    expect(recordPayment(account, 480_00)).toEqual({
      ok: true,
      split: shares(120_00, 360_00, 0, 0),
      paidAfter: shares(120_00, 360_00, 0, 0),
      complete: false,
      covered: true,
    });
  });

  it('a resident pays in two parts; the completing one also books the fiscal subsidy', () => {
    const due = shares(400_00, 0, 700_00, 0);
    const first = recordPayment({ due, paid: ZERO_SHARES, activationThresholdFen: 400_00 }, 100_00);
    expect(first).toMatchObject({ ok: true, split: shares(100_00, 0, 0, 0), covered: false, complete: false });
    const second = recordPayment({ due, paid: shares(100_00, 0, 0, 0), activationThresholdFen: 400_00 }, 300_00);
    expect(second).toEqual({ ok: true, split: shares(300_00, 0, 700_00, 0), paidAfter: due, complete: true, covered: true });
  });

  it('refuses more than is payable, and a payment of 0 while something is payable', () => {
    const account = { due: shares(400_00, 0, 700_00, 0), paid: ZERO_SHARES, activationThresholdFen: 400_00 };
    expect(recordPayment(account, 400_01)).toMatchObject({ ok: false, rule: 'exceeds_outstanding', outstandingPayableFen: 400_00 });
    expect(recordPayment(account, 0)).toMatchObject({ ok: false, rule: 'nothing_to_record' });
  });

  it("books a fully subsidised member's public shares with a payment of 0, once", () => {
    const account = { due: shares(0, 0, 550_00, 280_00), paid: ZERO_SHARES, activationThresholdFen: 0 };
    const booked = recordPayment(account, 0);
    expect(booked).toEqual({
      ok: true,
      split: shares(0, 0, 550_00, 280_00),
      paidAfter: shares(0, 0, 550_00, 280_00),
      complete: true,
      covered: true,
    });
    expect(recordPayment({ ...account, paid: shares(0, 0, 550_00, 280_00) }, 0)).toMatchObject({ ok: false, rule: 'nothing_to_record' });
  });

  it('always adds up: any sequence of payments of the payable part books exactly the due, share by share', () => {
    const dueArb = fc.oneof(
      fc
        .record({
          scheme: fc.constant('resident' as const),
          categories: fc.subarray(['tekun', 'dibao', 'monitored', 'registered-poor', 'orphan']),
        })
        .map((r) => computeDue(honghe2025, { ...r, validFrom: '2025-01-01' })),
      fc
        .record({
          kind: fc.constantFrom('employer' as const, 'flexible' as const),
          base: fc.integer({ min: 1, max: 50_000_00 }),
          month: fc.integer({ min: 1, max: 12 }),
        })
        .map((r) =>
          computeDue(honghe2025, {
            scheme: 'employee',
            employeeKind: r.kind,
            monthlyBaseFen: r.base,
            validFrom: `2025-${String(r.month).padStart(2, '0')}-01`,
            categories: [],
          }),
        ),
    );
    fc.assert(
      fc.property(dueArb, fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 6 }), (due, weights) => {
        const payable = payableOf(due.shares);
        // Cut the payable part into len(weights) payments (some may be 0 when payable is small: skip those).
        const sum = weights.reduce((a, b) => a + b, 0);
        const cuts = weights.map((w) => Math.floor((payable * w) / sum));
        cuts[cuts.length - 1]! += payable - cuts.reduce((a, b) => a + b, 0);
        let paid: Shares = ZERO_SHARES;
        let booked = 0;
        const payments = payable === 0 ? [0] : cuts.filter((c) => c > 0);
        for (const amount of payments) {
          const r = recordPayment({ due: due.shares, paid, activationThresholdFen: due.activationThresholdFen }, amount);
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          expect(r.split.individualFen + r.split.employerFen).toBe(amount);
          expect(r.covered).toBe(payableOf(r.paidAfter) >= due.activationThresholdFen);
          booked += totalOf(r.split);
          paid = r.paidAfter;
        }
        expect(paid).toEqual(due.shares);
        expect(booked).toBe(totalOf(due.shares));
      }),
      { numRuns: 500 },
    );
  });
});
