/** Scoring: weights, cap, threshold, severity, amounts at stake, windows, provider risk, catalogue choice. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allCatalogues, pickCatalogue } from '../../shared/policy/fraud-rules.ts';
import { fromClaimSettled } from '../../shared/fraud/claim.ts';
import { explain, historyRange, providerMonths, providerMonthsNeeded, scoreClaim, scoreProvider } from '../../shared/fraud/engine.ts';
import { profileWithClaim, profileWithGroupedCase, countedFor, withGrouping } from '../../shared/fraud/counting.ts';
import { catalogueOf, claim, line, national, shippedRule, stay, summary } from './fraud-fixtures.ts';

const empty = { memberHistory: [], traceScans: [] };

describe('claim score', () => {
  it("adds each hit rule's weight once, raises an alert at the threshold, and takes the highest severity", () => {
    const lab = { category: 'lab' } as const;
    // Duplicate (60, high, violation) twice over, and a diagnosis mismatch (30, medium, suspicious).
    const c = claim({
      diagnoses: ['J18.900'],
      procedures: ['47.0100'],
      lines: [line(1, '250101015', lab), line(2, '250101015', lab), line(3, '250305002', lab), line(4, '250305002', lab)],
    });
    const score = scoreClaim(catalogueOf([shippedRule('duplicate-charge'), shippedRule('diagnosis-mismatch')]), c, empty);
    expect(score.hits.map((h) => [h.ruleId, h.findings, h.weight])).toEqual([
      ['CN-DUP-01', 2, 60],
      ['CN-DXFIT-01', 1, 30],
    ]);
    expect(score).toMatchObject({ score: 90, alert: true, threshold: 60, result: 'violation' });
    // The score's band (90 → critical) outranks the hits' own severities.
    expect(score.severity).toBe('critical');
  });

  it('caps a score at 100 and raises nothing without hits', () => {
    const rules = ['duplicate-charge', 'split-charge', 'service-after-death'].map(shippedRule);
    const lab = { category: 'lab' } as const;
    const c = claim({ lines: [line(1, '250101015', lab), line(2, '250101015', lab), line(3, '250101001', lab)] });
    expect(scoreClaim(catalogueOf(rules), c, { ...empty, deathDate: '2026-01-01' }).score).toBe(100);
    expect(scoreClaim(catalogueOf(rules), claim(), empty)).toMatchObject({
      score: 0,
      alert: false,
      severity: null,
      result: null,
      hits: [],
      atStakeFen: 0,
    });
  });

  it('stays below the threshold with one suspicious hit', () => {
    const score = scoreClaim(
      catalogueOf([shippedRule('diagnosis-mismatch')]),
      claim({ diagnoses: ['J18.900'], procedures: ['47.0100'] }),
      empty,
    );
    expect(score).toMatchObject({ score: 30, alert: false, result: 'suspicious', severity: 'medium' });
  });

  it('counts a line once in the amount at stake when two rules hit it, and the whole bill when a rule hits the claim', () => {
    // Line 2 is both a duplicate (its 2,500) and over the price limit (its 500 excess): 2,500 at stake, not 3,000.
    const lab = { category: 'lab', quantity: 1, unitPriceFen: 2_500, amountFen: 2_500 } as const;
    const c = claim({ lines: [line(1, '250101015', lab), line(2, '250101015', lab), line(3, 'XJ01CA04', { amountFen: 5_000 })] });
    const both = scoreClaim(catalogueOf([shippedRule('duplicate-charge'), shippedRule('price-limit')]), c, empty);
    expect(both.hits.map((h) => h.amountFen)).toEqual([2_500, 1_000]);
    expect(both.atStakeFen).toBe(2_500 + 500);
    const whole = scoreClaim(catalogueOf([shippedRule('service-after-death'), shippedRule('duplicate-charge')]), c, {
      ...empty,
      deathDate: '2026-01-01',
    });
    expect(whole.atStakeFen).toBe(c.totals.billedFen);
  });

  it('never puts more at stake than was billed (property)', () => {
    const rules = ['duplicate-charge', 'price-limit', 'excess-quantity', 'split-charge', 'indication-restriction'].map(shippedRule);
    const codes = ['250101015', '250101001', '250101004', '250101006', '120100002', 'XB05AAR001', 'XC09AA02'];
    const arbLine = fc.record({
      code: fc.constantFrom(...codes),
      category: fc.constantFrom('lab', 'bed', 'drug'),
      quantity: fc.integer({ min: 1, max: 5 }),
      unit: fc.integer({ min: 0, max: 10_000 }),
      day: fc.integer({ min: 10, max: 12 }),
      supplyDays: fc.option(fc.integer({ min: 1, max: 120 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(arbLine, { maxLength: 12 }), (ls) => {
        const lines = ls.map((l, i) =>
          line(i + 1, l.code, {
            category: l.category,
            quantity: l.quantity,
            unitPriceFen: l.unit,
            amountFen: l.unit * l.quantity,
            date: `2026-03-${l.day}`,
            ...(l.supplyDays ? { supplyDays: l.supplyDays } : {}),
          }),
        );
        const score = scoreClaim(catalogueOf(rules), claim({ lines }), empty);
        const billed = claim({ lines }).totals.billedFen;
        return (
          score.atStakeFen <= billed &&
          score.atStakeFen >= 0 &&
          score.hits.every((h) => Number.isInteger(h.amountFen) && h.amountFen <= billed)
        );
      }),
    );
  });

  it('masks an ID number that reaches an explanation through a fact', () => {
    expect(explain('{itemName}', { itemName: '备注 110101199003077777' })).toBe('备注 1101**********7777');
  });

  it('shows a cross-claim rule only the history inside its window, never the claim itself or a reversed claim', () => {
    const current = stay('2026-03-10', '2026-03-12', { diagnoses: ['K35.800'] });
    const prior = summary('C-0', { visitType: 'inpatient', start: '2026-02-25', end: '2026-03-01', principalDiagnosis: 'K35.200' });
    const rule = [shippedRule('readmission')];
    expect(scoreClaim(catalogueOf(rule), current, { memberHistory: [prior], traceScans: [] }).hits).toHaveLength(1);
    expect(scoreClaim(catalogueOf(rule), current, { memberHistory: [{ ...prior, reversed: true }], traceScans: [] }).hits).toHaveLength(0);
    expect(scoreClaim(catalogueOf(rule), current, { memberHistory: [{ ...prior, ref: current.ref }], traceScans: [] }).hits).toHaveLength(
      0,
    );
  });

  it("reads history over the union of the cross-claim windows (the longest is the trace codes' 730 days)", () => {
    expect(historyRange(national(), { start: '2026-03-10', end: '2026-03-12' })).toEqual({ from: '2024-03-10', to: '2028-03-11' });
    expect(historyRange(catalogueOf([shippedRule('readmission')]), { start: '2026-03-10', end: '2026-03-12' })).toEqual({
      from: '2026-02-23',
      to: '2026-03-27',
    });
    expect(historyRange(catalogueOf([shippedRule('duplicate-charge')]), { start: '2026-03-10', end: '2026-03-10' })).toBeUndefined();
  });
});

describe('provider risk', () => {
  it("is the year's mean claim score once the provider has enough claims, plus the provider rules' weights", () => {
    const cat = catalogueOf([shippedRule('volume-surge')]);
    const quiet = { providerCode: 'H0001', region: '330900', asOf: '2026-03-15', own: [], peers: [], ownDrgs: [], regionDrgs: [] };
    expect(scoreProvider(cat, quiet, { claims: 19, scoreSum: 1_900 })).toMatchObject({ claimComponent: 0, score: 0, alert: false });
    expect(scoreProvider(cat, quiet, { claims: 20, scoreSum: 1_000 })).toMatchObject({
      claimComponent: 50,
      score: 50,
      alert: true,
      threshold: 50,
      severity: 'medium',
    });
    const surging = {
      ...quiet,
      own: [
        { month: '2026-02', claims: 10, groupedCases: 0, ccMccCases: 0 },
        { month: '2026-03', claims: 60, groupedCases: 0, ccMccCases: 0 },
      ],
    };
    expect(scoreProvider(cat, surging, { claims: 20, scoreSum: 200 })).toMatchObject({ claimComponent: 10, score: 35, alert: false });
  });

  it("looks at the months of each rule's window, ending with the month of the claim", () => {
    expect(providerMonths(shippedRule('high-coding'), '2026-02-10')).toEqual(['2025-12', '2026-01', '2026-02']);
    expect(providerMonths(shippedRule('drg-outlier'), '2026-03-10')).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(providerMonthsNeeded(national(), '2026-03-10')).toEqual([
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
    ]);
  });

  it("counts the claim being scored into its provider's figures before the provider rules look", () => {
    const c = { ...stay('2026-03-01', '2026-03-05'), drg: { code: 'FR13', ccLevel: 'CC' as const } };
    const score = scoreClaim(catalogueOf([shippedRule('duplicate-charge')]), c, empty);
    const counted = countedFor(c, score);
    expect(counted).toMatchObject({
      year: 2026,
      month: '2026-03',
      providerRegion: '330900',
      level: 'secondary',
      grouped: 1,
      ccMcc: 1,
      drg: 'FR13',
      losDays: 4,
    });
    const profile = profileWithClaim(
      { own: [{ month: '2026-03', claims: 4, groupedCases: 2, ccMccCases: 0 }], peers: [], ownDrgs: [], regionDrgs: [] },
      c,
      counted,
    );
    expect(profile.own).toEqual([{ month: '2026-03', claims: 5, groupedCases: 3, ccMccCases: 1 }]);
    expect(profile.peers).toEqual([{ month: '2026-03', claims: 1, groupedCases: 1, ccMccCases: 1 }]);
    expect(profile.ownDrgs).toEqual([{ drg: 'FR13', cases: 1, costFenSum: c.totals.billedFen, losDaysSum: 4 }]);
  });
});

describe('a grouped case counted after its claim (CaseGrouped)', () => {
  const counted = countedFor(stay('2026-03-01', '2026-03-05'), scoreClaim(catalogueOf([]), stay('2026-03-01', '2026-03-05'), empty));
  const stored = {
    own: [{ month: '2026-03', claims: 5, groupedCases: 2, ccMccCases: 0 }],
    peers: [{ month: '2026-03', claims: 50, groupedCases: 20, ccMccCases: 6 }],
    ownDrgs: [],
    regionDrgs: [],
  };

  it("adds the case, its CC/MCC and its DRG's cost and stay, but not the claim a second time", () => {
    expect(counted).toMatchObject({ grouped: 0, ccMcc: 0 });
    expect(counted.drg).toBeUndefined();
    const grouped = withGrouping(counted, { code: 'FR13', ccLevel: 'CC' });
    expect(grouped).toMatchObject({ grouped: 1, ccMcc: 1, drg: 'FR13', costFen: counted.costFen, losDays: 4 });
    const profile = profileWithGroupedCase(stored, { code: 'H0001', asOf: '2026-03-05' }, grouped);
    expect(profile.own).toEqual([{ month: '2026-03', claims: 5, groupedCases: 3, ccMccCases: 1 }]);
    expect(profile.peers).toEqual([{ month: '2026-03', claims: 50, groupedCases: 21, ccMccCases: 7 }]);
    expect(profile.ownDrgs).toEqual([{ drg: 'FR13', cases: 1, costFenSum: counted.costFen, losDaysSum: 4 }]);
    expect(profile.regionDrgs).toEqual(profile.ownDrgs);
  });

  it('counts a case without CC or MCC as grouped only', () => {
    const profile = profileWithGroupedCase(
      stored,
      { code: 'H0001', asOf: '2026-03-05' },
      withGrouping(counted, { code: 'FR15', ccLevel: 'none' }),
    );
    expect(profile.own).toEqual([{ month: '2026-03', claims: 5, groupedCases: 3, ccMccCases: 0 }]);
  });
});

describe('the claim as the rules see it', () => {
  it("resolves the stay, each line's date and the length of stay from a ClaimSettled payload", () => {
    const c = fromClaimSettled({
      claim: { providerCode: 'H0001', claimNo: 'C-1' },
      memberId: 'M-1',
      region: '330900',
      provider: { code: 'H0001', level: 'tertiary', region: '330900' },
      visit: { type: 'inpatient', serviceDate: '2026-03-01', admissionDate: '2026-03-01', dischargeDate: '2026-03-06' },
      patient: { sex: 'F', ageYears: 30 },
      diagnoses: { principal: 'K35.800', secondary: ['E11.900'] },
      lines: [
        { lineNo: 1, itemCode: 'X', itemClass: 'A', category: 'drug', quantity: 1, unitPriceFen: 100, amountFen: 100 },
        {
          lineNo: 2,
          itemCode: 'Y',
          itemClass: 'B',
          category: 'lab',
          quantity: 1,
          unitPriceFen: 100,
          amountFen: 100,
          serviceDate: '2026-03-03',
        },
      ],
      totals: { billedFen: 200, fundPaidFen: 150, patientPaidFen: 50 },
    });
    expect(c).toMatchObject({
      start: '2026-03-01',
      end: '2026-03-06',
      lengthOfStayDays: 5,
      diagnoses: ['K35.800', 'E11.900'],
      procedures: [],
    });
    expect(c.lines.map((l) => l.date)).toEqual(['2026-03-01', '2026-03-03']);
  });
});

describe('catalogue choice', () => {
  const all = allCatalogues();
  it("takes the region's own catalogue in force, else the national baseline, and the earliest baseline for a claim older than any", () => {
    expect(pickCatalogue(all, '330900', '2026-03-10')).toMatchObject({ region: '330900', version: 1 });
    expect(pickCatalogue(all, '532500', '2026-03-10')!.rules.find((r) => r.type === 'readmission')!.window).toEqual({
      kind: 'days',
      days: 14,
    });
    expect(pickCatalogue(all, '110000', '2026-03-10')).toMatchObject({ region: '000000', fallback: true });
    expect(pickCatalogue(all, '330900', '2024-06-01')).toMatchObject({ region: '000000' });
    // Before any catalogue was in force, the earliest baseline judges the claim retrospectively.
    expect(pickCatalogue(all, '210900', '2019-06-01')).toMatchObject({ region: '000000', version: 1, effectiveFrom: '2021-05-01' });
    expect(
      pickCatalogue(
        all.filter((c) => !c.fallback),
        '330900',
        '2020-01-01',
      ),
    ).toBeUndefined();
  });

  it('prefers the newest version in force', () => {
    const zs = all.find((c) => c.region === '330900')!;
    const v2 = { ...zs, version: 2, effectiveFrom: '2026-07-01' };
    expect(pickCatalogue([...all, v2], '330900', '2026-06-30')!.version).toBe(1);
    expect(pickCatalogue([...all, v2], '330900', '2026-07-01')!.version).toBe(2);
  });
});
