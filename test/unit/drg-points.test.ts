/**
 * DRG points with worked numbers. A test policy with round figures: an average case costs
 * 10,000 yuan (1,000,000 fen), so a case's cost points are its cost in hundreds of yuan.
 * Points are whole centipoints: 111.11 points = 11,111.
 */
import { describe, expect, it } from 'vitest';
import { casePoints, type PointsInput } from '../../shared/drg/points.ts';
import { compilePolicy, drgPolicySchema, weightListSchema, type DrgPolicyDocument } from '../../shared/drg/policy.ts';
import { drgPolicies, drgPolicyFor } from '../../shared/policy/drg.ts';
import { daysBetween, readmissionCuts, type Admission } from '../../shared/drg/readmission.ts';
import { decodePackage, packageEnvelope } from '../../shared/drg/rule-packages.ts';

const weights = { ES31: 1.2345, GZ19: 0.5, FL19: 2, BB21: 3.5, TR19: 1.7, XX11: 1, XX19: 1.0001 };
const list = weightListSchema.parse({
  id: 'test',
  city: 'test',
  year: 2026,
  grouperVersion: '1.1',
  source: { path: 'test', sha256: 'x' },
  attribution: 'test',
  weights,
});

function testPolicy(change: (d: DrgPolicyDocument) => void = () => {}) {
  const document = drgPolicySchema.parse({
    kind: 'drg',
    region: '999999',
    regionName: 'test',
    year: 2026,
    effectiveFrom: '2026-01-01',
    version: 1,
    summary: 'test figures',
    sources: [{ id: 's', title: 't', documentNo: '测〔2026〕1号', issuer: 'x', date: '2026', where: 'test' }],
    grouping: { version: '1.1', qy: true, codes: 'yibao', basis: { illustrative: 'test figures', source: 's' } },
    weights: { list: 'test', basis: { illustrative: 'test figures', source: 's' } },
    averageCostPerCaseFen: { all: 1_000_000, byLevel: { tertiary: 1_200_000 }, basis: { illustrative: 'test figures', source: 's' } },
    hospitalCoefficients: {
      default: 1,
      byLevel: { secondary: 0.9, tertiary: 1 },
      byProvider: { P1: 1.05 },
      basis: { illustrative: 'test figures', source: 's' },
    },
    outliers: {
      highCostMultiples: [{ multiple: 1.5 }, { basePointsUpTo: 100, multiple: 3 }, { basePointsUpTo: 300, multiple: 2 }],
      lowCostSharePercent: 40,
      basis: { illustrative: 'test figures', source: 's' },
    },
    readmission: {
      withinDays: 15,
      earlierAdmissionSharePercent: 50,
      sameProviderOnly: false,
      basis: { illustrative: 'test figures', source: 's' },
    },
    bedDay: {
      standards: [{ kind: 'psychiatric', label: '精神', mdcs: ['T'], dailyStandardFen: 35_000 }],
      basis: { illustrative: 'test figures', source: 's' },
    },
    addOns: {
      newTechnology: { percent: 6, drgs: ['FL19'] },
      gradeFourSurgery: { percent: 6, drgs: ['BB21'] },
      tcmShare: [
        { abovePercent: 6, percent: 5 },
        { abovePercent: 12, percent: 10 },
      ],
      tcmCategories: ['tcm-herbal', 'tcm-patent', 'tcm-service'],
      basis: { source: 's', clause: 'test clause' },
    },
    ungrouped: 'cost-based',
  });
  change(document);
  return compilePolicy(document, list);
}

const policy = testPolicy();
const input = (over: Partial<PointsInput>): PointsInput => ({
  drg: 'ES31',
  outcome: 'grouped',
  mdc: 'MDCE',
  adrg: 'ES3',
  costFen: 1_000_000,
  tcmFen: 0,
  providerCode: 'P0',
  providerLevel: undefined,
  bedDays: undefined,
  department: undefined,
  ...over,
});

