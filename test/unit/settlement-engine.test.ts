/**
 * Each mechanism of the settlement engine, with worked numbers derived by hand from the policy
 * text (the shipped Zhoushan, Fuxin and Jin'an documents). Amounts are written in yuan through
 * `y()` so a reader can follow the arithmetic; the engine works in fen.
 */
import { describe, expect, it } from 'vitest';
import { settle } from '../../shared/settlement/engine.ts';
import { exampleBill, exampleLine, exampleMember, exampleProvider } from '../../shared/settlement/examples.ts';
import type { MemberState, ProviderProfile } from '../../shared/settlement/member.ts';
import { benefitPolicySchema, type BenefitPolicy, type BenefitPolicyDocument } from '../../shared/settlement/policy.ts';
import { loadShippedPolicies, shippedPolicy } from '../../shared/policy/benefits.ts';
import { SettlementRefusal, type Statement } from '../../shared/settlement/statement.ts';
import type { Bill } from '../../shared/settlement/bill.ts';

/** Yuan → fen, for readable expectations. */
const y = (yuan: number) => Math.round(yuan * 100);

const zhoushan = shippedPolicy('zhoushan-resident', 2023);
const fuxin2019 = shippedPolicy('fuxin-resident', 2019);
const fuxin2020 = shippedPolicy('fuxin-resident', 2020);
const jinan = shippedPolicy('jinan-resident', 2023);

const zhoushanMember = (o: Partial<MemberState> = {}) =>
  exampleMember({ enrolment: { region: '330900', scheme: 'resident', year: 2023 }, ...o });
const fuxinMember = (year: number, o: Partial<MemberState> = {}) =>
  exampleMember({ enrolment: { region: '210900', scheme: 'resident', year }, ...o });
const jinanMember = (o: Partial<MemberState> = {}) =>
  exampleMember({ enrolment: { region: '341502', scheme: 'resident', year: 2023 }, ...o });

const inZhoushan = (level: ProviderProfile['level']) => exampleProvider(level, '330902');
const inFuxin = (level: ProviderProfile['level']) => exampleProvider(level, '210902', 'H21090200001');
const inJinan = (level: ProviderProfile['level']) => exampleProvider(level, '341502', 'H34150200001');

const inpatient = (lines: Parameters<typeof exampleBill>[0], year = 2023, extra: Parameters<typeof exampleBill>[1] = {}) =>
  exampleBill(lines, {
    ...extra,
    visit: { type: 'inpatient', serviceDate: `${year}-11-01`, dischargeDate: `${year}-11-08`, ...extra.visit },
  });
const outpatient = (lines: Parameters<typeof exampleBill>[0], extra: Parameters<typeof exampleBill>[1] = {}) =>
  exampleBill(lines, { ...extra, visit: { type: 'outpatient', serviceDate: '2023-11-01', ...extra.visit } });

function run(
  policy: BenefitPolicy,
  bill: Bill,
  member: MemberState,
  provider: ProviderProfile,
  yearToDate: Record<string, number> = {},
): Statement {
  return settle({ policy, bill, member, provider, yearToDate });
}

/** Settles bills one after another, each on the year the previous ones left. */
function chain(
  policy: BenefitPolicy,
  member: MemberState,
  claims: [Bill, ProviderProfile][],
  start: Record<string, number> = {},
): Statement[] {
  let ytd = { ...start };
  return claims.map(([bill, provider]) => {
    const s = run(policy, bill, member, provider, ytd);
    ytd = { ...ytd, ...s.yearToDate.after };
    return s;
  });
}

const fundOf = (s: Statement) => s.totals.byLayer;

