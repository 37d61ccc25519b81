/**
 * The shipped benefit policies and the schema that guards every published one: each cites its
 * 文号 (or says why the paper prints none) and its effective dates; each figure traces to a paper
 * clause or is labelled illustrative; the figures the papers do give are the papers' figures.
 */
import { describe, expect, it } from 'vitest';
import { benefitPolicySchema, forEachBasis, type Basis, type BenefitPolicyDocument } from '../../shared/settlement/policy.ts';
import { loadShippedPolicies, shippedPolicy } from '../../shared/policy/benefits.ts';

// The resident documents; the employee ones (issue 12) are checked in settlement-employee.test.ts.
const shipped = loadShippedPolicies().filter((p) => p.policy.scheme === 'resident');

describe('the shipped policies', () => {
  it("are the ones the papers give: Zhoushan residents from 2023-10-01 (carried into 2024 and 2025), Fuxin 2019 and 2020, Jin'an 2023", () => {
    expect(
      shipped.map((p) => `${p.file} ${p.policy.region} ${p.policy.scheme} ${p.policy.effectiveFrom}..${p.policy.effectiveTo}`),
    ).toEqual([
      '210900/2019-resident.json 210900 resident 2019-01-01..2019-12-31',
      '210900/2020-resident.json 210900 resident 2020-01-01..2020-12-31',
      '330900/2023-resident.json 330900 resident 2023-10-01..2023-12-31',
      '330900/2024-resident.json 330900 resident 2024-01-01..2024-12-31',
      '330900/2025-resident.json 330900 resident 2025-01-01..2025-12-31',
      '341502/2023-resident.json 341502 resident 2023-01-01..2023-12-31',
      // Issue 14: Zhoushan's 2026 DRG year ships with its benefits (carried forward).
      '330900/2026-resident.json 330900 resident 2026-01-01..2026-12-31',
    ]);
    // The later Zhoushan years repeat the 2023 terms: same rules, same citations.
    const zhoushan = shipped
      .filter((p) => p.policy.id === 'zhoushan-resident')
      .map((p) => ({ ...p.policy, year: 0, title: '', effectiveFrom: '', effectiveTo: '', notes: [] }));
    expect(zhoushan[1]).toEqual(zhoushan[0]);
    expect(zhoushan[2]).toEqual(zhoushan[0]);
  });

  it('cite their source papers and label every figure: a clause of a cited paper, or illustrative with a reason', () => {
    for (const { policy, document } of shipped) {
      expect(policy.sources.length).toBeGreaterThan(0);
      for (const source of policy.sources) expect(source.documentNo ?? source.note).toBeTruthy();
      const bases: Basis[] = [];
      forEachBasis(document, (b) => bases.push(b));
      expect(
        bases.some((b) => 'source' in b),
        `${policy.id} ${policy.year} cites its paper somewhere`,
      ).toBe(true);
      for (const b of bases) {
        if ('illustrative' in b) expect(b.illustrative.length).toBeGreaterThan(10);
        else expect(policy.sources.some((s) => s.id === b.source)).toBe(true);
      }
    }
    expect(shippedPolicy('jinan-resident', 2023).sources[0]!.documentNo).toBe('金医保发〔2023〕19号');
  });

  it("carry the papers' own figures where the papers give them", () => {
    const zhoushan = shippedPolicy('zhoushan-resident', 2023);
    const rule = (id: string) => zhoushan.basic.ratios.find((r) => r.id === id)!;
    expect(rule('inpatient').set).toEqual({ primary: 8_500, secondary: 7_500, tertiary: 6_500 });
    expect(rule('chronic-outpatient-primary').set).toBe(6_500);
    expect(rule('chronic-outpatient-tb').set).toBe(7_000);
    expect(rule('outpatient-2023-raise').add).toEqual({ primary: 200, secondary: 500, tertiary: 300 });
    expect(rule('family-doctor').add).toBe(300);
    expect(zhoushan.basic.deductibles.find((d) => d.id === 'outpatient-primary')!.amount).toBe(0);
    expect(zhoushan.effectiveFrom).toBe('2023-10-01');

    for (const year of [2019, 2020]) {
      const fuxin = shippedPolicy('fuxin-resident', year);
      const poor = fuxin.catastrophic!.categoryTerms[0]!;
      expect(poor).toMatchObject({ categories: ['registered-poor', 'tekun', 'dibao'], deductibleShare: 5_000, uncapped: true });
      expect(year === 2019 ? poor.ratioAdd : poor.ratioAtLeast).toBe(year === 2019 ? 1_000 : 7_000);
      expect(fuxin.assistance!.majorDiseases!.ratio).toBe(year === 2019 ? 6_500 : 7_000);
      expect(fuxin.assistance!.majorDiseases!.diseases.map((d) => d.code)).toEqual([
        'childhood-leukaemia',
        'childhood-chd',
        'esrd',
        'breast-cancer',
        'cervical-cancer',
        'severe-mental-illness',
        'mdr-tb',
        'aids-opportunistic',
      ]);
    }

    const jinan = shippedPolicy('jinan-resident', 2023);
    expect(jinan.visits['chronic-outpatient']!.diseases.map((d) => d.name)).toEqual([
      '高血压',
      '高血压伴并发症',
      '糖尿病',
      '糖尿病胰岛素治疗',
      '心功能不全',
      '冠心病',
      '脑卒中',
      '慢性阻塞性肺疾病',
    ]);
    expect(jinan.visits['chronic-outpatient']!.requireApproval).toBe(true);
  });

  it('differ in mechanism as options, not code: deductible repeats, band readings, the catastrophic base', () => {
    const modes = shipped.map((p) => p.policy.basic.deductibles.find((d) => d.id === 'inpatient')!.repeat.mode);
    expect(new Set(modes)).toEqual(new Set(['per-claim', 'by-sequence', 'highest-level']));
    expect(shippedPolicy('zhoushan-resident', 2023).catastrophic).toMatchObject({ bandsMeasuredOn: 'gross', includeFirstSelfPay: true });
    expect(shippedPolicy('fuxin-resident', 2020).catastrophic).toMatchObject({
      bandsMeasuredOn: 'above-deductible',
      includeFirstSelfPay: false,
    });
  });
});

