/**
 * DIP (按病种分值付费): the catalogue built from historical cases with worked numbers, cases scored by
 * it (normal, high- and low-cost, bed-day, no diagnosis), the document's own checks, and properties:
 * every historical case finds a group in the catalogue built from it, and the groups account for
 * every case once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CatalogueBuilder, type BuildParameters, type HistoricalCase } from '../../shared/dip/build.ts';
import { caseKey, procedureClasses, type ProcedureClasses } from '../../shared/dip/key.ts';
import { compileDipPolicy, dipPolicySchema, type DipPolicyDocument } from '../../shared/dip/policy.ts';
import { scoreDipCase } from '../../shared/dip/score.ts';
import { dipKind, dipPolicyFor } from '../../shared/policy/dip.ts';
import { historicalCases } from '../../tools/dip-history.ts';
import { buildFromLines } from '../../tools/dip-build.ts';
import { Readable } from 'node:stream';
import { readFileSync } from 'node:fs';

const params: BuildParameters = {
  minimumCases: 3,
  diagnosisLevel: 'category',
  procedureLevel: 'subcategory',
  ignoreProcedurePrefixes: ['87.', '88.'],
  maxProcedures: 3,
  scoreScale: 100,
};
const classes = procedureClasses('2.0');
const yuan = (y: number) => y * 100;

/**
 * Ten cases: four gallbladder operations (K80 + 51.23, one with an imaging code that does not
 * count), three conservative K80 stays, two K81 conservative stays and one chemotherapy (C34 +
 * 99.2503, a non-OR procedure). Total 100,000 yuan: the region's mean is 10,000 yuan = 100 points.
 */
const history: HistoricalCase[] = [
  { principalDiagnosis: 'K80.100', procedures: ['51.2300'], costFen: yuan(15_000), providerCode: 'P1', year: 2023 },
  { principalDiagnosis: 'K80.101', procedures: ['51.2301'], costFen: yuan(17_000), providerCode: 'P1', year: 2024 },
  { principalDiagnosis: 'K80.200', procedures: ['51.2300', '88.7601'], costFen: yuan(16_000), providerCode: 'P2', year: 2024 },
  { principalDiagnosis: 'K80.100', procedures: ['51.2300'], costFen: yuan(16_000), providerCode: 'P2', year: 2022 },
  { principalDiagnosis: 'K80.100', procedures: [], costFen: yuan(5_000), providerCode: 'P1', year: 2024 },
  { principalDiagnosis: 'K80.200', procedures: [], costFen: yuan(6_000), providerCode: 'P3', year: 2024 },
  { principalDiagnosis: 'K80.100', procedures: [], costFen: yuan(7_000), providerCode: 'P3', year: 2024 },
  { principalDiagnosis: 'K81.000', procedures: [], costFen: yuan(4_000), providerCode: 'P3', year: 2024 },
  { principalDiagnosis: 'K81.100', procedures: [], costFen: yuan(6_000), providerCode: 'P1', year: 2024 },
  { principalDiagnosis: 'C34.900', procedures: ['99.2503'], costFen: yuan(8_000), providerCode: 'P2', year: 2024 },
];

function build(cases: readonly HistoricalCase[], p: BuildParameters = params, c: ProcedureClasses = classes) {
  const b = new CatalogueBuilder(p, c);
  for (const x of cases) b.add(x);
  return b.finish();
}

function document(built: ReturnType<typeof build>, p: BuildParameters = params): DipPolicyDocument {
  const terms = JSON.parse(readFileSync('tools/dip-terms/532500-2025.json', 'utf8'));
  return dipPolicySchema.parse({
    ...terms,
    parameters: { ...terms.parameters, ...p, procedureClasses: '2.0' },
    builtFrom: { ...built.summary, refusedLines: 0, inputSha256: '0'.repeat(64), basis: terms.builtFrom.basis },
    groups: built.groups.map(({ centipoints, ...g }) => ({ ...g, score: centipoints / 100 })),
  });
}

describe('keys', () => {
  it('keys a case by diagnosis category × procedure subcategories, sorted, without ignored codes; treatment by the operating-room list', () => {
    expect(caseKey('K80.100', ['51.2300', '88.7601', '51.2200'], params, classes)).toMatchObject({
      diagnosis: 'K80',
      core: 'K80|51.22+51.23',
      treatment: 'operation',
    });
    expect(caseKey('C34.900', ['99.2503'], params, classes)).toMatchObject({ core: 'C34|99.25', treatment: 'procedure' });
    expect(caseKey('K80.100', [], { ...params, diagnosisLevel: 'subcategory' }, classes)).toMatchObject({
      core: 'K80.1|',
      category: 'K80',
      treatment: 'conservative',
    });
    expect(caseKey('K80.100', ['51.2300'], { ...params, procedureLevel: 'code' }, classes).core).toBe('K80|51.2300');
  });
});

