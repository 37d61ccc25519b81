/**
 * GET /v1/members/{memberId}/eligibility?date=: what a hospital asks at admission. Is the member
 * covered on that date, under which scheme and region, in which assistance categories, registered
 * out of area where, and how much of the year's layers is already used (the year-to-date
 * accumulators settlement keeps)?
 */
import { requireRole } from '../../../shared/auth/principal.ts';
import type { RouteHandler } from '../../../shared/http/api.ts';
import { readYearAccumulator } from '../../../shared/accumulators/store/year-accumulator.ts';
import { ageOn } from '../../../shared/enrolment/id-number.ts';
import { loadMemberState } from '../../../shared/enrolment/store/member-state.ts';
import { yearOf } from '../../../shared/enrolment/periods.ts';
import { requireRegionVisible } from '../access.ts';
import { eligibilityQuery, memberParams } from '../schemas.ts';
import { clockNow, memberNotFound, toHttpError } from '../services/common.ts';

export const eligibilityRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'provider', 'staff', 'regulator');
  const { memberId } = request.params(memberParams);
  const date = request.query(eligibilityQuery).date ?? clockNow().today;
  const [state, accumulator] = await Promise.all([loadMemberState(memberId, date), readYearAccumulator(memberId, yearOf(date))]);
  if (!state) throw toHttpError(memberNotFound(memberId));
  requireRegionVisible(principal, [state.enrolment?.region]);
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
      accumulators: { year: accumulator.year, version: accumulator.version, counters: accumulator.counters },
    },
  };
};