describe('DRG points (Zhejiang style)', () => {
  it('normal case: RW 1.2345 → 123.45 base points × coefficient 0.9 = 111.105, rounded half up to 111.11', () => {
    const p = casePoints(policy, input({ providerLevel: 'secondary' }));
    expect(p).toMatchObject({
      pricing: 'drg',
      weight: 12_345,
      baseCentipoints: 12_345,
      coefficient: 9_000,
      groupAverageCostFen: 1_234_500,
      centipoints: 11_111,
      review: false,
    });
    expect(p.workings.at(-1)).toBe('case points 111.11 (drg)');
  });

  it('high cost: RW 0.5 (50 base points, multiple 3), cost 20,000 yuan against a group average of 5,000 → 50 + (200 − 150) = 100.00', () => {
    const p = casePoints(policy, input({ drg: 'GZ19', costFen: 2_000_000 }));
    expect(p).toMatchObject({ pricing: 'high-cost', baseCentipoints: 5_000, groupAverageCostFen: 500_000, centipoints: 10_000 });
    // Exactly three times the average is not above it.
    expect(casePoints(policy, input({ drg: 'GZ19', costFen: 1_500_000 })).pricing).toBe('drg');
    expect(casePoints(policy, input({ drg: 'GZ19', costFen: 1_500_001 })).pricing).toBe('high-cost');
  });

  it('high cost: the multiple depends on the size of the base points (≤100: 3, ≤300: 2, above: 1.5)', () => {
    // RW 1 = 100.00 base points: multiple 3, so 2.5 times the average is not high.
    expect(casePoints(policy, input({ drg: 'XX11', costFen: 2_500_000 })).pricing).toBe('drg');
    // RW 1.0001 = 100.01 base points: multiple 2, so it is: 100.01 + (250.00 − 200.02) = 149.99.
    const p = casePoints(policy, input({ drg: 'XX19', costFen: 2_500_000 }));
    expect(p).toMatchObject({ pricing: 'high-cost', centipoints: 14_999 });
    // RW 3.5 = 350 base points: multiple 1.5; 5.5 times the average cost: 350 + (550 − 525) = 375.00 (+6% grade-IV on 350 = 21.00).
    const big = casePoints(policy, input({ drg: 'BB21', costFen: 5_500_000 }));
    expect(big).toMatchObject({ pricing: 'high-cost', centipoints: 37_500 + 2_100 });
  });

  it('low cost: below 40% of the group average, paid by cost points, no coefficient and no add-on', () => {
    const p = casePoints(policy, input({ costFen: 400_000, providerLevel: 'secondary', tcmFen: 100_000 }));
    expect(p).toMatchObject({ pricing: 'low-cost', centipoints: 4_000, addOns: [] });
    // 40% of 1,234,500 fen is 493,800: at it the case is normal.
    expect(casePoints(policy, input({ costFen: 493_800 })).pricing).toBe('drg');
    expect(casePoints(policy, input({ costFen: 493_799 })).pricing).toBe('low-cost');
  });

  it('bed-day stay: 20 days × 350 yuan = 7,000 yuan against a 10,000-yuan average case = 70.00 points', () => {
    const p = casePoints(policy, input({ drg: 'TR19', mdc: 'MDCT', adrg: 'TR1', bedDays: 20, costFen: 900_000 }));
    expect(p).toMatchObject({ pricing: 'bed-day', centipoints: 7_000, weight: null });
    // The same DRG without bed days is a DRG case: RW 1.7 = 170.00.
    expect(casePoints(policy, input({ drg: 'TR19', mdc: 'MDCT', adrg: 'TR1' })).centipoints).toBe(17_000);
  });

  it("a per-bed-day stay takes its programme's standard first (the Sichuan paper's cost ratio), whatever its diagnosis groups to", () => {
    const withProgramme = testPolicy((d) => {
      d.bedDay.standards.push({
        kind: 'home-sickbed',
        label: '家庭病床',
        programmes: ['home-sickbed'],
        mdcs: [],
        adrgs: [],
        departments: [],
        dailyStandardFen: 8_000,
      });
    });
    // 15 days × 80 yuan = 1,200 yuan against a 10,000-yuan average case = 12.00 points, though TR1 has its own standard.
    const p = casePoints(
      withProgramme,
      input({ drg: 'TR19', mdc: 'MDCT', adrg: 'TR1', bedDays: 15, programme: 'home-sickbed', costFen: 150_000 }),
    );
    expect(p).toMatchObject({ pricing: 'bed-day', centipoints: 1_200, review: false });
    expect(p.workings).toContain('bed-day stay (家庭病床): 15 days × 8000 fen = 120000 fen → 12.00 points');
    // A programme no standard names falls back on the MDC's: 20 × 350 yuan = 70.00.
    expect(casePoints(withProgramme, input({ drg: 'TR19', mdc: 'MDCT', adrg: 'TR1', bedDays: 20, programme: 'other' })).centipoints).toBe(
      7_000,
    );
    // …and with no standard at all it is paid by its cost, for review, never as a DRG case: 9,000 yuan = 90.00.
    expect(casePoints(withProgramme, input({ bedDays: 20, programme: 'other', costFen: 900_000 }))).toMatchObject({
      pricing: 'cost-based',
      centipoints: 9_000,
      review: true,
    });
  });

  it('0000, or a DRG the policy has no weight for: cost points, flagged for review', () => {
    const ungrouped = casePoints(policy, input({ drg: '0000', outcome: 'ungroupable', mdc: null, adrg: null, costFen: 1_234_567 }));
    expect(ungrouped).toMatchObject({ pricing: 'cost-based', centipoints: 12_346, review: true }); // 123.4567 → 123.46
    expect(casePoints(policy, input({ drg: 'AA19' }))).toMatchObject({ pricing: 'cost-based', centipoints: 10_000, review: true });
  });

  it('add-ons: new technology +6% on the normal points; TCM share strictly above 6% +5%, above 12% +10%; they add up', () => {
    // FL19 RW 2 = 200.00 base; provider P1's coefficient 1.05 → 210.00; +6% = 12.60.
    const tech = casePoints(policy, input({ drg: 'FL19', providerCode: 'P1' }));
    expect(tech.addOns).toEqual([{ kind: 'new-technology', share: 600, centipoints: 1_260 }]);
    expect(tech.centipoints).toBe(22_260);
    const tcm = (tcmFen: number) => casePoints(policy, input({ providerLevel: 'secondary', tcmFen })).addOns.map((a) => a.share);
    expect(tcm(60_000)).toEqual([]); // exactly 6%
    expect(tcm(60_001)).toEqual([500]);
    expect(tcm(120_000)).toEqual([500]); // exactly 12%
    expect(tcm(125_000)).toEqual([1_000]);
    // 13% TCM on FL19 at P1: 210.00 + 12.60 + 21.00 = 243.60.
    expect(casePoints(policy, input({ drg: 'FL19', providerCode: 'P1', tcmFen: 130_000 })).centipoints).toBe(24_360);
  });

  it('takes the coefficient by provider, then by hospital level, then the default; the average cost by level', () => {
    expect(casePoints(policy, input({ providerCode: 'P1', providerLevel: 'secondary' })).coefficient).toBe(10_500);
    expect(casePoints(policy, input({ providerLevel: 'secondary' })).coefficient).toBe(9_000);
    expect(casePoints(policy, input({})).coefficient).toBe(10_000);
    const tertiary = casePoints(policy, input({ providerLevel: 'tertiary', costFen: 1_200_000 }));
    expect(tertiary).toMatchObject({ averageCaseCostFen: 1_200_000, groupAverageCostFen: 1_481_400 });
  });
});

