import { httpApi } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { bulkRoute } from './routes/bulk.ts';
import { categoryRoute, contributionRoute, outOfAreaRoute, transferRoute } from './routes/changes.ts';
import { eligibilityRoute } from './routes/eligibility.ts';
import { enrolRoute, listRoute, lookupRoute, memberRoute } from './routes/members.ts';

const logger = createLogger('enrolment');

/**
 * Enrolment (参保登记): members, enrolments per insurance year, contributions, assistance
 * categories, transfers, out-of-area registrations and eligibility. The rules live in
 * shared/enrolment (pure); the routes parse, check the caller's role, and call them.
 */
export const handler = httpApi(logger, 'enrolment', {
  'POST /v1/members': enrolRoute,
  'GET /v1/members': listRoute,
  'POST /v1/members/lookup': lookupRoute,
  'POST /v1/members/bulk': bulkRoute,
  'GET /v1/members/{memberId}': memberRoute,
  'GET /v1/members/{memberId}/eligibility': eligibilityRoute,
  'POST /v1/members/{memberId}/contributions': contributionRoute,
  'POST /v1/members/{memberId}/categories': categoryRoute,
  'POST /v1/members/{memberId}/transfers': transferRoute,
  'POST /v1/members/{memberId}/out-of-area': outOfAreaRoute,
});