describe('layer 1: item classes, price limits, special items', () => {
  it('keeps 甲 whole, takes 乙类先行自付 by class and category, and leaves 丙 to the patient (Zhoushan inpatient)', () => {
    const s = run(
      zhoushan,
      inpatient([
        exampleLine(1, 'A', 'drug', 5_000),
        exampleLine(2, 'B', 'drug', 3_000), // 10% first self-pay: 300
        exampleLine(3, 'C', 'drug', 1_000), // out of catalogue
        exampleLine(4, 'B', 'material', 2_000), // materials 20%: 400
      ]),
      zhoushanMember(),
      inZhoushan('secondary'),
    );
    expect(s.totals).toMatchObject({
      billedFen: y(11_000),
      outOfCatalogueFen: y(1_000),
      overLimitFen: 0,
      firstSelfPayFen: y(700),
      coveredFen: y(9_300),
      deductibleFen: y(600), // first admission at a secondary hospital
    });
    // (9,300 − 600) × 75% = 6,525; the catastrophic base 2,775 + 700 stays under its 20,000 deductible.
    expect(fundOf(s).basic).toBe(y(6_525));
    expect(fundOf(s).catastrophic).toBe(0);
    expect(s.totals.patientPaidFen).toBe(y(11_000 - 6_525));
    expect(s.lines.map((l) => l.firstSelfPayFen)).toEqual([0, y(300), 0, y(400)]);
    expect(s.lines[2]).toMatchObject({ outOfCatalogueFen: y(1_000), patientFen: y(1_000) });
  });

  it("self-pays the excess above a price limit (超限价), taking the stricter of the HIS's and the region's limit", () => {
    // CL0101 is limited to 3,000 a unit in the Zhoushan catalogue; a 乙 material pays 20% first on what is within.
    const regionLimit = run(
      zhoushan,
      inpatient([exampleLine(1, 'B', 'material', 3_500, 2, { itemCode: 'CL0101' })]),
      zhoushanMember(),
      inZhoushan('secondary'),
    );
    expect(regionLimit.lines[0]).toMatchObject({
      amountFen: y(7_000),
      overLimitFen: y(1_000),
      firstSelfPayFen: y(1_200),
      coveredFen: y(4_800),
    });
    const hisLimit = run(
      zhoushan,
      inpatient([exampleLine(1, 'B', 'material', 3_500, 1, { itemCode: 'CL0101', priceLimitFen: y(2_800) })]),
      zhoushanMember(),
      inZhoushan('secondary'),
    );
    expect(hisLimit.lines[0]).toMatchObject({ overLimitFen: y(700), firstSelfPayFen: y(560), coveredFen: y(2_240) });
    expect(hisLimit.lines[0]!.notes.join(' ')).toContain('超限价');
  });

  it('gives special items their own first self-pay whatever their class (imported implant 30%, large imaging 5%)', () => {
    const s = run(
      zhoushan,
      inpatient([
        exampleLine(1, 'A', 'material', 40_000, 1, { itemCode: 'CI-HIP-0001' }),
        exampleLine(2, 'B', 'exam', 600, 1, { itemCode: '002301000010000' }),
      ]),
      zhoushanMember(),
      inZhoushan('tertiary'),
    );
    expect(s.lines.map((l) => l.firstSelfPayFen)).toEqual([y(12_000), y(30)]);
    expect(s.lines[0]!.notes[0]).toContain('进口植入类医用耗材');
  });

  it('rounds a first self-pay half up to the fen, once per line', () => {
    const s = run(
      zhoushan,
      outpatient([
        exampleLine(1, 'B', 'drug', 0.05), // 10% of 5 fen = 0.5 fen → 1
        exampleLine(2, 'B', 'drug', 0.04), // 0.4 fen → 0
      ]),
      zhoushanMember(),
      inZhoushan('primary'),
    );
    expect(s.lines.map((l) => l.firstSelfPayFen)).toEqual([1, 0]);
  });
});

