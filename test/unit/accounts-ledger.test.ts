/**
 * The personal account's pure ledger (shared/accounts/ledger.ts) with worked numbers, and fast-check
 * properties: whatever sequence of credits, payments, refunds and corrections is asked, the balance
 * never goes negative, each entry's balance is the previous one plus its amount, and the settlement
 * split always adds up to the patient's share without paying more than the balance.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  monthlyCredit,
  openAccount,
  post,
  splitPatientShare,
  familyUseAllowed,
  type Account,
  type AccountEntry,
  type Movement,
} from '../../shared/accounts/ledger.ts';
import { personalAccountTermsSchema } from '../../shared/accounts/policy.ts';
import { shippedPolicy } from '../../shared/policy/benefits.ts';

const ctx = (year = 2025, at = '2025-03-01T00:00:00.000Z') => ({ year, at, by: 'test' });
const opened = (): Account => openAccount('M1', '330900', 'in-service', 2025, '2025-01-01T00:00:00.000Z');
const credit = (amountFen: number, reference: string): Movement => ({ kind: 'contribution-credit', amountFen, reference });
const pay = (amountFen: number, reference: string): Movement => ({ kind: 'claim-payment', amountFen: -amountFen, reference });

const terms = personalAccountTermsSchema.parse({
  inService: { rule: 'individual-contribution', share: '100%', basis: { illustrative: 't' } },
  flexible: { rule: 'base-rate', rate: '0.5%', basis: { illustrative: 't' } },
  retirees: { monthly: '87.5', basis: { illustrative: 't' } },
  familyUse: { relations: ['spouse', 'child'], uses: ['self-pay'], basis: { illustrative: 't' } },
  settlement: { payable: 'in-catalogue', basis: { illustrative: 't' } },
});

describe('the terms', () => {
  it('read percent and yuan as basis points and fen', () => {
    expect(terms.inService).toMatchObject({ rule: 'individual-contribution', share: 10_000 });
    expect(terms.flexible).toMatchObject({ rule: 'base-rate', rate: 50 });
    expect(terms.retirees.monthly).toBe(8_750);
  });

  it('credit a month by the rule: the whole individual contribution, or a rate of the base rounded half up once', () => {
    // 2% of a 6,000-yuan base withheld: 120 yuan, all of it to the account.
    expect(monthlyCredit(terms.inService, { baseFen: 600_000, individualFen: 12_000 })).toBe(12_000);
    // 0.5% of 4,567.89 yuan = 22.83945 yuan → 2,284 fen.
    expect(monthlyCredit(terms.flexible, { baseFen: 456_789, individualFen: 36_543 })).toBe(2_284);
    expect(monthlyCredit({ rule: 'none', basis: { illustrative: 't' } }, { baseFen: 600_000, individualFen: 12_000 })).toBe(0);
  });

  it('ship with the Zhoushan and Honghe employee policies: the whole individual contribution, 70 and 60 yuan a month for retirees', () => {
    for (const [id, monthly] of [
      ['zhoushan-employee', 7_000],
      ['honghe-employee', 6_000],
    ] as const) {
      const shipped = shippedPolicy(id, 2025).personalAccount!;
      expect(shipped.inService).toMatchObject({ rule: 'individual-contribution', share: 10_000 });
      expect(shipped.retirees.monthly).toBe(monthly);
      expect(shipped.familyUse.relations).toEqual(['spouse', 'parent', 'child']);
      expect(shipped.settlement.payable).toBe('patient-share');
      // 2% of a 6,000-yuan base withheld monthly: 120 yuan a month to the account.
      expect(monthlyCredit(shipped.inService, { baseFen: 600_000, individualFen: 12_000 })).toBe(12_000);
    }
  });

  it('allow family use by relation and use', () => {
    expect(familyUseAllowed(terms, 'spouse', 'self-pay')).toBe(true);
    expect(familyUseAllowed(terms, 'parent', 'self-pay')).toBe(false);
    expect(familyUseAllowed(terms, 'child', 'resident-contribution')).toBe(false);
  });
});

describe('posting', () => {
  it('numbers entries, keeps the balance after each, and refuses a payment beyond the balance whole', () => {
    let a = opened();
    const r1 = post(a, credit(12_000, 'c1'), ctx());
    expect(r1.ok && r1.entries).toEqual([expect.objectContaining({ seq: 1, amountFen: 12_000, balanceAfterFen: 12_000 })]);
    a = r1.ok ? r1.account : a;
    const r2 = post(a, pay(12_001, 'p1'), ctx());
    expect(r2).toMatchObject({ ok: false, rule: 'insufficient_balance', balanceFen: 12_000 });
    const r3 = post(a, pay(12_000, 'p2'), ctx());
    expect(r3.ok && r3.account).toMatchObject({ balanceFen: 0, version: 2 });
  });

  it('carries the balance into a new year with a zero entry before the first movement of that year', () => {
    const first = post(opened(), credit(5_000, 'c1'), ctx(2025));
    if (!first.ok) throw new Error('refused');
    const next = post(first.account, pay(1_000, 'p1'), ctx(2026, '2026-01-05T00:00:00.000Z'));
    if (!next.ok) throw new Error('refused');
    expect(next.entries.map((e) => [e.seq, e.kind, e.amountFen, e.balanceAfterFen, e.year])).toEqual([
      [2, 'carry-over', 0, 5_000, 2026],
      [3, 'claim-payment', -1_000, 4_000, 2026],
    ]);
    expect(next.account).toMatchObject({ year: 2026, version: 3 });
  });

  it('closes on a payout and takes no new credit after it, but still a refund of a claim it paid', () => {
    const funded = post(opened(), credit(7_000, 'c1'), ctx());
    if (!funded.ok) throw new Error('refused');
    // A payout takes the balance as it stands when posted, whatever amount was read before.
    const out = post(
      funded.account,
      { kind: 'transfer', amountFen: 0, wholeBalance: true, reference: 't', close: 'transferred to 110100' },
      ctx(),
    );
    expect(out.ok && out.entries[0]).toMatchObject({ amountFen: -7_000, balanceAfterFen: 0 });
    if (!out.ok) throw new Error('refused');
    expect(out.account).toMatchObject({ balanceFen: 0, closed: { reason: 'transferred to 110100' } });
    expect(post(out.account, credit(100, 'c2'), ctx())).toMatchObject({ ok: false, rule: 'account_closed' });
    expect(post(out.account, { kind: 'claim-refund', amountFen: 300, reference: 'r' }, ctx())).toMatchObject({ ok: true });
  });
});

describe('the settlement split', () => {
  it('pays the in-catalogue part of the share, at most the balance and the maximum asked; the rest is cash', () => {
    const lines = [
      { patientFen: 4_000, outOfCatalogueFen: 0 },
      { patientFen: 3_000, outOfCatalogueFen: 3_000 },
    ];
    expect(splitPatientShare({ patientPaidFen: 7_000, lines, payable: 'in-catalogue', balanceFen: 50_000 })).toEqual({
      payableFen: 4_000,
      personalAccountFen: 4_000,
      cashFen: 3_000,
    });
    expect(splitPatientShare({ patientPaidFen: 7_000, lines, payable: 'patient-share', balanceFen: 5_500 })).toEqual({
      payableFen: 7_000,
      personalAccountFen: 5_500,
      cashFen: 1_500,
    });
    expect(splitPatientShare({ patientPaidFen: 7_000, lines, payable: 'patient-share', balanceFen: 50_000, maxFen: 700 })).toMatchObject({
      personalAccountFen: 700,
      cashFen: 6_300,
    });
  });

  it('always adds up, never pays more than the balance, the payable part or the maximum (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ patientFen: fc.nat(1_000_000), outOfCatalogueFen: fc.nat(1_000_000) }), { minLength: 1, maxLength: 20 }),
        fc.nat(5_000_000),
        fc.option(fc.nat(2_000_000), { nil: undefined }),
        fc.constantFrom('patient-share' as const, 'in-catalogue' as const),
        (raw, balanceFen, maxFen, payable) => {
          const lines = raw.map((l) => ({ patientFen: l.patientFen, outOfCatalogueFen: Math.min(l.outOfCatalogueFen, l.patientFen) }));
          const patientPaidFen = lines.reduce((a, l) => a + l.patientFen, 0);
          const split = splitPatientShare({ patientPaidFen, lines, payable, balanceFen, maxFen });
          expect(split.personalAccountFen + split.cashFen).toBe(patientPaidFen);
          expect(split.personalAccountFen).toBeGreaterThanOrEqual(0);
          expect(split.cashFen).toBeGreaterThanOrEqual(0);
          expect(split.personalAccountFen).toBeLessThanOrEqual(Math.min(balanceFen, split.payableFen, maxFen ?? Number.MAX_SAFE_INTEGER));
          if (payable === 'in-catalogue') expect(split.cashFen).toBeGreaterThanOrEqual(lines.reduce((a, l) => a + l.outOfCatalogueFen, 0));
        },
      ),
    );
  });
});

describe('the balance (property)', () => {
  const movement = fc.oneof(
    fc.record({ kind: fc.constant('contribution-credit' as const), amountFen: fc.integer({ min: 1, max: 50_000 }) }),
    fc.record({ kind: fc.constant('retiree-credit' as const), amountFen: fc.integer({ min: 1, max: 20_000 }) }),
    fc.record({ kind: fc.constant('claim-payment' as const), amountFen: fc.integer({ min: -80_000, max: -1 }) }),
    fc.record({ kind: fc.constant('claim-refund' as const), amountFen: fc.integer({ min: 1, max: 30_000 }) }),
    fc.record({ kind: fc.constant('adjustment' as const), amountFen: fc.integer({ min: -60_000, max: 60_000 }) }),
    fc.record({ kind: fc.constant('family-contribution' as const), amountFen: fc.integer({ min: -40_000, max: -1 }) }),
  );

  it('is never negative, whatever is asked in whatever order and years; each entry is the previous balance plus its amount', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(movement, fc.integer({ min: 0, max: 3 })), { maxLength: 60 }), (asks) => {
        let account = opened();
        let year = 2025;
        const written: AccountEntry[] = [];
        asks.forEach(([m, yearsLater], i) => {
          year += yearsLater === 3 ? 1 : 0;
          const before = account.balanceFen;
          const result = post(account, { ...m, reference: `r${i}` }, ctx(year));
          if (result.ok) {
            account = result.account;
            written.push(...result.entries);
          } else {
            // Refused only when it would overdraw; nothing changes.
            expect(before + m.amountFen).toBeLessThan(0);
          }
          expect(account.balanceFen).toBeGreaterThanOrEqual(0);
        });
        let running = 0;
        written.forEach((e, i) => {
          expect(e.seq).toBe(i + 1);
          running += e.amountFen;
          expect(e.balanceAfterFen).toBe(running);
          expect(e.balanceAfterFen).toBeGreaterThanOrEqual(0);
        });
        expect(account.balanceFen).toBe(running);
        expect(account.version).toBe(written.length);
      }),
    );
  });
});
