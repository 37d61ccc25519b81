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
    expect(j2.yearToDate.deltas).toMatchObject({
      'basic.deductible.inpatient.on.2023-06-10.90000': 1,
      'basic.deductible.inpatient.claims': 1,
    });
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

  it('once a year: the year’s deductible is the first claim’s by date, also when that claim is settled again', () => {
    // Zhoushan residents' ordinary outpatient deductible: 300 a year outside primary care (one level, so the
    // pool's amount is the same); a variant makes it 300/500/800 by level to see which claim fixes it.
    const byLevel = variant('zhoushan-resident', 2023, (d) => {
      d.basic.deductibles!.find((x) => x.id === 'outpatient')!.amount = { primary: 300, secondary: 500, tertiary: 800 };
    });
    const visit = (date: string, claimNo: string) =>
      exampleBill([exampleLine(1, 'A', 'drug', 2_000)], { claimNo, visit: { type: 'outpatient', serviceDate: date } });
    const member = zhoushanMember();
    const march = run(byLevel, visit('2023-03-01', 'MZ-3'), member, inZhoushan('tertiary'));
    expect(march.totals.deductibleFen).toBe(y(800)); // the first claim fixes the year's deductible at 800
    const y1 = moved({}, march, 1);
    const may = run(byLevel, visit('2023-05-01', 'MZ-5'), member, inZhoushan('secondary'), y1);
    expect(may.totals.deductibleFen).toBe(0); // 800 met
    // March reversed and settled again after May: still the first claim by date, the year's 800 is due
    // again (by settlement order the year's deductible would have been lost: target 0 after the reversal).
    const y2 = moved(moved(y1, may, 1), march, -1);
    const again = run(byLevel, visit('2023-03-01', 'MZ-3'), member, inZhoushan('tertiary'), y2);
    expect(again.totals.deductibleFen).toBe(y(800));
    expect(again.yearToDate.after['basic.deductible.outpatient.target']).toBe(y(800));
  });

  it('highest level: a reversed claim’s level no longer counts, the remaining claims’ highest still does', () => {
    const highest = variant('zhoushan-resident', 2023, (d) => {
      const rule = d.basic.deductibles!.find((x) => x.id === 'inpatient')!;
      rule.repeat = { mode: 'highest-level' };
    });
    const member = zhoushanMember();
    const j1 = run(highest, june(), member, inZhoushan('secondary')); // 600
    const jul = run(highest, july(), member, inZhoushan('tertiary'), moved({}, j1, 1)); // tops up to 900: 300
    expect([j1.totals.deductibleFen, jul.totals.deductibleFen]).toEqual([y(600), y(300)]);
    const back = moved(moved(moved({}, j1, 1), jul, 1), j1, -1);
    // June again: the year's highest level is still July's 900, of which 300 is met: 600 due, 900 in all.
    const j2 = run(highest, june(), member, inZhoushan('secondary'), back);
    expect(j2.totals.deductibleFen).toBe(y(600));
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

describe('12.5b basic ratio bands read on the gross covered amount, deductible included', () => {
  const banded = (limitsOn: 'gross' | 'above-deductible', measuredOn: 'claim' | 'year' = 'claim') =>
    variant('zhoushan-resident', 2023, (d) => {
      const rule = d.basic.ratios.find((r) => r.id === 'inpatient')!;
      delete rule.set;
      rule.bands = { measuredOn, limitsOn, bands: [{ upTo: 10_000, ratio: '80%' }, { ratio: '90%' }] };
    });
  const bill = (yuan: number, claimNo = 'C-0001') => stay([exampleLine(1, 'A', 'drug', yuan)], '2023-11-01', '2023-11-08', claimNo);

  it('with a 600 deductible (secondary): gross bands pay 9,400 at 80% and 5,000 at 90%; above-deductible 10,000 and 4,400', () => {
    const gross = run(banded('gross'), bill(15_000), zhoushanMember(), inZhoushan('secondary'));
    expect(fund(gross).basic).toBe(y(7_520 + 4_500)); // [600, 10,000) × 80% + [10,000, 15,000) × 90%
    expect(gross.steps.find((s) => s.figure === 'payment before caps')!.text).toContain(
      '9400.00 × 80% = 7520.00 + 5000.00 × 90% = 4500.00',
    );
    const above = run(banded('above-deductible'), bill(15_000), zhoushanMember(), inZhoushan('secondary'));
    expect(fund(above).basic).toBe(y(8_000 + 3_960)); // 14,400 above the deductible: 10,000 × 80% + 4,400 × 90%
  });

  it('measured on the year: the second admission continues on the gross axis where the first stopped', () => {
    const policy = banded('gross', 'year');
    const first = run(policy, bill(6_000, 'A-1'), zhoushanMember(), inZhoushan('secondary'));
    expect(fund(first).basic).toBe(y(4_320)); // [600, 6,000) × 80%
    const second = run(policy, bill(6_000, 'A-2'), zhoushanMember(), inZhoushan('secondary'), moved({}, first, 1));
    // Deductible 300 (second admission), from 6,000 on the axis: [6,300, 10,000) × 80% + [10,000, 12,000) × 90%.
    expect(second.totals.deductibleFen).toBe(y(300));
    expect(fund(second).basic).toBe(y(2_960 + 1_800));
    expect(second.yearToDate.after['basic.band.inpatient']).toBe(y(12_000));
  });
});

describe('12.5c a layer whose deductible and bands read another layer’s cost axis', () => {
  // Basic capped at 10,000 a year; 大额 pays 90% of the covered cost beyond basic's cap; civil servants
  // get 80% of their burden inside basic's cap above 1,000 a year, plus 5% of the cost beyond the cap
  // for the next 50,000.
  const policy = variant('zhoushan-resident', 2023, (d) => {
    d.scheme = 'employee';
    d.basic.caps = [{ id: 'annual', amount: 10_000, basis: { illustrative: 'test' } }];
    d.catastrophic = {
      visitTypes: ['inpatient'],
      deductible: 0,
      bandsMeasuredOn: 'gross',
      includeFirstSelfPay: false,
      axis: 'basic-above-cap',
      bands: [{ ratio: '90%' }],
      cap: 300_000,
      basis: { illustrative: 'test: 大额医疗费用补助' },
    };
    d.subsidies = [
      {
        id: 'civil-servant',
        name: '公务员医疗补助',
        when: { memberGroups: ['civil-servant'] },
        parts: [
          { id: 'burden', axis: 'basic-burden-within-cap', deductible: 1_000, bands: [{ ratio: '80%' }], basis: { illustrative: 'test' } },
          {
            id: 'above-cap',
            axis: 'basic-above-cap',
            bands: [{ upTo: 50_000, ratio: '5%' }, { ratio: '0%' }],
            basis: { illustrative: 'test' },
          },
        ],
        basis: { illustrative: 'test' },
      },
    ];
  });
  const employee = (groups: string[] = []) => exampleMember({ enrolment: { region: '330900', scheme: 'employee', year: 2023 }, groups });
  const bill = () => stay([exampleLine(1, 'A', 'drug', 20_000)]);

  it('splits basic’s cost at its cap: 大额 pays 90% beyond it, the subsidy 80% of the burden inside it above 1,000 and 5% beyond it', () => {
    const s = run(policy, bill(), employee(['civil-servant']), inZhoushan('secondary'));
    // Basic: (20,000 − 600) × 75% = 14,550, cut to the 10,000 cap: 13,333.33 of cost is inside the cap,
    // 6,066.67 beyond it; the burden inside it is 600 + 13,333.33 × 25% = 3,933.33.
    expect(fund(s).basic).toBe(y(10_000));
    expect(fund(s).catastrophic).toBe(y(5_460)); // 6,066.67 × 90% = 5,460.003
    // 2,933.33 × 80% = 2,346.66 (2,346.664) + 6,066.67 × 5% = 303.33 (303.3335)
    expect(fund(s).subsidy).toBe(y(2_649.99));
    expect(s.totals.patientPaidFen).toBe(y(1_890.01)); // 3,933.33 − 2,346.66 + 6,066.67 − 5,460 − 303.33
    expect(s.steps.filter((x) => x.layer === 'subsidy').map((x) => x.amountFen)).toEqual([y(2_346.66), y(303.33), y(2_649.99)]);
    expect(s.yearToDate.deltas).toMatchObject({
      'subsidy.civil-servant.burden.base': y(3_933.33),
      'subsidy.civil-servant.above-cap.base': y(6_066.67),
      'catastrophic.base': y(6_066.67),
    });
    expect(s.lines[0]!.rules.subsidy).toBe('subsidies[civil-servant]');
  });

  it('pays no subsidy to a member outside the group, and 大额 nothing while basic’s cap is not reached', () => {
    const other = run(policy, bill(), employee(), inZhoushan('secondary'));
    expect(fund(other)).toMatchObject({ basic: y(10_000), catastrophic: y(5_460), subsidy: 0 });
    expect(other.totals.patientPaidFen).toBe(y(4_540));
    const small = run(policy, stay([exampleLine(1, 'A', 'drug', 5_000)]), employee(['civil-servant']), inZhoushan('secondary'));
    expect(fund(small)).toMatchObject({ basic: y(3_300), catastrophic: 0 }); // (5,000 − 600) × 75%
    // Burden inside the cap 1,700: 700 above the subsidy's 1,000 deductible × 80% = 560.
    expect(fund(small).subsidy).toBe(y(560));
  });

  it('counts the year: once basic’s cap is used up, a later stay is all beyond it', () => {
    const s = run(policy, bill(), employee(['civil-servant']), inZhoushan('secondary'), {
      'basic.cap.annual': y(10_000),
      'subsidy.civil-servant.burden.base': y(5_000),
      'subsidy.civil-servant.above-cap.base': y(48_000),
    });
    // Basic pays 0; beyond the cap: 20,000 − 600 = 19,400 → 大额 17,460; the burden inside the cap is the
    // deductible 600, all above the subsidy's deductible (met): 480; 5% only on the 2,000 left to 50,000: 100.
    expect(fund(s)).toMatchObject({ basic: 0, catastrophic: y(17_460), subsidy: y(580) });
  });
});
