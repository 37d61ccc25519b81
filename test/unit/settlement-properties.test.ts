/**
 * Properties of every statement, over generated bills, members, providers and years-so-far under
 * every shipped policy: the parts add up to the bill exactly (per line and in total), no layer is
 * negative, no cap or limit is exceeded, and every figure is a whole number of fen.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { settle } from '../../shared/settlement/engine.ts';
import { billSchema, type Bill } from '../../shared/settlement/bill.ts';
import type { MemberState, ProviderProfile } from '../../shared/settlement/member.ts';
import { lineCategories, type BenefitPolicy, type VisitType } from '../../shared/settlement/policy.ts';
import { lineAmount } from '../../shared/settlement/quantity.ts';
import { loadShippedPolicies } from '../../shared/policy/benefits.ts';
import { layerKeys, type LineRules, type Statement } from '../../shared/settlement/statement.ts';

const policies = loadShippedPolicies().map((p) => p.policy);
const CATEGORIES = ['tekun', 'dibao', 'dibao-edge', 'monitored', 'registered-poor', 'severely-disabled'];
const DIAGNOSES = ['K35.800', 'C50.900', 'N18.500', 'I10.x00', 'C91.000', 'Q21.000', 'A15.000x016'];

/** Counter names a policy's rules use, so generated years-so-far land on, near and past its limits. */
function counterNames(policy: BenefitPolicy): string[] {
  return [
    'basic.paid',
    ...policy.basic.caps.map((c) => `basic.cap.${c.id}`),
    ...policy.basic.deductibles.flatMap((d) => [`basic.deductible.${d.id}.paid`, `basic.deductible.${d.id}.target`]),
    ...policy.basic.ratios.filter((r) => r.bands).map((r) => `basic.band.${r.id}`),
    'catastrophic.base',
    'catastrophic.paid',
    'assistance.deductible',
    'assistance.paid',
    'assistance.major.paid',
    'assistance.tilted.base',
    'assistance.tilted.paid',
    ...policy.supplementary.flatMap((s) => [`supplementary.${s.id}.deductible`, `supplementary.${s.id}.paid`]),
    'familyCap.base',
    'familyCap.paid',
  ];
}

const fenAmount = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 50_000 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 2_000_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 500_000_000 }) },
);
const quantity = fc.oneof(
  fc.integer({ min: 1, max: 30 }),
  fc.integer({ min: 1, max: 400 }).map((q) => q / 4),
);

const lineArb = fc.record({
  itemClass: fc.constantFrom('A', 'B', 'C' as const),
  category: fc.constantFrom(...lineCategories),
  unitPriceFen: fenAmount,
  quantity,
  priceLimit: fc.option(fenAmount, { nil: undefined }),
  itemCode: fc.constantFrom('X1', 'CL0101', 'CI-IMP-1', '002301000010000', 'X2'),
});

const caseArb = fc.integer({ min: 0, max: policies.length - 1 }).chain((index) => {
  const policy = policies[index]!;
  const visitTypes = Object.keys(policy.visits) as VisitType[];
  const names = counterNames(policy);
  return fc.record({
    policyFile: fc.constant(`${policy.id} ${policy.year}`),
    visitType: fc.constantFrom(...visitTypes),
    diseaseIndex: fc.nat(),
    programmeIndex: fc.nat(),
    days: fc.integer({ min: 1, max: 60 }),
    lines: fc.array(lineArb, { minLength: 1, maxLength: 30 }),
    principal: fc.constantFrom(...DIAGNOSES),
    level: fc.constantFrom('primary', 'secondary', 'tertiary' as const),
    inRegion: fc.boolean(),
    registered: fc.boolean(),
    categories: fc.subarray(CATEGORIES),
    sex: fc.constantFrom('M', 'F' as const),
    birthYear: fc.integer({ min: 1925, max: policy.year }),
    familyDoctor: fc.boolean(),
    plans: fc.subarray(['zhouhuibao']),
    ytd: fc.dictionary(fc.constantFrom(...names), fenAmount, { maxKeys: names.length }),
    claimsBefore: fc.integer({ min: 0, max: 5 }),
  });
});

