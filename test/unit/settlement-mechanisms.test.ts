/**
 * The settlement mechanisms of issue 12.5 (a per-item fund ratio, bands on the gross amount in
 * basic, a layer reading another layer's cost axis, the major-disease ratio as a floor, admissions
 * in date order), each with worked numbers derived by hand. Amounts are written in yuan through
 * `y()`; the engine works in fen.
 */
import { describe, expect, it } from 'vitest';
import { settle } from '../../shared/settlement/engine.ts';
import { exampleBill, exampleLine, exampleMember, exampleProvider } from '../../shared/settlement/examples.ts';
import type { MemberState, ProviderProfile } from '../../shared/settlement/member.ts';
import { benefitPolicySchema, type BenefitPolicy, type BenefitPolicyDocument } from '../../shared/settlement/policy.ts';
import { loadShippedPolicies } from '../../shared/policy/benefits.ts';
import type { Statement } from '../../shared/settlement/statement.ts';
import type { Bill } from '../../shared/settlement/bill.ts';

const y = (yuan: number) => Math.round(yuan * 100);

/** A shipped document, changed by `edit`, parsed again (a policy option is data, never code). */
function variant(id: string, year: number, edit: (d: BenefitPolicyDocument) => void): BenefitPolicy {
  const document = structuredClone(loadShippedPolicies().find((p) => p.policy.id === id && p.policy.year === year)!.document);
  edit(document);
  return benefitPolicySchema.parse(document);
}

const zhoushanMember = (o: Partial<MemberState> = {}) =>
  exampleMember({ enrolment: { region: '330900', scheme: 'resident', year: 2023 }, ...o });
const inZhoushan = (level: ProviderProfile['level']) => exampleProvider(level, '330902');

const stay = (lines: Parameters<typeof exampleBill>[0], admitted = '2023-11-01', discharged = '2023-11-08', claimNo = 'C-0001') =>
  exampleBill(lines, { claimNo, visit: { type: 'inpatient', serviceDate: admitted, dischargeDate: discharged } });

const run = (
  policy: BenefitPolicy,
  bill: Bill,
  member: MemberState,
  provider: ProviderProfile,
  ytd: Record<string, number> = {},
  extra = {},
) => settle({ policy, bill, member, provider, yearToDate: ytd, ...extra });

const fund = (s: Statement) => s.totals.byLayer;