describe('visit types', () => {
  it('waives the primary-care outpatient deductible and adds the 2023 raise (+2 points) and the family-doctor +3 (Zhoushan)', () => {
    const bill = outpatient([exampleLine(1, 'A', 'drug', 200)]);
    const plain = run(zhoushan, bill, zhoushanMember(), inZhoushan('primary'));
    expect(plain.totals.deductibleFen).toBe(0);
    expect(fundOf(plain).basic).toBe(y(124)); // 200 × (60% + 2)
    const signed = run(zhoushan, bill, zhoushanMember({ familyDoctorContract: true }), inZhoushan('primary'));
    expect(fundOf(signed).basic).toBe(y(130)); // 200 × 65%
    // Out of the city: neither the in-city raise nor the family-doctor addition applies.
    const away = run(zhoushan, bill, zhoushanMember({ familyDoctorContract: true }), exampleProvider('primary', '330106'));
    expect(fundOf(away).basic).toBe(y(120));
    expect(away.visit.inRegion).toBe(false);
  });

  it('pays chronic-disease outpatient at 65% in city primary care, tuberculosis at 70%, +3 for a family doctor', () => {
    const visit = (disease: string) => ({ visit: { type: 'chronic-outpatient' as const, serviceDate: '2023-11-01', disease } });
    const bill = (disease: string) => exampleBill([exampleLine(1, 'A', 'drug', 300)], visit(disease));
    expect(fundOf(run(zhoushan, bill('hypertension'), zhoushanMember(), inZhoushan('primary'))).basic).toBe(y(195));
    expect(fundOf(run(zhoushan, bill('tb'), zhoushanMember(), inZhoushan('primary'))).basic).toBe(y(210));
    expect(fundOf(run(zhoushan, bill('tb'), zhoushanMember({ familyDoctorContract: true }), inZhoushan('primary'))).basic).toBe(y(219));
    expect(fundOf(run(zhoushan, bill('tb'), zhoushanMember(), inZhoushan('secondary'))).basic).toBe(y(150)); // illustrative 50% at secondary
  });

  it('refuses a chronic disease the member is not approved for, and one the policy does not list', () => {
    const bill = exampleBill([exampleLine(1, 'A', 'drug', 300)], {
      visit: { type: 'chronic-outpatient', serviceDate: '2023-11-01', disease: 'tb' },
    });
    expect(() => run(zhoushan, bill, zhoushanMember({ approvedDiseases: ['hypertension'] }), inZhoushan('primary'))).toThrow(
      expect.objectContaining({ field: 'visit.disease', rule: 'not_approved' }),
    );
    const unlisted = exampleBill([exampleLine(1, 'A', 'drug', 300)], {
      visit: { type: 'chronic-outpatient', serviceDate: '2023-11-01', disease: 'gout' },
    });
    expect(() => run(zhoushan, unlisted, zhoushanMember(), inZhoushan('primary'))).toThrow(SettlementRefusal);
  });

  it("covers only drugs on 两病 outpatient visits, at 50%, within the 400-yuan yearly limit (Jin'an)", () => {
    const bill = exampleBill([exampleLine(1, 'A', 'drug', 100), exampleLine(2, 'A', 'exam', 50)], {
      visit: { type: 'two-diseases-outpatient', serviceDate: '2023-11-01', disease: 'hypertension' },
    });
    const s = run(jinan, bill, jinanMember(), inJinan('primary'));
    expect(s.lines[1]).toMatchObject({ outOfCatalogueFen: y(50), patientFen: y(50) });
    expect(fundOf(s).basic).toBe(y(50));
    const nearLimit = run(jinan, bill, jinanMember(), inJinan('primary'), { 'basic.cap.two-diseases': y(380) });
    expect(fundOf(nearLimit).basic).toBe(y(20));
  });

  it('settles a per-bed-day stay at the standard: the patient and the fund share it, the institution bears the rest (hospice, home sickbed, elderly care)', () => {
    // 300 yuan a day at a secondary hospital × 10 days = 3,000; billed 3,500 (all 甲).
    const bill = exampleBill(
      [exampleLine(1, 'A', 'bed', 150, 10), exampleLine(2, 'A', 'nursing', 1_000), exampleLine(3, 'A', 'drug', 1_000)],
      {
        visit: { type: 'bed-day', serviceDate: '2023-11-01', dischargeDate: '2023-11-11', bedDay: { programme: 'hospice', days: 10 } },
      },
    );
    const s = run(zhoushan, bill, zhoushanMember(), inZhoushan('secondary'));
    expect(s.totals).toMatchObject({ billedFen: y(3_500), institutionFen: y(500), fundPaidFen: y(2_700), patientPaidFen: y(300) });
    // Below the standard, the bill is the base: a 5-day home sickbed (80/day = 400) billed 300 → fund 80% = 240.
    const home = exampleBill([exampleLine(1, 'A', 'nursing', 300)], {
      visit: { type: 'bed-day', serviceDate: '2023-11-01', dischargeDate: '2023-11-06', bedDay: { programme: 'home-sickbed', days: 5 } },
    });
    expect(run(zhoushan, home, zhoushanMember(), inZhoushan('primary')).totals).toMatchObject({
      institutionFen: 0,
      fundPaidFen: y(240),
      patientPaidFen: y(60),
    });
    // A month in a medical-elderly-care institution at tertiary level: 300 × 30 = 9,000 standard, billed 8,000 → fund 85%.
    const care = exampleBill([exampleLine(1, 'A', 'nursing', 8_000)], {
      visit: { type: 'bed-day', serviceDate: '2023-11-01', dischargeDate: '2023-12-01', bedDay: { programme: 'elderly-care', days: 30 } },
    });
    const month = run(zhoushan, care, zhoushanMember(), inZhoushan('tertiary'));
    expect(month.totals).toMatchObject({ institutionFen: 0, fundPaidFen: y(6_800), patientPaidFen: y(1_200) });
    expect(month.lines[0]!.rules.basic).toBe('visits.bed-day.programmes[elderly-care]');
  });

  it('refuses a visit type the policy does not cover, naming the field', () => {
    const bill = exampleBill([exampleLine(1, 'A', 'nursing', 300)], {
      visit: { type: 'bed-day', serviceDate: '2019-11-01', dischargeDate: '2019-11-06', bedDay: { programme: 'hospice', days: 5 } },
    });
    expect(() => run(fuxin2019, bill, fuxinMember(2019), inFuxin('primary'))).toThrow(
      expect.objectContaining({ field: 'visit.type', rule: 'not_covered' }),
    );
  });
});