type Generated = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;
/** A generated case with its policy looked up (counterexamples print the policy's name, not the whole document). */
type Case = Generated & { policy: BenefitPolicy };
const withPolicy = (g: Generated): Case => ({ ...g, policy: policies.find((p) => `${p.id} ${p.year}` === g.policyFile)! });

function build(c: Case): { bill: Bill; member: MemberState; provider: ProviderProfile; yearToDate: Record<string, number> } {
  const { policy } = c;
  const date = policy.effectiveFrom;
  const visit: Record<string, unknown> = { type: c.visitType, serviceDate: date };
  if (c.visitType === 'inpatient' || c.visitType === 'bed-day') visit.dischargeDate = date;
  if (c.visitType === 'chronic-outpatient' || c.visitType === 'two-diseases-outpatient') {
    const diseases = policy.visits[c.visitType]!.diseases;
    visit.disease = diseases[c.diseaseIndex % diseases.length]!.code;
  }
  if (c.visitType === 'bed-day') {
    const programmes = policy.visits['bed-day']!.programmes;
    visit.bedDay = { programme: programmes[c.programmeIndex % programmes.length]!.id, days: c.days };
  }
  const bill = billSchema.parse({
    providerCode: 'H0001',
    claimNo: 'P-1',
    memberId: 'M-1',
    visit,
    diagnoses: { principal: c.principal },
    lines: c.lines.map((l, i) => ({
      lineNo: i + 1,
      itemCode: l.itemCode,
      itemClass: l.itemClass,
      category: l.category,
      quantity: l.quantity,
      unitPriceFen: l.unitPriceFen,
      amountFen: lineAmount(l.unitPriceFen, l.quantity),
      ...(l.priceLimit !== undefined ? { priceLimitFen: l.priceLimit } : {}),
    })),
  });
  const poolPrefix = policy.region.replace(/(00)+$/, '');
  const providerRegion = c.inRegion ? poolPrefix.padEnd(6, '1').slice(0, 6) : '110101';
  const yearToDate: Record<string, number> = { ...c.ytd };
  for (const d of policy.basic.deductibles) yearToDate[`basic.deductible.${d.id}.claims`] = c.claimsBefore;
  return {
    bill,
    member: {
      memberId: 'M-1',
      sex: c.sex,
      birthDate: `${c.birthYear}-06-15`,
      enrolment: { region: policy.region, scheme: policy.scheme, year: policy.year },
      categories: c.categories,
      groups: [],
      outOfAreaRegions: c.registered ? ['110000'] : [],
      familyDoctorContract: c.familyDoctor,
      supplementaryPlans: c.plans,
    },
    provider: { code: 'H0001', level: c.level, region: providerRegion },
    yearToDate,
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The statement for a generated case, or undefined when the policy refuses it (e.g. a bed-day stay where none is covered). */
function statementFor(c: Case): { s: Statement; input: ReturnType<typeof build> } {
  const input = build(c);
  return { s: settle({ ...input, policy: c.policy }), input };
}

const RUNS = { numRuns: 400 };

describe('settlement properties (fast-check, every shipped policy)', () => {
  it('adds up to the bill exactly, per line and in total, in whole fen, with no negative figure and a rule for every figure', () => {
    fc.assert(
      fc.property(caseArb, (g) => {
        const c = withPolicy(g);
        const { s } = statementFor(c);
        for (const line of s.lines) {
          const figures = [
            line.amountFen,
            line.outOfCatalogueFen,
            line.overLimitFen,
            line.firstSelfPayFen,
            line.coveredFen,
            line.deductibleFen,
            line.institutionFen,
            line.patientFen,
            ...Object.values(line.paidFen),
          ];
          for (const f of figures) {
            expect(Number.isSafeInteger(f)).toBe(true);
            expect(f).toBeGreaterThanOrEqual(0);
          }
          expect(line.outOfCatalogueFen + line.overLimitFen + line.firstSelfPayFen + line.coveredFen).toBe(line.amountFen);
          expect(sum(Object.values(line.paidFen)) + line.institutionFen + line.patientFen).toBe(line.amountFen);
          expect(line.deductibleFen).toBeLessThanOrEqual(line.coveredFen);
          // Every non-zero figure names the policy rule that produced it.
          const named: [keyof LineRules, number][] = [
            ['outOfCatalogue', line.outOfCatalogueFen],
            ['overLimit', line.overLimitFen],
            ['firstSelfPay', line.firstSelfPayFen],
            ['deductible', line.deductibleFen],
            ['institution', line.institutionFen],
            ...(Object.entries(line.paidFen) as [keyof LineRules, number][]),
          ];
          for (const [figure, amount] of named) if (amount > 0) expect(line.rules[figure], `${figure} of line ${line.lineNo}`).toBeTruthy();
        }
        const t = s.totals;
        expect(t.billedFen).toBe(sum(c.lines.map((l) => lineAmount(l.unitPriceFen, l.quantity))));
        expect(t.outOfCatalogueFen + t.overLimitFen + t.firstSelfPayFen + t.coveredFen).toBe(t.billedFen);
        expect(t.fundPaidFen + t.institutionFen + t.patientPaidFen).toBe(t.billedFen);
        expect(t.fundPaidFen).toBe(sum(Object.values(t.byLayer)));
        for (const key of layerKeys) {
          expect(t.byLayer[key]).toBeGreaterThanOrEqual(0);
          expect(t.byLayer[key]).toBe(sum(s.lines.map((l) => l.paidFen[key])));
        }
        expect(t.patientPaidFen).toBe(sum(s.lines.map((l) => l.patientFen)));
        expect(t.deductibleFen).toBe(sum(s.lines.map((l) => l.deductibleFen)));
        // Basic pays only within the covered amount left after the deductible.
        expect(t.byLayer.basic).toBeLessThanOrEqual(t.coveredFen - t.deductibleFen);
      }),
      RUNS,
    );
  });

  it('never takes a cap or limit past its amount, and moves counters only upwards by whole fen', () => {
    fc.assert(
      fc.property(caseArb, (g) => {
        const c = withPolicy(g);
        const { s, input } = statementFor(c);
        const { policy } = c;
        const { before, deltas, after } = s.yearToDate;
        for (const [name, delta] of Object.entries(deltas)) {
          expect(Number.isSafeInteger(delta)).toBe(true);
          expect(delta).toBeGreaterThanOrEqual(0);
          expect(after[name]).toBe((input.yearToDate[name] ?? 0) + delta);
          expect(before[name]).toBe(input.yearToDate[name] ?? 0);
        }
        const within = (name: string, limit: number | undefined) => {
          if (limit === undefined || !(name in deltas)) return;
          expect(after[name]!).toBeLessThanOrEqual(Math.max(before[name]!, limit));
        };
        for (const cap of policy.basic.caps) within(`basic.cap.${cap.id}`, cap.amount);
        const cat = policy.catastrophic;
        const catTerms = cat?.categoryTerms.find((t) => t.categories.some((x) => c.categories.includes(x)));
        if (cat && !catTerms?.uncapped) within('catastrophic.paid', cat.cap);
        const major = (deltas['assistance.major.paid'] ?? 0) > 0;
        const category = policy.assistance?.categories.find((t) => t.categories.some((x) => c.categories.includes(x)));
        if (major) within('assistance.major.paid', policy.assistance?.majorDiseases?.annualLimit);
        else within('assistance.paid', category?.annualLimit);
        within('assistance.tilted.paid', policy.assistance?.tilted?.annualLimit);
        for (const plan of policy.supplementary) within(`supplementary.${plan.id}.paid`, plan.annualCap);
        const cap = policy.familyCap;
        if (cap && 'familyCap.base' in deltas) {
          // What the member still counts this claim never takes the year past the cap (unless it already was).
          const counted = deltas['familyCap.base']! - deltas['familyCap.paid']!;
          expect(Math.min(before['familyCap.base']!, cap.annualCap) + counted).toBeLessThanOrEqual(cap.annualCap);
        }
        expect(deltas.claims).toBe(1);
        expect(deltas.billed).toBe(s.totals.billedFen);
        expect(deltas.fundPaid).toBe(s.totals.fundPaidFen);
      }),
      RUNS,
    );
  });

  it('gives the same statement for the same input (pure)', () => {
    fc.assert(
      fc.property(caseArb, (g) => {
        const c = withPolicy(g);
        expect(statementFor(c).s).toEqual(statementFor(c).s);
      }),
      { numRuns: 50 },
    );
  });
});
