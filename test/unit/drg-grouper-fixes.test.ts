/**
 * The grouper defects of issue 14, each on cases built from the compiled tables themselves:
 * - an ADRG split only into 1 and 5: a CC (no MCC) case is x5, an MCC case x1, in both versions
 *   (x1 is "伴严重并发症或合并症"); every such ADRG, by a case the grouper puts into it;
 * - QY only for an operating-room operation, never for ventilation, chemotherapy, targeted therapy
 *   or radiosurgery, with a trace that names what it saw;
 * - a newborn whose perinatal principal opens MDCP and no MDCP ADRG is MDCP, 0000;
 * - OpenDRG's input conventions: null as absent, an adult's ageDays as total days.
 */
import { describe, expect, it } from 'vitest';
import { drgCaseSchema, type DrgCaseInput, type GroupOptions, type GroupResult } from '../../shared/drg/case.ts';
import { decodeGaps, type GrouperVersion, type PackageData } from '../../shared/drg/package.ts';
import { decodePackage, grouperFor, packageEnvelope } from '../../shared/drg/rule-packages.ts';
import { DX_GREY, DX_LISTED, DX_NOT_PRINCIPAL, PX_GREY, PX_LISTED, PX_OPERATING_ROOM, PX_OPERATION } from '../../shared/drg/tables.ts';

function fixture(version: GrouperVersion) {
  const data: PackageData = decodePackage(packageEnvelope(version));
  const grouper = grouperFor(version);
  const t = grouper.tables;
  const codesOf = (id: number): string[] => {
    const table = data.tables[id]!;
    return decodeGaps(table.codes).map((i) => (table.kind === 'dx' ? data.codes.diagnoses[i]! : data.codes.procedures[i]!));
  };
  const dxFlags = (code: string) => t.dxFlags[t.dxIndex.get(code)!]!;
  const pxFlags = (code: string) => t.pxFlags[t.pxIndex.get(code)!]!;
  const principalOk = (code: string) => (dxFlags(code) & DX_LISTED) !== 0 && (dxFlags(code) & (DX_GREY | DX_NOT_PRINCIPAL)) === 0;
  const procedureOk = (code: string) => (pxFlags(code) & PX_LISTED) !== 0 && (pxFlags(code) & PX_GREY) === 0;
  const mdcTable = (letter: string) => codesOf(data.mdcs.find((m) => m.code === letter)!.table!);
  const group = (c: Partial<DrgCaseInput>, options?: GroupOptions): GroupResult =>
    grouper.group(drgCaseSchema.parse({ sex: 'M', ageYears: 50, principalDiagnosis: 'Z00.000', ...c }), options);
  return { version, data, grouper, t, codesOf, principalOk, procedureOk, mdcTable, group, pxFlags };
}
type Fixture = ReturnType<typeof fixture>;

const noteOf = (r: GroupResult, step: string) =>
  r.trace
    .filter((e) => e.step === step)
    .map((e) => e.note)
    .join(' / ');

/**
 * A case the grouper puts into `adrg`, built from the codes of one of its clauses: a few candidates
 * per atom, tried until one lands there (an earlier ADRG of the MDC may claim the first ones).
 */