describe('deductibles and how they repeat', () => {
  const admission = (
    level: ProviderProfile['level'],
    provider: (l: ProviderProfile['level']) => ProviderProfile,
    year = 2023,
  ): [Bill, ProviderProfile] => [inpatient([exampleLine(1, 'A', 'treatment', year === 2023 ? 1_000 : 3_000)], year), provider(level)];

  it('by sequence: the full deductible on the first admission, half from the second on (Zhoushan)', () => {
    const [a, b, c] = chain(zhoushan, zhoushanMember(), [
      admission('secondary', inZhoushan),
      admission('secondary', inZhoushan),
      admission('secondary', inZhoushan),
    ]);
    expect([a!, b!, c!].map((s) => s.totals.deductibleFen)).toEqual([y(600), y(300), y(300)]);
    expect([a!, b!, c!].map((s) => fundOf(s).basic)).toEqual([y(300), y(525), y(525)]); // (1,000 − D) × 75%
  });

  it('once a year, met cumulatively: 300 yuan across outpatient visits outside primary care (Zhoushan)', () => {
    const visit = (amount: number): [Bill, ProviderProfile] => [outpatient([exampleLine(1, 'A', 'drug', amount)]), inZhoushan('secondary')];
    const claims = chain(zhoushan, zhoushanMember(), [visit(200), visit(500), visit(100)]);
    expect(claims.map((s) => s.totals.deductibleFen)).toEqual([y(200), y(100), 0]);
    expect(claims.map((s) => fundOf(s).basic)).toEqual([0, y(200), y(50)]); // ratio 45% + 5 = 50%
  });

  it("once at the highest level reached: a later admission higher up tops up the difference (Jin'an)", () => {
    const stay = (level: ProviderProfile['level']): [Bill, ProviderProfile] => [
      inpatient([exampleLine(1, 'A', 'treatment', 2_000)]),
      inJinan(level),
    ];
    const claims = chain(jinan, jinanMember(), [stay('primary'), stay('tertiary'), stay('secondary')]);
    expect(claims.map((s) => s.totals.deductibleFen)).toEqual([y(200), y(800), 0]);
    expect(claims.map((s) => fundOf(s).basic)).toEqual([y(1_530), y(720), y(1_500)]); // 1,800 × 85%, 1,200 × 60%, 2,000 × 75%
  });

  it('on every admission (Fuxin)', () => {
    const claims = chain(fuxin2019, fuxinMember(2019), [admission('secondary', inFuxin, 2019), admission('secondary', inFuxin, 2019)]);
    expect(claims.map((s) => s.totals.deductibleFen)).toEqual([y(500), y(500)]);
    expect(claims.map((s) => fundOf(s).basic)).toEqual([y(1_750), y(1_750)]); // (3,000 − 500) × 70%
  });
});

