/**
 * A settled stay (inpatient or per bed-day) as DIP sees it: the case to group and score by the
 * region's catalogue, with the dates and region its ledger entry needs. Pure: the consumer loads the
 * catalogue, this decides, the consumer records (shared/dip/store/case.ts).
 */
import type { ClaimSettledPayload } from '../../events/claims.ts';
import { paymentRegion, stayDates } from '../drg/settled-case.ts';
import type { DipPolicy } from './policy.ts';
import { scoreDipCase, type DipResult } from './score.ts';

export interface DipSettledCase {
  providerCode: string;
  claimNo: string;
  memberId: string;
  /** The pooling region whose catalogue scored it (the DRG case's region, found the same way). */
  region: string;
  year: number;
  admissionDate: string;
  dischargeDate: string;
  result: DipResult;
}

export function settleDipCase(policy: DipPolicy, claim: ClaimSettledPayload): DipSettledCase {
  const { admissionDate, dischargeDate, year } = stayDates(claim);
  const result = scoreDipCase(policy, {
    principalDiagnosis: claim.diagnoses?.principal,
    procedures: claim.procedures ?? [],
    costFen: claim.totals.billedFen,
    providerCode: claim.provider?.code ?? claim.claim.providerCode,
    providerLevel: claim.provider?.level,
    bedDays: claim.inpatient?.bedDays ?? claim.visit.bedDay?.days,
    programme: claim.visit.bedDay?.programme,
  });
  return {
    providerCode: claim.claim.providerCode,
    claimNo: claim.claim.claimNo,
    memberId: claim.memberId,
    region: paymentRegion(claim),
    year,
    admissionDate,
    dischargeDate,
    result,
  };
}
