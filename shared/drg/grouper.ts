/**
 * The CHS-DRG grouper: one case through the national chain, step by step, as the CMS MS-DRG
 * grouper reads.
 *
 *   1. codes      validity of every code (codes.ts)
 *   2. pre-MDC    MDCA  transplants, ECMO, ventilation ≥ 96 h   (by procedure)
 *                 MDCP  newborns and infants: principal diagnosis perinatal and age < 1 year
 *                 MDCY  HIV
 *                 MDCZ  multiple serious trauma: principal is trauma, trauma in ≥ 2 body regions
 *   3. MDC        the principal diagnosis opens the MDC (MDCM only for men, MDCN only for women)
 *   4. ADRG       in the MDC, in published order: surgical (A–J), then non-OR procedure (K–Q);
 *                 then, if the case has an operating-room procedure (手术室手术: one a surgical
 *                 ADRG names) none of those took, the MDC's QY group (歧义组, switchable per
 *                 region); then medical (R–Z). Ventilation, chemotherapy, targeted therapy or
 *                 radiosurgery are not operating-room procedures and never make a QY case.
 *   5. severity   CC / MCC from the secondary diagnoses, less the principal's exclusions (severity.ts)
 *   6. DRG        the ADRG's split by severity: 1 with MCC, 3 with CC, 5 without, 9 unsplit;
 *                 split only 1/5: 1 with MCC, 5 otherwise (the package maps it: drg-compile.ts)
 *
 * A pre-MDC whose door opens but whose ADRGs all refuse the case lets it go on to the next step;
 * if the principal opens no other MDC, the case stays in that pre-MDC, ungroupable (a newborn whose
 * perinatal principal fits no MDCP ADRG is `MDCP`, `0000`, not an MDC-less case).
 * No MDC, or no ADRG in the MDC, is `0000` (ungroupable). Every result carries the trace of the
 * decisions that made it.
 *
 * A trace entry whose note depends only on the rules and the principal diagnosis (an ADRG's wording,
 * a DRG's name, "principal X is not serious trauma") is made once, frozen, and shared by every result
 * that takes that step: a case builds only the notes its own codes change (code validity, severity).
 * A writer may keep a frozen entry's encoding (shared/drg/json-lines.ts does).
 */
import type { DrgCase, GroupOptions, GroupResult, TraceEntry } from './case.ts';
import { codeCase, type CodedCase } from './codes.ts';
import { severityOf } from './severity.ts';
import type { Adrg, CodeSet, Mdc, RuleTables } from './tables.ts';
import type { Range } from './package.ts';

export const UNGROUPABLE = '0000';
const ONE_YEAR_DAYS = 365;
const NO_MDCA = 'no transplant, ECMO or ventilation ≥ 96 h: on to the next step';

const notPerinatal = (_mdc: Mdc, pdx: string) => `principal ${pdx} is not a perinatal (MDCP) diagnosis`;
const notTrauma = (_mdc: Mdc, pdx: string) => `principal ${pdx} is not serious trauma`;
const inDiagnosisTable = (mdc: Mdc, pdx: string) => `${mdc.label} ${mdc.name}: principal ${pdx} is in its diagnosis table`;

const shared = (step: TraceEntry['step'], note: string): TraceEntry => Object.freeze({ step, note });

/** An ADRG's entries: the ADRG itself, and its DRG by severity rank. */
interface AdrgEntries {
  adrg: TraceEntry;
  drgs: readonly [TraceEntry, TraceEntry, TraceEntry];
}

export class Grouper {
  private readonly adrgEntries = new Map<Adrg, AdrgEntries>();
  /** Per ADRG code: MDCA took the case by that ADRG's procedures. */
  private readonly byProcedure = new Map<string, TraceEntry>();
  /** Per pre-MDC: its ADRGs all refused the case. */
  private readonly refusedEntries = new Map<Mdc, TraceEntry>();
  /** MDCY's door, open and closed. */
  private readonly hivEntries = new Map<Mdc, { open: TraceEntry; closed: TraceEntry }>();
  /** Per pre-MDC, per principal diagnosis: the door closed (made when first met). */
  private readonly closedDoors = new Map<Mdc, (TraceEntry | undefined)[]>();
  /** Per MDC, per principal diagnosis: the MDC chosen (made when first met). */
  private readonly chosenMdcs = new Map<Mdc, (TraceEntry | undefined)[]>();

