/**
 * Properties (fast-check) of employee settlement and the issue 12.5 mechanisms, over generated bills,
 * members (in service, retired, civil servants, in categories), years so far and per-item fund ratios
 * under the shipped employee policies: the parts add up, no layer is negative, no cap is exceeded,
 * basic's cost axes add up to the covered amount; the major-disease ratio never lowers a category's;
 * a claim reversed and settled again keeps its place by date.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { settle } from '../../shared/settlement/engine.ts';
import { billSchema, type Bill } from '../../shared/settlement/bill.ts';
import type { MemberState, ProviderProfile } from '../../shared/settlement/member.ts';
import { lineCategories, type BenefitPolicy } from '../../shared/settlement/policy.ts';
import { lineAmount } from '../../shared/settlement/quantity.ts';
import { loadShippedPolicies, shippedPolicy } from '../../shared/policy/benefits.ts';
import { layerKeys, type Statement } from '../../shared/settlement/statement.ts';

const employeePolicies = loadShippedPolicies()
  .map((p) => p.policy)
  .filter((p) => p.scheme === 'employee');
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const CODES = ['X1', 'X2', 'NEG-1', 'CI-IMP-1', '002301000010000', 'DR1'];

const fenAmount = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 50_000 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 5_000_000 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 40_000_000 }) },
);
const lineArb = fc.record({
  itemClass: fc.constantFrom('A', 'B', 'C' as const),
  category: fc.constantFrom(...lineCategories),
  unitPriceFen: fenAmount,
  quantity: fc.integer({ min: 1, max: 20 }),
  itemCode: fc.constantFrom(...CODES),
});

function counterNames(policy: BenefitPolicy): string[] {
  return [
    ...policy.basic.caps.map((c) => `basic.cap.${c.id}`),
    ...policy.basic.deductibles.flatMap((d) => [`basic.deductible.${d.id}.paid`, `basic.deductible.${d.id}.target`]),
    ...policy.basic.ratios.filter((r) => r.bands).map((r) => `basic.band.${r.id}`),
    'catastrophic.base',
    'catastrophic.paid',
    ...policy.subsidies.flatMap((s) => [`subsidy.${s.id}.paid`, ...s.parts.map((p) => `subsidy.${s.id}.${p.id}.base`)]),
  ];
}

const caseArb = fc.integer({ min: 0, max: employeePolicies.length - 1 }).chain((index) => {
  const policy = employeePolicies[index]!;
  const names = counterNames(policy);
  return fc.record({
    policyIndex: fc.constant(index),
    visitType: fc.constantFrom('outpatient', 'chronic-outpatient', 'inpatient' as const),
    lines: fc.array(lineArb, { minLength: 1, maxLength: 20 }),
    level: fc.constantFrom('primary', 'secondary', 'tertiary' as const),
    inRegion: fc.boolean(),
    groups: fc.subarray(['retired', 'civil-servant']),
    categories: fc.subarray(['dibao', 'tekun']),
    ytd: fc.dictionary(fc.constantFrom(...names), fenAmount, { maxKeys: names.length }),
    fundRatios: fc.dictionary(fc.constantFrom(...CODES), fc.integer({ min: 0, max: 10_000 }), { maxKeys: 3 }),
    month: fc.integer({ min: 1, max: 12 }),
  });
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function build(c: Case): { policy: BenefitPolicy; bill: Bill; member: MemberState; provider: ProviderProfile } {
  const policy = employeePolicies[c.policyIndex]!;
  const date = `2025-${String(c.month).padStart(2, '0')}-10`;
  const visit: Record<string, unknown> = { type: c.visitType, serviceDate: date };
  if (c.visitType === 'inpatient') visit.dischargeDate = date;
  if (c.visitType === 'chronic-outpatient') visit.disease = policy.visits['chronic-outpatient']!.diseases[0]!.code;
  const bill = billSchema.parse({
    providerCode: 'H0001',
    claimNo: 'E-1',
    memberId: 'M-1',
    visit,
    diagnoses: { principal: 'K35.800' },
    lines: c.lines.map((l, i) => ({ lineNo: i + 1, ...l, amountFen: lineAmount(l.unitPriceFen, l.quantity) })),
  });
  const prefix = policy.region.slice(0, 4);
  return {
    policy,
    bill,
    member: {
      memberId: 'M-1',
      sex: 'F',
      birthDate: '1960-03-01',
      enrolment: { region: policy.region, scheme: 'employee', year: 2025 },
      categories: c.categories,
      groups: c.groups,
      outOfAreaRegions: [],
      familyDoctorContract: false,
      supplementaryPlans: [],
    },
    provider: { code: 'H0001', level: c.level, region: c.inRegion ? `${prefix}02` : '110101' },
  };
}

describe('employee settlement properties (fast-check, the shipped employee policies)', () => {
  it('adds up per line and in total, pays no negative figure, exceeds no cap, and splits covered cost into basic’s axes exactly', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { policy, bill, member, provider } = build(c);
        const s = settle({ policy, bill, member, provider, yearToDate: c.ytd, itemFundRatios: c.fundRatios });
        for (const line of s.lines) {
          for (const f of [line.coveredFen, line.deductibleFen, line.patientFen, ...Object.values(line.paidFen)]) {
            expect(Number.isSafeInteger(f) && f >= 0).toBe(true);
          }
          expect(line.outOfCatalogueFen + line.overLimitFen + line.firstSelfPayFen + line.coveredFen).toBe(line.amountFen);
          expect(sum(Object.values(line.paidFen)) + line.institutionFen + line.patientFen).toBe(line.amountFen);
          for (const key of layerKeys) if (line.paidFen[key] > 0) expect(line.rules[key], `${key} of line ${line.lineNo}`).toBeTruthy();
        }
        const t = s.totals;
        expect(t.fundPaidFen + t.institutionFen + t.patientPaidFen).toBe(t.billedFen);
        for (const key of layerKeys) expect(t.byLayer[key]).toBe(sum(s.lines.map((l) => l.paidFen[key])));
        expect(t.byLayer.basic).toBeLessThanOrEqual(t.coveredFen - t.deductibleFen);

        const { before, deltas, after } = s.yearToDate;
        for (const delta of Object.values(deltas)) expect(delta).toBeGreaterThanOrEqual(0);
        const within = (name: string, limit: number | undefined) => {
          if (limit !== undefined && name in deltas) expect(after[name]!).toBeLessThanOrEqual(Math.max(before[name]!, limit));
        };
        for (const cap of policy.basic.caps) within(`basic.cap.${cap.id}`, cap.amount);
        within('catastrophic.paid', policy.catastrophic?.cap);
        for (const plan of policy.subsidies) within(`subsidy.${plan.id}.paid`, plan.annualCap);

        // 大额 reads the cost beyond basic's caps; the civil servants' subsidy also the burden inside them:
        // basic's payment, the burden inside its caps and the cost beyond them are the covered amount.
        const beyond = deltas['catastrophic.base'];
        const burden = deltas['subsidy.civil-servant.burden-within-cap.base'];
        if (beyond !== undefined) expect(beyond + t.byLayer.basic).toBeLessThanOrEqual(t.coveredFen - t.deductibleFen);
        if (beyond !== undefined && burden !== undefined) expect(burden + beyond + t.byLayer.basic).toBe(t.coveredFen);
        if (member.groups.includes('civil-servant') && c.visitType !== 'outpatient') expect(burden).toBeDefined();
        if (!member.groups.includes('civil-servant')) expect(t.byLayer.subsidy).toBe(0);
      }),
      { numRuns: 400 },
    );
  });

  it('12.5d: on the same bill and year, a listed major disease never gets less assistance than the same member without it', () => {
    const policies = [shippedPolicy('fuxin-resident', 2019), shippedPolicy('fuxin-resident', 2020)];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1 }),
        fc.constantFrom('tekun', 'dibao', 'registered-poor'),
        fc.array(fc.integer({ min: 100, max: 8_000_000 }), { minLength: 1, maxLength: 5 }),
        fc.constantFrom('primary', 'secondary', 'tertiary' as const),
        (p, category, amounts, level) => {
          const policy = policies[p]!;
          const year = policy.year;
          const stay = (principal: string) =>
            billSchema.parse({
              providerCode: 'H21090200001',
              claimNo: 'D-1',
              memberId: 'M-1',
              visit: { type: 'inpatient', serviceDate: `${year}-05-01`, dischargeDate: `${year}-05-09` },
              diagnoses: { principal },
              lines: amounts.map((a, i) => ({
                lineNo: i + 1,
                itemCode: `X${i}`,
                itemClass: 'A',
                category: 'surgery',
                quantity: 1,
                unitPriceFen: a,
                amountFen: a,
              })),
            });
          const member: MemberState = {
            memberId: 'M-1',
            sex: 'F',
            birthDate: '1970-01-01',
            enrolment: { region: '210900', scheme: 'resident', year },
            categories: [category],
            groups: [],
            outOfAreaRegions: [],
            familyDoctorContract: false,
            supplementaryPlans: [],
          };
          const provider = { code: 'H21090200001', level, region: '210902' };
          const assisted = (principal: string): Statement => settle({ policy, bill: stay(principal), member, provider, yearToDate: {} });
          const cancer = assisted('C50.900');
          const heart = assisted('I21.000');
          expect(cancer.totals.byLayer.assistance).toBeGreaterThanOrEqual(heart.totals.byLayer.assistance);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('12.5e: of stays settled in date order, any one reversed and settled again gets its deductible and basic payment back', () => {
    const policy = shippedPolicy('zhoushan-employee', 2025);
    const member: MemberState = {
      memberId: 'M-1',
      sex: 'M',
      birthDate: '1970-01-01',
      enrolment: { region: '330900', scheme: 'employee', year: 2025 },
      categories: [],
      groups: [],
      outOfAreaRegions: [],
      familyDoctorContract: false,
      supplementaryPlans: [],
    };
    const provider = { code: 'H33090200001', level: 'tertiary' as const, region: '330902' };
    const stay = (day: number) =>
      billSchema.parse({
        providerCode: 'H33090200001',
        claimNo: `ZY-${day}`,
        memberId: 'M-1',
        visit: { type: 'inpatient', serviceDate: dateOf(day), dischargeDate: dateOf(day) },
        diagnoses: { principal: 'K35.800' },
        lines: [{ lineNo: 1, itemCode: 'X1', itemClass: 'A', category: 'surgery', quantity: 1, unitPriceFen: 500_000, amountFen: 500_000 }],
      });
    const dateOf = (day: number) => new Date(Date.UTC(2025, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
    const apply = (ytd: Record<string, number>, s: Statement, sign: 1 | -1) => {
      const next = { ...ytd };
      for (const [k, v] of Object.entries(s.yearToDate.deltas)) next[k] = (next[k] ?? 0) + sign * v;
      return next;
    };
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 360 }), { minLength: 1, maxLength: 6 }), fc.nat(), (days, pick) => {
        // Settled in date order, each stay pays 100% of the deductible if first in the year, 50% after.
        const sorted = [...days].sort((a, b) => a - b);
        let ytd: Record<string, number> = {};
        const settled = new Map<number, Statement>();
        for (const day of sorted) {
          const s = settle({ policy, bill: stay(day), member, provider, yearToDate: ytd });
          expect(s.totals.deductibleFen).toBe(day === sorted[0] ? 800_00 : 400_00);
          settled.set(day, s);
          ytd = apply(ytd, s, 1);
        }
        // Any one of them reversed and settled again gets the same deductible back.
        const day = days[pick % days.length]!;
        const back = apply(ytd, settled.get(day)!, -1);
        const again = settle({ policy, bill: stay(day), member, provider, yearToDate: back });
        expect(again.totals.deductibleFen).toBe(settled.get(day)!.totals.deductibleFen);
        expect(again.totals.byLayer.basic).toBe(settled.get(day)!.totals.byLayer.basic);
      }),
      { numRuns: 200 },
    );
  });
});
