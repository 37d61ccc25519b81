/**
 * Readmission within N days (15 in Zhejiang) to the same DRG: the earlier admission keeps only a
 * share of its points (half). It discourages discharging a patient and admitting them again to be
 * paid twice for one illness (分解住院).
 *
 * Cases reach the consumer in any order, so a new case is checked both ways: it may be the
 * readmission that cuts an earlier admission, or the earlier admission of one already recorded.
 * Each earlier admission is cut once, however many readmissions follow it.
 */
import { applyRatio } from '../money/fen.ts';
import type { Centipoints } from './points.ts';
import type { DrgPolicy } from './policy.ts';

export interface Admission {
  providerCode: string;
  claimNo: string;
  drg: string;
  admissionDate: string;
  dischargeDate: string;
  centipoints: Centipoints;
  /** Paid by its DRG: a 0000 case or a bed-day stay is not. */
  drgPaid: boolean;
}

export interface ReadmissionCut {
  /** The earlier admission, whose points are cut. */
  earlier: Admission;
  /** The readmission that cuts them. */
  readmission: Admission;
  daysBetween: number;
  /** Negative: what the earlier admission loses. */
  deltaCentipoints: Centipoints;
}

const DAY_MS = 86_400_000;
export function daysBetween(fromIsoDate: string, toIsoDate: string): number {
  return Math.round((Date.parse(`${toIsoDate}T00:00:00Z`) - Date.parse(`${fromIsoDate}T00:00:00Z`)) / DAY_MS);
}

const sameAdmission = (a: Admission, b: Admission) => a.providerCode === b.providerCode && a.claimNo === b.claimNo;

/** The cuts the current case makes or suffers, against the member's other admissions to its DRG. */
export function readmissionCuts(policy: DrgPolicy, current: Admission, others: readonly Admission[]): ReadmissionCut[] {
  const rule = policy.readmission;
  if (!current.drgPaid) return [];
  const cut = (earlier: Admission, readmission: Admission, days: number): ReadmissionCut => ({
    earlier,
    readmission,
    daysBetween: days,
    deltaCentipoints: applyRatio(earlier.centipoints, rule.earlierShare) - earlier.centipoints,
  });
  const cuts: ReadmissionCut[] = [];
  let currentCut = false;
  for (const other of others) {
    if (!other.drgPaid || other.drg !== current.drg || sameAdmission(other, current)) continue;
    if (rule.sameProviderOnly && other.providerCode !== current.providerCode) continue;
    const afterOther = daysBetween(other.dischargeDate, current.admissionDate);
    if (afterOther >= 0 && afterOther <= rule.withinDays) {
      cuts.push(cut(other, current, afterOther));
      continue;
    }
    const beforeOther = daysBetween(current.dischargeDate, other.admissionDate);
    if (!currentCut && beforeOther >= 0 && beforeOther <= rule.withinDays) {
      cuts.push(cut(current, other, beforeOther));
      currentCut = true;
    }
  }
  return cuts;
}