describe('ratios', () => {
  const stay = (year = 2023) => inpatient([exampleLine(1, 'A', 'treatment', year === 2023 ? 1_000 : 3_000)], year);

  it('by age: a minor gets the adult ratio +5 points (Zhoushan, illustrative)', () => {
    const child = run(zhoushan, stay(), zhoushanMember({ birthDate: '2013-03-01' }), inZhoushan('secondary'));
    expect(fundOf(child).basic).toBe(y(320)); // (1,000 − 600) × 80%
    expect(child.visit.ageYears).toBe(10);
  });

  it('in and out of region, with and without an out-of-area registration (Zhoushan, Fuxin)', () => {
    expect(fundOf(run(zhoushan, stay(), zhoushanMember(), exampleProvider('secondary', '310101'))).basic).toBe(y(260)); // 400 × 65%
    const shenyang = exampleProvider('secondary', '210102', 'H21010200001');
    expect(fundOf(run(fuxin2019, stay(2019), fuxinMember(2019), shenyang)).basic).toBe(y(1_250)); // 2,500 × (70 − 20)%
    expect(fundOf(run(fuxin2019, stay(2019), fuxinMember(2019, { outOfAreaRegions: ['210100'] }), shenyang)).basic).toBe(y(1_500)); // 2,500 × 60%
  });

  it('by member group: a rule for retired members is an option of the policy, not code (employee variant)', () => {
    const document = structuredClone(
      loadShippedPolicies().find((p) => p.policy.id === 'zhoushan-resident')!.document,
    ) as BenefitPolicyDocument;
    document.scheme = 'employee';
    document.basic.ratios.push({ id: 'retired', when: { memberGroups: ['retired'] }, add: '10%', basis: { illustrative: 'test' } });
    const employee = benefitPolicySchema.parse(document);
    const retired = exampleMember({ enrolment: { region: '330900', scheme: 'employee', year: 2023 }, groups: ['retired'] });
    expect(fundOf(run(employee, stay(), retired, inZhoushan('secondary'))).basic).toBe(y(340)); // 400 × 85%
  });

  it("by band of the year's amount: chronic outpatient at 65% on the first 1,000 yuan, 75% above (Jin'an)", () => {
    const visit = (amount: number): [Bill, ProviderProfile] => [
      exampleBill([exampleLine(1, 'A', 'drug', amount)], {
        visit: { type: 'chronic-outpatient', serviceDate: '2023-11-01', disease: 'stroke' },
      }),
      inJinan('primary'),
    ];
    const [first, second] = chain(jinan, jinanMember(), [visit(800), visit(600)]);
    expect(fundOf(first!).basic).toBe(y(520)); // 800 × 65%
    expect(fundOf(second!).basic).toBe(y(430)); // 200 × 65% + 400 × 75%
    expect(second!.yearToDate.after['basic.band.chronic-outpatient']).toBe(y(1_400));
  });
});

