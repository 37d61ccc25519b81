/**
 * Whether an employee is covered on a date, from what was paid (职工医保待遇享受), pure.
 *
 * Retirees (退休) pay nothing and stay covered. Anyone else counts within a stretch of employment
 * (consecutive in-service and flexible periods: a change of employer does not break it):
 *
 *  - before any month of the stretch up to the date is paid: not yet covered (pending-contribution);
 *  - each month is due by the last day of the `graceMonths`-th month after it (its deadline); a
 *    month unpaid when its deadline has passed is overdue (欠费), and while any month is overdue
 *    benefits are suspended (暂停待遇): with a grace of 3 months, May unpaid suspends from 1 September;
 *  - a month paid after its deadline is a back-payment (补缴). Where the policy restores the gap
 *    (`restoresGapMonths`, 待遇追溯), care on a day that was suspended is covered once every month
 *    overdue that day has been paid. Where it does not, such a day stays uncovered, and benefits
 *    resume on the day of the back-payment, or on the first day of the `waitingMonths`-th month
 *    after it (待遇等待期).
 *
 * The answer is the agency's view now of a date: what was overdue on that date is read from the
 * payment dates, so a claim for a suspended day can be settled once the arrears are back-paid,
 * where the policy allows.
 */
import type { EmploymentItem, MonthlyContributionItem } from './items.ts';
import { paymentDeadline } from './monthly.ts';
import { addMonths, firstDayOf, monthOf, monthsFrom, spanText, type Month } from './months.ts';

export interface CoverageTerms {
  graceMonths: number;
  restoresGapMonths: boolean;
  waitingMonths: number;
}

export type Coverage =
  | { status: 'covered'; basis: 'retired' | 'paid' | 'grace' | 'back-paid'; message: string }
  | {
      status: 'suspended';
      rule: 'arrears' | 'gap_not_restored' | 'waiting_after_back_payment';
      message: string;
      /** The months overdue on the date (or the back-paid month a waiting period follows). */
      arrearsMonths: Month[];
      /** When benefits resume, where that is already known (waiting after a back-payment). */
      resumesOn?: string | undefined;
    }
  | { status: 'pending-contribution'; rule: 'no_month_paid'; message: string };

type Period = Pick<EmploymentItem, 'status' | 'validFrom' | 'validTo'>;
type Paid = Pick<MonthlyContributionItem, 'month' | 'paidOn' | 'contributionKind'>;

/** The employment period holding on a date (the latest one that began by then and has not ended). */
export function employmentOn<P extends Period>(periods: readonly P[], onDate: string): P | undefined {
  return [...periods]
    .filter((p) => p.validFrom <= onDate && (p.validTo === undefined || onDate <= p.validTo))
    .sort((a, b) => b.validFrom.localeCompare(a.validFrom))[0];
}

/** The first day of the stretch of contributory periods (in-service, flexible) that holds the given one. */
function stretchStart(periods: readonly Period[], current: Period): string {
  const sorted = [...periods].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  let start = current.validFrom;
  for (let i = sorted.indexOf(current as never) - 1; i >= 0; i--) {
    const p = sorted[i]!;
    if (p.status === 'retired' || p.validTo === undefined || addDay(p.validTo) !== start) break;
    start = p.validFrom;
  }
  return start;
}

function addDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * @param periods the member's employment periods; @param paid the member's months; @returns
 * undefined when no employment period holds on the date (coverage is then the enrolment's alone).
 */
export function coverageOn(periods: readonly Period[], paid: readonly Paid[], terms: CoverageTerms, onDate: string): Coverage | undefined {
  const period = employmentOn(periods, onDate);
  if (!period) return undefined;
  if (period.status === 'retired') {
    return { status: 'covered', basis: 'retired', message: 'retired (退休): covered without contributions' };
  }
  const month = monthOf(onDate);
  const byMonth = new Map(paid.map((p) => [p.month, p]));
  const from = monthOf(stretchStart(periods, period));
  const months = monthsFrom(from, month);
  if (!months.some((m) => byMonth.has(m))) {
    return {
      status: 'pending-contribution',
      rule: 'no_month_paid',
      message: `no contribution is paid yet for ${month} or any month before it since ${from}: not yet covered`,
    };
  }
  const grace = terms.graceMonths;
  const deadline = (m: Month) => paymentDeadline(m, grace);
  // Overdue on the date: past its deadline and not paid by then.
  const overdue = months.filter((m) => deadline(m) < onDate && !((byMonth.get(m)?.paidOn ?? '9999-12-31') <= onDate));
  if (overdue.length > 0) {
    const unpaid = overdue.filter((m) => !byMonth.has(m));
    if (unpaid.length > 0) {
      return {
        status: 'suspended',
        rule: 'arrears',
        message: `contributions for ${spanText(unpaid)} are overdue (due by ${deadline(unpaid[0]!)}, ${grace} months' grace): benefits are suspended until they are paid`,
        arrearsMonths: unpaid,
      };
    }
    const clearedOn = overdue
      .map((m) => byMonth.get(m)!.paidOn)
      .sort()
      .at(-1)!;
    if (!terms.restoresGapMonths) {
      return {
        status: 'suspended',
        rule: 'gap_not_restored',
        message: `on ${onDate} contributions for ${spanText(overdue)} were overdue; they were back-paid on ${clearedOn}, but the policy does not cover care while benefits were suspended`,
        arrearsMonths: overdue,
      };
    }
    return {
      status: 'covered',
      basis: 'back-paid',
      message: `the contributions overdue on ${onDate} (${spanText(overdue)}) were back-paid on ${clearedOn}; the policy restores the gap`,
    };
  }
  if (!terms.restoresGapMonths) {
    // A back-payment made by the date opens a waiting period before benefits resume.
    for (const m of months) {
      const record = byMonth.get(m);
      if (record?.contributionKind !== 'back-payment' || record.paidOn > onDate) continue;
      const resumesOn = terms.waitingMonths === 0 ? record.paidOn : firstDayOf(addMonths(monthOf(record.paidOn), terms.waitingMonths));
      if (onDate < resumesOn) {
        return {
          status: 'suspended',
          rule: 'waiting_after_back_payment',
          message: `${m} was back-paid on ${record.paidOn}; benefits resume on ${resumesOn} (${terms.waitingMonths} month waiting period)`,
          arrearsMonths: [m],
          resumesOn,
        };
      }
    }
  }
  if (!byMonth.has(month)) {
    return {
      status: 'covered',
      basis: 'grace',
      message: `${month} is not yet paid, within its ${grace}-month grace period (due by ${deadline(month)})`,
    };
  }
  return { status: 'covered', basis: 'paid', message: `${month} is paid` };
}
