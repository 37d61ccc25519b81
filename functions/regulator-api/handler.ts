import { httpApi } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { auditTrailRoute } from './audit-trail.ts';
import { getAlertRoute, listAlertsRoute, transitionRoute } from './alerts.ts';
import { digestRoute } from './digest.ts';
import { riskReportRoute } from './risk-report.ts';
import { createSubscriptionRoute, deleteSubscriptionRoute, listSubscriptionsRoute } from './subscriptions.ts';

const logger = createLogger('regulator-api');

/** Regulators (医保基金监管): the alert inbox, case work, subscriptions, and the audit trail. */
export const handler = httpApi(logger, 'regulatorApi', {
  listAlerts: listAlertsRoute,
  getAlert: getAlertRoute,
  getAlertDigest: digestRoute,
  transitionAlert: transitionRoute,
  listSubscriptions: listSubscriptionsRoute,
  createSubscription: createSubscriptionRoute,
  deleteSubscription: deleteSubscriptionRoute,
  getAuditTrail: auditTrailRoute,
  getRiskReport: riskReportRoute,
});
