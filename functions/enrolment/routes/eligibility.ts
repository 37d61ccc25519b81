/**
 * GET /v1/members/{memberId}/eligibility?date=: what a hospital asks at admission. Is the member
 * covered on that date, under which scheme and region, in which assistance categories, registered
 * out of area where, and how much of the year's layers is already used (the year-to-date
 * accumulators settlement keeps; for a member of a household, also the household's year, which the
 * family self-pay cap counts)?
 */
import { requireRole } from '../../../shared/auth/principal.ts';
import type { RouteHandler } from '../../../shared/http/api.ts';
import { readHouseholdAccumulator, readYearAccumulator } from '../../../shared/accumulators/store/year-accumulator.ts';
import { householdOn } from '../../../shared/households/household.ts';
import { memberStateFrom } from '../../../shared/enrolment/state.ts';
import { employeeTermsFor } from '../../../shared/enrolment/store/member-state.ts';
import { readMemberItems } from '../../../shared/enrolment/store/members.ts';
import { ageOn } from '../../../shared/enrolment/id-number.ts';
import { yearOf } from '../../../shared/enrolment/periods.ts';
import { requireRegionVisible } from '../access.ts';
import { eligibilityQuery, memberParams } from '../schemas.ts';
import { clockNow, memberNotFound, toHttpError } from '../services/common.ts';

export const eligibilityRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'provider', 'staff', 'regulator');
  const { memberId } = request.params(memberParams);
  const date = request.query(eligibilityQuery).date ?? clockNow().today;
  const [items, accumulator] = await Promise.all([readMemberItems(memberId), readYearAccumulator(memberId, yearOf(date))]);
  // An employee's cover follows the monthly contributions, by the terms of the region's policy.
  const state = memberStateFrom(items, date, await employeeTermsFor(items, date));
  if (!state) throw toHttpError(memberNotFound(memberId));
  const householdId = householdOn(items.registers, date);
  const household = householdId ? await readHouseholdAccumulator(householdId, yearOf(date)) : undefined;
  requireRegionVisible(principal, [state.enrolment?.region], () => toHttpError(memberNotFound(memberId)));
  const status = state.enrolment?.status;
  return {
    statusCode: 200,
    body: {
      memberId,
      maskedId: state.member.maskedId,
      sex: state.member.sex,
      birthDate: state.member.birthDate,
      ageYears: Math.max(0, ageOn(state.member.birthDate, date)),
      date,
      eligible: status === 'active',
      reason: status ?? 'not-enrolled',
      enrolment: state.enrolment,
      categories: state.categories,
      outOfArea: state.outOfArea,
      ...(state.employment ? { employment: state.employment } : {}),
      accumulators: { year: accumulator.year, version: accumulator.version, counters: accumulator.counters },
      household: household
        ? {
            householdId: household.householdId,
            accumulators: { year: household.year, version: household.version, counters: household.counters },
          }
        : null,
    },
  };
};
