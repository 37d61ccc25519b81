import { httpApi } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { auditTrailRoute } from './audit-trail.ts';
import { getAlertRoute, listAlertsRoute, transitionRoute } from './alerts.ts';
import { createSubscriptionRoute, deleteSubscriptionRoute, listSubscriptionsRoute } from './subscriptions.ts';

const logger = createLogger('regulator-api');

/** Regulators (医保基金监管): the alert inbox, case work, subscriptions, and the audit trail. */
export const handler = httpApi(logger, 'regulatorApi', {
  'GET /v1/alerts': listAlertsRoute,
  'GET /v1/alerts/{alertId}': getAlertRoute,
  'POST /v1/alerts/{alertId}/transitions': transitionRoute,
  'GET /v1/subscriptions': listSubscriptionsRoute,
  'POST /v1/subscriptions': createSubscriptionRoute,
  'DELETE /v1/subscriptions/{subscriptionId}': deleteSubscriptionRoute,
  'GET /v1/audit/{correlationId}': auditTrailRoute,
});