describe('12.5a a per-item fund ratio, outside the claim’s coinsurance', () => {
  const negotiated = variant('zhoushan-resident', 2023, (d) => {
    d.items.special!.push({
      id: 'negotiated-drug',
      name: '国家谈判药品（双通道）',
      match: { itemCodePrefixes: ['NEG'] },
      fundRatio: '70%',
      basis: { illustrative: 'test: a negotiated drug paid at 70% wherever it is dispensed' },
    });
  });
  const bill = () => stay([exampleLine(1, 'A', 'drug', 10_000), exampleLine(2, 'A', 'drug', 2_000, 1, { itemCode: 'NEG0001' })]);

  it('pays the item at its own ratio, with no deductible and no level ratio on it (Zhoushan secondary: 600 deductible, 75%)', () => {
    const s = run(negotiated, bill(), zhoushanMember(), inZhoushan('secondary'));
    // Coinsured: (10,000 − 600) × 75% = 7,050; the item: 2,000 × 70% = 1,400.
    expect(fund(s).basic).toBe(y(8_450));
    expect(s.lines.map((l) => l.deductibleFen)).toEqual([y(600), 0]);
    expect(s.lines.map((l) => l.paidFen.basic)).toEqual([y(7_050), y(1_400)]);
    expect(s.lines.map((l) => l.fundRatioBp)).toEqual([undefined, 7_000]);
    expect(s.lines[1]!.rules.basic).toBe('items.special[negotiated-drug].fundRatio');
    expect(s.lines[0]!.rules.basic).toBe('basic.ratios[inpatient]');
    expect(s.totals.patientPaidFen).toBe(y(3_550)); // 600 + 2,350 + 600
    // Without the option the same bill is all coinsured: (12,000 − 600) × 75% = 8,550.
    const plain = run(
      variant('zhoushan-resident', 2023, () => {}),
      bill(),
      zhoushanMember(),
      inZhoushan('secondary'),
    );
    expect(fund(plain).basic).toBe(y(8_550));
  });

  it('applies the item’s first self-pay first, then its fund ratio on what is covered', () => {
    const s = run(
      negotiated,
      stay([exampleLine(1, 'A', 'drug', 10_000), exampleLine(2, 'B', 'drug', 2_000, 1, { itemCode: 'NEG0002' })]),
      zhoushanMember(),
      inZhoushan('secondary'),
    );
    // 乙 10% first self-pay: 200; covered 1,800 × 70% = 1,260.
    expect(s.lines[1]).toMatchObject({ firstSelfPayFen: y(200), coveredFen: y(1_800), deductibleFen: 0 });
    expect(s.lines[1]!.paidFen.basic).toBe(y(1_260));
  });

  it('takes the ratio the catalogue register feeds (itemFundRatios) over the document’s', () => {
    const s = run(negotiated, bill(), zhoushanMember(), inZhoushan('secondary'), {}, { itemFundRatios: { NEG0001: 8_000, XA0001: 9_000 } });
    // Line 1 (XA0001) now has its own 90%: 10,000 × 90% = 9,000, no deductible left to pay on it; line 2 2,000 × 80% = 1,600.
    expect(s.lines.map((l) => l.paidFen.basic)).toEqual([y(9_000), y(1_600)]);
    expect(s.totals.deductibleFen).toBe(0);
    expect(s.lines[0]!.rules.basic).toBe('catalogue register XA0001 fundRatio');
  });

  it('keeps the item inside the annual caps: a cap cuts both parts in proportion', () => {
    // 8,450 due; 4,225 left under the 250,000 annual cap → each part halved: 3,525 and 700.
    const s = run(negotiated, bill(), zhoushanMember(), inZhoushan('secondary'), { 'basic.cap.annual': y(250_000 - 4_225) });
    expect(fund(s).basic).toBe(y(4_225));
    expect(s.lines.map((l) => l.paidFen.basic)).toEqual([y(3_525), y(700)]);
    expect(s.lines[1]!.rules.basic).toBe('items.special[negotiated-drug].fundRatio + basic.caps[annual]');
    expect(s.yearToDate.after['basic.cap.annual']).toBe(y(250_000));
  });

  it('refuses a special item that sets neither a first self-pay nor a fund ratio', () => {
    const bad = structuredClone(loadShippedPolicies().find((p) => p.policy.id === 'zhoushan-resident')!.document);
    bad.items.special!.push({ id: 'nothing', name: 'x', match: { itemCodes: ['X'] }, basis: { illustrative: 'test' } });
    const parsed = benefitPolicySchema.safeParse(bad);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toBe('a special item sets firstSelfPay, fundRatio or both');
  });
});

/** The year after a settlement (+) or its reversal (−): what the adapter does with the statement's deltas. */
const moved = (ytd: Record<string, number>, s: Statement, sign: 1 | -1) => {
  const next = { ...ytd };
  for (const [k, v] of Object.entries(s.yearToDate.deltas)) next[k] = (next[k] ?? 0) + sign * v;
  return next;
};

