/**
 * Long-term care, the pure core: the national grading standard's combination table, the assessment
 * workflow's rules, and a month of care settled with worked numbers (Honghe 532500 2025, illustrative
 * figures: level 3 institutional 60 yuan a bed-day, fund 70%, limit 1,200 yuan; home care 50 yuan an
 * hour, 20 hours, 75%, limit 750 yuan; family carer 300 yuan a month).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  apply,
  appeal,
  assign,
  addMonthsLessADay,
  confirm,
  levelOn,
  score,
  type LevelRecord,
} from '../../shared/long-term-care/assessment.ts';
import { settleCareClaim, type SettlementContext } from '../../shared/long-term-care/care-claim.ts';
import {
  checkScores,
  COMBINATION,
  GRADES,
  gradeDisability,
  gradeOf,
  ITEMS,
  type ItemScores,
} from '../../shared/long-term-care/grading-standard.ts';
import { assessmentParams } from '../../functions/long-term-care/schemas.ts';
import { newAssessmentId } from '../../functions/long-term-care/service.ts';
import { shippedLongTermCarePolicy } from '../../shared/policy/long-term-care.ts';

const policy = shippedLongTermCarePolicy('532500', 2025)!;

/** Every item at its maximum, then the given overrides. */
function scores(over: Partial<{ [K in keyof ItemScores]: Record<string, number> }> = {}): ItemScores {
  const full = (i: keyof ItemScores) => Object.fromEntries(Object.entries(ITEMS[i]).map(([k, s]) => [k, s.max]));
  return {
    adl: { ...full('adl'), ...over.adl },
    cognition: { ...full('cognition'), ...over.cognition },
    perception: { ...full('perception'), ...over.perception },
  };
}
/** ADL scores summing to 30 (severe): eating 5, grooming 0, bathing 0, dressing 5, bowels 5, bladder 5, toileting 0, transfer 5, walking 5, stairs 0. */
const severeAdl = {
  eating: 5,
  bathing: 0,
  grooming: 0,
  dressing: 5,
  bowels: 5,
  bladder: 5,
  toileting: 0,
  transfer: 5,
  walking: 5,
  stairs: 0,
};

