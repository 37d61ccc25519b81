/**
 * The shipped employee benefit policies (issue 12 points 3, 4, 6): Zhoushan 330900 and Honghe 532500,
 * 2025. 门诊共济 (its own deductible, ratios by level, annual cap, retiree terms), inpatient, the
 * employees' 大额医疗费用补助 beyond the basic cap, and 公务员医疗补助, with worked numbers; and the
 * documents' citations. Amounts in yuan through `y()`; the engine works in fen.
 */
import { describe, expect, it } from 'vitest';
import { settle } from '../../shared/settlement/engine.ts';
import { exampleBill, exampleLine, exampleMember, exampleProvider } from '../../shared/settlement/examples.ts';
import type { MemberState, ProviderProfile } from '../../shared/settlement/member.ts';
import { forEachBasis, type Basis, type BenefitPolicy } from '../../shared/settlement/policy.ts';
import { loadShippedPolicies, shippedPolicy } from '../../shared/policy/benefits.ts';
import type { Statement } from '../../shared/settlement/statement.ts';
import type { Bill } from '../../shared/settlement/bill.ts';

const y = (yuan: number) => Math.round(yuan * 100);
const zhoushan = shippedPolicy('zhoushan-employee', 2025);
const honghe = shippedPolicy('honghe-employee', 2025);

const employee = (region: string, groups: string[] = []): MemberState =>
  exampleMember({ enrolment: { region, scheme: 'employee', year: 2025 }, groups });
const inZhoushan = (level: ProviderProfile['level']) => exampleProvider(level, '330902');
const inHonghe = (level: ProviderProfile['level']) => exampleProvider(level, '532501', 'H53250100001');

const visit = (yuan: number, date = '2025-03-01', claimNo = 'MZ-1') =>
  exampleBill([exampleLine(1, 'A', 'drug', yuan)], { claimNo, visit: { type: 'outpatient', serviceDate: date } });
const stay = (lines: Parameters<typeof exampleBill>[0], admitted = '2025-05-01', claimNo = 'ZY-1') =>
  exampleBill(lines, { claimNo, visit: { type: 'inpatient', serviceDate: admitted, dischargeDate: admitted.replace(/-\d\d$/, '-20') } });

/** Settles claims in turn, each on the year the ones before left (as the accumulator does). */
function chain(policy: BenefitPolicy, member: MemberState, claims: [Bill, ProviderProfile][]): Statement[] {
  let ytd: Record<string, number> = {};
  return claims.map(([bill, provider]) => {
    const s = settle({ policy, bill, member, provider, yearToDate: ytd });
    ytd = { ...ytd, ...s.yearToDate.after };
    return s;
  });
}
const basicOf = (ss: Statement[]) => ss.map((s) => s.totals.byLayer.basic);

