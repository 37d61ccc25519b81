/**
 * The family self-pay cap (困难人员家庭自付封顶) counted over the whole household's year: worked
 * numbers on the shipped Zhoushan 2023 policy (10,000 yuan a year on covered self-pay and 先行自付,
 * for members in difficulty), and a fast-check property over households settling claims in any
 * order: the household never counts more than the cap, and what each member's statements say adds
 * up to the household's year.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { settle } from '../../shared/settlement/engine.ts';
import { exampleBill, exampleLine, exampleMember, exampleProvider } from '../../shared/settlement/examples.ts';
import type { MemberState } from '../../shared/settlement/member.ts';
import type { BenefitPolicy } from '../../shared/settlement/policy.ts';
import { shippedPolicy } from '../../shared/policy/benefits.ts';
import type { Statement } from '../../shared/settlement/statement.ts';

const y = (yuan: number) => Math.round(yuan * 100);
const zhoushan = shippedPolicy('zhoushan-resident', 2023);
const clinic = exampleProvider('primary', '330902');
const member = (memberId: string, o: Partial<MemberState> = {}) =>
  exampleMember({ memberId, enrolment: { region: '330900', scheme: 'resident', year: 2023 }, categories: ['monitored'], ...o });
const drugs = (yuan: number, claimNo = 'C1') =>
  exampleBill([exampleLine(1, 'A', 'drug', yuan)], { claimNo, visit: { type: 'outpatient', serviceDate: '2023-11-01' } });
/** The outpatient pool used up and the assistance deductible met, so the arithmetic is assistance's 70% and the cap. */
const spent = { 'basic.cap.outpatient': y(3_000), 'assistance.deductible': y(2_000) };

describe('the family self-pay cap counts the household', () => {
  it("takes the household's year, not the member's: 9,000 counted by the others, 1,500 more, 500 paid", () => {
    // Assistance pays 70% of 5,000 = 3,500; 1,500 remains. The household had counted 9,000 (another
    // member's claims); this claim takes it to 10,500, so the 500 above the 10,000 cap is paid.
    const s = settle({
      policy: zhoushan,
      bill: drugs(5_000),
      member: member('M-A', { householdId: 'HH-330902-0001' }),
      provider: clinic,
      yearToDate: spent,
      householdYearToDate: { 'familyCap.base': y(9_000), 'familyCap.paid': 0 },
    });
    expect(s.totals.byLayer).toMatchObject({ assistance: y(3_500), familyCap: y(500) });
    expect(s.totals.patientPaidFen).toBe(y(1_000));
    expect(s.yearToDate.household).toEqual({
      householdId: 'HH-330902-0001',
      before: { 'familyCap.base': y(9_000), 'familyCap.paid': 0 },
      deltas: { 'familyCap.base': y(1_500), 'familyCap.paid': y(500) },
      after: { 'familyCap.base': y(10_500), 'familyCap.paid': y(500) },
    });
    // The member's own counters record its share, so leaving the household it keeps what it counted.
    expect(s.yearToDate.deltas).toMatchObject({ 'familyCap.base': y(1_500), 'familyCap.paid': y(500) });
    expect(s.steps.find((step) => step.layer === 'familyCap')?.text).toContain("household HH-330902-0001's year goes from 9000.00");
  });

  it('is a household of one without a household: the same claim on an empty year pays nothing', () => {
    const s = settle({ policy: zhoushan, bill: drugs(5_000), member: member('M-A'), provider: clinic, yearToDate: spent });
    expect(s.totals.byLayer.familyCap).toBe(0);
    expect(s.totals.patientPaidFen).toBe(y(1_500));
    expect(s.yearToDate.household).toBeUndefined();
    expect(s.yearToDate.deltas).toMatchObject({ 'familyCap.base': y(1_500), 'familyCap.paid': 0 });
  });

  it("keeps the member's own year where the policy counts the cap per member", () => {
    const perMember: BenefitPolicy = { ...zhoushan, familyCap: { ...zhoushan.familyCap!, per: 'member' } };
    const s = settle({
      policy: perMember,
      bill: drugs(5_000),
      member: member('M-A', { householdId: 'HH-330902-0001' }),
      provider: clinic,
      yearToDate: spent,
      householdYearToDate: { 'familyCap.base': y(9_000) },
    });
    expect(s.totals.byLayer.familyCap).toBe(0);
    expect(s.yearToDate.household).toBeUndefined();
  });

  it('leaves the household alone for a member not in difficulty (the cap is for 困难人员 only)', () => {
    const s = settle({
      policy: zhoushan,
      bill: drugs(5_000),
      member: member('M-B', { householdId: 'HH-330902-0001', categories: [] }),
      provider: clinic,
      yearToDate: spent,
      householdYearToDate: { 'familyCap.base': y(9_999) },
    });
    expect(s.totals.byLayer.familyCap).toBe(0);
    expect(s.yearToDate.household).toBeUndefined();
  });
});

describe('property: a household settling claims in any order', () => {
  const claimArb = fc.record({ member: fc.integer({ min: 0, max: 3 }), yuan: fc.integer({ min: 1, max: 9_000 }) });

  it('counts exactly min(total, cap) as the household self-pay, the rest paid by the cap, and members add up to the household', () => {
    fc.assert(
      fc.property(fc.array(claimArb, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: y(12_000) }), (claims, startBase) => {
        const cap = zhoushan.familyCap!.annualCap;
        let household: Record<string, number> = { 'familyCap.base': startBase, 'familyCap.paid': Math.max(0, startBase - cap) };
        const years: Record<string, number>[] = [0, 1, 2, 3].map(() => ({ ...spent }));
        const statements: Statement[] = claims.map((c, i) => {
          const s = settle({
            policy: zhoushan,
            bill: drugs(c.yuan, `C${i}`),
            member: member(`M-${c.member}`, { householdId: 'HH-1' }),
            provider: clinic,
            yearToDate: years[c.member]!,
            householdYearToDate: household,
          });
          years[c.member] = { ...years[c.member], ...s.yearToDate.after };
          household = { ...household, ...s.yearToDate.household!.after };
          // The statement's parts add up, and the cap never pays more than the claim's own base.
          const t = s.totals;
          expect(t.fundPaidFen + t.institutionFen + t.patientPaidFen).toBe(t.billedFen);
          expect(s.yearToDate.household!.deltas['familyCap.paid']).toBe(t.byLayer.familyCap);
          expect(t.byLayer.familyCap).toBeLessThanOrEqual(s.yearToDate.household!.deltas['familyCap.base']!);
          return s;
        });
        const base = statements.reduce((sum, s) => sum + s.yearToDate.household!.deltas['familyCap.base']!, 0);
        const paid = statements.reduce((sum, s) => sum + s.totals.byLayer.familyCap, 0);
        // What the household itself bore this year on the cap's base: never past the cap.
        const bornBefore = Math.min(startBase, cap);
        expect(base - paid).toBe(Math.max(0, Math.min(cap - bornBefore, base)));
        // The household's counters are the sum of its members' shares.
        const memberSum = (name: string) => years.reduce((sum, y2) => sum + (y2[name] ?? 0), 0);
        expect(household['familyCap.base']! - startBase).toBe(memberSum('familyCap.base'));
        expect(household['familyCap.paid']! - Math.max(0, startBase - cap)).toBe(memberSum('familyCap.paid'));
      }),
      { numRuns: 300 },
    );
  });
});