describe('annual caps', () => {
  it('stops basic at the outpatient pool limit and says so (Zhoushan)', () => {
    const s = run(zhoushan, outpatient([exampleLine(1, 'A', 'drug', 400)]), zhoushanMember(), inZhoushan('primary'), {
      'basic.cap.outpatient': y(2_900),
    });
    expect(fundOf(s).basic).toBe(y(100)); // 248 computed, 100 left under 3,000
    expect(s.steps.find((x) => x.figure === 'cap')).toMatchObject({ rule: 'basic.caps[outpatient]', amountFen: y(100) });
    expect(s.yearToDate.after['basic.cap.outpatient']).toBe(y(3_000));
  });

  it("applies a cap per chronic disease group (Jin'an)", () => {
    const bill = exampleBill([exampleLine(1, 'A', 'drug', 800)], {
      visit: { type: 'chronic-outpatient', serviceDate: '2023-11-01', disease: 'hypertension' },
    });
    expect(fundOf(run(jinan, bill, jinanMember(), inJinan('primary'), { 'basic.cap.chronic-hypertension': y(1_450) })).basic).toBe(y(50));
    expect(fundOf(run(jinan, bill, jinanMember(), inJinan('primary'), { 'basic.cap.chronic-stroke': y(1_450) })).basic).toBe(y(520));
  });
});

describe('catastrophic insurance (大病保险)', () => {
  it('reads its bands on the gross base, with 乙类先行自付 in the base (Zhoushan)', () => {
    // Second admission at a tertiary hospital: deductible 450 (half of 900).
    const bill = inpatient([exampleLine(1, 'A', 'surgery', 40_000), exampleLine(2, 'B', 'drug', 10_000)]);
    const s = run(zhoushan, bill, zhoushanMember(), inZhoushan('tertiary'), {
      'basic.deductible.inpatient.claims': 1,
      'catastrophic.base': y(15_000),
    });
    expect(fundOf(s).basic).toBe(y(31_557.5)); // (49,000 − 450) × 65%
    // base = covered self-pay 17,442.50 + first self-pay 1,000 = 18,442.50; the year goes 15,000 → 33,442.50;
    // 13,442.50 lies above the 20,000 deductible, in the first band (to 100,000) at 60%.
    expect(fundOf(s).catastrophic).toBe(y(8_065.5));
    expect(s.totals.patientPaidFen).toBe(y(50_000 - 31_557.5 - 8_065.5));
    expect(s.yearToDate.after['catastrophic.base']).toBe(y(33_442.5));
  });

  it('reads its bands on the part above the deductible, without 乙类先行自付 (Fuxin, ordinary member)', () => {
    const bill = inpatient([exampleLine(1, 'A', 'surgery', 20_000), exampleLine(2, 'B', 'drug', 1_000)], 2020);
    const s = run(fuxin2020, bill, fuxinMember(2020), inFuxin('secondary'), { 'catastrophic.base': y(60_000) });
    expect(fundOf(s).basic).toBe(y(14_280)); // (20,900 − 500) × 70%
    // base = 20,900 − 14,280 = 6,620 (the 100 of 先行自付 stays out); above the 15,000 deductible the year goes
    // 45,000 → 51,620: 5,000 in the first band at 50% + 1,620 in the second at 55%.
    expect(fundOf(s).catastrophic).toBe(y(2_500 + 891));
  });

  it('gives poor members half the deductible and +10 points on every band in 2019, 70% in 2020, and no cap (Fuxin)', () => {
    const bill = (year: number) => inpatient([exampleLine(1, 'A', 'surgery', 30_000)], year);
    const poor = (year: number) => fuxinMember(year, { categories: ['registered-poor'] });
    // basic (30,000 − 500) × 70% = 20,650; base 9,350 above a deductible of 7,500 (50% of 15,000): 1,850.
    const s2019 = run(fuxin2019, bill(2019), poor(2019), inFuxin('secondary'));
    expect(fundOf(s2019).catastrophic).toBe(y(1_110)); // × (50 + 10)%
    const s2020 = run(fuxin2020, bill(2020), poor(2020), inFuxin('secondary'));
    expect(fundOf(s2020).catastrophic).toBe(y(1_295)); // × 70%
    // At the cap: an ordinary member gets what is left of 300,000; a poor member is uncapped.
    const late = { 'catastrophic.base': y(1_000_000), 'catastrophic.paid': y(299_000) };
    const stay = inpatient([exampleLine(1, 'A', 'surgery', 20_000)], 2019);
    expect(fundOf(run(fuxin2019, stay, fuxinMember(2019), inFuxin('secondary'), late)).catastrophic).toBe(y(1_000)); // 6,350 × 60% = 3,810 → 1,000
    expect(fundOf(run(fuxin2019, stay, poor(2019), inFuxin('secondary'), late)).catastrophic).toBe(y(4_445)); // 6,350 × 70%
  });
});

