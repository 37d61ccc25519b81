/**
 * Step 1 of the chain, code validity (编码校验): every code is looked up in the ICD-10 / ICD-9-CM-3
 * 医保版 2.0 lists (after the 国临版 → 医保版 crosswalk when the region's providers code in 国临版).
 *
 * - The principal diagnosis must be a 医保版 code, not a grey code (灰码: a code kept for history
 *   that may not be principal) and, in 2.0, not one of the codes 2.0 refuses as principal
 *   (ZD_INVALID). Otherwise the case is ungroupable (0000). Likewise a grey procedure code may not
 *   be the principal procedure.
 * - A secondary diagnosis or procedure that is not a 医保版 code is left out and named in the trace:
 *   one miscoded line should not cost the whole case its group. After that, the first procedure
 *   left is the principal one.
 * - Ventilation hours (呼吸机使用时间 on the 病案首页) stand for the ventilation code when none is
 *   coded: ≥ 96 h → 96.7201, less → 96.7101, so MDCA's "ventilation ≥ 96 h" and 2.0's EK1 see it.
 */
import { normaliseSex, type DrgCase, type GroupOptions, type Sex, type TraceEntry } from './case.ts';
import { DX_GREY, DX_LISTED, DX_NOT_PRINCIPAL, PX_GREY, PX_LISTED, PX_OPERATING_ROOM, PX_OPERATION, type RuleTables } from './tables.ts';

/** A case in the package's terms: codes as indices, ready for integer set lookups. */
export interface CodedCase {
  sex: Sex;
  ageYears: number;
  ageDays: number | undefined;
  birthWeightGrams: number | undefined;
  pdx: number;
  sdx: number[];
  /** Procedures in order; [0] is the principal one. */
  procs: number[];
  /** At least one procedure counts as an operation (1.1 SS_VALID; 2.0 not in SS_INVALID). */
  hasOperation: boolean;
  /** The operating-room procedures (手术室手术) among them, in order: only these send a case to QY. */
  operatingRoom: number[];
}

export type CodingResult = { ok: true; coded: CodedCase } | { ok: false; reason: string };

const VENTILATION_CODES = ['96.7000', '96.7100', '96.7101', '96.7200', '96.7201'];
const VENTILATION_96H_OR_MORE = '96.7201';
const VENTILATION_UNDER_96H = '96.7101';

/** The index of a 医保版 diagnosis code (cross-walked from 国临版 first when asked), or undefined. */
function dxOf(t: RuleTables, code: string, clinical: boolean): number | undefined {
  const i = (clinical ? t.clinicalDx.get(code) : undefined) ?? t.dxIndex.get(code);
  return i !== undefined && (t.dxFlags[i]! & DX_LISTED) !== 0 ? i : undefined;
}

function pxOf(t: RuleTables, code: string, clinical: boolean): number | undefined {
  const i = (clinical ? t.clinicalPx.get(code) : undefined) ?? t.pxIndex.get(code);
  return i !== undefined && (t.pxFlags[i]! & PX_LISTED) !== 0 ? i : undefined;
}

export function codeCase(t: RuleTables, input: DrgCase, options: GroupOptions, trace: TraceEntry[]): CodingResult {
  const clinical = options.codes === 'clinical';
  const standard = clinical ? '医保版 2.0 (from 国临版)' : '医保版 2.0';

  const principal = input.principalDiagnosis;
  const pdx = dxOf(t, principal, clinical);
  if (pdx === undefined) return { ok: false, reason: `principal diagnosis ${principal} is not an ICD-10 ${standard} code` };
  if (t.dxFlags[pdx]! & DX_GREY)
    return { ok: false, reason: `principal diagnosis ${principal} is a grey code (灰码), which may not be principal` };
  if (t.dxFlags[pdx]! & DX_NOT_PRINCIPAL)
    return { ok: false, reason: `principal diagnosis ${principal} may not be principal in CHS-DRG ${t.version}` };

  let dropped = '';
  const sdx: number[] = [];
  for (const code of input.secondaryDiagnoses) {
    const i = dxOf(t, code, clinical);
    if (i === undefined) dropped += dropped ? ` ${code}` : code;
    else sdx.push(i);
  }
  const procs: number[] = [];
  let droppedProcs = '';
  for (const code of input.procedures) {
    const i = pxOf(t, code, clinical);
    if (i === undefined) droppedProcs += droppedProcs ? ` ${code}` : code;
    else procs.push(i);
  }

  if (procs.length > 0 && t.pxFlags[procs[0]!]! & PX_GREY) {
    return { ok: false, reason: `principal procedure ${t.procedures[procs[0]!]} is a grey code (灰码), which may not be principal` };
  }

  let ventilationNote = '';
  const hours = input.ventilationHours;
  if (hours !== undefined && hours > 0 && !hasVentilationCode(t, procs)) {
    const code = hours >= 96 ? VENTILATION_96H_OR_MORE : VENTILATION_UNDER_96H;
    const i = t.pxIndex.get(code);
    if (i !== undefined) {
      procs.push(i);
      ventilationNote = `; ventilation ${hours} h counted as ${code}`;
    }
  }

  let hasOperation = false;
  const operatingRoom: number[] = [];
  for (const p of procs) {
    const flags = t.pxFlags[p]!;
    if (flags & PX_OPERATION) hasOperation = true;
    if (flags & PX_OPERATING_ROOM) operatingRoom.push(p);
  }

  trace.push({
    step: 'codes',
    note:
      `principal ${t.diagnoses[pdx]}, ${sdx.length} secondary, ${procs.length} procedure(s)` +
      (procs.length ? ` (principal ${t.procedures[procs[0]!]}${hasOperation ? '' : ', none an operation'})` : '') +
      (clinical && t.diagnoses[pdx] !== principal ? `; 国临版 ${principal} → ${t.diagnoses[pdx]}` : '') +
      (dropped ? `; secondary not ${standard}, left out: ${dropped}` : '') +
      (droppedProcs ? `; procedures not ${standard}, left out: ${droppedProcs}` : '') +
      ventilationNote,
  });

  return {
    ok: true,
    coded: {
      sex: normaliseSex(input.sex),
      ageYears: input.ageYears,
      ageDays: input.ageDays,
      birthWeightGrams: input.birthWeightGrams,
      pdx,
      sdx,
      procs,
      hasOperation,
      operatingRoom,
    },
  };
}

function hasVentilationCode(t: RuleTables, procs: readonly number[]): boolean {
  for (const p of procs) if (VENTILATION_CODES.includes(t.procedures[p]!)) return true;
  return false;
}
