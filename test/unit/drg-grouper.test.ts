/**
 * The CHS-DRG chain, step by step, on cases built from the tables themselves: each test reads the
 * codes it needs out of the compiled package (an ADRG's inclusion table, an MDC's diagnosis table,
 * the CC/MCC and exclusion lists), so the expectations follow the published tables, not guesses.
 */
import { describe, expect, it } from 'vitest';
import { drgCaseSchema, type DrgCaseInput, type GroupOptions, type GroupResult } from '../../shared/drg/case.ts';
import { decodeGaps, type AtomKind, type GrouperVersion, type PackageData } from '../../shared/drg/package.ts';
import { decodePackage, grouperFor, packageEnvelope } from '../../shared/drg/rule-packages.ts';
import { DX_GREY, DX_LISTED, DX_NOT_PRINCIPAL, PX_GREY, PX_LISTED, PX_OPERATION } from '../../shared/drg/tables.ts';

const fixtures = new Map<GrouperVersion, ReturnType<typeof makeFixture>>();
function fixture(version: GrouperVersion) {
  let f = fixtures.get(version);
  if (!f) {
    f = makeFixture(version);
    fixtures.set(version, f);
  }
  return f;
}

function makeFixture(version: GrouperVersion) {
  const data: PackageData = decodePackage(packageEnvelope(version));
  const grouper = grouperFor(version);
  const t = grouper.tables;
  const codesOf = (id: number): string[] => {
    const table = data.tables[id]!;
    return decodeGaps(table.codes).map((i) => (table.kind === 'dx' ? data.codes.diagnoses[i]! : data.codes.procedures[i]!));
  };
  const adrg = (code: string) => {
    const a = data.adrgs.find((x) => x.code === code);
    if (!a) throw new Error(`${version} has no ADRG ${code}`);
    return a;
  };
  /** The codes of the table an ADRG's clause uses for one kind of condition. */
  const table = (code: string, on: AtomKind, clause = 0, nth = 0): string[] => {
    const atoms = adrg(code).rule[clause]!.filter((a) => a.on === on);
    const atom = atoms[nth];
    if (!atom || atom.table === undefined) throw new Error(`${code} clause ${clause} has no ${on} table #${nth}`);
    return codesOf(atom.table);
  };
  const mdcTable = (letter: string) => codesOf(data.mdcs.find((m) => m.code === letter)!.table!);
  const dxFlags = (code: string) => t.dxFlags[t.dxIndex.get(code)!]!;
  const pxFlags = (code: string) => t.pxFlags[t.pxIndex.get(code)!]!;
  /** A diagnosis that may be principal. */
  const principalOk = (code: string) => (dxFlags(code) & DX_LISTED) !== 0 && (dxFlags(code) & (DX_GREY | DX_NOT_PRINCIPAL)) === 0;
  const mdcMask = (code: string) => t.dxMdcMask[t.dxIndex.get(code)!]!;
  const mdcBit = (letter: string) => 1 << data.mdcs.findIndex((m) => m.code === letter);
  /** Opens exactly this MDC, and no pre-MDC door. */
  const onlyIn = (letter: string) => (code: string) => principalOk(code) && mdcMask(code) === mdcBit(letter);
  /** A procedure that may be principal and counts as an operation. */
  const operation = (code: string) =>
    (pxFlags(code) & PX_LISTED) !== 0 && (pxFlags(code) & PX_GREY) === 0 && (pxFlags(code) & PX_OPERATION) !== 0;
  const procedureOk = (code: string) => (pxFlags(code) & PX_LISTED) !== 0 && (pxFlags(code) & PX_GREY) === 0;
  const pick = (codes: string[], ok: (c: string) => boolean, why: string) => {
    const found = codes.find(ok);
    if (!found) throw new Error(`${version}: no code fits: ${why}`);
    return found;
  };
  const group = (c: Partial<DrgCaseInput>, options?: GroupOptions): GroupResult =>
    grouper.group(drgCaseSchema.parse({ sex: 'M', ageYears: 50, principalDiagnosis: 'Z00.000', ...c }), options);
  return {
    version,
    data,
    grouper,
    t,
    codesOf,
    adrg,
    table,
    mdcTable,
    principalOk,
    onlyIn,
    operation,
    procedureOk,
    pick,
    group,
    mdcMask,
    mdcBit,
  };
}

