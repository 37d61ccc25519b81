/**
 * A member's contribution year month by month (the clerk's 缴费明细), pure: for each month who was
 * to pay, what was paid and when, and what coverage the payments give (coverage.ts) on the month's
 * last day, or on `today` for the current month; months to come have no coverage yet.
 */
import type { MemberItems } from '../enrolment/items.ts';
import { coverageOn, employmentOn, type Coverage, type CoverageTerms } from './coverage.ts';
import type { MonthlyContributionItem } from './items.ts';
import { firstDayOf, lastDayOf, monthOf, monthsFrom } from './months.ts';

export interface MonthLine {
  month: string;
  payment: 'paid' | 'back-paid' | 'unpaid' | 'retired' | 'not-employed';
  contribution?: MonthlyContributionItem | undefined;
  coverage?: Coverage | undefined;
}

export interface EmployeeYear {
  months: MonthLine[];
  totals: { employerFen: number; individualFen: number; months: number };
  arrearsMonths: string[];
}

export function employeeYear(items: MemberItems, year: number, terms: CoverageTerms | undefined, today: string): EmployeeYear {
  const employment = items.employment ?? [];
  const paid = (items.months ?? []).filter((m) => m.month.startsWith(`${year}-`));
  const byMonth = new Map(paid.map((m) => [m.month, m]));
  const months = monthsFrom(`${year}-01`, `${year}-12`).map((month): MonthLine => {
    const status = employmentOn(employment, lastDayOf(month))?.status ?? employmentOn(employment, firstDayOf(month))?.status;
    const contribution = byMonth.get(month);
    const payment: MonthLine['payment'] = contribution
      ? contribution.contributionKind === 'back-payment'
        ? 'back-paid'
        : 'paid'
      : status === 'retired'
        ? 'retired'
        : status
          ? 'unpaid'
          : 'not-employed';
    const asOf = month < monthOf(today) ? lastDayOf(month) : month === monthOf(today) ? today : undefined;
    const coverage = asOf && terms ? coverageOn(employment, items.months ?? [], terms, asOf) : undefined;
    return { month, payment, ...(contribution ? { contribution } : {}), ...(coverage ? { coverage } : {}) };
  });
  return {
    months,
    totals: {
      employerFen: paid.reduce((s, m) => s + m.employerFen, 0),
      individualFen: paid.reduce((s, m) => s + m.individualFen, 0),
      months: paid.length,
    },
    arrearsMonths: months.filter((m) => m.payment === 'unpaid' && m.month <= monthOf(today)).map((m) => m.month),
  };
}

/** The employee terms of a policy's monthly section, as coverage.ts reads them. */
export const coverageTermsOf = (monthly: {
  graceMonths: { value: number };
  backPayment: { restoresGapMonths: { value: boolean }; waitingMonths: { value: number } };
}): CoverageTerms => ({
  graceMonths: monthly.graceMonths.value,
  restoresGapMonths: monthly.backPayment.restoresGapMonths.value,
  waitingMonths: monthly.backPayment.waitingMonths.value,
});
