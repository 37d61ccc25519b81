/**
 * The employee scheme's collection side, pure: the credit code, a month's shares with worked
 * numbers, paid-in-time versus back-payment, coverage month by month (grace, suspension,
 * back-payment restoring it as each region's policy says), retirees, and properties of the money.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCreditCode, creditCodeCheckCharacter, CREDIT_CODE_ALPHABET } from '../../shared/employers/credit-code.ts';
import { coverageOn, type CoverageTerms } from '../../shared/employers/coverage.ts';
import { planEmployerChange, planEmployerRegistration } from '../../shared/employers/employer.ts';
import type { EmploymentItem, MonthlyContributionItem } from '../../shared/employers/items.ts';
import { contributionKindOf, monthShares, paymentDeadline } from '../../shared/employers/monthly.ts';
import { addMonths, lastDayOf, monthsFrom } from '../../shared/employers/months.ts';
import { coverageTermsOf } from '../../shared/employers/year.ts';
import { contributionPolicy } from '../../shared/policy/enrolment.ts';

const zhoushan = contributionPolicy('330900', 2025)!;
const honghe = contributionPolicy('532500', 2025)!;

describe('the unified social credit code (GB 32100)', () => {
  it('accepts published codes and computes their check character', () => {
    for (const code of ['91440300708461136T', '91330100716105852F', '91110108551385082Q', '91350100M000100Y43']) {
      expect(checkCreditCode(code)).toEqual({ ok: true, code, division: code.slice(2, 8) });
      expect(creditCodeCheckCharacter(code.slice(0, 17))).toBe(code[17]);
    }
    expect(checkCreditCode(' 91440300708461136t ')).toMatchObject({ ok: true, code: '91440300708461136T' });
  });

  it('refuses a wrong check character, the letters I O S V Z, and the wrong length', () => {
    expect(checkCreditCode('91440300708461136A')).toMatchObject({ ok: false, rule: 'credit_code_check' });
    expect(checkCreditCode('9144030070846113OT')).toMatchObject({ ok: false, rule: 'credit_code_format' });
    expect(checkCreditCode('91440300708461136')).toMatchObject({ ok: false, rule: 'credit_code_format' });
  });

  it('property: changing any one character of a valid code is always caught', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...CREDIT_CODE_ALPHABET), { minLength: 10, maxLength: 10 }),
        fc.stringMatching(/^\d{6}$/),
        fc.nat(16),
        fc.constantFrom(...CREDIT_CODE_ALPHABET),
        (org, division, at, replacement) => {
          const first17 = `91${division}${org.join('').slice(0, 9)}`;
          const code = first17 + creditCodeCheckCharacter(first17);
          expect(checkCreditCode(code).ok).toBe(true);
          const changed = code.slice(0, at) + replacement + code.slice(at + 1);
          if (changed !== code && /^\d$/.test(replacement) === /^\d$/.test(code[at]!)) expect(checkCreditCode(changed).ok).toBe(false);
        },
      ),
    );
  });
});

describe("a month's shares (Zhoushan 2025: employer 6%, individual 2%, flexible 8%, base 4,800–24,000 yuan)", () => {
  it('in service on 8,000 yuan: employer 480.00, individual 160.00', () => {
    expect(monthShares(zhoushan.employee, 'in-service', 8_000_00)).toEqual({
      wageBaseFen: 8_000_00,
      employerFen: 480_00,
      individualFen: 160_00,
    });
  });
  it('a wage under the floor is raised to it; one over the ceiling held at it', () => {
    expect(monthShares(zhoushan.employee, 'in-service', 3_000_00)).toEqual({
      wageBaseFen: 4_800_00,
      employerFen: 288_00,
      individualFen: 96_00,
    });
    expect(monthShares(zhoushan.employee, 'in-service', 50_000_00)).toEqual({
      wageBaseFen: 24_000_00,
      employerFen: 1_440_00,
      individualFen: 480_00,
    });
  });
  it('a flexible worker pays both parts: 8% of 6,000.50 yuan is 480.04, of which 2% (120.01) is the individual part', () => {
    expect(monthShares(zhoushan.employee, 'flexible', 6_000_50)).toEqual({
      wageBaseFen: 6_000_50,
      employerFen: 360_03,
      individualFen: 120_01,
    });
  });
  it('property: parts are whole fen, add up to the whole rate once rounded, and the base stays in bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_00 }), fc.constantFrom('in-service' as const, 'flexible' as const), (wage, status) => {
        for (const policy of [zhoushan, honghe]) {
          const s = monthShares(policy.employee, status, wage);
          const e = policy.employee;
          expect(Number.isInteger(s.employerFen) && Number.isInteger(s.individualFen)).toBe(true);
          expect(s.employerFen).toBeGreaterThanOrEqual(0);
          expect(s.wageBaseFen).toBeGreaterThanOrEqual(e.monthlyBaseFloor.value);
          expect(s.wageBaseFen).toBeLessThanOrEqual(e.monthlyBaseCeiling.value);
          const rate = status === 'flexible' ? e.flexibleRate.value : e.employerRate.value + e.individualRate.value;
          // Each part rounded once: the sum is within a fen of the whole rate on the base (exact for a flexible worker).
          const whole = Math.round((s.wageBaseFen * rate) / 10_000);
          if (status === 'flexible') expect(s.employerFen + s.individualFen).toBe(whole);
          else expect(Math.abs(s.employerFen + s.individualFen - whole)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});

describe('paid in time or back-paid (grace 3 months)', () => {
  it('March is due by the end of June; a July payment is a back-payment', () => {
    expect(paymentDeadline('2025-03', 3)).toBe('2025-06-30');
    expect(paymentDeadline('2025-11', 3)).toBe('2026-02-28');
    expect(contributionKindOf('2025-03', '2025-06-30', 3, 'in-service')).toBe('monthly');
    expect(contributionKindOf('2025-03', '2025-06-30', 3, 'flexible')).toBe('flexible');
    expect(contributionKindOf('2025-03', '2025-07-01', 3, 'in-service')).toBe('back-payment');
  });
});

const inService = (validFrom: string, validTo?: string): Pick<EmploymentItem, 'status' | 'validFrom' | 'validTo'> => ({
  status: 'in-service',
  validFrom,
  ...(validTo ? { validTo } : {}),
});
const paidMonth = (
  month: string,
  paidOn = lastDayOf(month),
  grace = 3,
): Pick<MonthlyContributionItem, 'month' | 'paidOn' | 'contributionKind'> => ({
  month,
  paidOn,
  contributionKind: contributionKindOf(month, paidOn, grace, 'in-service'),
});

describe('coverage follows what was paid', () => {
  const zs = coverageTermsOf(zhoushan.employee.monthly!);
  const hh = coverageTermsOf(honghe.employee.monthly!);
  const employment = [inService('2025-01-01')];
  // Paid January–April in time, nothing for May–August, then September onwards in time.
  const withGap = [...monthsFrom('2025-01', '2025-04'), ...monthsFrom('2025-09', '2025-12')].map((m) => paidMonth(m));
  const status = (paid: Parameters<typeof coverageOn>[1], terms: CoverageTerms, date: string) => coverageOn(employment, paid, terms, date);

  it('the shipped terms: Zhoushan restores a back-paid gap, Honghe does not and waits a month', () => {
    expect(zs).toEqual({ graceMonths: 3, restoresGapMonths: true, waitingMonths: 0 });
    expect(hh).toEqual({ graceMonths: 3, restoresGapMonths: false, waitingMonths: 1 });
  });

  it('not covered before the first month is paid', () => {
    expect(status([], zs, '2025-01-10')).toMatchObject({ status: 'pending-contribution', rule: 'no_month_paid' });
  });

  it('May–August unpaid: covered while within grace; from 1 September (May overdue) benefits are suspended, naming the months overdue', () => {
    expect(status(withGap, zs, '2025-04-30')).toMatchObject({ status: 'covered', basis: 'paid' });
    expect(status(withGap, zs, '2025-08-31')).toMatchObject({ status: 'covered', basis: 'grace' });
    expect(status(withGap, zs, '2025-09-01')).toMatchObject({ status: 'suspended', rule: 'arrears', arrearsMonths: ['2025-05'] });
    // September is paid in time, but the arrears still suspend benefits, and grow month by month.
    expect(status(withGap, zs, '2025-10-10')).toMatchObject({
      status: 'suspended',
      rule: 'arrears',
      arrearsMonths: ['2025-05', '2025-06'],
    });
  });

  // May–August back-paid on 20 October: May and June after their deadlines (back-payments), July and August still in time.
  const backPaid = [...withGap, ...monthsFrom('2025-05', '2025-08').map((m) => paidMonth(m, '2025-10-20'))];

  it('paying May–August on 20 October: May and June are back-payments, July and August still in time', () => {
    expect(backPaid.filter((p) => p.contributionKind === 'back-payment').map((p) => p.month)).toEqual(['2025-05', '2025-06']);
  });

  it('Zhoushan: the back-payment restores the suspended days and everything after them', () => {
    expect(status(backPaid, zs, '2025-09-15')).toMatchObject({ status: 'covered', basis: 'back-paid' });
    expect(status(backPaid, zs, '2025-10-10')).toMatchObject({ status: 'covered', basis: 'back-paid' });
    expect(status(backPaid, zs, '2025-10-25')).toMatchObject({ status: 'covered', basis: 'paid' });
  });

  it('Honghe: the suspended days stay uncovered and benefits resume on the first day of the month after the back-payment', () => {
    expect(status(backPaid, hh, '2025-09-15')).toMatchObject({ status: 'suspended', rule: 'gap_not_restored', arrearsMonths: ['2025-05'] });
    expect(status(backPaid, hh, '2025-10-25')).toMatchObject({
      status: 'suspended',
      rule: 'waiting_after_back_payment',
      resumesOn: '2025-11-01',
    });
    expect(status(backPaid, hh, '2025-11-01')).toMatchObject({ status: 'covered', basis: 'paid' });
  });

  it('a change of employer does not break the stretch; a retiree is covered without paying', () => {
    const two = [inService('2025-01-01', '2025-03-31'), inService('2025-04-01')];
    expect(coverageOn(two, [paidMonth('2025-01')], zs, '2025-04-10')).toMatchObject({ status: 'covered', basis: 'grace' });
    const retired = [inService('2024-01-01', '2025-02-28'), { status: 'retired' as const, validFrom: '2025-03-01' }];
    expect(coverageOn(retired, [], zs, '2025-06-01')).toMatchObject({ status: 'covered', basis: 'retired' });
    expect(coverageOn(retired, [], zs, '2025-02-01')).toMatchObject({ status: 'pending-contribution' });
    expect(coverageOn([], [], zs, '2025-02-01')).toBeUndefined();
  });

  it('property: with every month paid in time, every day of the year is covered; with nothing paid after January, day d is suspended exactly from the month after the deadline of February', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 364 }), fc.integer({ min: 0, max: 6 }), (day, grace) => {
        const date = new Date(Date.UTC(2025, 0, 1 + day)).toISOString().slice(0, 10);
        const terms = { graceMonths: grace, restoresGapMonths: false, waitingMonths: 0 };
        const all = monthsFrom('2025-01', '2025-12').map((m) => paidMonth(m, lastDayOf(m), grace));
        expect(coverageOn(employment, all, terms, date)?.status).toBe('covered');
        const firstOnly = [paidMonth('2025-01', '2025-01-31', grace)];
        // February is the first month unpaid: overdue once its deadline (the end of February + grace) has passed.
        const suspendedFrom = addMonths('2025-02', grace + 1);
        expect(coverageOn(employment, firstOnly, terms, date)?.status).toBe(date.slice(0, 7) >= suspendedFrom ? 'suspended' : 'covered');
      }),
    );
  });
});

describe('the employer register', () => {
  const who = { by: 'clerk-1', today: '2025-03-01', now: '2025-03-01T02:00:00.000Z' };
  const request = { creditCode: '91440300708461136T', name: '舟山示例制造有限公司', region: '330900' };

  it('registers at revision 1, answers a repeat unchanged, and refuses other facts under the same code', () => {
    const plan = planEmployerRegistration(undefined, request, who);
    expect(plan).toMatchObject({
      ok: true,
      outcome: 'registered',
      expectedRevision: 0,
      employer: { revision: 1, status: 'active', validFrom: '2025-03-01' },
    });
    if (!plan.ok || plan.outcome === 'unchanged') throw new Error('registered');
    expect(planEmployerRegistration(plan.employer, request, who)).toMatchObject({ ok: true, outcome: 'unchanged' });
    expect(planEmployerRegistration(plan.employer, { ...request, name: '另一家' }, who)).toMatchObject({
      ok: false,
      status: 409,
      problems: [{ field: 'creditCode', rule: 'already_registered' }],
    });
    const changed = planEmployerChange(plan.employer, { name: '舟山示例集团有限公司', validFrom: '2025-06-01' }, who);
    expect(changed).toMatchObject({
      ok: true,
      outcome: 'changed',
      expectedRevision: 1,
      employer: { revision: 2, name: '舟山示例集团有限公司' },
      revision: { change: 'changed' },
    });
    expect(planEmployerChange(plan.employer, { status: 'closed', validFrom: '2025-06-01', expectedRevision: 3 }, who)).toMatchObject({
      ok: false,
      problems: [{ rule: 'stale_revision' }],
    });
  });
});