function caseInto(f: Fixture, adrg: PackageData['adrgs'][number]): DrgCaseInput | undefined {
  const base: Partial<DrgCaseInput> = { sex: adrg.mdc === 'N' ? 'F' : 'M', ageYears: 50 };
  if (adrg.ageDays || adrg.birthWeightGrams || adrg.mdc === 'P') {
    base.ageYears = 0;
    base.ageDays = adrg.ageDays?.from ?? 2;
    if (adrg.birthWeightGrams) base.birthWeightGrams = adrg.birthWeightGrams.from ?? (adrg.birthWeightGrams.below ?? 3000) - 1;
  }
  const anOperation = f.t.procedures.find((c) => f.procedureOk(c) && (f.pxFlags(c) & PX_OPERATION) !== 0)!;
  const mdcPrincipals = adrg.mdc === 'A' ? f.mdcTable('F') : f.mdcTable(adrg.mdc);
  for (const clause of adrg.rule) {
    const choices = clause.map((atom) => {
      if (atom.table === undefined) return [];
      const codes = f.codesOf(atom.table);
      const ok = atom.on === 'pdx' ? codes.filter(f.principalOk) : atom.on === 'pproc' ? codes.filter(f.procedureOk) : codes;
      return ok.slice(0, 12);
    });
    for (let k = 0; k < 12; k++) {
      const c: DrgCaseInput = { ...base, sex: base.sex!, principalDiagnosis: '', secondaryDiagnoses: [], procedures: [] };
      const secondary: string[] = [];
      const procedures: string[] = [];
      let principalProcedure: string | undefined;
      clause.forEach((atom, i) => {
        const list = choices[i]!;
        const code = list[k % Math.max(1, list.length)];
        switch (atom.on) {
          case 'pdx':
            c.principalDiagnosis = code!;
            break;
          case 'dx':
            if (c.principalDiagnosis === '' && f.principalOk(code!)) c.principalDiagnosis = code!;
            else secondary.push(code!);
            break;
          case 'sdx':
            secondary.push(code!);
            break;
          case 'pproc':
            principalProcedure = code;
            break;
          case 'proc':
            procedures.push(code!);
            break;
          case 'anyOperation':
            procedures.push(anOperation);
            break;
          case 'noOperation':
            break;
        }
      });
      if (c.principalDiagnosis === '') {
        const opening = mdcPrincipals.filter(f.principalOk);
        c.principalDiagnosis = opening[k % opening.length]!;
      }
      c.secondaryDiagnoses = secondary;
      c.procedures = principalProcedure ? [principalProcedure, ...procedures] : procedures;
      if (f.group(c).adrg === adrg.code) return c;
    }
  }
  return undefined;
}

/** A secondary diagnosis of the given severity list that counts (not excluded) and keeps the case in its ADRG. */
function secondaryOf(f: Fixture, c: DrgCaseInput, adrg: string, list: 'cc' | 'mcc'): string | undefined {
  const sev = f.data.severity[list];
  const codes = decodeGaps(sev.codes);
  const excluded = f.t.exclusionTable[f.t.dxIndex.get(c.principalDiagnosis)!]!;
  // Start at a spread of offsets: the first codes of the list are mostly one chapter.
  for (let n = 0; n < codes.length; n++) {
    const k = (n * 7919) % codes.length;
    const i = codes[k]!;
    if (sev.tables[k] === excluded || (f.t.dxFlags[i]! & DX_LISTED) === 0) continue;
    // A CC that is also an MCC would not test the CC rule.
    if (list === 'cc' && f.t.mccTable[i]! >= 0) continue;
    const code = f.t.diagnoses[i]!;
    const r = f.group({ ...c, secondaryDiagnoses: [...(c.secondaryDiagnoses ?? []), code] });
    if (r.adrg === adrg) return code;
  }
  return undefined;
}

