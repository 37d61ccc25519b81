/**
 * What a DIP group is keyed by (按病种分值付费, the national DIP technical specification): the principal
 * diagnosis at the catalogue's level (ICD-10 category K80, or subcategory K80.1) and the combination
 * of procedures (ICD-9-CM-3 at the catalogue's level, 51.23 or the full 51.2300x001), sorted and
 * joined, so "K80|51.22+51.23". A case with no procedure is the diagnosis's conservative treatment
 * ("K80|"). The same functions key the historical cases a catalogue is built from and the cases it
 * later scores, so a case lands in the group its like built.
 *
 * Treatment kind (治疗方式), for the comprehensive groups (综合病种): an operating-room operation
 * (手术, the CHS-DRG package's operating-room list), another procedure (诊断性/治疗性操作), or none
 * (保守治疗).
 */
import { grouperFor } from '../drg/rule-packages.ts';
import type { GrouperVersion } from '../drg/package.ts';
import { PX_LISTED, PX_OPERATING_ROOM } from '../drg/tables.ts';

export const TREATMENTS = ['conservative', 'procedure', 'operation'] as const;
export type Treatment = (typeof TREATMENTS)[number];
export const treatmentIndex = (t: Treatment): 0 | 1 | 2 => (t === 'conservative' ? 0 : t === 'procedure' ? 1 : 2);

export interface KeyParameters {
  /** category: ICD-10 类目 (3 characters, K80); subcategory: 亚目 (K80.1). */
  diagnosisLevel: 'category' | 'subcategory';
  /** subcategory: ICD-9-CM-3 at two decimals (51.23); code: the whole 医保版 code. */
  procedureLevel: 'subcategory' | 'code';
  /** Procedures that never make a combination (e.g. imaging 87–88, lab 90–91): code prefixes. */
  ignoreProcedurePrefixes: readonly string[];
  /** At most this many procedures, the first ones after ordering, make the combination. */
  maxProcedures: number;
}

/** Tells an operating-room operation from other procedures (the CHS-DRG tables of one version). */
export interface ProcedureClasses {
  isOperatingRoom(code: string): boolean;
}

const classes = new Map<GrouperVersion, ProcedureClasses>();
export function procedureClasses(version: GrouperVersion): ProcedureClasses {
  let c = classes.get(version);
  if (!c) {
    const t = grouperFor(version).tables;
    c = {
      isOperatingRoom(code) {
        const i = t.pxIndex.get(code);
        return i !== undefined && (t.pxFlags[i]! & (PX_LISTED | PX_OPERATING_ROOM)) === (PX_LISTED | PX_OPERATING_ROOM);
      },
    };
    classes.set(version, c);
  }
  return c;
}

export function diagnosisKey(code: string, level: KeyParameters['diagnosisLevel']): string {
  const c = code.trim().toUpperCase();
  return level === 'category' ? c.slice(0, 3) : c.slice(0, 5);
}

/** The ICD-10 chapter letter of a diagnosis: the last comprehensive level before the treatment alone. */
export const chapterOf = (category: string): string => category.slice(0, 1);

export function procedureKey(code: string, level: KeyParameters['procedureLevel']): string {
  const c = code.trim();
  return level === 'code' ? c : c.slice(0, 5);
}

export interface CaseKey {
  diagnosis: string;
  /** The 3-character category, whatever the catalogue's diagnosis level. */
  category: string;
  /** The procedure keys, sorted and unique. */
  procedures: string[];
  /** "K80|51.22+51.23". */
  core: string;
  treatment: Treatment;
}

export function caseKey(principalDiagnosis: string, procedures: readonly string[], p: KeyParameters, classesOf: ProcedureClasses): CaseKey {
  const diagnosis = diagnosisKey(principalDiagnosis, p.diagnosisLevel);
  const category = diagnosis.slice(0, 3);
  let treatment: Treatment = 'conservative';
  const keys: string[] = [];
  for (const code of procedures) {
    if (p.ignoreProcedurePrefixes.some((prefix) => code.startsWith(prefix))) continue;
    if (classesOf.isOperatingRoom(code)) treatment = 'operation';
    else if (treatment === 'conservative') treatment = 'procedure';
    const k = procedureKey(code, p.procedureLevel);
    if (!keys.includes(k)) keys.push(k);
  }
  keys.sort();
  const combination = keys.length > p.maxProcedures ? keys.slice(0, p.maxProcedures) : keys;
  return { diagnosis, category, procedures: combination, core: `${diagnosis}|${combination.join('+')}`, treatment };
}

/** The comprehensive groups a case may fall to, most specific first: category, chapter, then the treatment alone. */
export function comprehensiveKeys(key: CaseKey): [string, string, string] {
  return [`${key.category}|${key.treatment}`, `${chapterOf(key.category)}|${key.treatment}`, `*|${key.treatment}`];
}
