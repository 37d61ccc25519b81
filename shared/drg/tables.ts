/**
 * A rule package turned into lookup structures, once, when the grouper loads: code → index tables,
 * per-code flags and severity tables in typed arrays, every inclusion table as a set of small
 * integers, each MDC's ADRGs in published order. Grouping a case then does one hash lookup per
 * code it carries and integer lookups after that: no parsing, no regular expressions.
 */
import type { AdrgKind, Atom, GrouperVersion, PackageData, Range } from './package.ts';

// Flags per diagnosis index.
export const DX_LISTED = 1;
export const DX_GREY = 2;
export const DX_NOT_PRINCIPAL = 4;
// Flags per procedure index.
export const PX_LISTED = 1;
export const PX_OPERATION = 2;
export const PX_GREY = 4;
/** 手术室手术: an operation some surgical ADRG names (package.ts, procedureSets.operatingRoom). */
export const PX_OPERATING_ROOM = 8;

/**
 * A set of code indices as a bitmap: membership is one shift and one mask, with no hashing. Each
 * table costs (number of codes / 8) bytes, about 4 KB for a diagnosis table, 1.7 MB for a package.
 */
export class CodeSet {
  private readonly words: Uint32Array;
  /** From a gap-encoded list of members (package.ts, encodeGaps). */
  constructor(size: number, gaps: readonly number[]) {
    this.words = new Uint32Array((size + 31) >>> 5);
    let i = 0;
    for (let k = 0; k < gaps.length; k++) {
      i += gaps[k]!;
      this.words[i >>> 5]! |= 1 << (i & 31);
    }
  }
  has(i: number): boolean {
    return ((this.words[i >>> 5]! >>> (i & 31)) & 1) === 1;
  }
}

/** Tried before the principal diagnosis picks the MDC, in this order (the national chain). */
const PRE_MDC_ORDER = ['A', 'P', 'Y', 'Z'] as const;

/**
 * Code → position in a list, as an open-addressing hash table over a typed array. Built in well
 * under a millisecond for 33,000 codes, where a Map takes over ten (it rehashes as it grows), and as
 * quick to look up: a Lambda pays the build at every cold start.
 */