describe('the policy schema', () => {
  const base = () => structuredClone(shipped.find((p) => p.policy.id === 'jinan-resident')!.document) as BenefitPolicyDocument;
  const problems = (doc: unknown) => {
    const r = benefitPolicySchema.safeParse(doc);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('reads percent strings and yuan, and refuses ratios written as fractions', () => {
    const doc = base();
    doc.basic.ratios[0]!.set = '0.85' as never;
    expect(problems(doc)[0]).toMatch(/^basic\.ratios\.0\.set/);
    const money = base();
    money.basic.caps![0]!.amount = '12.345';
    expect(problems(money)[0]).toMatch(/basic\.caps\.0\.amount: an amount in yuan/);
  });

  it('refuses a figure without a basis, or citing a paper it does not list', () => {
    const bare = base() as unknown as { basic: { caps: Record<string, unknown>[] } };
    delete bare.basic.caps[0]!.basis;
    expect(problems(bare).some((p) => p.startsWith('basic.caps.0.basis'))).toBe(true);
    const ghost = base();
    ghost.basic.caps![0]!.basis = { source: '某医保发〔2099〕1号', clause: '一' };
    expect(problems(ghost)).toContain('basic.caps.0.basis.source: cites "某医保发〔2099〕1号", which is not in sources');
  });

  it('refuses bands that do not rise or do not end open, duplicate rule ids, dates outside the year, and a source without 文号 or note', () => {
    const bands = base();
    bands.catastrophic!.bands = [{ upTo: 50_000, ratio: '60%' }, { upTo: 40_000, ratio: '65%' }, { ratio: '70%' }];
    expect(problems(bands)).toContain('catastrophic.bands.1.upTo: bands must rise');
    const open = base();
    open.catastrophic!.bands = [{ upTo: 50_000, ratio: '60%' }];
    expect(problems(open)).toContain('catastrophic.bands.0.upTo: the last band is open-ended: leave out upTo');
    const dup = base();
    dup.basic.caps!.push({ ...dup.basic.caps![0]! });
    expect(problems(dup).some((p) => p.includes('duplicate id'))).toBe(true);
    const dates = base();
    dates.effectiveFrom = '2022-12-01';
    expect(problems(dates)).toContain('effectiveFrom: must fall in the policy year');
    const uncited = base();
    delete (uncited.sources[0] as { documentNo?: unknown }).documentNo;
    expect(problems(uncited).some((p) => p.startsWith('sources.0.documentNo'))).toBe(true);
  });

  it('refuses a ratio rule that both sets and adds', () => {
    const doc = base();
    doc.basic.ratios.push({ id: 'both', set: '50%', add: '5%', basis: { illustrative: 'test rule' } });
    expect(problems(doc).some((p) => p.includes('exactly one of set, add or bands'))).toBe(true);
  });
});