describe('building a catalogue from historical cases', () => {
  const built = build(history);
  const byCode = new Map(built.groups.map((g) => [g.code, g]));

  it('makes a core group of each combination with the minimum of cases, scored by mean cost against the region mean', () => {
    expect(built.summary).toMatchObject({
      cases: 10,
      fromYear: 2022,
      toYear: 2024,
      providers: 3,
      totalCostFen: yuan(100_000),
      meanCostFen: yuan(10_000),
      byTreatment: { conservative: 5, procedure: 1, operation: 4 },
      coreGroups: 2,
      coreCases: 7,
    });
    // K80 + 51.23: (15,000 + 17,000 + 16,000 + 16,000) / 4 = 16,000 yuan → 160.00 points.
    expect(byCode.get('K80|51.23')).toMatchObject({
      kind: 'core',
      treatment: 'operation',
      cases: 4,
      meanCostFen: yuan(16_000),
      centipoints: 16_000,
    });
    // K80 conservative: (5,000 + 6,000 + 7,000) / 3 = 6,000 yuan → 60.00 points.
    expect(byCode.get('K80|')).toMatchObject({ kind: 'core', treatment: 'conservative', cases: 3, centipoints: 6_000 });
  });

  it('puts the rest into comprehensive groups by diagnosis and treatment, down to the treatment alone', () => {
    // K81 has 2 conservative cases (< 3): not K81|conservative, not K|conservative (2 cases) → *|conservative.
    expect(byCode.has('K81|')).toBe(false);
    expect(byCode.has('K81|conservative')).toBe(false);
    expect(byCode.get('*|conservative')).toMatchObject({ cases: 2, meanCostFen: yuan(5_000), centipoints: 5_000 });
    expect(byCode.get('*|procedure')).toMatchObject({ cases: 1, meanCostFen: yuan(8_000), centipoints: 8_000 });
    // No operation was left over: the catch-all still exists, at the region's mean.
    expect(byCode.get('*|operation')).toMatchObject({ cases: 0, meanCostFen: yuan(10_000), centipoints: 10_000 });
    expect(built.summary).toMatchObject({ comprehensiveGroups: 3, comprehensiveCases: 3 });
  });

  it('with a lower minimum, the category × treatment level takes them first', () => {
    const two = build(history, { ...params, minimumCases: 2 });
    const codes = two.groups.map((g) => g.code);
    expect(codes).toContain('K81|'); // 2 cases: now a core group
    expect(two.groups.find((g) => g.code === 'K81|')).toMatchObject({ centipoints: 5_000 });
  });

  it('is a valid DIP document, refused when a core group falls short of the minimum or a catch-all is missing', () => {
    const doc = document(built);
    expect(() => dipKind.schema.parse(doc)).not.toThrow();
    const short = { ...doc, groups: doc.groups.map((g) => (g.code === 'K80|' ? { ...g, cases: 2 } : g)) };
    expect(dipPolicySchema.safeParse(short).error?.issues[0]?.message).toContain('a core group needs at least 3 cases');
    const noCatchAll = { ...doc, groups: doc.groups.filter((g) => g.code !== '*|operation') };
    expect(dipPolicySchema.safeParse(noCatchAll).error?.issues[0]?.message).toContain('*|operation is missing');
  });
});

