import { createLogger } from '../../shared/runtime/logger.ts';
import { eventConsumer } from '../../shared/queue/consumer.ts';
import { FraudAlertRaised, fraudAlertPayload } from '../../events/fraud.ts';
import { queues } from '../../infra/topology.ts';
import { backoffSeconds } from '../../shared/fraud/delivery.ts';
import { markDeliveryState } from '../../shared/fraud/store/delivery.ts';
import { deliverAlert } from './deliver.ts';
import { retryAfter } from './retry.ts';
import { DEFAULT_TIMEOUT_MS, postWebhook } from './webhook.ts';

const logger = createLogger('alert-delivery');

/** The events the alertDelivery queue's consumer accepts (test/stack/rules.test.ts ties them to the bus rules). */
export const ACCEPTED_EVENTS = [FraudAlertRaised] as const;
const post = postWebhook(Number(process.env.WEBHOOK_TIMEOUT_MS ?? DEFAULT_TIMEOUT_MS));

/** The attempt on which a still-failing delivery goes to the dead-letter queue. */
const LAST_ATTEMPT = queues.alertDelivery.maxReceiveCount;

export class DeliveryFailedError extends Error {
  override name = 'DeliveryFailedError';
}

/**
 * Delivers each raised alert to the regulators' webhooks that subscribed to it. A delivery that
 * fails is retried with the message (see shared/fraud/delivery.ts): backoff between receives, the
 * dead-letter queue after the last.
 */
export const handler = eventConsumer(logger, ACCEPTED_EVENTS, async ({ detail }, { record }) => {
  const alert = fraudAlertPayload.parse(detail);
  const receive = Number(record.attributes.ApproximateReceiveCount) || 1;
  const outcome = await deliverAlert(alert, { post, now: () => new Date() });
  logger.info('Alert delivery', {
    alertId: alert.alertId,
    receive,
    delivered: outcome.delivered,
    failed: outcome.failed.map((f) => f.subscriptionId),
    alreadyDelivered: outcome.alreadyDelivered.length,
  });
  if (outcome.failed.length === 0) return;

  if (receive >= LAST_ATTEMPT) {
    await Promise.all(outcome.failed.map((f) => markDeliveryState(alert.alertId, f.subscriptionId, { state: 'dead-lettered' })));
    // Back at once, so SQS moves it to the dead-letter queue on the next receive rather than after the timeout.
    await retryAfter(record, 0);
    throw new DeliveryFailedError(
      `Alert ${alert.alertId}: last attempt failed for ${outcome.failed.length} subscription(s); dead-lettering`,
    );
  }
  const delay = backoffSeconds(receive);
  const nextAttemptAt = new Date(Date.now() + delay * 1000).toISOString();
  await Promise.all(outcome.failed.map((f) => markDeliveryState(alert.alertId, f.subscriptionId, { state: 'failing', nextAttemptAt })));
  await retryAfter(record, delay);
  throw new DeliveryFailedError(`Alert ${alert.alertId}: ${outcome.failed.length} subscription(s) failed; retry in ${delay} s`);
});