describe('the national grading standard (医保办发〔2021〕37号)', () => {
  it('sums each indicator and grades it by the standard’s bands', () => {
    expect(Object.values(ITEMS.adl).reduce((s, i) => s + i.max, 0)).toBe(100);
    expect(Object.values(ITEMS.cognition).reduce((s, i) => s + i.max, 0)).toBe(16);
    expect(Object.values(ITEMS.perception).reduce((s, i) => s + i.max, 0)).toBe(12);
    expect([100, 95, 65, 60, 45, 40, 0].map((t) => gradeOf('adl', t))).toEqual([
      'intact',
      'mild',
      'mild',
      'moderate',
      'moderate',
      'severe',
      'severe',
    ]);
    expect([16, 15, 12, 11, 4, 3].map((t) => gradeOf('cognition', t))).toEqual([
      'intact',
      'mild',
      'mild',
      'moderate',
      'moderate',
      'severe',
    ]);
    expect([12, 11, 8, 7, 4, 3].map((t) => gradeOf('perception', t))).toEqual(['intact', 'mild', 'mild', 'moderate', 'moderate', 'severe']);
  });

  it('combines ADL with the worse of cognition and perception into levels 0–5', () => {
    expect(gradeDisability(scores()).level).toBe(0);
    // ADL 30 (severe), cognition 16 (intact), perception 12: severe × intact = 3 重度失能Ⅰ级.
    expect(gradeDisability(scores({ adl: severeAdl }))).toMatchObject({
      adl: { total: 30, grade: 'severe' },
      level: 3,
      levelName: '重度失能Ⅰ级',
    });
    // Cognition 8 (moderate): severe × moderate = 4.
    const moderateCognition = { timeOrientation: 2, personOrientation: 2, placeOrientation: 2, memory: 2 };
    expect(gradeDisability(scores({ adl: severeAdl, cognition: moderateCognition })).level).toBe(4);
    // Perception 2 (severe) is the worse column: severe × severe = 5.
    expect(
      gradeDisability(scores({ adl: severeAdl, cognition: moderateCognition, perception: { vision: 1, hearing: 1, communication: 0 } }))
        .level,
    ).toBe(5);
    // Comatose: perception severe whatever its items.
    expect(gradeDisability(scores({ adl: severeAdl }), true).level).toBe(5);
    // ADL 60 (moderate) with intact cognition: level 2, which does not qualify in Honghe.
    expect(gradeDisability(scores({ adl: { bathing: 0, grooming: 0, stairs: 0, walking: 5, transfer: 5 } })).level).toBe(2);
  });

  it('is monotone: a worse grade anywhere never gives a lower level', () => {
    for (const r of GRADES)
      for (const c of GRADES) {
        const i = GRADES.indexOf(r);
        const j = GRADES.indexOf(c);
        if (i > 0) expect(COMBINATION[r][c]).toBeGreaterThanOrEqual(COMBINATION[GRADES[i - 1]!][c]);
        if (j > 0) expect(COMBINATION[r][c]).toBeGreaterThanOrEqual(COMBINATION[r][GRADES[j - 1]!]);
      }
  });

  it('refuses an item missing, out of range, off its step or unknown, naming it', () => {
    const bad = scores({ adl: { eating: 7 }, cognition: { memory: 9 }, perception: { smell: 1 } as never });
    delete (bad.adl as Record<string, number>).stairs;
    expect(checkScores(bad).map((p) => `${p.field}:${p.rule}`)).toEqual([
      'scores.adl.eating:step',
      'scores.adl.stairs:missing_item',
      'scores.cognition.memory:out_of_range',
      'scores.perception.smell:unknown_item',
    ]);
  });
});

