/**
 * Small matching and formatting helpers the rule types share. Code patterns in the catalogue are
 * exact codes, or prefixes written with a trailing `*` (`K35*` is every appendicitis code), because
 * ICD-10 and ICD-9-CM-3 are hierarchical by prefix.
 */
import { fenToYuan } from '../../money/fen.ts';
import type { HospitalLevel } from '../claim.ts';

export function matchesCode(pattern: string, code: string): boolean {
  return pattern.endsWith('*') ? code.startsWith(pattern.slice(0, -1)) : code === pattern;
}

export const matchesAny = (patterns: readonly string[], code: string): boolean => patterns.some((p) => matchesCode(p, code));

export const LEVEL_RANK: Record<HospitalLevel, number> = { primary: 1, secondary: 2, tertiary: 3 };
export const LEVEL_NAME: Record<HospitalLevel, string> = { primary: '一级及基层', secondary: '二级', tertiary: '三级' };

export const yuan = (fen: number): string => `${fenToYuan(fen)}元`;

/** A share in basis points as a percentage with one decimal: 4537 → "45.4%". */
export const percent = (bp: number): string => `${(Math.round(bp / 10) / 10).toFixed(1)}%`;

/** part / whole in basis points, rounded half up (integers only). */
export function shareBp(part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Math.floor((part * 10_000 * 2 + whole) / (2 * whole));
}

/** The ICD-10 category (first three characters) a diagnosis code belongs to: "K35.800" → "K35". */
export const diagnosisCategory = (code: string): string => code.replace('.', '').slice(0, 3).toUpperCase();