describe.each(['1.1', '2.0'] as const)('CHS-DRG %s', (version) => {
  const f = fixture(version);
  const split15 = f.data.adrgs.filter((a) => {
    const digits = new Set(f.data.drgs.filter((d) => d.code.startsWith(a.code)).map((d) => d.code[3]));
    return digits.size === 2 && digits.has('1') && digits.has('5');
  });

  it('every ADRG split only into 1 and 5 maps none and CC to x5 and MCC to x1', () => {
    expect(split15.length).toBeGreaterThan(40);
    for (const a of split15) expect(a.drgs, a.code).toEqual([`${a.code}5`, `${a.code}5`, `${a.code}1`]);
  });

  it('groups a case of every ADRG split only into 1 and 5: without CC x5, with a CC x5 (ccLevel CC), with an MCC x1', () => {
    const reached: string[] = [];
    const unreached: string[] = [];
    for (const a of split15) {
      const c = caseInto(f, a);
      if (!c) {
        unreached.push(a.code);
        continue;
      }
      reached.push(a.code);
      const cc = secondaryOf(f, c, a.code, 'cc');
      const mcc = secondaryOf(f, c, a.code, 'mcc');
      if (cc) {
        const r = f.group({ ...c, secondaryDiagnoses: [...(c.secondaryDiagnoses ?? []), cc] });
        // The name of the group agrees with the case: a CC is not "伴严重并发症或合并症".
        if (r.ccLevel === 'CC') expect({ adrg: a.code, drg: r.drg }).toEqual({ adrg: a.code, drg: `${a.code}5` });
        else expect(r.ccLevel, `${a.code} + ${cc}`).toBe('MCC'); // the clause itself brought an MCC
      }
      if (mcc) {
        const r = f.group({ ...c, secondaryDiagnoses: [...(c.secondaryDiagnoses ?? []), mcc] });
        expect({ adrg: a.code, drg: r.drg, cc: r.ccLevel }).toEqual({ adrg: a.code, drg: `${a.code}1`, cc: 'MCC' });
      }
    }
    // Nearly every such ADRG is reached by a case from its own tables; the rest are held by the
    // table-level check above (their clauses need codes an earlier ADRG of the MDC takes first).
    expect(reached.length / split15.length, `unreached: ${unreached.join(' ')}`).toBeGreaterThan(0.85);
  });

  it('never answers x1 with ccLevel CC, nor x5 with MCC, in any 1/5 ADRG (no result contradicts its own group)', () => {
    for (const a of split15.slice(0, 40)) {
      const c = caseInto(f, a);
      if (!c) continue;
      for (const list of ['cc', 'mcc'] as const) {
        const s = secondaryOf(f, c, a.code, list);
        if (!s) continue;
        const r = f.group({ ...c, secondaryDiagnoses: [...(c.secondaryDiagnoses ?? []), s] });
        if (r.drg.endsWith('1')) expect(r.ccLevel).toBe('MCC');
        if (r.drg.endsWith('5')) expect(r.ccLevel).not.toBe('MCC');
      }
    }
  });

  describe('QY: only an operating-room operation', () => {
    const mi = () => f.mdcTable('F').find((c) => f.principalOk(c) && f.group({ principalDiagnosis: c }).adrg === 'FR1')!;
    /** Procedures of non-OR treatments that no ADRG of MDCF names. */
    const nonOr = {
      'ventilation under 96 h': '96.7101',
      'chemotherapy, intravenous': '99.2503',
      'targeted therapy': '99.2800x006',
      'immunotherapy (2.0 QJ1 lists it, RN2 too)': '99.2801',
      'gamma knife': '92.3200x001',
    };

    it.each(Object.entries(nonOr))('does not send %s (%s) to QY, and the trace does not call it an operation', (_what, code) => {
      expect(f.t.pxIndex.has(code)).toBe(true);
      expect(f.pxFlags(code) & PX_OPERATING_ROOM).toBe(0);
      const pdx = mi();
      const r = f.group({ principalDiagnosis: pdx, procedures: [code] });
      expect(r).toMatchObject({ mdc: 'MDCF', adrg: 'FR1', outcome: 'grouped' });
      expect(r.drg).not.toBe('FQY');
      const qy = noteOf(r, 'QY');
      if (qy) {
        expect(qy).toContain(`procedure ${code}`);
        expect(qy).toContain('not an operating-room procedure: no QY');
        expect(qy).not.toMatch(/operation \d/);
      }
    });

    it('sends an operating-room operation outside the MDC to QY and names it as one; with a non-OR procedure beside it, names only the operation', () => {
      const pdx = mi();
      const fCodes = new Set(
        f.data.adrgs
          .filter((a) => a.mdc === 'F')
          .flatMap((a) => a.rule.flat().flatMap((x) => (x.table === undefined ? [] : f.codesOf(x.table)))),
      );
      const eyeOp = f.t.procedures.find(
        (c, i) => (f.t.pxFlags[i]! & PX_OPERATING_ROOM) !== 0 && f.procedureOk(c) && !fCodes.has(c) && c.startsWith('14.'),
      )!;
      const r = f.group({ principalDiagnosis: pdx, procedures: ['99.2503', eyeOp] });
      expect(r).toMatchObject({ mdc: 'MDCF', adrg: null, drg: 'FQY', outcome: 'qy' });
      expect(noteOf(r, 'QY')).toBe(`operating-room operation ${eyeOp} fits no surgical or non-OR ADRG of MDCF: QY group`);
      const off = f.group({ principalDiagnosis: pdx, procedures: ['99.2503', eyeOp] }, { qy: false });
      expect(off).toMatchObject({ adrg: 'FR1', outcome: 'grouped' });
    });

    it('counts as operating-room operations only codes a surgical ADRG names, none of them a non-OR ADRG also names', () => {
      const surgical = new Set<string>();
      const nonOrCodes = new Set<string>();
      for (const a of f.data.adrgs) {
        if (a.mdc === 'A') continue;
        for (const atom of a.rule.flat()) {
          if (atom.table === undefined || f.data.tables[atom.table]!.kind !== 'px') continue;
          for (const c of f.codesOf(atom.table)) (a.kind === 'surgical' ? surgical : a.kind === 'non-or' ? nonOrCodes : new Set()).add(c);
        }
      }
      let n = 0;
      f.t.procedures.forEach((c, i) => {
        if (!(f.t.pxFlags[i]! & PX_OPERATING_ROOM)) return;
        n++;
        expect(surgical.has(c) && !nonOrCodes.has(c) && (f.t.pxFlags[i]! & PX_OPERATION) !== 0, c).toBe(true);
      });
      expect(n).toBe(packageEnvelope(version).counts.operatingRoomProcedures);
      expect(n).toBeGreaterThan(5000);
    });
  });

  describe('MDCP newborns', () => {
    it('a perinatal principal that opens MDCP only and fits no MDCP ADRG is MDCP, 0000 (not mdc null)', () => {
      const ps = f.data.adrgs.find((a) => a.code === 'PS1')!;
      const perinatal = f.codesOf(ps.rule[0]![0]!.table!).find((c) => {
        if (!f.principalOk(c)) return false;
        const mask = f.t.dxMdcMask[f.t.dxIndex.get(c)!]!;
        return mask === 1 << f.data.mdcs.findIndex((m) => m.code === 'P');
      })!;
      // Age 0 without the age in days: the MDCP door opens, every MDCP ADRG wants the days.
      const r = f.group({ principalDiagnosis: perinatal, ageYears: 0 });
      expect(r).toMatchObject({ mdc: 'MDCP', adrg: null, drg: '0000', outcome: 'ungroupable' });
      expect(noteOf(r, 'MDC')).toContain('MDCP, whose ADRGs refused the case');
      // With the days and the weight it groups in MDCP as before.
      expect(f.group({ principalDiagnosis: perinatal, ageYears: 0, ageDays: 3, birthWeightGrams: 1200 }).mdc).toBe('MDCP');
    });
  });
});

