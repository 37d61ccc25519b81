import { createLogger } from '../../shared/runtime/logger.ts';
import { eventBatchConsumer, type RecordMeta } from '../../shared/queue/consumer.ts';
import { regionSubscriptions, type SealedSubscription } from '../../shared/fraud/store/subscription.ts';
import { FundWarningRaised } from '../../events/budget.ts';
import { eventIdOf, type EventBridgeEnvelope } from '../../events/contract.ts';
import { FraudAlertRaised, fraudAlertPayload } from '../../events/fraud.ts';
import { queues } from '../../infra/topology.ts';
import { backoffSeconds, warningIdOf } from '../../shared/fraud/delivery.ts';
import { markDeliveryState } from '../../shared/fraud/store/delivery.ts';
import { alertNotice, deliverNotice, warningNotice } from './deliver.ts';
import { retryAfter } from './retry.ts';
import { DEFAULT_TIMEOUT_MS, postWebhook } from './webhook.ts';

const logger = createLogger('alert-delivery');

/** The events the alertDelivery queue's consumer accepts (test/stack/rules.test.ts ties them to the bus rules). */
export const ACCEPTED_EVENTS = [FraudAlertRaised, FundWarningRaised] as const;
const post = postWebhook(Number(process.env.WEBHOOK_TIMEOUT_MS ?? DEFAULT_TIMEOUT_MS));

/** The attempt on which a still-failing delivery goes to the dead-letter queue. */
const LAST_ATTEMPT = queues.alertDelivery.maxReceiveCount;

export class DeliveryFailedError extends Error {
  override name = 'DeliveryFailedError';
}

/**
 * Delivers each raised fraud alert, and each fund warning (FundWarningRaised, per scheme), to the
 * regulators' webhooks that subscribed to it. A delivery that fails is retried with the message (see
 * shared/fraud/delivery.ts): backoff between receives, the dead-letter queue after the last.
 */
async function deliverOne(
  { envelope, contract, detail }: { envelope: EventBridgeEnvelope; contract: unknown; detail: unknown },
  record: RecordMeta['record'],
  subscriptionsOf: (region: string) => Promise<SealedSubscription[]>,
): Promise<void> {
  const notice =
    contract === FundWarningRaised
      ? warningNotice(FundWarningRaised.detail.parse(detail), warningIdOf(eventIdOf(envelope)))
      : alertNotice(fraudAlertPayload.parse(detail));
  const receive = Number(record.attributes.ApproximateReceiveCount) || 1;
  const outcome = await deliverNotice(notice, { post, now: () => new Date(), subscriptionsOf });
  logger.info(notice.type === 'fund.warning.raised' ? 'Fund warning delivery' : 'Alert delivery', {
    [notice.type === 'fund.warning.raised' ? 'warningId' : 'alertId']: notice.id,
    receive,
    delivered: outcome.delivered,
    failed: outcome.failed.map((f) => f.subscriptionId),
    alreadyDelivered: outcome.alreadyDelivered.length,
  });
  if (outcome.failed.length === 0) return;

  const what = notice.type === 'fund.warning.raised' ? `Fund warning ${notice.id}` : `Alert ${notice.id}`;
  if (receive >= LAST_ATTEMPT) {
    await Promise.all(outcome.failed.map((f) => markDeliveryState(notice.partition, f.subscriptionId, { state: 'dead-lettered' })));
    // Back at once, so SQS moves it to the dead-letter queue on the next receive rather than after the timeout.
    await retryAfter(record, 0);
    throw new DeliveryFailedError(`${what}: last attempt failed for ${outcome.failed.length} subscription(s); dead-lettering`);
  }
  const delay = backoffSeconds(receive);
  const nextAttemptAt = new Date(Date.now() + delay * 1000).toISOString();
  await Promise.all(outcome.failed.map((f) => markDeliveryState(notice.partition, f.subscriptionId, { state: 'failing', nextAttemptAt })));
  await retryAfter(record, delay);
  throw new DeliveryFailedError(`${what}: ${outcome.failed.length} subscription(s) failed; retry in ${delay} s`);
}

/**
 * A batch's notices delivered side by side, each failing (and retried by SQS) on its own; a region's
 * subscriptions are read once for the batch (issue 17: a query per alert was this consumer's every request).
 */
export const handler = eventBatchConsumer(logger, ACCEPTED_EVENTS, (messages, inMessage) => {
  const read = new Map<string, Promise<SealedSubscription[]>>();
  const subscriptionsOf = (region: string) => {
    if (!read.has(region)) read.set(region, regionSubscriptions(region));
    return read.get(region)!;
  };
  return Promise.allSettled(messages.map(({ message, meta }, i) => inMessage(i, () => deliverOne(message, meta.record, subscriptionsOf))));
});
