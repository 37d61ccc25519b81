/**
 * A member as of a date, for settlement (and the eligibility route): one consistent Query of the
 * member's partition, then the pure `memberStateFrom` (state.ts), which tests can call on items
 * they build themselves.
 *
 *   const state = await loadMemberState('M0123456789ABCDEF', '2025-03-14');
 *   if (!state) → no such member (404)
 *   state.enrolment?.status === 'active' → covered that day, by state.enrolment.region's policy
 *   state.categories.map((c) => c.code) → e.g. ['dibao'] for the assistance layers
 *   state.outOfArea → registrations (异地就医备案) holding that day
 *
 * The caller needs read access to the members table (the topology grants it to adjudication).
 */
import { readMemberItems } from './members.ts';
import { memberStateFrom, type MemberState } from '../state.ts';

export { memberStateFrom, enrolmentOn, type MemberState, type EnrolmentOnDate } from '../state.ts';

/** @param onDate yyyy-mm-dd in the agency's calendar (the date of care). */
export async function loadMemberState(memberId: string, onDate: string): Promise<MemberState | undefined> {
  return memberStateFrom(await readMemberItems(memberId), onDate);
}