describe('medical assistance (医疗救助)', () => {
  const bill = (year: number, principal = 'K35.800') =>
    inpatient([exampleLine(1, 'A', 'surgery', 30_000)], year, { diagnoses: { principal, secondary: [] } });

  it("assists by category after basic and catastrophic: deductible, ratio; then the registered poor's top-up (Fuxin 2019)", () => {
    const s = run(fuxin2019, bill(2019), fuxinMember(2019, { categories: ['registered-poor'] }), inFuxin('secondary'));
    // catastrophic leaves 9,350 − 1,110 = 8,240; assistance (8,240 − 1,000) × 60% = 4,344;
    // the top-up pays 50% of the 3,896 left: 1,948, and the patient pays the other 1,948.
    expect(fundOf(s)).toMatchObject({ basic: y(20_650), catastrophic: y(1_110), assistance: y(4_344), supplementary: y(1_948) });
    expect(s.totals.patientPaidFen).toBe(y(1_948));
  });

  it('assists a major disease (重特大疾病) at its own ratio, 65% in 2019 and 70% in 2020, for whom it names (breast cancer: women)', () => {
    const woman = (year: number) => fuxinMember(year, { sex: 'F', categories: ['registered-poor'] });
    expect(fundOf(run(fuxin2019, bill(2019, 'C50.900'), woman(2019), inFuxin('secondary'))).assistance).toBe(y(4_706)); // 7,240 × 65%
    // 2020: catastrophic 1,295, so assistance (9,350 − 1,295 − 1,000) × 70%
    expect(fundOf(run(fuxin2020, bill(2020, 'C50.900'), woman(2020), inFuxin('secondary'))).assistance).toBe(y(4_938.5));
    const man = fuxinMember(2019, { sex: 'M', categories: ['registered-poor'] });
    expect(fundOf(run(fuxin2019, bill(2019, 'C50.900'), man, inFuxin('secondary'))).assistance).toBe(y(4_344)); // not on the list for him: 60%
    expect(
      fundOf(run(fuxin2019, bill(2019, 'C50.900'), woman(2019), inFuxin('secondary'), { 'assistance.major.paid': y(58_000) })).assistance,
    ).toBe(y(2_000));
  });

  it("stops at the category's annual limit (Fuxin 2020 低保: 70% within 20,000)", () => {
    const s = run(fuxin2020, bill(2020), fuxinMember(2020, { categories: ['dibao'] }), inFuxin('secondary'), {
      'assistance.paid': y(19_000),
    });
    expect(fundOf(s).assistance).toBe(y(1_000));
  });

  it("runs a second, tilted round on what remains above the year's threshold (Zhoushan 低保)", () => {
    // The outpatient pool is used up, so basic pays nothing; 低保 assistance pays 80% of 10,000;
    // the 2,000 left takes the tilted base from 19,000 to 21,000: 1,000 above 20,000 at 50%.
    const s = run(
      zhoushan,
      outpatient([exampleLine(1, 'A', 'drug', 10_000)]),
      zhoushanMember({ categories: ['dibao'] }),
      inZhoushan('primary'),
      { 'basic.cap.outpatient': y(3_000), 'assistance.tilted.base': y(19_000) },
    );
    expect(fundOf(s)).toMatchObject({ basic: 0, assistance: y(8_000), assistanceTilted: y(500), familyCap: 0 });
    expect(s.totals.patientPaidFen).toBe(y(1_500));
  });
});

