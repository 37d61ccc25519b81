/**
 * The claim as the fraud rules see it, and the compact summaries of it that later claims look back
 * on. Built from a ClaimSettled payload once, so every rule reads resolved facts (each line's date,
 * the stay's first and last day) instead of re-deriving them.
 */
import type { ClaimSettledPayload } from '../../events/claims.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { daysBetween, monthOf, yearOf } from './dates.ts';

export type HospitalLevel = 'primary' | 'secondary' | 'tertiary';
export type VisitType = ClaimSettledPayload['visit']['type'];
export type CcLevel = 'MCC' | 'CC' | 'none';

export interface ClaimRef {
  providerCode: string;
  claimNo: string;
}

export interface FraudLine {
  lineNo: number;
  itemCode: string;
  itemName?: string;
  itemClass: 'A' | 'B' | 'C';
  category: string;
  quantity: number;
  unitPriceFen: number;
  amountFen: number;
  /** The line's own date, or the claim's service date when the line has none. */
  date: string;
  supplyDays?: number;
  traceCode?: string;
}

export interface FraudClaim {
  ref: ClaimRef;
  memberId: string;
  region: string;
  provider: { code: string; level?: HospitalLevel; region?: string };
  visitType: VisitType;
  /** First and last day of care: admission and discharge for a stay, the service date otherwise. */
  start: string;
  end: string;
  emergency: boolean;
  dischargeStatus?: string;
  patient?: { sex: 'M' | 'F'; ageYears: number };
  /** Principal first, then the secondary ones. */
  diagnoses: string[];
  procedures: string[];
  lengthOfStayDays?: number;
  lines: FraudLine[];
  totals: { billedFen: number; fundPaidFen: number; patientPaidFen: number };
  /** The DRG result, when grouping is known; only the per-provider case-mix rules use it. */
  drg?: { code: string; ccLevel: CcLevel };
}

export const claimKey = (ref: ClaimRef): string => `${ref.providerCode}#${ref.claimNo}`;
/** A delivery (住院分娩) is a hospital stay too, though paid per case (shared/maternity). */
export const isStay = (visitType: VisitType): boolean => visitType === 'inpatient' || visitType === 'bed-day' || visitType === 'delivery';

export function fromClaimSettled(payload: ClaimSettledPayload, drg?: FraudClaim['drg']): FraudClaim {
  const { visit } = payload;
  const start = visit.admissionDate ?? visit.serviceDate;
  const end = visit.dischargeDate ?? visit.serviceDate;
  const lengthOfStayDays =
    payload.inpatient?.lengthOfStayDays ??
    (isStay(visit.type) && visit.admissionDate && visit.dischargeDate ? daysBetween(visit.admissionDate, visit.dischargeDate) : undefined);
  return {
    ref: payload.claim,
    memberId: payload.memberId,
    region: payload.region,
    provider: payload.provider
      ? { code: payload.provider.code, level: payload.provider.level, region: payload.provider.region }
      : { code: payload.claim.providerCode },
    visitType: visit.type,
    start: start <= end ? start : end,
    end: start <= end ? end : start,
    emergency: visit.emergency ?? false,
    ...(payload.inpatient?.dischargeStatus ? { dischargeStatus: payload.inpatient.dischargeStatus } : {}),
    ...(payload.patient ? { patient: { sex: payload.patient.sex, ageYears: payload.patient.ageYears } } : {}),
    diagnoses: payload.diagnoses ? [payload.diagnoses.principal, ...payload.diagnoses.secondary] : [],
    procedures: payload.procedures ?? [],
    ...(lengthOfStayDays !== undefined ? { lengthOfStayDays } : {}),
    lines: (payload.lines ?? []).map((l) => ({
      lineNo: l.lineNo,
      itemCode: l.itemCode,
      ...(l.itemName ? { itemName: l.itemName } : {}),
      itemClass: l.itemClass,
      category: l.category,
      quantity: l.quantity,
      unitPriceFen: l.unitPriceFen,
      amountFen: l.amountFen,
      date: l.serviceDate ?? visit.serviceDate,
      ...(l.supplyDays !== undefined ? { supplyDays: l.supplyDays } : {}),
      ...(l.traceCode ? { traceCode: l.traceCode } : {}),
    })),
    totals: { billedFen: payload.totals.billedFen, fundPaidFen: payload.totals.fundPaidFen, patientPaidFen: payload.totals.patientPaidFen },
    ...(drg ? { drg } : {}),
  };
}

/**
 * What a later claim needs to know of this one: kept in the fraud history projection, so the
 * cross-claim rules never read the settlement engine's own tables.
 */
export interface ClaimSummary {
  ref: ClaimRef;
  memberId: string;
  providerCode: string;
  providerRegion?: string;
  visitType: VisitType;
  start: string;
  end: string;
  principalDiagnosis?: string;
  dischargeStatus?: string;
  /** An emergency visit (急诊): one on a stay's admission day is how the patient came in, not an overlap. */
  emergency?: boolean;
  /** The legitimately frequent treatments (knowledge base ids: dialysis, radiotherapy…) the visit was a session of. */
  treatments?: string[];
  /** Drug lines with a days' supply: what the early-refill rule compares. */
  drugs: { itemCode: string; date: string; supplyDays: number }[];
  billedFen: number;
  reversed?: boolean;
}

export function summarise(claim: FraudClaim, knowledge?: KnowledgeBase): ClaimSummary {
  const treatments = knowledge
    ?.frequentTreatments({ principalDiagnosis: claim.diagnoses[0], itemCodes: claim.lines.map((l) => l.itemCode) })
    .map((t) => t.id);
  return {
    ref: claim.ref,
    memberId: claim.memberId,
    providerCode: claim.provider.code,
    ...(claim.provider.region ? { providerRegion: claim.provider.region } : {}),
    visitType: claim.visitType,
    start: claim.start,
    end: claim.end,
    ...(claim.diagnoses[0] ? { principalDiagnosis: claim.diagnoses[0] } : {}),
    ...(claim.dischargeStatus ? { dischargeStatus: claim.dischargeStatus } : {}),
    ...(claim.emergency ? { emergency: true } : {}),
    ...(treatments?.length ? { treatments } : {}),
    drugs: claim.lines
      .filter((l): l is FraudLine & { supplyDays: number } => l.supplyDays !== undefined)
      .map((l) => ({ itemCode: l.itemCode, date: l.date, supplyDays: l.supplyDays })),
    billedFen: claim.totals.billedFen,
  };
}

/** One scan of a drug traceability code (追溯码) on a dispensed line. */
export interface TraceScan {
  traceCode: string;
  ref: ClaimRef;
  lineNo: number;
  memberId: string;
  date: string;
  reversed?: boolean;
}

export function traceScans(claim: FraudClaim): TraceScan[] {
  return claim.lines
    .filter((l): l is FraudLine & { traceCode: string } => Boolean(l.traceCode))
    .map((l) => ({ traceCode: l.traceCode, ref: claim.ref, lineNo: l.lineNo, memberId: claim.memberId, date: l.date }));
}

/** The insurance year (calendar year) and month a claim counts in: the last day of care. */
export const countingYear = (claim: Pick<FraudClaim, 'end'>): number => yearOf(claim.end);
export const countingMonth = (claim: Pick<FraudClaim, 'end'>): string => monthOf(claim.end);
