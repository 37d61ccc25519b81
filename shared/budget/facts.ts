/**
 * The facts prepayment and year-end need, projected from the events other capabilities publish:
 *
 *   CaseGrouped   → a provider's points for the month of discharge (+ the readmission cuts the case
 *                   made to earlier admissions, in those admissions' months)
 *   ClaimSettled  → a provider's fund payments for the month of discharge (service date when there
 *                   is none); and, when the member is capitated in a health community that year and
 *                   the claim is not excluded, that community's capitation spending
 *   ClaimReversed → the same amounts taken back, from the months they were added to
 *
 * Monthly totals are kept (not only yearly) because a points agreement advances on last month's
 * points and early warning looks at spending through a month; the year-end sums twelve items per
 * provider instead of reading every case. This file decides what each event adds; the adapter in
 * store/facts.ts makes each addition happen exactly once.
 */
import type { ClaimSettledPayload } from '../../events/claims.ts';
import type { Fen } from '../money/fen.ts';
import type { SettlementPolicy } from './policy.ts';

/** The date a claim is accounted by (按出院时间): discharge, else service. */
export const accountingDate = (visit: ClaimSettledPayload['visit']): string => visit.dischargeDate ?? visit.serviceDate;

/**
 * What the pooled fund paid on a claim: the basic-insurance layer (统筹基金) when the claim breaks
 * its payment down by layer; otherwise everything the fund paid. Budgets, the capitation package and
 * point payment are all the pooled fund's; catastrophic and assistance layers have their own money.
 */
export const pooledFundPaid = (totals: ClaimSettledPayload['totals']): Fen => totals.byLayer?.basic ?? totals.fundPaidFen;

/** Whether a capitated member's claim counts against the community's package, and why not. */
export function capitationExclusion(claim: Pick<ClaimSettledPayload, 'visit' | 'diagnoses'>, policy: SettlementPolicy): string | null {
  if (policy.capitation.excludedVisitTypes.has(claim.visit.type)) return `visit type ${claim.visit.type} is outside the package`;
  const principal = claim.diagnoses?.principal;
  const prefix = principal ? policy.capitation.excludedDiagnosisPrefixes.find((p) => principal.startsWith(p)) : undefined;
  if (prefix) return `principal diagnosis ${principal} (${prefix}…) is an accidental injury`;
  return null;
}

/** A provider's totals for one month (the projection's item, less its keys). */
export interface MonthTotals {
  month: string;
  centipoints: number;
  cases: number;
  claims: number;
  fundPaidFen: Fen;
  inpatientFundPaidFen: Fen;
}

export const emptyMonth = (month: string): MonthTotals => ({
  month,
  centipoints: 0,
  cases: 0,
  claims: 0,
  fundPaidFen: 0,
  inpatientFundPaidFen: 0,
});

/** Sums months into a year (or any span). */
export function sumMonths(months: readonly MonthTotals[], label: string): MonthTotals {
  return months.reduce(
    (a, m) => ({
      month: label,
      centipoints: a.centipoints + m.centipoints,
      cases: a.cases + m.cases,
      claims: a.claims + m.claims,
      fundPaidFen: a.fundPaidFen + m.fundPaidFen,
      inpatientFundPaidFen: a.inpatientFundPaidFen + m.inpatientFundPaidFen,
    }),
    emptyMonth(label),
  );
}