describe('input conventions (OpenDRG): null as absent, ageDays as total days', () => {
  const base = { sex: '1', principalDiagnosis: 'J18.900' };

  it('reads a JSON null as an absent field, and null or empty slots of a list as nothing', () => {
    const parsed = drgCaseSchema.parse({
      ...base,
      id: null,
      ageYears: 67,
      ageDays: null,
      birthWeightGrams: null,
      secondaryDiagnoses: ['J96.000', null, ''],
      procedures: null,
      ventilationHours: null,
      lengthOfStayDays: null,
      dischargeStatus: null,
    });
    expect(parsed).toMatchObject({ ageYears: 67, secondaryDiagnoses: ['J96.000'], procedures: [] });
    expect(parsed.ageDays).toBeUndefined();
    expect(parsed.id).toBeUndefined();
    const r = grouperFor('1.1').group(parsed);
    expect(r).toMatchObject({ drg: 'ES31', ccLevel: 'MCC' });
    expect('id' in r).toBe(false);
  });

  it("accepts an adult's ageDays as the total age in days when it agrees with ageYears", () => {
    // 67 full years: 24,455 to 24,888 days.
    for (const ageDays of [67 * 365 + 16, 24_455, 24_888]) {
      const parsed = drgCaseSchema.safeParse({ ...base, ageYears: 67, ageDays });
      expect(parsed.success, String(ageDays)).toBe(true);
      expect(grouperFor('2.0').group(parsed.data!).mdc).toBe('MDCE');
    }
    // ageDays alone gives the years.
    expect(drgCaseSchema.parse({ ...base, ageDays: 24_500 }).ageYears).toBe(67);
    expect(drgCaseSchema.parse({ ...base, ageYears: null, ageDays: 20 }).ageYears).toBe(0);
  });

  it('refuses only what is inconsistent, naming the field', () => {
    const bad = drgCaseSchema.safeParse({ ...base, ageYears: 67, ageDays: 30_000 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]).toMatchObject({ path: ['ageDays'] });
    expect(bad.error!.issues[0]!.message).toContain('does not agree with ageYears 67');
    // A newborn's days with an adult's years.
    expect(drgCaseSchema.safeParse({ ...base, ageYears: 67, ageDays: 20 }).success).toBe(false);
    // No age at all.
    const none = drgCaseSchema.safeParse({ ...base, ageYears: null });
    expect(none.success).toBe(false);
    expect(none.error!.issues[0]).toMatchObject({ path: ['ageYears'] });
    // A principal diagnosis is still required: null is absent, and absent is refused.
    expect(drgCaseSchema.safeParse({ ...base, ageYears: 5, principalDiagnosis: null }).success).toBe(false);
  });
});