describe('readmission within 15 days to the same DRG', () => {
  const admission = (over: Partial<Admission>): Admission => ({
    providerCode: 'P1',
    claimNo: 'C1',
    drg: 'ES31',
    admissionDate: '2026-03-01',
    dischargeDate: '2026-03-10',
    centipoints: 11_111,
    drgPaid: true,
    ...over,
  });
  const earlier = admission({});

  it('halves the earlier admission (rounded half up): 111.11 keeps 55.56, a cut of 55.55', () => {
    const later = admission({ claimNo: 'C2', admissionDate: '2026-03-25', dischargeDate: '2026-03-30' });
    expect(daysBetween('2026-03-10', '2026-03-25')).toBe(15);
    const cuts = readmissionCuts(policy, later, [earlier]);
    expect(cuts).toEqual([{ earlier, readmission: later, daysBetween: 15, deltaCentipoints: -5_555 }]);
  });

  it('leaves a readmission after 16 days, to another DRG, or of a 0000 case alone', () => {
    expect(readmissionCuts(policy, admission({ claimNo: 'C2', admissionDate: '2026-03-26' }), [earlier])).toEqual([]);
    expect(readmissionCuts(policy, admission({ claimNo: 'C2', admissionDate: '2026-03-20', drg: 'GZ19' }), [earlier])).toEqual([]);
    expect(readmissionCuts(policy, admission({ claimNo: 'C2', admissionDate: '2026-03-20', drgPaid: false }), [earlier])).toEqual([]);
    expect(readmissionCuts(policy, admission({ claimNo: 'C2', admissionDate: '2026-03-20' }), [{ ...earlier, drgPaid: false }])).toEqual(
      [],
    );
  });

  it('cuts the case being recorded when its readmission was recorded first (messages arrive in any order)', () => {
    const later = admission({ claimNo: 'C2', admissionDate: '2026-03-12', dischargeDate: '2026-03-14', centipoints: 20_001 });
    const cuts = readmissionCuts(policy, earlier, [later]);
    expect(cuts).toEqual([{ earlier, readmission: later, daysBetween: 2, deltaCentipoints: -5_555 }]);
  });

  it('counts readmissions to another provider unless the region limits the rule to the same one', () => {
    const elsewhere = admission({ providerCode: 'P2', claimNo: 'C9', admissionDate: '2026-03-12', dischargeDate: '2026-03-14' });
    expect(readmissionCuts(policy, elsewhere, [earlier])).toHaveLength(1);
    const strict = testPolicy((d) => {
      d.readmission.sameProviderOnly = true;
    });
    expect(readmissionCuts(strict, elsewhere, [earlier])).toEqual([]);
  });
});

