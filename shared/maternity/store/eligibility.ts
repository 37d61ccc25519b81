/**
 * Eligibility as the stores hold it: the member's partition (enrolment, employment, paid months) and
 * the maternity policy in force on the day, through the one pure rule (../eligibility.ts). Used by
 * settlement (a delivery or antenatal bill) and by the maternity function (the clerk's check, the
 * allowance), so both judge a member the same way.
 */
import type { MemberItems } from '../../enrolment/items.ts';
import { memberStateFrom, type MemberState } from '../../enrolment/state.ts';
import { employeeTermsFor } from '../../enrolment/store/member-state.ts';
import { readMemberItems } from '../../enrolment/store/members.ts';
import { maternityKind } from '../../policy/maternity.ts';
import { policies } from '../../policy/store/registry.ts';
import { maternityEligibility, type Eligibility } from '../eligibility.ts';
import type { MaternityPolicy } from '../policy.ts';

export interface EligibilityRead {
  items: MemberItems;
  /** The member as covered on the day (undefined: not in the register). */
  state: MemberState | undefined;
  policy: MaternityPolicy | undefined;
  /** Undefined when the member has no enrolment on the day or no policy is in force. */
  eligibility: Eligibility | undefined;
}

/** `scheme`/`region`: the enrolment the claim was settled under (settlement passes it); else the one on the day. */
export async function readEligibility(
  memberId: string,
  date: string,
  enrolled?: { region: string; scheme: 'employee' | 'resident' },
): Promise<EligibilityRead> {
  const items = await readMemberItems(memberId);
  const state = memberStateFrom(items, date, await employeeTermsFor(items, date));
  const enrolment = enrolled ?? (state?.enrolment ? { region: state.enrolment.region, scheme: state.enrolment.scheme } : undefined);
  if (!enrolment) return { items, state, policy: undefined, eligibility: undefined };
  const policy = await policies.inForce(maternityKind, { region: enrolment.region, year: Number(date.slice(0, 4)) }, date);
  if (!policy) return { items, state, policy, eligibility: undefined };
  const covered = state?.enrolment?.status === 'active' && state.enrolment.scheme === enrolment.scheme;
  const eligibility = maternityEligibility(policy, {
    scheme: enrolment.scheme,
    deliveryDate: date,
    coveredOnDeliveryDate: covered,
    months: (items.months ?? []).map((m) => ({ month: m.month, paidOn: m.paidOn })),
  });
  return { items, state, policy, eligibility };
}
