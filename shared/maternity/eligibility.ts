/**
 * Maternity eligibility (生育保险待遇资格), pure: is a member entitled to maternity benefits for a
 * delivery on a date, by the region's policy? Employees and residents are judged apart:
 *
 * - an employee by the months of contribution (职工医保缴费, shared/employers) paid before the delivery:
 *   `consecutive` — the N months just before it are all paid; `cumulative` — at least N paid within
 *   the look-back window. Whether the delivery month counts is the policy's; a month paid after the
 *   delivery date (补缴 after the fact) counts only where the policy says so;
 * - a resident by being covered on the delivery date.
 *
 * A refusal names the policy rule (`eligibility.employee.minContributionMonths`), the months the
 * window held and the ones it lacked, so the clerk can tell the member what is missing.
 */
import { addMonths, monthOf, monthsFrom, spanText, type Month } from '../employers/months.ts';
import type { MaternityPolicy, MaternityScheme } from './policy.ts';

export interface PaidMonth {
  month: Month;
  /** When it was paid (a month paid after the delivery may not count). */
  paidOn: string;
}

export interface EligibilityInput {
  scheme: MaternityScheme;
  deliveryDate: string;
  /** The member's enrolment covers the delivery date (enrolled, contribution paid, not suspended). */
  coveredOnDeliveryDate: boolean;
  /** The employee months recorded for the member (ignored for a resident). */
  months: readonly PaidMonth[];
}

export interface Eligibility {
  eligible: boolean;
  scheme: MaternityScheme;
  /** The policy rule that decided, as a path into the document. */
  rule: string;
  /** The policy version that decided: maternity/<region>/<year> v<n>. */
  policy: string;
  /** Employees: the window counted, the months in it that count, those missing, and how many were needed. */
  window?: { from: Month; to: Month };
  monthsCounted?: number;
  required?: number;
  missing?: Month[];
  /** A month paid only after the delivery, which the policy does not count. */
  paidAfterDelivery?: Month[];
  text: string;
}

export const policyRef = (p: Pick<MaternityPolicy, 'region' | 'year' | 'version'>): string =>
  `maternity/${p.region}/${p.year} v${p.version}`;

export function maternityEligibility(policy: MaternityPolicy, input: EligibilityInput): Eligibility {
  const ref = policyRef(policy);
  if (input.scheme === 'resident') {
    const rule = 'eligibility.resident.coveredOnDeliveryDate';
    return input.coveredOnDeliveryDate
      ? { eligible: true, scheme: 'resident', rule, policy: ref, text: `a resident covered on the delivery date ${input.deliveryDate}` }
      : {
          eligible: false,
          scheme: 'resident',
          rule,
          policy: ref,
          text: `the member's resident enrolment does not cover the delivery date ${input.deliveryDate} (${rule}, ${ref})`,
        };
  }
  const terms = policy.eligibility.employee;
  const rule = 'eligibility.employee.minContributionMonths';
  const deliveryMonth = monthOf(input.deliveryDate);
  const to = terms.countDeliveryMonth ? deliveryMonth : addMonths(deliveryMonth, -1);
  const span = terms.counting === 'consecutive' ? terms.minContributionMonths : (terms.lookbackMonths ?? terms.minContributionMonths);
  const from = addMonths(to, -(span - 1));
  const window = span > 0 ? monthsFrom(from, to) : [];
  const byMonth = new Map(input.months.map((m) => [m.month, m]));
  const counts = (m: Month) => {
    const paid = byMonth.get(m);
    return paid !== undefined && (terms.countMonthsPaidAfterDelivery || paid.paidOn <= input.deliveryDate);
  };
  const paidAfterDelivery = window.filter((m) => byMonth.has(m) && !counts(m));
  const missing = window.filter((m) => !counts(m));
  const counted = window.length - missing.length;
  const required = terms.minContributionMonths;
  const eligible = input.coveredOnDeliveryDate && counted >= required;
  const windowText = window.length ? `${spanText(window)} (${terms.counting})` : 'no months';
  const base = {
    scheme: 'employee' as const,
    policy: ref,
    window: { from, to },
    monthsCounted: counted,
    required,
    missing,
    ...(paidAfterDelivery.length ? { paidAfterDelivery } : {}),
  };
  if (!input.coveredOnDeliveryDate) {
    return {
      ...base,
      eligible: false,
      rule: 'eligibility.employee.coveredOnDeliveryDate',
      text: `the member's employee cover does not hold on the delivery date ${input.deliveryDate} (suspended or not enrolled; ${ref})`,
    };
  }
  if (eligible) {
    return { ...base, eligible: true, rule, text: `${counted} of the ${required} months needed paid in ${windowText} before the delivery` };
  }
  const late = paidAfterDelivery.length ? `; ${paidAfterDelivery.join(', ')} paid only after the delivery, which does not count` : '';
  return {
    ...base,
    eligible: false,
    rule,
    text:
      `contributions short: ${counted} of the ${required} months needed paid in ${windowText} before the delivery on ${input.deliveryDate}` +
      ` (${rule}, ${ref}); missing ${missing.join(', ')}${late}`,
  };
}