describe('Zhoushan employees 2025: 门诊共济 (ordinary outpatient pooled benefit)', () => {
  const year = (groups: string[] = []) =>
    chain(zhoushan, employee('330900', groups), [
      [visit(200, '2025-02-01', 'MZ-1'), inZhoushan('primary')],
      [visit(1_500, '2025-03-01', 'MZ-2'), inZhoushan('secondary')],
      [visit(3_000, '2025-04-01', 'MZ-3'), inZhoushan('tertiary')],
      [visit(4_000, '2025-05-01', 'MZ-4'), inZhoushan('tertiary')],
    ]);

  it('in service: no deductible at primary care (the paper), 1,000 a year elsewhere, 70/60/50% by level, 3,000 a year', () => {
    const claims = year();
    expect(claims.map((s) => s.totals.deductibleFen)).toEqual([0, y(1_000), 0, 0]);
    // 200 × 70%; (1,500 − 1,000) × 60%; 3,000 × 50%; 4,000 × 50% = 2,000 cut to the 1,060 left under 3,000.
    expect(basicOf(claims)).toEqual([y(140), y(300), y(1_500), y(1_060)]);
    expect(claims[3]!.steps.find((s) => s.figure === 'cap')!.rule).toBe('basic.caps[outpatient-pool]');
    expect(claims[0]!.steps.find((s) => s.figure === 'deductible')!.basis).toMatchObject({
      clause: '二(一)1 全面取消职工和城乡居民医保参保人员基层医疗卫生机构就医门诊起付线',
    });
  });

  it('retired (退休): 700 deductible, +10 points, 4,000 a year', () => {
    const claims = year(['retired']);
    expect(claims.map((s) => s.totals.deductibleFen)).toEqual([0, y(700), 0, 0]);
    // 200 × 80%; (1,500 − 700) × 70%; 3,000 × 60%; 4,000 × 60% = 2,400 cut to the 1,480 left under 4,000.
    expect(basicOf(claims)).toEqual([y(160), y(560), y(1_800), y(1_480)]);
    expect(claims[3]!.yearToDate.after['basic.cap.outpatient-pool-retired']).toBe(y(4_000));
    expect(claims[3]!.yearToDate.after['basic.cap.outpatient-pool']).toBeUndefined();
  });

  it('keeps the outpatient pool out of the inpatient basic cap', () => {
    const [, , , last] = year();
    expect(last!.yearToDate.after['basic.cap.annual']).toBeUndefined();
  });
});

describe('Zhoushan employees 2025: inpatient, 大额医疗费用补助 and 公务员医疗补助', () => {
  const big = () => stay([exampleLine(1, 'A', 'surgery', 200_000)]);
  const run = (groups: string[] = [], bill = big(), level: ProviderProfile['level'] = 'tertiary') =>
    settle({ policy: zhoushan, bill, member: employee('330900', groups), provider: inZhoushan(level), yearToDate: {} });

  it('basic to its 150,000 cap, then 大额 90% of the covered cost beyond it', () => {
    const s = run();
    // (200,000 − 800) × 85% = 169,320 → the 150,000 cap; 150,000 / 85% = 176,470.58 of cost inside it;
    // 200,000 − 800 − 176,470.58 = 22,729.42 beyond it × 90% = 20,456.478 → 20,456.48.
    expect(s.totals.byLayer).toMatchObject({ basic: y(150_000), catastrophic: y(20_456.48), subsidy: 0 });
    expect(s.totals.patientPaidFen).toBe(y(29_543.52));
    expect(s.yearToDate.deltas['catastrophic.base']).toBe(y(22_729.42));
  });

  it('retired: 90% (85 + 5) reaches the cap sooner, so more of the stay is beyond it', () => {
    const s = run(['retired']);
    // 150,000 / 90% = 166,666.66 inside; 200,000 − 800 − 166,666.66 = 33,533.34 beyond × 90% = 29,280.006.
    expect(s.totals.byLayer).toMatchObject({ basic: y(150_000), catastrophic: y(29_280.01) });
    expect(s.totals.patientPaidFen).toBe(y(20_719.99));
  });

  it('civil servants: 80% of the burden inside the cap above 1,000, plus 5% of the cost beyond it', () => {
    const s = run(['civil-servant']);
    // Burden inside the cap: 800 + 176,470.58 − 150,000 = 27,270.58; (27,270.58 − 1,000) × 80% = 21,016.464;
    // beyond the cap 22,729.42 × 5% = 1,136.471; 21,016.46 + 1,136.47 = 22,152.93.
    expect(s.totals.byLayer).toMatchObject({ basic: y(150_000), catastrophic: y(20_456.48), subsidy: y(22_152.93) });
    expect(s.totals.patientPaidFen).toBe(y(7_390.59));
  });

  it('pays a negotiated drug at its own 70%, outside the deductible and the level ratio (12.5a in a shipped document)', () => {
    const s = run(
      [],
      stay([exampleLine(1, 'A', 'drug', 10_000), exampleLine(2, 'A', 'drug', 5_000, 1, { itemCode: 'NEG-PD1' })]),
      'secondary',
    );
    // (10,000 − 600) × 87% = 8,178; 5,000 × 70% = 3,500.
    expect(s.lines.map((l) => l.paidFen.basic)).toEqual([y(8_178), y(3_500)]);
    expect(s.lines.map((l) => l.deductibleFen)).toEqual([y(600), 0]);
  });
});

