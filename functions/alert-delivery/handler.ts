import { createLogger } from '../../shared/runtime/logger.ts';
import { eventConsumer } from '../../shared/queue/consumer.ts';
import { FraudAlertRaised } from '../../events/fraud.ts';

const logger = createLogger('alert-delivery');

// Accepts and validates raised alerts now; signed webhook delivery arrives with issue #6.
export const handler = eventConsumer(logger, [FraudAlertRaised], async ({ detail }) => {
  logger.info('Alert received for delivery', { alertId: detail.alertId, region: detail.region });
});