describe('supplementary cover and the family self-pay cap', () => {
  it('pays 舟惠保 on the outpatient self-pay above its yearly deductible, for members in the plan', () => {
    const member = zhoushanMember({ supplementaryPlans: ['zhouhuibao'] });
    const full = { 'basic.cap.outpatient': y(3_000) };
    const [first, second] = chain(
      zhoushan,
      member,
      [
        [outpatient([exampleLine(1, 'A', 'drug', 15_000)]), inZhoushan('primary')],
        [outpatient([exampleLine(1, 'A', 'drug', 1_000)]), inZhoushan('primary')],
      ],
      full,
    );
    expect(fundOf(first!).supplementary).toBe(y(3_000)); // (15,000 − 10,000) × 60%
    expect(fundOf(second!).supplementary).toBe(y(600));
    expect(
      fundOf(run(zhoushan, outpatient([exampleLine(1, 'A', 'drug', 15_000)]), zhoushanMember(), inZhoushan('primary'), full)).supplementary,
    ).toBe(0);
  });

  it('pays everything above the yearly self-pay cap for members in difficulty (Zhoushan, monitored household)', () => {
    // Assistance (deductible already met) pays 70% of 5,000; 1,500 remains; the member's counted
    // self-pay goes 9,000 → 10,500, and the 500 above the 10,000 cap is paid.
    const s = run(
      zhoushan,
      outpatient([exampleLine(1, 'A', 'drug', 5_000)]),
      zhoushanMember({ categories: ['monitored'] }),
      inZhoushan('primary'),
      { 'basic.cap.outpatient': y(3_000), 'assistance.deductible': y(2_000), 'familyCap.base': y(9_000) },
    );
    expect(fundOf(s)).toMatchObject({ assistance: y(3_500), assistanceTilted: 0, familyCap: y(500) });
    expect(s.totals.patientPaidFen).toBe(y(1_000));
  });
});

describe('the statement explains itself', () => {
  const s = run(
    zhoushan,
    inpatient([exampleLine(1, 'A', 'drug', 5_000), exampleLine(2, 'B', 'drug', 3_000), exampleLine(3, 'C', 'drug', 1_000)]),
    zhoushanMember(),
    inZhoushan('secondary'),
  );

  it('names the rule, and the paper clause or the word illustrative, behind each figure', () => {
    const ratio = s.steps.find((x) => x.figure === 'ratio')!;
    expect(ratio).toMatchObject({ rule: 'basic.ratios[inpatient]', ratioBp: 7_500 });
    expect(ratio.basis).toMatchObject({ clause: expect.stringContaining('二级75%') });
    expect(s.steps.find((x) => x.figure === 'deductible')!.basis).toHaveProperty('illustrative');
    expect(s.policy).toMatchObject({ id: 'zhoushan-resident', version: 1, year: 2023 });
    expect(s.roundingRule).toMatch(/half up/);
    expect(s.lines.map((l) => l.rules)).toEqual([
      { deductible: 'basic.deductibles[inpatient]', basic: 'basic.ratios[inpatient]' },
      { firstSelfPay: 'items.classB.firstSelfPay', deductible: 'basic.deductibles[inpatient]', basic: 'basic.ratios[inpatient]' },
      { outOfCatalogue: 'class C (丙类)' },
    ]);
  });

  it('adds up per line and in total, and reports the counters it moves', () => {
    for (const line of s.lines) {
      expect(line.outOfCatalogueFen + line.overLimitFen + line.firstSelfPayFen + line.coveredFen).toBe(line.amountFen);
      expect(Object.values(line.paidFen).reduce((a, b) => a + b, 0) + line.institutionFen + line.patientFen).toBe(line.amountFen);
    }
    expect(s.yearToDate.deltas).toMatchObject({
      claims: 1,
      billed: y(9_000),
      'basic.deductible.inpatient.paid': y(600),
      'basic.deductible.inpatient.claims': 1,
    });
  });
});
