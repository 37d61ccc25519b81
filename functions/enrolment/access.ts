/**
 * Who may do what with members:
 *  - staff: everything;
 *  - provider (a hospital or pharmacy system): look a person up by ID number and read eligibility
 *    for a date, as at admission; nothing else;
 *  - regulator: read, within its own pooling region only (a region's list, a member enrolled there,
 *    eligibility when the member's enrolment on that date is there).
 */
import { forbidden } from '../../shared/http/errors.ts';
import type { Principal } from '../../shared/auth/principal.ts';

/**
 * A regulator sees only its own region; other roles pass (their role checks come first). A record
 * addressed by its id (a member, a household, an employer) passes `missing`, the very refusal the
 * route gives when there is none, so another region's record answers exactly as a missing one and
 * the caller learns nothing; a query naming another region (a list) is a 403.
 */
export function requireRegionVisible(principal: Principal, regions: readonly (string | undefined)[], missing?: () => Error): void {
  if (principal.role !== 'regulator') return;
  if (!regions.includes(principal.region)) {
    if (missing) throw missing();
    throw forbidden(`A regulator of ${principal.region} sees members enrolled in its own region only`, {
      field: 'region',
      rule: 'regulator_region',
    });
  }
}