const steps = (r: GroupResult) => r.trace.map((e) => e.step);
const noteOf = (r: GroupResult, step: string) =>
  r.trace
    .filter((e) => e.step === step)
    .map((e) => e.note)
    .join(' / ');

describe.each(['1.1', '2.0'] as const)('CHS-DRG %s', (version) => {
  const f = fixture(version);

  describe('step 1: code validity', () => {
    it('refuses a principal diagnosis that is not a 医保版 code: 0000 with the reason', () => {
      const r = f.group({ principalDiagnosis: 'X99.999x999' });
      expect(r).toMatchObject({ drg: '0000', outcome: 'ungroupable', mdc: null, adrg: null, ccLevel: null });
      expect(noteOf(r, 'codes')).toContain('not an ICD-10 医保版 2.0 code');
    });

    it('refuses a grey code (灰码) as principal diagnosis, though it may stand as a secondary one', () => {
      const grey = f.t.diagnoses.find((_, i) => f.t.dxFlags[i]! & DX_GREY)!;
      const r = f.group({ principalDiagnosis: grey });
      expect(r.drg).toBe('0000');
      expect(noteOf(r, 'codes')).toContain('grey code');
      const medical = f.pick(f.table('FR1', 'pdx'), f.onlyIn('F'), 'an FR1 principal');
      const withGreySecondary = f.group({ principalDiagnosis: medical, secondaryDiagnoses: [grey] });
      expect(withGreySecondary.outcome).toBe('grouped');
      expect(noteOf(withGreySecondary, 'codes')).toContain('1 secondary');
    });

    it('refuses a grey code as principal procedure', () => {
      const greyProc = f.t.procedures.find((_, i) => f.t.pxFlags[i]! & PX_GREY)!;
      const medical = f.pick(f.table('FR1', 'pdx'), f.onlyIn('F'), 'an FR1 principal');
      const r = f.group({ principalDiagnosis: medical, procedures: [greyProc] });
      expect(r.drg).toBe('0000');
      expect(noteOf(r, 'codes')).toContain(`principal procedure ${greyProc} is a grey code`);
    });

    it('leaves out secondary diagnoses and procedures that are not 医保版 codes, and says so', () => {
      const medical = f.pick(f.table('FR1', 'pdx'), f.onlyIn('F'), 'an FR1 principal');
      const r = f.group({ principalDiagnosis: medical, secondaryDiagnoses: ['NOT.A.CODE'], procedures: ['99.9999x999'] });
      expect(r.outcome).toBe('grouped');
      expect(r.adrg).toBe('FR1');
      expect(noteOf(r, 'codes')).toMatch(
        /secondary not 医保版 2.0, left out: NOT\.A\.CODE.*procedures not 医保版 2\.0, left out: 99\.9999x999/,
      );
    });

    it('cross-walks 国临版 codes to 医保版 when the region asks for it', () => {
      // A 国临版 code whose 医保版 counterpart differs and groups.
      const walk = f.data.crosswalk.clinicalDiagnoses;
      const at = walk.from.findIndex(
        (from, i) =>
          !f.t.dxIndex.has(from) &&
          f.principalOk(f.data.codes.diagnoses[walk.to[i]!]!) &&
          f.mdcMask(f.data.codes.diagnoses[walk.to[i]!]!) !== 0,
      );
      const clinical = walk.from[at]!;
      const yibao = f.data.codes.diagnoses[walk.to[at]!]!;
      expect(f.group({ principalDiagnosis: clinical }).drg).toBe('0000');
      const walked = f.group({ principalDiagnosis: clinical }, { codes: 'clinical' });
      expect(walked.drg).toBe(f.group({ principalDiagnosis: yibao }).drg);
      expect(noteOf(walked, 'codes')).toContain(`国临版 ${clinical} → ${yibao}`);
    });

    it('reads sex as M/F or as GB/T 2261.1 digits 1/2 alike', () => {
      const male = f.pick(f.mdcTable('M'), f.onlyIn('M'), 'a diagnosis of MDCM only');
      const female = f.pick(f.mdcTable('N'), f.onlyIn('N'), 'a diagnosis of MDCN only');
      expect(f.group({ principalDiagnosis: male, sex: '1' }).mdc).toBe('MDCM');
      expect(f.group({ principalDiagnosis: male, sex: 'M' }).mdc).toBe('MDCM');
      expect(f.group({ principalDiagnosis: female, sex: '2' }).mdc).toBe('MDCN');
      expect(f.group({ principalDiagnosis: female, sex: 'F' }).mdc).toBe('MDCN');
    });
  });

  describe('step 2: pre-MDC', () => {
    it('MDCA: each transplant / ECMO ADRG by its own principal procedure', () => {
      const medical = f.pick(f.table('FR1', 'pdx'), f.onlyIn('F'), 'an FR1 principal');
      for (const a of f.data.adrgs.filter((x) => x.mdc === 'A')) {
        const clause = a.rule[a.rule.length - 1]!; // AH2's second route needs only procedures
        if (clause.some((atom) => atom.on === 'sdx' || atom.on === 'pdx')) continue;
        const procedures = clause.map((atom) => f.pick(f.codesOf(atom.table!), f.procedureOk, `${a.code} procedure`));
        const r = f.group({ principalDiagnosis: medical, procedures });
        expect({ adrg: r.adrg, mdc: r.mdc }, `${a.code} from ${procedures.join('+')}`).toEqual({ adrg: a.code, mdc: 'MDCA' });
        expect(steps(r).slice(0, 3)).toEqual(['codes', 'MDCA', 'ADRG']);
      }
    });

    it('MDCA: ventilation ≥ 96 hours, from the hours when no ventilation code is given', () => {
      const pneumonia = f.pick(f.mdcTable('E'), f.onlyIn('E'), 'a respiratory principal');
      const r =
        version === '1.1'
          ? f.group({ principalDiagnosis: pneumonia, ventilationHours: 120 })
          : // 2.0 AH2 asks for a tracheostomy or intubation (or a tracheostomy status) beside the ventilation.
            f.group({ principalDiagnosis: pneumonia, procedures: ['96.0400'], ventilationHours: 120 });
      expect(r.adrg).toBe(version === '1.1' ? 'AH1' : 'AH2');
      expect(noteOf(r, 'codes')).toContain('ventilation 120 h counted as 96.7201');
      if (version === '2.0') {
        // …or the tracheostomy status as a secondary diagnosis: AH2's first route.
        expect(f.group({ principalDiagnosis: pneumonia, secondaryDiagnoses: ['Z93.000'], ventilationHours: 100 }).adrg).toBe('AH2');
        // Under 96 hours is not MDCA: EK1 (有创呼吸机治疗小于96小时) in MDCE.
        const short = f.group({ principalDiagnosis: pneumonia, procedures: ['96.0400'], ventilationHours: 40 });
        expect(short.mdc).not.toBe('MDCA');
      }
    });

    it('MDCP: a newborn by age in days and birth weight band; an infant of 29 days to 1 year to PV1', () => {
      const prematurity = f.table('PS1', 'dx')[0]!;
      const pdx = f.pick(f.mdcTable('P'), (c) => f.principalOk(c) && f.table('PS1', 'dx').includes(c), 'a prematurity principal in MDCP');
      expect(f.table('PS1', 'dx')).toContain(prematurity);
      const newborn = { principalDiagnosis: pdx, ageYears: 0, ageDays: 2 };
      expect(f.group({ ...newborn, birthWeightGrams: 1200 }).adrg).toBe('PS1');
      expect(f.group({ ...newborn, birthWeightGrams: 1500 }).adrg).toBe('PS2');
      expect(f.group({ ...newborn, birthWeightGrams: 1999 }).adrg).toBe('PS2');
      expect(f.group({ ...newborn, birthWeightGrams: 2000 }).adrg).toBe('PS3');
      expect(f.group({ ...newborn, birthWeightGrams: 2500 }).adrg).toBe('PS4');
      const pv = f.pick(f.table('PV1', 'pdx'), (c) => f.principalOk(c) && f.mdcTable('P').includes(c), 'a PV1 principal');
      const infant = f.group({ principalDiagnosis: pv, ageYears: 0, ageDays: 100 });
      expect({ mdc: infant.mdc, adrg: infant.adrg }).toEqual({ mdc: 'MDCP', adrg: 'PV1' });
      expect(noteOf(infant, 'MDCP')).toContain('100 days');
      // Past one year the MDCP door stays shut.
      expect(noteOf(f.group({ principalDiagnosis: pv, ageYears: 3 }), 'MDCP')).toContain('not under 1 year');
    });

    it('MDCY: an HIV principal diagnosis; in 2.0 an HIV secondary diagnosis opens it too', () => {
      // In 1.1 YC1 lists the HIV diagnoses its operations go with: take one of those.
      const hiv = f.pick(
        f.mdcTable('Y'),
        (c) => f.principalOk(c) && (version === '2.0' || f.table('YC1', 'dx').includes(c)),
        'an HIV code',
      );
      const r = f.group({ principalDiagnosis: hiv });
      expect(r.mdc).toBe('MDCY');
      expect(r.adrg).toMatch(/^YR/);
      const pneumonia = f.pick(f.mdcTable('E'), f.onlyIn('E'), 'a respiratory principal');
      const secondary = f.group({ principalDiagnosis: pneumonia, secondaryDiagnoses: [hiv] });
      if (version === '2.0') expect(secondary.mdc).toBe('MDCY');
      else expect(secondary.mdc).toBe('MDCE');
      // Any operation of an HIV patient is YC1.
      const op = f.pick(f.table('BB1', version === '1.1' ? 'pproc' : 'proc'), f.operation, 'an operation');
      expect(f.group({ principalDiagnosis: hiv, procedures: [op] }).adrg).toBe('YC1');
    });

    it('MDCZ: serious trauma in two body regions; one region is not multiple trauma', () => {
      const z = f.data.mdcs.find((m) => m.code === 'Z')!;
      const head = f.pick(f.codesOf(z.regions![0]!.table), f.principalOk, 'head trauma');
      const chest = f.pick(f.codesOf(z.regions![1]!.table), f.principalOk, 'chest trauma');
      const multiple = f.group({ principalDiagnosis: head, secondaryDiagnoses: [chest] });
      expect({ mdc: multiple.mdc, adrg: multiple.adrg }).toEqual({ mdc: 'MDCZ', adrg: 'ZZ1' });
      expect(noteOf(multiple, 'MDCZ')).toContain(`${z.regions![0]!.name}、${z.regions![1]!.name}`);
      const single = f.group({ principalDiagnosis: head });
      expect(single.mdc).not.toBe('MDCZ');
      expect(noteOf(single, 'MDCZ')).toContain('MDCZ needs 2 or more');
      // With an operation from a ZB1 (craniotomy) table: the surgical ADRG of MDCZ.
      const craniotomy = f.pick(f.table('ZB1', 'pproc'), f.procedureOk, 'ZB1 procedure');
      expect(f.group({ principalDiagnosis: head, secondaryDiagnoses: [chest], procedures: [craniotomy] }).adrg).toBe('ZB1');
    });
  });

  describe('step 3: MDC by principal diagnosis and sex', () => {
    it('puts one case in every MDC, by a principal diagnosis from its table', () => {
      const seen: string[] = [];
      for (const mdc of f.data.mdcs) {
        if (['A', 'P', 'Y', 'Z'].includes(mdc.code)) continue; // the pre-MDC tests above
        // A medical ADRG one of whose routes is the principal diagnosis alone, and a principal of
        // that table no earlier medical ADRG of the MDC takes.
        const medical = f.data.adrgs.filter((a) => a.mdc === mdc.code && a.kind === 'medical');
        const pdxOnly = (a: (typeof medical)[number]) =>
          a.rule.find((clause) => clause.length === 1 && clause[0]!.on === 'pdx')?.[0]?.table;
        const found = medical.flatMap((a) => {
          const own = pdxOnly(a);
          if (own === undefined) return [];
          const earlier = medical
            .slice(0, medical.indexOf(a))
            .flatMap((e) => e.rule.flat().flatMap((x) => (x.table === undefined ? [] : f.codesOf(x.table))));
          const code = f.codesOf(own).find((c) => f.onlyIn(mdc.code)(c) && !earlier.includes(c));
          return code ? [{ adrg: a, code }] : [];
        })[0];
        expect(found, `MDC${mdc.code} has a medical ADRG with a principal of its own`).toBeDefined();
        const r = f.group({ principalDiagnosis: found!.code, sex: mdc.code === 'N' ? 'F' : 'M', ageYears: mdc.code === 'O' ? 28 : 50 });
        expect({ mdc: r.mdc, adrg: r.adrg, drg: r.drg, outcome: r.outcome }, `MDC${mdc.code} from ${found!.code}`).toEqual({
          mdc: `MDC${mdc.code}`,
          adrg: found!.adrg.code,
          drg: found!.adrg.drgs[0],
          outcome: 'grouped',
        });
        seen.push(mdc.code);
      }
      expect(seen).toHaveLength(22);
    });

    it("puts a man's case with a principal of MDCN only nowhere: 0000, naming the sex", () => {
      const female = f.pick(f.mdcTable('N'), f.onlyIn('N'), 'a diagnosis of MDCN only');
      const r = f.group({ principalDiagnosis: female, sex: 'M' });
      expect(r).toMatchObject({ drg: '0000', outcome: 'ungroupable', mdc: null });
      expect(noteOf(r, 'MDC')).toContain('MDCN, which is for women; the patient is a man');
    });

    it('answers 0000 for a valid principal diagnosis that opens no MDC', () => {
      const orphan = f.t.diagnoses.find((c, i) => f.principalOk(c) && f.t.dxMdcMask[i] === 0)!;
      const r = f.group({ principalDiagnosis: orphan });
      expect(r).toMatchObject({ drg: '0000', outcome: 'ungroupable', mdc: null });
      expect(noteOf(r, 'MDC')).toContain('opens no MDC');
    });
  });

  describe('step 4: ADRG in published order, QY', () => {
    const mi = () => f.pick(f.table('FR1', 'pdx'), f.onlyIn('F'), 'an FR1 principal');

    it('takes a surgical ADRG before a medical one, and a non-OR procedure ADRG before a medical one', () => {
      const pdx = mi();
      const stent = f.pick(f.table('FM1', version === '1.1' ? 'pproc' : 'pproc'), f.procedureOk, 'a coronary stent');
      const surgical = f.group({ principalDiagnosis: pdx, procedures: [stent] });
      expect(surgical.adrg).toMatch(/^F[A-Q]/);
      expect(surgical.outcome).toBe('grouped');
      expect(f.group({ principalDiagnosis: pdx }).adrg).toBe('FR1');
    });

    it('sends an operation that fits no surgical ADRG of the MDC to its QY group, unless the region switches QY off', () => {
      const pdx = mi();
      // An eye operation: no ADRG of MDCF has it.
      const eyeOp = f.pick(
        f.table('CB1', 'pproc'),
        (c) =>
          f.operation(c) &&
          f.data.adrgs
            .filter((a) => a.mdc === 'F')
            .every((a) => a.rule.every((cl) => cl.every((atom) => atom.table === undefined || !f.codesOf(atom.table).includes(c)))),
        'an eye operation outside MDCF',
      );
      const qy = f.group({ principalDiagnosis: pdx, procedures: [eyeOp] });
      expect(qy).toMatchObject({ mdc: 'MDCF', adrg: null, drg: 'FQY', outcome: 'qy' });
      expect(noteOf(qy, 'QY')).toContain(`operation ${eyeOp} fits no surgical or non-OR ADRG of MDCF`);
      const off = f.group({ principalDiagnosis: pdx, procedures: [eyeOp] }, { qy: false });
      expect(off).toMatchObject({ mdc: 'MDCF', adrg: 'FR1', outcome: 'grouped' });
      expect(noteOf(off, 'QY')).toContain('QY is switched off');
    });

    it('does not send a procedure that is not an operation to QY', () => {
      const pdx = mi();
      const notOperation = f.t.procedures.find((_c, i) => f.t.pxFlags[i]! & PX_LISTED && !(f.t.pxFlags[i]! & (PX_OPERATION | PX_GREY)))!;
      const r = f.group({ principalDiagnosis: pdx, procedures: [notOperation] });
      expect(r.adrg).toBe('FR1');
    });

    it('answers 0000 inside an MDC when no ADRG fits (the MDC is kept in the answer)', () => {
      // A principal of MDCF that no ADRG of MDCF takes without a procedure.
      const fTables = f.data.adrgs
        .filter((a) => a.mdc === 'F' && a.kind === 'medical')
        .flatMap((a) =>
          a.rule
            .flat()
            .filter((x) => x.on === 'pdx' || x.on === 'dx')
            .flatMap((x) => f.codesOf(x.table!)),
        );
      const stray = f.mdcTable('F').find((c) => f.onlyIn('F')(c) && !fTables.includes(c));
      if (!stray) return; // every MDCF principal has a medical ADRG in this version
      const r = f.group({ principalDiagnosis: stray });
      expect(r).toMatchObject({ mdc: 'MDCF', drg: '0000', outcome: 'ungroupable' });
    });
  });

  describe("step 5–6: CC / MCC with the principal's exclusions, and the 1/3/5/9 split", () => {
    // An ADRG split in three (1/3/5) with a principal of its own; a secondary CC, an MCC, and a CC
    // that the principal's exclusion table removes.
    const split = () => {
      const candidates = f.data.adrgs.filter(
        (a) =>
          a.kind === 'medical' &&
          a.drgs.map((d) => d[3]).join('') === '531' &&
          a.rule.length === 1 &&
          a.rule[0]!.length === 1 &&
          a.rule[0]![0]!.on === 'pdx' &&
          !['A', 'P', 'Y', 'Z'].includes(a.mdc),
      );
      for (const a of candidates) {
        const earlier = f.data.adrgs
          .filter((e) => e.mdc === a.mdc && e.kind === 'medical')
          .slice(0, f.data.adrgs.filter((e) => e.mdc === a.mdc && e.kind === 'medical').indexOf(a))
          .flatMap((e) => e.rule.flat().flatMap((x) => (x.table === undefined ? [] : f.codesOf(x.table))));
        const pdx = f
          .codesOf(a.rule[0]![0]!.table!)
          .find((c) => f.onlyIn(a.mdc)(c) && !earlier.includes(c) && f.t.exclusionTable[f.t.dxIndex.get(c)!]! >= 0);
        if (!pdx) continue;
        const excl = f.t.exclusionTable[f.t.dxIndex.get(pdx)!]!;
        const sev = f.data.severity;
        // A secondary that leaves the case in the same ADRG (not an HIV code, not a diagnosis an
        // earlier ADRG looks for among the secondaries).
        const first = (list: { codes: number[]; tables: number[] }, same: boolean) => {
          const codes = decodeGaps(list.codes);
          const i = codes.findIndex(
            (c, k) =>
              (list.tables[k] === excl) === same &&
              (f.t.dxFlags[c]! & DX_LISTED) !== 0 &&
              f.group({ principalDiagnosis: pdx, secondaryDiagnoses: [f.t.diagnoses[c]!] }).adrg === a.code,
          );
          return i < 0 ? undefined : f.t.diagnoses[codes[i]!]!;
        };
        const cc = first(sev.cc, false);
        const mcc = first(sev.mcc, false);
        const excludedCc = first(sev.cc, true) ?? first(sev.mcc, true);
        if (cc && mcc && excludedCc) return { adrg: a, pdx, cc, mcc, excludedCc, excl };
      }
      throw new Error('no ADRG with a usable 1/3/5 split');
    };

    it('MCC → 1, CC → 3, none → 5; an excluded CC counts for nothing', () => {
      const s = split();
      const drg = (digit: string) => `${s.adrg.code}${digit}`;
      const none = f.group({ principalDiagnosis: s.pdx });
      expect({ drg: none.drg, cc: none.ccLevel }).toEqual({ drg: drg('5'), cc: 'none' });
      const cc = f.group({ principalDiagnosis: s.pdx, secondaryDiagnoses: [s.cc] });
      expect({ drg: cc.drg, cc: cc.ccLevel }).toEqual({ drg: drg('3'), cc: 'CC' });
      const mcc = f.group({ principalDiagnosis: s.pdx, secondaryDiagnoses: [s.cc, s.mcc] });
      expect({ drg: mcc.drg, cc: mcc.ccLevel }).toEqual({ drg: drg('1'), cc: 'MCC' });
      expect(noteOf(mcc, 'CC')).toContain(`MCC ${s.mcc}; CC ${s.cc}`);
      const excluded = f.group({ principalDiagnosis: s.pdx, secondaryDiagnoses: [s.excludedCc] });
      expect({ drg: excluded.drg, cc: excluded.ccLevel }).toEqual({ drg: drg('5'), cc: 'none' });
      expect(noteOf(excluded, 'CC')).toContain(`excluded by ${s.pdx}'s exclusion table ${s.excl}: ${s.excludedCc}`);
    });

    it('an unsplit ADRG (9) ignores severity', () => {
      const s = split();
      const nine = f.data.adrgs.find(
        (a) =>
          a.drgs[0] === a.drgs[2] &&
          a.kind === 'medical' &&
          a.drgs[0].endsWith('9') &&
          a.rule[0]!.length === 1 &&
          a.rule[0]![0]!.on === 'pdx' &&
          f.codesOf(a.rule[0]![0]!.table!).some(f.onlyIn(a.mdc)) &&
          !['A', 'P', 'Y', 'Z'].includes(a.mdc),
      )!;
      const earlier = f.data.adrgs.filter((e) => e.mdc === nine.mdc && e.kind === 'medical');
      const before = earlier
        .slice(0, earlier.indexOf(nine))
        .flatMap((e) => e.rule.flat().flatMap((x) => (x.table === undefined ? [] : f.codesOf(x.table))));
      const pdx = f.codesOf(nine.rule[0]![0]!.table!).find((c) => f.onlyIn(nine.mdc)(c) && !before.includes(c))!;
      const r = f.group({ principalDiagnosis: pdx, secondaryDiagnoses: [s.mcc] });
      expect(r.drg).toBe(nine.drgs[0]);
      expect(r.drg.endsWith('9')).toBe(true);
    });

    // Issue 14: 1.1 used to send a CC case to 1; x1 is "伴严重并发症或合并症" (with MCC) in both versions.
    it('where only 1 and 5 exist, a CC case goes to 5 ("5 = 不伴严重合并症或并发症")', () => {
      const pairs = f.data.adrgs.filter((a) => new Set(a.drgs).size === 2 && a.drgs[0].endsWith('5') && a.drgs[2].endsWith('1'));
      expect(pairs.length).toBeGreaterThan(40);
      for (const a of pairs) expect(a.drgs[1]).toBe(a.drgs[0]);
    });
  });

  it('finds every code of the package by its index, and no code it does not hold', () => {
    f.t.diagnoses.forEach((code, i) => expect(f.t.dxIndex.get(code)).toBe(i));
    f.t.procedures.forEach((code, i) => expect(f.t.pxIndex.get(code)).toBe(i));
    for (const absent of ['', 'J18.9', 'J18.9000', 'j18.900', '18.900', 'J18.900 ']) expect(f.t.dxIndex.get(absent)).toBeUndefined();
  });

  it('carries a trace whose steps follow the chain', () => {
    const pdx = f.pick(f.table('FR1', 'pdx'), f.onlyIn('F'), 'an FR1 principal');
    const r = f.group({ id: 'trace-1', principalDiagnosis: pdx });
    expect(r.id).toBe('trace-1');
    expect(r.version).toBe(version);
    expect(steps(r)).toEqual(['codes', 'MDCA', 'MDCP', 'MDCY', 'MDCZ', 'MDC', 'ADRG', 'CC', 'DRG']);
    expect(noteOf(r, 'DRG')).toContain(r.drg);
  });
});