  constructor(readonly tables: RuleTables) {
    for (const adrg of tables.adrgs) {
      const drg = (code: string) => shared('DRG', `${code} ${tables.drgNames.get(code) ?? ''}`.trim());
      if (adrg.mdc === 'A') this.byProcedure.set(adrg.code, shared('MDCA', `${adrg.code} by procedure`));
      this.adrgEntries.set(adrg, {
        adrg: shared('ADRG', `${adrg.code} ${adrg.name} (${adrg.kind}): ${adrg.wording}`),
        drgs: [drg(adrg.drgs[0]), drg(adrg.drgs[1]), drg(adrg.drgs[2])],
      });
    }
    for (const mdc of tables.preMdcs) {
      if (mdc.code === 'Y')
        this.hivEntries.set(mdc, {
          open: shared('MDCY', 'HIV diagnosis'),
          closed: shared('MDCY', `no HIV diagnosis${mdc.anyDiagnosis ? '' : ' as principal'}`),
        });
      this.refusedEntries.set(
        mdc,
        shared(mdc.label as TraceEntry['step'], mdc.code === 'A' ? NO_MDCA : `no ADRG of MDC${mdc.code} fits: on to the next step`),
      );
    }
  }

  /** The shared entry of `entries` for the MDC and principal diagnosis `pdx`, made the first time. */
  private perPrincipal(
    entries: Map<Mdc, (TraceEntry | undefined)[]>,
    step: TraceEntry['step'],
    mdc: Mdc,
    pdx: number,
    note: (mdc: Mdc, pdx: string) => string,
  ): TraceEntry {
    let byPdx = entries.get(mdc);
    if (!byPdx) entries.set(mdc, (byPdx = new Array<TraceEntry | undefined>(this.tables.diagnoses.length)));
    return (byPdx[pdx] ??= shared(step, note(mdc, this.tables.diagnoses[pdx]!)));
  }

  get version() {
    return this.tables.version;
  }

  group(input: DrgCase, options: GroupOptions = {}): GroupResult {
    const trace: TraceEntry[] = [];
    const coding = codeCase(this.tables, input, options, trace);
    if (!coding.ok) {
      trace.push({ step: 'codes', note: coding.reason });
      return this.result(input, null, null, UNGROUPABLE, null, 'ungroupable', trace);
    }
    const c = coding.coded;
    const qy = options.qy ?? true;
    const opened: Mdc[] = [];
    return this.preMdc(input, c, qy, trace, opened) ?? this.byPrincipalDiagnosis(input, c, qy, trace, opened);
  }

  // ---- step 2: pre-MDC ----------------------------------------------------------------------

  /** `opened` collects the pre-MDCs (other than MDCA) whose door opened and whose ADRGs all refused the case. */
  private preMdc(input: DrgCase, c: CodedCase, qy: boolean, trace: TraceEntry[], opened: Mdc[]): GroupResult | undefined {
    const t = this.tables;
    for (const mdc of t.preMdcs) {
      const step = mdc.label as TraceEntry['step'];
      // MDCA has no door: its ADRGs are tried on every case, by procedure.
      if (mdc.code !== 'A') {
        const door = this.preMdcDoor(mdc, c);
        trace.push(door.entry);
        if (!door.open) continue;
      }
      const at = trace.length;
      const found = this.inMdc(input, mdc, c, qy, trace);
      if (found) {
        if (mdc.code === 'A') trace.splice(at, 0, this.byProcedure.get(found.adrg!) ?? { step, note: `${found.adrg} by procedure` });
        return found;
      }
      if (mdc.code !== 'A') opened.push(mdc);
      trace.push(this.refusedEntries.get(mdc)!);
    }
    return undefined;
  }

