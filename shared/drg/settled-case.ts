/**
 * A settled inpatient claim, as DRG grouping and points see it: the case to group, the figures the
 * points need, and the admission the readmission rule compares. Pure: the handler loads, this
 * decides, the handler stores.
 */
import type { ClaimSettledPayload } from '../../events/claims.ts';
import type { DrgCase, GroupResult, TraceEntry } from './case.ts';
import type { Grouper } from './grouper.ts';
import { UNGROUPABLE } from './grouper.ts';
import { casePoints, type CasePoints } from './points.ts';
import type { DrgPolicy } from './policy.ts';
import { readmissionCuts, type Admission, type ReadmissionCut } from './readmission.ts';

export interface SettledCase {
  providerCode: string;
  claimNo: string;
  memberId: string;
  /** The provider's pooling region: its DRG policy and point pool. */
  region: string;
  year: number;
  admissionDate: string;
  dischargeDate: string;
  grouping: GroupResult;
  points: CasePoints;
  admission: Admission;
}

/** Admission and discharge dates of a stay; a claim with neither falls back on its service date. */
export function stayDates(claim: ClaimSettledPayload): { admissionDate: string; dischargeDate: string; year: number } {
  const dischargeDate = claim.visit.dischargeDate ?? claim.visit.serviceDate;
  const admissionDate = claim.visit.admissionDate ?? claim.visit.serviceDate;
  return { admissionDate, dischargeDate, year: Number(dischargeDate.slice(0, 4)) };
}

/**
 * The region whose policy pays the case: the provider's pooling region (a provider registered with a
 * district code is pooled with its city), else its region, else the member's.
 */
export const paymentRegion = (claim: ClaimSettledPayload): string =>
  claim.provider?.poolingRegion ?? claim.provider?.region ?? claim.region;

/** The grouper's case, built from what the claim carries; undefined when it lacks the clinical data. */
export function drgCaseOf(claim: ClaimSettledPayload): DrgCase | undefined {
  if (!claim.patient || !claim.diagnoses) return undefined;
  return {
    id: `${claim.claim.providerCode}/${claim.claim.claimNo}`,
    sex: claim.patient.sex,
    ageYears: claim.patient.ageYears,
    ageDays: claim.patient.ageDays,
    birthWeightGrams: claim.patient.birthWeightGrams,
    principalDiagnosis: claim.diagnoses.principal,
    secondaryDiagnoses: claim.diagnoses.secondary,
    procedures: claim.procedures ?? [],
    ventilationHours: claim.inpatient?.ventilationHours,
    lengthOfStayDays: claim.inpatient?.lengthOfStayDays,
    dischargeStatus: claim.inpatient?.dischargeStatus,
  };
}

export function settleCase(grouper: Grouper, policy: DrgPolicy, claim: ClaimSettledPayload): SettledCase {
  const { admissionDate, dischargeDate, year } = stayDates(claim);
  const drgCase = drgCaseOf(claim);
  const grouping: GroupResult = drgCase
    ? grouper.group(drgCase, { qy: policy.qy, codes: policy.codes })
    : missingClinicalData(grouper, claim);

  // A bill too large to carry its lines carries their amounts by category instead (events/claims.ts).
  const byCategory = claim.lines
    ? claim.lines.map((l) => [l.category, l.amountFen] as const)
    : Object.entries(claim.amountsByCategory ?? {});
  const tcmFen = byCategory.reduce((sum, [category, fen]) => (policy.tcmCategories.has(category) ? sum + fen : sum), 0);
  const points = casePoints(policy, {
    drg: grouping.drg,
    outcome: grouping.outcome,
    mdc: grouping.mdc,
    adrg: grouping.adrg,
    costFen: claim.totals.billedFen,
    tcmFen,
    providerCode: claim.provider?.code ?? claim.claim.providerCode,
    providerLevel: claim.provider?.level,
    bedDays: claim.inpatient?.bedDays ?? claim.visit.bedDay?.days,
    programme: claim.visit.bedDay?.programme,
    department: claim.visit.department,
  });

  return {
    providerCode: claim.claim.providerCode,
    claimNo: claim.claim.claimNo,
    memberId: claim.memberId,
    region: paymentRegion(claim),
    year,
    admissionDate,
    dischargeDate,
    grouping,
    points,
    admission: {
      providerCode: claim.claim.providerCode,
      claimNo: claim.claim.claimNo,
      drg: grouping.drg,
      admissionDate,
      dischargeDate,
      centipoints: points.centipoints,
      drgPaid: grouping.outcome !== 'ungroupable' && points.pricing !== 'bed-day' && points.pricing !== 'cost-based',
    },
  };
}

/** The readmission cuts between this case and the member's other admissions to the same DRG. */
export function cutsFor(policy: DrgPolicy, settled: SettledCase, others: readonly Admission[]): ReadmissionCut[] {
  return readmissionCuts(policy, settled.admission, others);
}

function missingClinicalData(grouper: Grouper, claim: ClaimSettledPayload): GroupResult {
  const missing = [!claim.patient && 'patient sex and age', !claim.diagnoses && 'diagnoses'].filter(Boolean).join(' and ');
  const trace: TraceEntry[] = [{ step: 'codes', note: `the settled claim carries no ${missing}: nothing to group` }];
  return {
    id: `${claim.claim.providerCode}/${claim.claim.claimNo}`,
    version: grouper.version,
    mdc: null,
    adrg: null,
    drg: UNGROUPABLE,
    ccLevel: null,
    outcome: 'ungroupable',
    trace,
  };
}