export class CodeIndex {
  private readonly slots: Int32Array;
  private readonly mask: number;
  constructor(private readonly codes: readonly string[]) {
    let size = 16;
    while (size < codes.length * 2) size <<= 1;
    this.mask = size - 1;
    this.slots = new Int32Array(size).fill(-1);
    for (let i = 0; i < codes.length; i++) {
      let slot = fnv1a(codes[i]!) & this.mask;
      while (this.slots[slot] !== -1) slot = (slot + 1) & this.mask;
      this.slots[slot] = i;
    }
  }
  get(code: string): number | undefined {
    let slot = fnv1a(code) & this.mask;
    for (;;) {
      const i = this.slots[slot]!;
      if (i === -1) return undefined;
      if (this.codes[i] === code) return i;
      slot = (slot + 1) & this.mask;
    }
  }
  has(code: string): boolean {
    return this.get(code) !== undefined;
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** 国临版 code → 医保版 index: a CodeIndex over the changed codes, with their targets beside it. */
export class Crosswalk {
  private readonly index: CodeIndex;
  constructor(private readonly pairs: { from: string[]; to: number[] }) {
    this.index = new CodeIndex(pairs.from);
  }
  get(code: string): number | undefined {
    const at = this.index.get(code);
    return at === undefined ? undefined : this.pairs.to[at];
  }
}

export interface Adrg {
  code: string;
  name: string;
  mdc: string;
  kind: AdrgKind;
  rule: { on: Atom['on']; table: CodeSet | undefined }[][];
  /** Every clause asks for a procedure: a case without one cannot fit (a cheap early skip). */
  needsProcedure: boolean;
  ageDays: Range | undefined;
  birthWeightGrams: Range | undefined;
  /** [no CC, CC, MCC]. */
  drgs: readonly [string, string, string];
  wording: string;
}

export interface Mdc {
  code: string;
  /** "MDCF", as results and traces name it. */
  label: string;
  /** Its QY group (歧义组): "FQY". */
  qyDrg: string;
  /** Position in the package's MDC list: its bit in `dxMdcMask`. */
  bit: number;
  name: string;
  sex: 'M' | 'F' | undefined;
  table: CodeSet | undefined;
  anyDiagnosis: boolean;
  regions: { name: string; bit: number }[];
  /** Surgical then non-OR ADRGs, in published order. */
  procedural: Adrg[];
  medical: Adrg[];
}

export interface RuleTables {
  version: GrouperVersion;
  diagnoses: readonly string[];
  procedures: readonly string[];
  dxIndex: CodeIndex;
  pxIndex: CodeIndex;
  clinicalDx: Crosswalk;
  clinicalPx: Crosswalk;
  dxFlags: Uint8Array;
  pxFlags: Uint8Array;
  /** Bit i set: the diagnosis opens the i-th MDC (as principal). */
  dxMdcMask: Uint32Array;
  /** MDCZ: bit r set: the diagnosis is serious trauma of body region r. */
  dxRegionMask: Uint16Array;
  /** Exclusion-table id of the diagnosis as a CC / MCC / principal; -1 where it is none. */
  ccTable: Int16Array;
  mccTable: Int16Array;
  exclusionTable: Int16Array;
  mdcs: Mdc[];
  mdcByCode: ReadonlyMap<string, Mdc>;
  /** The pre-MDCs in the order they are tried: MDCA, MDCP, MDCY, MDCZ. */
  preMdcs: Mdc[];
  /** Their bits in `dxMdcMask`. */
  preMdcMask: number;
  adrgs: Adrg[];
  drgNames: ReadonlyMap<string, string>;
}

export function buildTables(data: PackageData): RuleTables {
  const diagnoses = data.codes.diagnoses;
  const procedures = data.codes.procedures;
  const dxIndex = new CodeIndex(diagnoses);
  const pxIndex = new CodeIndex(procedures);

  // The lists are read straight from their gaps into typed arrays, with no list in between: this
  // runs at a Lambda's cold start, much of it before the JIT has warmed up.
  const dxFlags = new Uint8Array(diagnoses.length);
  flagAll(dxFlags, data.diagnosisSets.listed, DX_LISTED);
  flagAll(dxFlags, data.diagnosisSets.grey, DX_GREY);
  flagAll(dxFlags, data.diagnosisSets.notPrincipal, DX_NOT_PRINCIPAL);
  const pxFlags = new Uint8Array(procedures.length);
  flagAll(pxFlags, data.procedureSets.listed, PX_LISTED);
  flagAll(pxFlags, data.procedureSets.operations, PX_OPERATION);
  flagAll(pxFlags, data.procedureSets.grey, PX_GREY);
  flagAll(pxFlags, data.procedureSets.operatingRoom, PX_OPERATING_ROOM);

  const tableSets = data.tables.map((t) => new CodeSet(t.kind === 'dx' ? diagnoses.length : procedures.length, t.codes));

  const severity = (s: { codes: number[]; tables: number[] }) => {
    const out = new Int16Array(diagnoses.length).fill(-1);
    let code = 0;
    for (let k = 0; k < s.codes.length; k++) {
      code += s.codes[k]!;
      out[code] = s.tables[k]!;
    }
    return out;
  };

  const adrgs: Adrg[] = data.adrgs.map((a) => {
    const rule = a.rule.map((clause) =>
      clause.map((atom) => ({
        on: atom.on,
        table: atom.table === undefined ? undefined : tableSets[atom.table],
      })),
    );
    return {
      code: a.code,
      name: a.name,
      mdc: a.mdc,
      kind: a.kind,
      rule,
      needsProcedure: rule.every((clause) =>
        clause.some((atom) => atom.on === 'pproc' || atom.on === 'proc' || atom.on === 'anyOperation'),
      ),
      ageDays: a.ageDays,
      birthWeightGrams: a.birthWeightGrams,
      drgs: a.drgs,
      wording: a.wording,
    };
  });

  const dxMdcMask = new Uint32Array(diagnoses.length);
  const dxRegionMask = new Uint16Array(diagnoses.length);
  const mdcs: Mdc[] = data.mdcs.map((m, bit) => {
    if (m.table !== undefined) flagAll(dxMdcMask, data.tables[m.table]!.codes, 1 << bit);
    const regions = (m.regions ?? []).map((r, rbit) => {
      flagAll(dxRegionMask, data.tables[r.table]!.codes, 1 << rbit);
      return { name: r.name, bit: rbit };
    });
    const own = adrgs.filter((a) => a.mdc === m.code);
    return {
      code: m.code,
      label: `MDC${m.code}`,
      qyDrg: `${m.code}QY`,
      bit,
      name: m.name,
      sex: m.sex,
      table: m.table === undefined ? undefined : tableSets[m.table],
      anyDiagnosis: m.anyDiagnosis ?? false,
      regions,
      procedural: own.filter((a) => a.kind !== 'medical'),
      medical: own.filter((a) => a.kind === 'medical'),
    };
  });

  const preMdcs = PRE_MDC_ORDER.map((code) => {
    const m = mdcs.find((x) => x.code === code);
    if (!m) throw new Error(`CHS-DRG ${data.version} package has no MDC${code}`);
    return m;
  });

  return {
    version: data.version,
    diagnoses,
    procedures,
    dxIndex,
    pxIndex,
    clinicalDx: new Crosswalk(data.crosswalk.clinicalDiagnoses),
    clinicalPx: new Crosswalk(data.crosswalk.clinicalProcedures),
    dxFlags,
    pxFlags,
    dxMdcMask,
    dxRegionMask,
    ccTable: severity(data.severity.cc),
    mccTable: severity(data.severity.mcc),
    exclusionTable: severity(data.severity.exclusions),
    mdcs,
    mdcByCode: new Map(mdcs.map((m) => [m.code, m])),
    preMdcs,
    preMdcMask: preMdcs.reduce((mask, m) => mask | (1 << m.bit), 0),
    adrgs,
    drgNames: new Map(data.drgs.map((d) => [d.code, d.name])),
  };
}

/** Sets `bit` at every index of a gap-encoded list. */
function flagAll(into: Uint8Array | Uint16Array | Uint32Array, gaps: readonly number[], bit: number): void {
  let i = 0;
  for (let k = 0; k < gaps.length; k++) {
    i += gaps[k]!;
    into[i] = into[i]! | bit;
  }
}