  /** Whether the pre-MDC's door opens, and the entry that says why (shared where it names only the principal). */
  private preMdcDoor(mdc: Mdc, c: CodedCase): { open: boolean; entry: TraceEntry } {
    const t = this.tables;
    const step = mdc.label as TraceEntry['step'];
    const pdx = t.diagnoses[c.pdx];
    switch (mdc.code) {
      case 'P': {
        if (!mdc.table!.has(c.pdx)) return { open: false, entry: this.perPrincipal(this.closedDoors, step, mdc, c.pdx, notPerinatal) };
        const infant = c.ageDays !== undefined ? c.ageDays < ONE_YEAR_DAYS : c.ageYears === 0;
        return infant
          ? {
              open: true,
              entry: {
                step,
                note: `principal ${pdx} is perinatal and the patient is ${c.ageDays !== undefined ? `${c.ageDays} days` : 'under 1 year'} old`,
              },
            }
          : { open: false, entry: { step, note: `principal ${pdx} is perinatal but the patient is not under 1 year old` } };
      }
      case 'Y': {
        const hiv = mdc.table!.has(c.pdx) || (mdc.anyDiagnosis && someIn(mdc.table!, c.sdx));
        return { open: hiv, entry: hiv ? this.hivEntries.get(mdc)!.open : this.hivEntries.get(mdc)!.closed };
      }
      case 'Z': {
        if (!mdc.table!.has(c.pdx)) return { open: false, entry: this.perPrincipal(this.closedDoors, step, mdc, c.pdx, notTrauma) };
        let regions = t.dxRegionMask[c.pdx]!;
        for (const s of c.sdx) regions |= t.dxRegionMask[s]!;
        const names = mdc.regions.filter((r) => regions & (1 << r.bit)).map((r) => r.name);
        return names.length >= 2
          ? { open: true, entry: { step, note: `serious trauma in ${names.length} body regions: ${names.join('、')}` } }
          : {
              open: false,
              entry: { step, note: `serious trauma in ${names.length} body region (${names.join('、')}); MDCZ needs 2 or more` },
            };
      }
      default:
        throw new Error(`MDC${mdc.code} is not a pre-MDC`);
    }
  }

  // ---- step 3: MDC by principal diagnosis and sex ------------------------------------------

  private byPrincipalDiagnosis(input: DrgCase, c: CodedCase, qy: boolean, trace: TraceEntry[], opened: readonly Mdc[]): GroupResult {
    const t = this.tables;
    const pdx = t.diagnoses[c.pdx];
    // The MDCs the principal opens, less the pre-MDCs (tried already): usually one bit.
    let mask = t.dxMdcMask[c.pdx]! & ~t.preMdcMask;
    let chosen: Mdc | undefined;
    let refusedBySex: Mdc | undefined;
    while (mask !== 0) {
      const bit = 31 - Math.clz32(mask & -mask);
      mask &= mask - 1;
      const m = t.mdcs[bit]!;
      if (m.sex && m.sex !== c.sex) {
        refusedBySex ??= m;
        continue;
      }
      // A code in a sex-specific MDC and another goes to the sex-specific one when the sex fits.
      if (!chosen || (m.sex && !chosen.sex)) chosen = m;
    }
    if (!chosen) {
      // The principal opened a pre-MDC's door (a perinatal diagnosis of a newborn) and no other
      // MDC: the case belongs to that pre-MDC, though none of its ADRGs took it.
      const door = opened.find((m) => m.table?.has(c.pdx));
      if (door && !refusedBySex) {
        trace.push({
          step: 'MDC',
          note: `principal ${pdx} opens no MDC but ${door.label}, whose ADRGs refused the case: ungroupable in ${door.label}`,
        });
        return this.result(input, door.label, null, UNGROUPABLE, null, 'ungroupable', trace);
      }
      const note = refusedBySex
        ? `principal ${pdx} belongs to MDC${refusedBySex.code}, which is for ${refusedBySex.sex === 'M' ? 'men' : 'women'}; the patient is ${c.sex === 'M' ? 'a man' : 'a woman'}`
        : `principal ${pdx} opens no MDC`;
      trace.push({ step: 'MDC', note });
      return this.result(input, null, null, UNGROUPABLE, null, 'ungroupable', trace);
    }
    trace.push(this.perPrincipal(this.chosenMdcs, 'MDC', chosen, c.pdx, inDiagnosisTable));
    const found = this.inMdc(input, chosen, c, qy, trace);
    if (found) return found;
    trace.push({ step: 'ADRG', note: `no ADRG of ${chosen.label} fits` });
    return this.result(input, chosen.label, null, UNGROUPABLE, null, 'ungroupable', trace);
  }

  // ---- step 4: ADRG in the MDC; steps 5–6: severity and DRG ---------------------------------

