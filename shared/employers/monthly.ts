/**
 * One month's contribution of one employee (职工医保月缴费), pure, in integer fen:
 *
 *   wage base   the declared wage held between the policy's floor and ceiling (缴费基数上下限)
 *   individual  base × individual rate                       (个人缴费, withheld from the wage)
 *   employer    base × employer rate                         (单位缴费), in service;
 *               base × flexible rate − individual            a flexible worker (灵活就业) pays both parts
 *                                                            himself: the whole rate, split so the parts add up
 *
 * Each product is rounded once, half up (shared/money/fen.ts); a flexible worker's employer part is
 * what remains of the whole, so the two parts are exactly what he paid.
 *
 * A month is paid in time when it is paid by the last day of the policy's grace months after it;
 * later it is a back-payment (补缴), which restores benefits as the policy says (coverage.ts).
 */
import type { EmployeeContributionKind } from '../../events/employers.ts';
import { applyRatio, type Fen } from '../money/fen.ts';
import type { ContributionPolicy } from '../enrolment/policy.ts';
import { addMonths, lastDayOf, type Month } from './months.ts';

export interface MonthShares {
  wageBaseFen: Fen;
  employerFen: Fen;
  individualFen: Fen;
}

export function monthShares(
  employee: ContributionPolicy['employee'],
  status: 'in-service' | 'flexible',
  declaredWageFen: Fen,
): MonthShares {
  const wageBaseFen = Math.min(Math.max(declaredWageFen, employee.monthlyBaseFloor.value), employee.monthlyBaseCeiling.value);
  const individualFen = applyRatio(wageBaseFen, employee.individualRate.value);
  const employerFen =
    status === 'in-service'
      ? applyRatio(wageBaseFen, employee.employerRate.value)
      : applyRatio(wageBaseFen, employee.flexibleRate.value) - individualFen;
  return { wageBaseFen, employerFen, individualFen };
}

/** The last day a month can be paid in time: the end of the grace months after it. */
export const paymentDeadline = (month: Month, graceMonths: number): string => lastDayOf(addMonths(month, graceMonths));

/** monthly / flexible when paid by the deadline, back-payment after it. */
export function contributionKindOf(
  month: Month,
  paidOn: string,
  graceMonths: number,
  status: 'in-service' | 'flexible',
): EmployeeContributionKind {
  if (paidOn > paymentDeadline(month, graceMonths)) return 'back-payment';
  return status === 'flexible' ? 'flexible' : 'monthly';
}