describe('the region DRG policy documents', () => {
  it('carry a policy for 舟山 (330900) in 2026, grouping with 1.1 and QY on, every figure from its document', () => {
    const zhoushan = drgPolicyFor('330900', 2026)!;
    expect(zhoushan).toBeDefined();
    expect(zhoushan).toMatchObject({ grouperVersion: '1.1', qy: true, codes: 'yibao', lowCostShare: 4_000 });
    expect(zhoushan.readmission).toEqual({ withinDays: 15, earlierShare: 5_000, sameProviderOnly: false });
    expect(zhoushan.newTechnology.share).toBe(600);
    expect(zhoushan.gradeFourSurgery.share).toBe(600);
    expect(zhoushan.tcmBands).toEqual([
      { above: 1_200, share: 1_000 },
      { above: 600, share: 500 },
    ]);
    expect(zhoushan.document.summary).toMatch(/^ILLUSTRATIVE/);
    const sources = zhoushan.document.sources;
    expect(sources.find((s) => s.id === zhoushan.document.addOns.basis.source)!.where).toContain('domain/seeds/001');
    for (const s of sources) expect(s.documentNo ?? s.note, s.id).toBeTruthy();
    expect(sources.map((s) => s.documentNo)).toContain('浙政办发〔2023〕50号');
  });

  it('have a weight for every DRG of the grouper version they use', () => {
    for (const p of drgPolicies()) {
      const drgs = decodePackage(packageEnvelope(p.grouperVersion)).drgs.map((d) => d.code);
      expect(
        drgs.filter((d) => !p.weights.has(d)),
        `${p.region}/${p.year}`,
      ).toEqual([]);
    }
  });

  it('refuse a section citing a source the document does not list, or a weight list of another version', () => {
    expect(() =>
      testPolicy((d) => {
        d.outliers.basis = { illustrative: 'test figures', source: 'nowhere' };
      }),
    ).toThrow(/outliers\.basis\.source cites "nowhere", which is not in sources/);
    const document = drgPolicySchema.parse({ ...testPolicy().document, grouping: { ...testPolicy().document.grouping, version: '2.0' } });
    expect(() => compilePolicy(document, list)).toThrow(/weight list test is for 1.1/);
  });

  it('refuse figures with more decimals than they are read with', () => {
    const bad = { ...testPolicy().document, hospitalCoefficients: { ...testPolicy().document.hospitalCoefficients, default: 1.00001 } };
    expect(drgPolicySchema.safeParse(bad).success).toBe(false);
  });
});