describe('CHS-DRG 2.0: ADRGs that combine several conditions', () => {
  const f = fixture('2.0');
  const code = (adrg: string, on: AtomKind, clause = 0, nth = 0, ok: (c: string) => boolean = () => true) =>
    f.pick(f.table(adrg, on, clause, nth), ok, `${adrg} ${on} #${nth} of clause ${clause}`);

  it('IB1: complex spine diagnosis + fusion, or a revision alone, or two procedures together', () => {
    const spine = code('IB1', 'pdx', 0, 0, f.principalOk);
    const fusion = code('IB1', 'pproc', 0, 0, f.procedureOk);
    expect(f.group({ principalDiagnosis: spine, procedures: [fusion] }).adrg).toBe('IB1');
    const revision = code('IB1', 'pproc', 1, 0, f.procedureOk);
    const other = f.pick(f.mdcTable('I'), (c) => f.onlyIn('I')(c) && !f.table('IB1', 'pdx').includes(c), 'another MDCI principal');
    expect(f.group({ principalDiagnosis: other, procedures: [revision] }).adrg).toBe('IB1');
    const third3 = code('IB1', 'proc', 2, 0, f.procedureOk);
    const third4 = code('IB1', 'proc', 2, 1, f.procedureOk);
    const both = f.group({ principalDiagnosis: other, procedures: [third3, third4] });
    expect(both.adrg).toBe('IB1');
  });

  it('JA1: breast cancer + radical mastectomy + reconstruction, by any of its three routes', () => {
    const cancer = code('JA1', 'pdx', 0, 0, f.principalOk);
    const route3 = [code('JA1', 'proc', 2, 0, f.procedureOk), code('JA1', 'proc', 2, 1, f.procedureOk)];
    const r = f.group({ principalDiagnosis: cancer, sex: 'F', procedures: route3 });
    expect(r.adrg).toBe('JA1');
    expect(noteOf(r, 'ADRG')).toContain('入组条件 3');
  });

  it('OF1: mid-term induction by the second route (主要诊断 2 + 其他诊断 + 主要手术或操作)', () => {
    const pdx2 = code('OF1', 'pdx', 1, 0, f.principalOk);
    const sdx = code('OF1', 'sdx', 1);
    const op = code('OF1', 'pproc', 1, 0, f.procedureOk);
    expect(f.group({ principalDiagnosis: pdx2, sex: 'F', ageYears: 30, secondaryDiagnoses: [sdx], procedures: [op] }).adrg).toBe('OF1');
  });

  it('WB1: a burn ≥ 50% by the second route (其他诊断 2 + 主要手术或操作), WR2 by a secondary diagnosis', () => {
    const burnArea = code('WB1', 'sdx', 1);
    const op = code('WB1', 'pproc', 1, 0, f.procedureOk);
    const burn = f.pick(f.mdcTable('W'), f.onlyIn('W'), 'a burn principal');
    expect(f.group({ principalDiagnosis: burn, secondaryDiagnoses: [burnArea], procedures: [op] }).adrg).toBe('WB1');
    const wr2Secondary = code('WR2', 'sdx', 1);
    const r = f.group({ principalDiagnosis: burn, secondaryDiagnoses: [wr2Secondary] });
    expect(['WR1', 'WR2']).toContain(r.adrg);
  });

  it('AC1: pancreas and kidney transplanted together', () => {
    const pancreas = code('AC1', 'proc', 0, 0, f.procedureOk);
    const kidney = code('AC1', 'proc', 0, 1, f.procedureOk);
    const pdx = f.pick(f.mdcTable('K'), f.onlyIn('K'), 'a metabolic principal');
    expect(f.group({ principalDiagnosis: pdx, procedures: [pancreas, kidney] }).adrg).toBe('AC1');
    expect(f.group({ principalDiagnosis: pdx, procedures: [pancreas] }).adrg).toBe('AD1');
  });
});
