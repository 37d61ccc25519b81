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
import type { PaymentMethod, SettlementPolicy } from './policy.ts';

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

/**
 * A provider's totals for one month (the projection's item, less its keys). DRG points keep the
 * names they had before DIP (centipoints, cases); DIP's are apart, so a region-year pays by one
 * method's points only. A stay (inpatient or bed-day) whose case of a method counts is that
 * method's pointed stay: its fund payment is paid by points where the region-year pays by that
 * method, and by items otherwise.
 */
export interface MonthTotals {
  month: string;
  centipoints: number;
  cases: number;
  claims: number;
  fundPaidFen: Fen;
  inpatientFundPaidFen: Fen;
  /** Settled stays (inpatient and per bed-day). */
  stays: number;
  drgPointedStays: number;
  drgPointedFundPaidFen: Fen;
  dipCentipoints: number;
  dipCases: number;
  dipPointedStays: number;
  dipPointedFundPaidFen: Fen;
  /** Of each method's points, those of per-bed-day stays (the bed-day standard turned into points by the cost ratio). */
  bedDayCentipoints: number;
  dipBedDayCentipoints: number;
}

export const emptyMonth = (month: string): MonthTotals => ({
  month,
  centipoints: 0,
  cases: 0,
  claims: 0,
  fundPaidFen: 0,
  inpatientFundPaidFen: 0,
  stays: 0,
  drgPointedStays: 0,
  drgPointedFundPaidFen: 0,
  dipCentipoints: 0,
  dipCases: 0,
  dipPointedStays: 0,
  dipPointedFundPaidFen: 0,
  bedDayCentipoints: 0,
  dipBedDayCentipoints: 0,
});

/** Sums months into a year (or any span). */
export function sumMonths(months: readonly MonthTotals[], label: string): MonthTotals {
  const total = emptyMonth(label);
  for (const m of months)
    for (const [name, value] of Object.entries(m))
      if (name !== 'month') (total as unknown as Record<string, number>)[name]! += value as number;
  return total;
}

/** What the year-end pays by points under a method: the points, the cases, and the stays they pay. */
export function pointsOf(
  t: MonthTotals,
  method: PaymentMethod,
): { centipoints: number; cases: number; pointedStays: number; pointedFundPaidFen: Fen } {
  if (method === 'drg')
    return { centipoints: t.centipoints, cases: t.cases, pointedStays: t.drgPointedStays, pointedFundPaidFen: t.drgPointedFundPaidFen };
  if (method === 'dip')
    return {
      centipoints: t.dipCentipoints,
      cases: t.dipCases,
      pointedStays: t.dipPointedStays,
      pointedFundPaidFen: t.dipPointedFundPaidFen,
    };
  return { centipoints: 0, cases: 0, pointedStays: 0, pointedFundPaidFen: 0 };
}

/** Of the points the year-end pays under a method, those of per-bed-day stays (0 where it pays by items). */
export const bedDayPointsOf = (t: MonthTotals, method: PaymentMethod): number =>
  method === 'drg' ? t.bedDayCentipoints : method === 'dip' ? t.dipBedDayCentipoints : 0;
