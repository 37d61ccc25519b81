import { httpApi } from '../../shared/http/api.ts';
import { pendingRoutes } from '../../shared/http/pending.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { auditTrailRoute } from './audit-trail.ts';

const logger = createLogger('regulator-api');

export const handler = httpApi(logger, {
  ...pendingRoutes([
    'GET /v1/alerts', 'GET /v1/alerts/{alertId}', 'POST /v1/alerts/{alertId}/transitions',
    'GET /v1/subscriptions', 'POST /v1/subscriptions', 'DELETE /v1/subscriptions/{subscriptionId}',
  ], 'issue #6 (fraud alerts)'),
  'GET /v1/audit/{correlationId}': auditTrailRoute,
});
