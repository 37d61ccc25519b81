import { httpApi } from '../../shared/http/api.ts';
import { pendingRoutes } from '../../shared/http/pending.ts';
import { createLogger } from '../../shared/runtime/logger.ts';

const logger = createLogger('enrolment');

export const handler = httpApi(logger, pendingRoutes([
  'POST /v1/members', 'GET /v1/members', 'POST /v1/members/bulk', 'GET /v1/members/{memberId}',
  'GET /v1/members/{memberId}/eligibility', 'POST /v1/members/{memberId}/contributions',
  'POST /v1/members/{memberId}/categories', 'POST /v1/members/{memberId}/transfers',
  'POST /v1/members/{memberId}/out-of-area',
], 'issue #3 (enrolment)'));