  private inMdc(input: DrgCase, mdc: Mdc, c: CodedCase, qy: boolean, trace: TraceEntry[]): GroupResult | undefined {
    const t = this.tables;
    const hasProcedure = c.procs.length > 0;
    for (const adrg of mdc.procedural) {
      if (adrg.needsProcedure && !hasProcedure) continue;
      if (this.fits(adrg, c)) return this.finish(input, mdc, adrg, c, trace);
    }
    // MDCA has no QY group: it is entered by its procedures alone.
    if (mdc.code !== 'A') {
      if (c.operatingRoom.length > 0) {
        const ors = this.namesOf(c.operatingRoom);
        if (qy) {
          trace.push({ step: 'QY', note: `operating-room operation ${ors} fits no surgical or non-OR ADRG of ${mdc.label}: QY group` });
          const severity = severityOf(t, c, trace);
          return this.result(input, mdc.label, null, mdc.qyDrg, severity.level, 'qy', trace);
        }
        trace.push({
          step: 'QY',
          note: `operating-room operation ${ors} fits no surgical or non-OR ADRG of ${mdc.label}; QY is switched off: grouped as medical`,
        });
      } else if (hasProcedure) {
        trace.push({
          step: 'QY',
          note: `procedure ${this.namesOf(c.procs)} fits no surgical or non-OR ADRG of ${mdc.label} and is not an operating-room procedure: no QY, grouped as medical`,
        });
      }
    }
    for (const adrg of mdc.medical) {
      if (adrg.needsProcedure && !hasProcedure) continue;
      if (this.fits(adrg, c)) return this.finish(input, mdc, adrg, c, trace);
    }
    return undefined;
  }

  private finish(input: DrgCase, mdc: Mdc, adrg: Adrg, c: CodedCase, trace: TraceEntry[]): GroupResult {
    const entries = this.adrgEntries.get(adrg)!;
    trace.push(entries.adrg);
    const severity = severityOf(this.tables, c, trace);
    const drg = adrg.drgs[severity.rank];
    trace.push(entries.drgs[severity.rank]);
    return this.result(input, mdc.label, adrg.code, drg, severity.level, 'grouped', trace);
  }

  /** Does some clause of the ADRG's rule hold, and the conditions its name adds? */
  private fits(adrg: Adrg, c: CodedCase): boolean {
    if (adrg.ageDays && !within(adrg.ageDays, c.ageDays)) return false;
    if (adrg.birthWeightGrams && !within(adrg.birthWeightGrams, c.birthWeightGrams)) return false;
    for (const clause of adrg.rule) {
      let holds = true;
      for (const atom of clause) {
        const table = atom.table!;
        switch (atom.on) {
          case 'pdx':
            holds = table.has(c.pdx);
            break;
          case 'sdx':
            holds = someIn(table, c.sdx);
            break;
          case 'dx':
            holds = table.has(c.pdx) || someIn(table, c.sdx);
            break;
          case 'pproc':
            holds = c.procs.length > 0 && table.has(c.procs[0]!);
            break;
          case 'proc':
            holds = someIn(table, c.procs);
            break;
          case 'anyOperation':
            holds = c.hasOperation;
            break;
          case 'noOperation':
            holds = !c.hasOperation;
            break;
        }
        if (!holds) break;
      }
      if (holds) return true;
    }
    return false;
  }

  private namesOf(procs: readonly number[]): string {
    return procs.map((p) => this.tables.procedures[p]).join(' ');
  }

  private result(
    input: DrgCase,
    mdc: string | null,
    adrg: string | null,
    drg: string,
    ccLevel: GroupResult['ccLevel'],
    outcome: GroupResult['outcome'],
    trace: TraceEntry[],
  ): GroupResult {
    const version = this.tables.version;
    // Two literal shapes rather than a spread: this runs once per case.
    return input.id !== undefined
      ? { id: input.id, version, mdc, adrg, drg, ccLevel, outcome, trace }
      : { version, mdc, adrg, drg, ccLevel, outcome, trace };
  }
}

function someIn(table: CodeSet, codes: readonly number[]): boolean {
  for (let i = 0; i < codes.length; i++) if (table.has(codes[i]!)) return true;
  return false;
}

/** An unknown value never satisfies a range: a newborn group needs the age in days it names. */
function within(range: Range, value: number | undefined): boolean {
  if (value === undefined) return false;
  return (range.from === undefined || value >= range.from) && (range.below === undefined || value < range.below);
}