describe('Honghe employees 2025', () => {
  it('inpatient: bands on the year’s gross covered cost (85% to 50,000, 90% above); the 2nd admission pays 70% of the deductible', () => {
    const [first, second] = chain(honghe, employee('532500'), [
      [stay([exampleLine(1, 'A', 'surgery', 60_000)], '2025-03-02', 'ZY-1'), inHonghe('tertiary')],
      [stay([exampleLine(1, 'A', 'surgery', 10_000)], '2025-08-03', 'ZY-2'), inHonghe('tertiary')],
    ]);
    expect(first!.totals.deductibleFen).toBe(y(900));
    expect(first!.totals.byLayer.basic).toBe(y(41_735 + 9_000)); // [900, 50,000) × 85% + [50,000, 60,000) × 90%
    expect(second!.totals.deductibleFen).toBe(y(630)); // 900 × 70%
    expect(second!.totals.byLayer.basic).toBe(y(8_433)); // [60,630, 70,000) × 90%
  });

  it('门诊共济: one 800 deductible a year, 60/55/50%, 2,000 a year; out of the prefecture unregistered −10 points on stays', () => {
    const claims = chain(honghe, employee('532500'), [
      [visit(500, '2025-02-01', 'MZ-1'), inHonghe('primary')],
      [visit(1_000, '2025-03-01', 'MZ-2'), inHonghe('secondary')],
      [visit(5_000, '2025-04-01', 'MZ-3'), inHonghe('tertiary')],
    ]);
    expect(claims.map((s) => s.totals.deductibleFen)).toEqual([y(500), y(300), 0]);
    // 500 all deductible; (1,000 − 300) × 55%; 5,000 × 50% = 2,500 cut to the 1,615 left under 2,000.
    expect(basicOf(claims)).toEqual([0, y(385), y(1_615)]);
    const away = settle({
      policy: honghe,
      bill: stay([exampleLine(1, 'A', 'surgery', 10_000)]),
      member: employee('532500'),
      provider: exampleProvider('tertiary', '530102', 'H53010200001'),
      yearToDate: {},
    });
    expect(away.totals.byLayer.basic).toBe(y(6_825)); // (10,000 − 900) × (85 − 10)%
  });
});

describe('the shipped employee documents', () => {
  const employeeDocs = loadShippedPolicies().filter((p) => p.policy.scheme === 'employee');

  it('are Zhoushan 330900 and Honghe 532500 for 2025, each citing its paper and labelling every other figure illustrative', () => {
    expect(employeeDocs.map((p) => `${p.file} ${p.policy.id} ${p.policy.effectiveFrom}..${p.policy.effectiveTo}`)).toEqual([
      '330900/2025-employee.json zhoushan-employee 2025-01-01..2025-12-31',
      // Issue 14: Zhoushan's 2026 DRG year ships with its benefits (carried forward).
      '330900/2026-employee.json zhoushan-employee 2026-01-01..2026-12-31',
      '532500/2025-employee.json honghe-employee 2025-01-01..2025-12-31',
    ]);
    for (const { policy, document } of employeeDocs) {
      const bases: Basis[] = [];
      forEachBasis(document, (b) => bases.push(b));
      expect(bases.some((b) => 'clause' in b)).toBe(true);
      for (const b of bases) {
        if ('illustrative' in b) expect(b.illustrative.length).toBeGreaterThan(10);
        else expect(policy.sources.some((s) => s.id === b.source)).toBe(true);
      }
    }
    expect(honghe.sources[0]!.documentNo).toBe('红政办发〔2022〕52号');
  });
});