describe('scoring a case', () => {
  const policy = compileDipPolicy(document(build(history)));
  const base = { procedures: [] as string[], providerCode: 'P9', providerLevel: 'secondary' as const };

  it('normal: the group score × the hospital-level coefficient (secondary 0.92)', () => {
    const r = scoreDipCase(policy, { ...base, principalDiagnosis: 'K80.101', procedures: ['51.2301'], costFen: yuan(18_000) });
    // 160.00 × 0.92 = 147.20
    expect(r).toMatchObject({
      group: 'K80|51.23',
      kind: 'core',
      pricing: 'dip',
      baseCentipoints: 16_000,
      coefficient: 9_200,
      centipoints: 14_720,
    });
    expect(r.workings.at(-1)).toBe('case points 147.20 (dip)');
  });

  it('high cost: above twice the group mean, score × (cost ÷ mean − 1), no coefficient', () => {
    // 40,000 / 16,000 = 2.5 > 2 → 160 × (2.5 − 1) = 240.00
    const r = scoreDipCase(policy, { ...base, principalDiagnosis: 'K80.100', procedures: ['51.2300'], costFen: yuan(40_000) });
    expect(r).toMatchObject({ pricing: 'high-cost', centipoints: 24_000 });
  });

  it('low cost: below half the group mean, score × cost ÷ mean', () => {
    // 6,000 / 16,000 = 0.375 < 0.5 → 160 × 0.375 = 60.00
    const r = scoreDipCase(policy, { ...base, principalDiagnosis: 'K80.100', procedures: ['51.2300'], costFen: yuan(6_000) });
    expect(r).toMatchObject({ pricing: 'low-cost', centipoints: 6_000 });
  });

  it('a rare case falls to its comprehensive group; a bed-day stay converts by cost; no diagnosis is paid by cost for review', () => {
    const rare = scoreDipCase(policy, { ...base, principalDiagnosis: 'K81.000', costFen: yuan(5_000) });
    expect(rare).toMatchObject({ group: '*|conservative', kind: 'comprehensive', centipoints: 4_600 }); // 50 × 0.92
    // 10 hospice days × 400 yuan = 4,000 yuan ÷ 10,000 × 100 = 40.00 points, whatever the group.
    const hospice = scoreDipCase(policy, {
      ...base,
      principalDiagnosis: 'C34.900',
      costFen: yuan(9_000),
      bedDays: 10,
      programme: 'hospice',
    });
    expect(hospice).toMatchObject({ pricing: 'bed-day', centipoints: 4_000, review: false });
    // A bed-day programme the catalogue has no standard for: by cost, for review (12,000 yuan = 120.00).
    const other = scoreDipCase(policy, { ...base, principalDiagnosis: 'C34.900', costFen: yuan(12_000), bedDays: 10, programme: 'other' });
    expect(other).toMatchObject({ pricing: 'cost-based', centipoints: 12_000, review: true });
    const none = scoreDipCase(policy, { ...base, principalDiagnosis: undefined, costFen: yuan(2_500) });
    expect(none).toMatchObject({ group: null, outcome: 'ungroupable', pricing: 'cost-based', centipoints: 2_500, review: true });
  });
});

describe('properties', () => {
  it('every historical case finds a group in the catalogue built from it, and the groups hold every case once', () => {
    const codes = ['K80.100', 'K80.200', 'K81.000', 'C34.900', 'J18.900', 'I21.000', 'S72.000'];
    const procs = ['51.2300', '51.2200', '99.2503', '81.5100', '45.2300', '88.7601'];
    const arbCase = fc.record({
      principalDiagnosis: fc.constantFrom(...codes),
      procedures: fc.array(fc.constantFrom(...procs), { maxLength: 3 }),
      costFen: fc.integer({ min: 1_000, max: 10_000_000 }),
    });
    fc.assert(
      fc.property(fc.array(arbCase, { minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 6 }), (cases, minimumCases) => {
        const p = { ...params, minimumCases };
        const built = build(cases, p);
        expect(built.groups.reduce((n, g) => n + g.cases, 0)).toBe(cases.length);
        for (const g of built.groups) expect(Number.isInteger(g.centipoints) && g.centipoints >= 0).toBe(true);
        const policy = compileDipPolicy(document(built, p));
        for (const c of cases) {
          const r = scoreDipCase(policy, { ...c, providerCode: 'X', providerLevel: undefined });
          expect(r.group).not.toBeNull();
          expect(Number.isInteger(r.centipoints)).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('the shipped catalogue and the build command', () => {
  it('ships 532500 2025, built from 60,000 illustrative cases, and rebuilds to the same document from the same history', async () => {
    const shipped = dipPolicyFor('532500', 2025)!;
    expect(shipped.document.builtFrom).toMatchObject({ cases: 60_000, fromYear: 2022, toYear: 2024, providers: 40 });
    expect(shipped.core.size).toBe(shipped.document.builtFrom.coreGroups);
    const lines = [...historicalCases({ cases: 60_000, seed: 532_500 })].map((c) => `${JSON.stringify(c)}\n`);
    const terms = JSON.parse(readFileSync('tools/dip-terms/532500-2025.json', 'utf8'));
    const { document: rebuilt } = await buildFromLines(Readable.from(lines), terms);
    expect(rebuilt.groups).toEqual(shipped.document.groups);
    expect(rebuilt.builtFrom).toEqual(shipped.document.builtFrom);
  });

  it('counts and skips a line that is not a case', async () => {
    const terms = JSON.parse(readFileSync('tools/dip-terms/532500-2025.json', 'utf8'));
    const lines = [
      ...history.map((c) => JSON.stringify(c)),
      'not json',
      '{"principalDiagnosis":"K80.100"}',
      '{"principalDiagnosis":"K80.100","procedures":null,"costFen":500000,"providerCode":null}',
    ];
    const { document: d, refusedLines } = await buildFromLines(Readable.from(lines.map((l) => `${l}\n`)), {
      ...terms,
      parameters: { ...terms.parameters, minimumCases: 3 },
    });
    expect(refusedLines).toBe(2);
    expect(d.builtFrom).toMatchObject({ cases: 11, refusedLines: 2 });
  });
});