describe('12.5e a claim settled again after a reversal takes its place by date in the year’s admissions', () => {
  // Zhoushan residents: inpatient deductible 300/600/900 by level, the 2nd admission of the year pays 50%.
  const zhoushan = variant('zhoushan-resident', 2023, () => {});
  const june = () => stay([exampleLine(1, 'A', 'drug', 5_000)], '2023-06-10', '2023-06-15', 'ZY-JUNE');
  const july = () => stay([exampleLine(1, 'A', 'drug', 2_000)], '2023-07-05', '2023-07-10', 'ZY-JULY');

  it('re-settling a June stay after July’s makes June the first admission again: full deductible, not half', () => {
    const member = zhoushanMember();
    const j1 = run(zhoushan, june(), member, inZhoushan('tertiary'));
    expect(j1.totals.deductibleFen).toBe(y(900)); // first admission, tertiary
    const y1 = moved({}, j1, 1);
    const jul = run(zhoushan, july(), member, inZhoushan('primary'), y1);
    expect(jul.totals.deductibleFen).toBe(y(150)); // second admission: 300 × 50%
    const y2 = moved(moved(y1, jul, 1), j1, -1); // June reversed (冲正) for a corrected bill
    expect(y2['basic.deductible.inpatient.claims']).toBe(1);
    const j2 = run(zhoushan, june(), member, inZhoushan('tertiary'), y2);
    // By date June is still the first admission: 900 again (settlement order would have made it the
    // second: 450, and the fund would have paid 450 × 65% = 292.50 too much).
    expect(j2.totals.deductibleFen).toBe(y(900));
    expect(fund(j2).basic).toBe(y((5_000 - 900) * 0.65));
    expect(j2.steps.find((s) => s.figure === 'deductible')!.text).toContain('claim no. 1 of the year by date of admission pays 100%');
    expect(j2.yearToDate.deltas).toMatchObject({ 'basic.deductible.inpatient.on.2023-06-10': 1, 'basic.deductible.inpatient.claims': 1 });
  });

  it('places a late June bill before July’s, and same-day claims in the order they were settled', () => {
    const member = zhoushanMember();
    const jul = run(zhoushan, july(), member, inZhoushan('primary'));
    const late = run(zhoushan, june(), member, inZhoushan('tertiary'), moved({}, jul, 1));
    expect([jul.totals.deductibleFen, late.totals.deductibleFen]).toEqual([y(300), y(900)]);
    const sameDay = run(
      zhoushan,
      stay([exampleLine(1, 'A', 'drug', 2_000)], '2023-07-05', '2023-07-06', 'ZY-SAME'),
      member,
      inZhoushan('primary'),
      moved({}, jul, 1),
    );
    expect(sameDay.totals.deductibleFen).toBe(y(150));
  });

  it('counts claims settled before dates were kept as earlier ones (an accumulator from before the change)', () => {
    const s = run(zhoushan, june(), zhoushanMember(), inZhoushan('tertiary'), { 'basic.deductible.inpatient.claims': 1 });
    expect(s.totals.deductibleFen).toBe(y(450));
  });
});

describe('12.5d the major-disease assistance ratio never lowers a member’s category ratio', () => {
  const fuxin = variant('fuxin-resident', 2019, () => {});
  const member = (categories: string[]) =>
    exampleMember({ sex: 'F', categories, enrolment: { region: '210900', scheme: 'resident', year: 2019 } });
  const bill = (principal: string) =>
    exampleBill([exampleLine(1, 'A', 'surgery', 30_000)], {
      diagnoses: { principal, secondary: [] },
      visit: { type: 'inpatient', serviceDate: '2019-11-01', dischargeDate: '2019-11-08' },
    });
  const assisted = (principal: string, categories: string[]) =>
    run(fuxin, bill(principal), member(categories), exampleProvider('secondary', '210902', 'H21090200001'));

  it('a 低保 breast-cancer patient keeps 低保’s 70% above the list’s 65%: the same as a 低保 heart-attack patient (Fuxin 2019)', () => {
    // Basic 20,650 and catastrophic 1,110 leave 8,240 of covered self-pay; 低保 has no assistance deductible.
    const heart = assisted('I21.000', ['dibao']);
    const cancer = assisted('C50.900', ['dibao']);
    expect(fund(heart).assistance).toBe(y(5_768)); // 8,240 × 70%
    expect(fund(cancer).assistance).toBe(y(5_768)); // not 8,240 × 65% = 5,356
    expect(cancer.totals.patientPaidFen).toBe(heart.totals.patientPaidFen);
    expect(cancer.steps.find((s) => s.layer === 'assistance')!.text).toContain("the category's 70% is above the list's 65% and is kept");
    expect(cancer.lines[0]!.rules.assistance).toBe('assistance.majorDiseases[breast-cancer] + assistance.categories[dibao]');
  });

  it('特困 keeps 90%; the registered poor (60%) still get the list’s higher 65%', () => {
    expect(fund(assisted('C50.900', ['tekun'])).assistance).toBe(fund(assisted('I21.000', ['tekun'])).assistance);
    expect(fund(assisted('I21.000', ['registered-poor'])).assistance).toBe(y(4_344)); // (8,240 − 1,000) × 60%
    expect(fund(assisted('C50.900', ['registered-poor'])).assistance).toBe(y(4_706)); // (8,240 − 1,000) × 65%
  });
});