describe('the assessment workflow', () => {
  const staff = { role: 'staff' as const, id: 'clerk-1' };
  const app = {
    assessmentId: 'A1',
    memberId: 'M1',
    region: '532500',
    residenceRegion: '530100',
    applicant: { kind: 'family' as const, relation: 'daughter' },
    reason: 'stroke',
    appliedOn: '2025-03-01',
  };
  const registry = { 'as-1': ['530100'], 'as-2': ['530100'], 'as-3': ['530100'], 'as-4': ['530100'], 'as-hh': ['532500'] };

  it('runs application → assignment → scores → confirmation → appeal → a second round, every step logged with who and when', () => {
    let d = apply(app, policy, staff, '2025-03-01T09:00:00+08:00');
    expect(d.assessment.assessingRegion).toBe('530100');
    expect(() => assign(d.assessment, { primary: 'as-hh', second: 'as-2' }, registry, staff, 't')).toThrow(
      /does not assess in region 530100/,
    );
    d = assign(d.assessment, { primary: 'as-1', second: 'as-2' }, registry, staff, '2025-03-02T09:00:00+08:00');
    expect(() => score(d.assessment, scores({ adl: severeAdl }), false, 'as-2', 't')).toThrow(/not this round's assessor/);
    d = score(
      d.assessment,
      scores({ adl: { ...severeAdl, eating: 10, dressing: 10, transfer: 15, walking: 10 } }),
      false,
      'as-1',
      '2025-03-03T10:00:00+08:00',
    );
    expect(d.assessment.scores?.grading).toMatchObject({ adl: { total: 55, grade: 'moderate' }, level: 2 });
    d = confirm(d.assessment, true, undefined, 'as-2', policy, '2025-03-04T10:00:00+08:00', '2025-03-04');
    expect(d.entries.map((e) => e.step)).toEqual(['confirmed', 'concluded']);
    expect(d.assessment.result).toMatchObject({
      level: 2,
      qualifies: false,
      validFrom: '2025-03-04',
      validTo: '2027-03-03',
      reassessOn: '2027-01-02',
      appealBy: '2025-04-03',
    });
    d = appeal(d.assessment, 'the family says she cannot walk', { role: 'staff', id: 'clerk-1' }, 't', '2025-03-20');
    expect(d.assessment).toMatchObject({ status: 'appealed', round: 2, formerAssessors: ['as-1', 'as-2'] });
    expect(() => assign(d.assessment, { primary: 'as-1', second: 'as-3' }, registry, staff, 't')).toThrow(/assessed an earlier round/);
    d = assign(d.assessment, { primary: 'as-3', second: 'as-4' }, registry, staff, 't');
    d = score(d.assessment, scores({ adl: severeAdl }), false, 'as-3', 't');
    d = confirm(d.assessment, false, 'walking scored too low', 'as-4', policy, 't', '2025-03-25');
    expect(d.assessment.status).toBe('assigned');
    d = score(d.assessment, scores({ adl: severeAdl }), false, 'as-3', 't');
    d = confirm(d.assessment, true, undefined, 'as-4', policy, 't', '2025-03-26');
    expect(d.assessment.results.map((r) => [r.round, r.level, r.qualifies])).toEqual([
      [1, 2, false],
      [2, 3, true],
    ]);
    expect(d.assessment.version).toBe(12);
    expect(() => appeal(d.assessment, 'again', staff, 't', '2025-03-27')).toThrow(/appeal round is final/);
  });

  it('refuses an appeal after its window, and an assessment outside the province', () => {
    expect(() => apply({ ...app, residenceRegion: '510100' }, policy, staff, 't')).toThrow(/outside the province/);
    let d = apply({ ...app, residenceRegion: '532500' }, policy, staff, 't');
    d = assign(d.assessment, { primary: 'as-hh', second: 'as-hh2' }, { ...registry, 'as-hh2': ['532500'] }, staff, 't');
    d = score(d.assessment, scores({ adl: severeAdl }), false, 'as-hh', 't');
    d = confirm(d.assessment, true, undefined, 'as-hh2', policy, 't', '2025-03-10');
    expect(() => appeal(d.assessment, 'late', staff, 't', '2025-04-10')).toThrow(/last day to appeal was 2025-04-09/);
  });

  it('picks the level in force on a date: a later conclusion supersedes from its own date', () => {
    const rec = (level: 2 | 3, validFrom: string, round: number): LevelRecord => ({
      assessmentId: 'A1',
      round,
      level,
      qualifies: level >= 3,
      validFrom,
      validTo: addMonthsLessADay(validFrom, 24),
      concludedAt: `${validFrom}T10:00:00Z`,
      region: '532500',
    });
    const records = [rec(2, '2025-03-04', 1), rec(3, '2025-03-26', 2)];
    expect(levelOn(records, '2025-03-03')).toBeUndefined();
    expect(levelOn(records, '2025-03-10')?.level).toBe(2);
    expect(levelOn(records, '2025-03-26')?.level).toBe(3);
    expect(levelOn(records, '2027-03-26')).toBeUndefined();
    expect(addMonthsLessADay('2024-02-29', 12)).toBe('2025-02-27');
  });
});

const march = Array.from({ length: 31 }, (_, i) => `2025-03-${String(i + 1).padStart(2, '0')}`);
const level3: LevelRecord = {
  assessmentId: 'A1',
  round: 1,
  level: 3,
  qualifies: true,
  validFrom: '2025-01-01',
  validTo: '2026-12-31',
  concludedAt: 't',
  region: '532500',
};
const ctx = (over: Partial<SettlementContext> = {}): SettlementContext => ({
  policy,
  levels: [level3],
  coveredDays: new Set(march),
  stays: [],
  institution: { beds: 2, settings: ['institutional', 'home-care', 'family-carer'] },
  otherInstitutionalMembers: 0,
  ...over,
});

describe('a month of care settled (worked numbers)', () => {
  it('institutional: 31 bed-days at 65 yuan, standard 60, fund 70% held to the 1,200-yuan limit', () => {
    const s = settleCareClaim(
      {
        providerCode: 'C1',
        memberId: 'M1',
        month: '2025-03',
        institutional: { periods: [{ from: '2025-03-01', to: '2025-03-31' }], dailyChargeFen: 6500 },
      },
      ctx(),
    );
    // billed 31 × 65 = 2,015.00; allowed 31 × 60 = 1,860.00; 70% = 1,302.00 > limit 1,200.00.
    expect(s.lines[0]).toMatchObject({
      billedFen: 201_500,
      allowedFen: 186_000,
      fundPaidFen: 120_000,
      overLimitFen: 10_200,
      memberPaidFen: 81_500,
      refusedFen: 0,
      monthlyLimitFen: 120_000,
    });
    expect(s.findings).toEqual([]);
  });

  it('institutional during a hospital stay: the nights in hospital are refused and the rule hits', () => {
    const stays = [{ providerCode: 'H1', claimNo: 'IP-1', admissionDate: '2025-03-10', dischargeDate: '2025-03-15' }];
    const s = settleCareClaim(
      {
        providerCode: 'C1',
        memberId: 'M1',
        month: '2025-03',
        institutional: { periods: [{ from: '2025-03-01', to: '2025-03-20' }], dailyChargeFen: 6000 },
      },
      ctx({ stays }),
    );
    // 20 days billed, 10–14 March (5 nights) refused: 15 days × 60 = 900.00 allowed, 70% = 630.00.
    expect(s.lines[0]).toMatchObject({
      billedQuantity: 20,
      paidQuantity: 15,
      billedFen: 120_000,
      allowedFen: 90_000,
      fundPaidFen: 63_000,
      memberPaidFen: 27_000,
      refusedFen: 30_000,
    });
    expect(s.findings).toEqual([
      expect.objectContaining({
        rule: 'care-during-hospital-stay',
        action: 'deny',
        severity: 'high',
        dates: ['2025-03-10', '2025-03-11', '2025-03-12', '2025-03-13', '2025-03-14'],
      }),
    ]);
  });

  it('home care beyond the level’s 20 hours, care after death, family carer by days, and beds exceeded', () => {
    const s = settleCareClaim(
      {
        providerCode: 'C1',
        memberId: 'M1',
        month: '2025-03',
        homeCare: {
          visits: [
            { date: '2025-03-03', units: 8 },
            { date: '2025-03-10', units: 8 },
            { date: '2025-03-17', units: 8 },
            { date: '2025-03-28', units: 2 },
          ],
          unitChargeFen: 5000,
        },
        familyCarer: { periods: [{ from: '2025-03-01', to: '2025-03-31' }] },
        institutional: { periods: [{ from: '2025-03-01', to: '2025-03-02' }], dailyChargeFen: 6000 },
      },
      ctx({ deathDate: '2025-03-25', otherInstitutionalMembers: 2 }),
    );
    const [inst, home, family] = s.lines;
    // Home: 26 hours billed; 28 March after death (2 h); 24 h left, 4 beyond the 20: 20 h × 50 = 1,000 × 75% = 750.00 (= the limit).
    expect(home).toMatchObject({
      billedFen: 130_000,
      paidQuantity: 20,
      allowedFen: 100_000,
      fundPaidFen: 75_000,
      memberPaidFen: 25_000,
      refusedFen: 30_000,
    });
    // Family carer: 1–25 March = 25 of 31 days × 300 yuan = 241.94; the 6 days after death refused (6 × 9.68 = 58.08).
    expect(family).toMatchObject({ paidQuantity: 25, fundPaidFen: 24_194, memberPaidFen: 0, refusedFen: 5_808, billedFen: 30_002 });
    // Beds: 2 beds, this member is the third: flagged, paid.
    expect(inst).toMatchObject({ fundPaidFen: 8_400, refusedFen: 0 });
    expect(s.findings.map((f) => `${f.rule}:${f.action}`).sort()).toEqual([
      'care-after-death:deny',
      'hours-beyond-level:deny',
      'members-beyond-beds:flag',
    ]);
    expect(s.findings.find((f) => f.rule === 'hours-beyond-level')).toMatchObject({ units: 4 });
  });

  it('pays nothing for days without a qualifying level or cover: the member’s own, not refused', () => {
    const level2 = { ...level3, level: 2 as const, qualifies: false };
    const s = settleCareClaim(
      {
        providerCode: 'C1',
        memberId: 'M1',
        month: '2025-03',
        institutional: { periods: [{ from: '2025-03-01', to: '2025-03-05' }], dailyChargeFen: 6000 },
      },
      ctx({ levels: [level2], coveredDays: new Set(march.slice(2)) }),
    );
    expect(s.lines[0]).toMatchObject({ fundPaidFen: 0, memberPaidFen: 30_000, refusedFen: 0 });
    expect(s.lines[0]!.notPaid.map((n) => n.reason.split(':')[0])).toEqual([
      'not_covered',
      'not_covered',
      'level_not_qualifying',
      'level_not_qualifying',
      'level_not_qualifying',
    ]);
  });

  it('property: every line and the total add up, in whole fen, the fund never above a limit', () => {
    const day = fc.integer({ min: 1, max: 31 }).map((d) => `2025-03-${String(d).padStart(2, '0')}`);
    fc.assert(
      fc.property(
        fc.record({
          from: day,
          len: fc.integer({ min: 0, max: 30 }),
          daily: fc.integer({ min: 0, max: 20_000 }),
          unitCharge: fc.integer({ min: 0, max: 20_000 }),
          visits: fc.array(fc.record({ date: day, units: fc.integer({ min: 1, max: 12 }) }), { maxLength: 10 }),
          stay: fc.option(fc.tuple(day, fc.integer({ min: 1, max: 10 }))),
          death: fc.option(day),
          level: fc.constantFrom(3, 4, 5),
        }),
        (g) => {
          const to = march[Math.min(30, march.indexOf(g.from) + g.len)]!;
          const stays = g.stay ? [{ providerCode: 'H', claimNo: 'X', admissionDate: g.stay[0], dischargeDate: '2025-04-10' }] : [];
          const s = settleCareClaim(
            {
              providerCode: 'C',
              memberId: 'M',
              month: '2025-03',
              institutional: { periods: [{ from: g.from, to }], dailyChargeFen: g.daily },
              homeCare: { visits: g.visits, unitChargeFen: g.unitCharge },
              familyCarer: { periods: [{ from: g.from, to }] },
            },
            ctx({ levels: [{ ...level3, level: g.level as 3 }], stays, deathDate: g.death ?? undefined }),
          );
          for (const l of [...s.lines, s.totals]) {
            expect(l.billedFen).toBe(l.fundPaidFen + ('memberPaidFen' in l ? l.memberPaidFen : 0) + l.refusedFen);
            for (const v of Object.values(l)) if (typeof v === 'number') expect(Number.isInteger(v) && v >= 0).toBe(true);
          }
          for (const l of s.lines) if (l.monthlyLimitFen !== undefined) expect(l.fundPaidFen).toBeLessThanOrEqual(l.monthlyLimitFen);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('an assessment id', () => {
  it('never holds a run of digits that reads as a resident ID number, and passes its own route check (fast-check)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), (day) => {
        const id = newAssessmentId(day.toISOString());
        expect(id).toMatch(/^LA\d{8}[A-Z]{12}$/);
        expect(id).not.toMatch(/\d{17}[\dX]/);
        expect(assessmentParams.safeParse({ assessmentId: id }).success).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
