/**
 * A member as of a date, for settlement (and the eligibility route): one consistent Query of the
 * member's partition, then the pure `memberStateFrom` (state.ts), which tests can call on items
 * they build themselves.
 *
 *   const state = await loadMemberState('M0123456789ABCDEF', '2025-03-14');
 *   if (!state) → no such member (404)
 *   state.enrolment?.status === 'active' → covered that day, by state.enrolment.region's policy
 *   state.enrolment?.status === 'suspended' → an employee's benefits suspended by arrears (state.enrolment.coverage says why)
 *   state.categories.map((c) => c.code) → e.g. ['dibao'] for the assistance layers
 *   state.outOfArea → registrations (异地就医备案) holding that day
 *   state.employment?.status === 'retired' → a retiree (退休)
 *
 * An employee with an employment status is covered as the monthly contributions say, by the terms
 * of the region's contribution policy for the year (read here through the registry, only then).
 *
 * The caller needs read access to the members and policies tables (the topology grants them to
 * adjudication and enrolment).
 */
import { readMemberItems } from './members.ts';
import type { CoverageTerms } from '../../employers/coverage.ts';
import { coverageTermsOf } from '../../employers/year.ts';
import type { MemberItems } from '../items.ts';
import { yearOf } from '../periods.ts';
import { memberStateFrom, type CoverageTermsLookup, type MemberState } from '../state.ts';
import { enrolmentKind } from '../../policy/enrolment.ts';
import { policies } from '../../policy/store/registry.ts';

export { memberStateFrom, enrolmentOn, type MemberState, type EnrolmentOnDate } from '../state.ts';

/**
 * The employee terms (`memberStateFrom`'s third argument) of the policies of the date's year that
 * an employment status could touch; read through the registry only when the member has one.
 */
export async function employeeTermsFor(items: MemberItems, onDate: string): Promise<CoverageTermsLookup> {
  const terms = new Map<string, CoverageTerms>();
  const lookup: CoverageTermsLookup = (region, year) => terms.get(`${region}#${year}`);
  if ((items.employment ?? []).length === 0) return lookup;
  const year = yearOf(onDate);
  const regions = new Set(items.enrolments.filter((e) => e.year === year && e.scheme === 'employee').map((e) => e.region));
  await Promise.all(
    [...regions].map(async (region) => {
      const monthly = (await policies.forYear(enrolmentKind, region, year, onDate))?.employee.monthly;
      if (monthly) terms.set(`${region}#${year}`, coverageTermsOf(monthly));
    }),
  );
  return lookup;
}

/** @param onDate yyyy-mm-dd in the agency's calendar (the date of care). */
export async function loadMemberState(memberId: string, onDate: string): Promise<MemberState | undefined> {
  const items = await readMemberItems(memberId, { registerBookkeeping: false });
  return memberStateFrom(items, onDate, await employeeTermsFor(items, onDate));
}
