/**
 * Delivering one notice (a fraud alert or a fund warning): every active subscription of its region
 * whose filter it passes, and that has not taken it yet, gets one signed attempt; each attempt is
 * recorded. What failed is reported back to the handler, which decides between a backoff and the
 * dead-letter queue.
 */
import type { FraudAlertPayload } from '../../events/fraud.ts';
import { type FundWarningPayload, deliveryId, delivered, warningWebhookBody, webhookBody } from '../../shared/fraud/delivery.ts';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature } from '../../shared/fraud/signing.ts';
import { type NoticeType, matchesFilter, matchesWarning } from '../../shared/fraud/subscription.ts';
import { deliveryPartition, readDeliveries, recordAttempt } from '../../shared/fraud/store/delivery.ts';
import { type SealedSubscription, regionSubscriptions, signingSecret } from '../../shared/fraud/store/subscription.ts';
import type { Post } from './webhook.ts';

export interface DeliveryOutcome {
  delivered: string[];
  failed: { subscriptionId: string; attempts: number }[];
  alreadyDelivered: string[];
}

/** What is delivered, to whom, with which body, and where its delivery records are kept. */
export interface Notice {
  /** The alert id or the fund warning id: with the subscription, the delivery id. */
  id: string;
  type: NoticeType;
  region: string;
  /** The partition its delivery states and attempts are written to. */
  partition: string;
  matches: (s: SealedSubscription) => boolean;
  body: (subscriptionId: string) => string;
}

export const alertNotice = (alert: FraudAlertPayload): Notice => ({
  id: alert.alertId,
  type: 'fraud.alert.raised',
  region: alert.region,
  partition: deliveryPartition.alert(alert.alertId),
  matches: (s) => matchesFilter(s.filter, alert),
  body: (subscriptionId) => webhookBody(alert, subscriptionId),
});

export const warningNotice = (warning: FundWarningPayload, warningId: string): Notice => ({
  id: warningId,
  type: 'fund.warning.raised',
  region: warning.region,
  partition: deliveryPartition.warning(warningId),
  matches: (s) => matchesWarning(s.filter, warning),
  body: (subscriptionId) => warningWebhookBody(warning, warningId, subscriptionId),
});

export async function deliverNotice(
  notice: Notice,
  deps: { post: Post; now: () => Date; subscriptionsOf?: (region: string) => Promise<SealedSubscription[]> },
): Promise<DeliveryOutcome> {
  const subscriptions = (await (deps.subscriptionsOf ?? regionSubscriptions)(notice.region)).filter(notice.matches);
  const states = subscriptions.length ? await readDeliveries(notice.partition) : new Map();
  const outcome: DeliveryOutcome = { delivered: [], failed: [], alreadyDelivered: [] };
  await Promise.all(
    subscriptions.map(async (s) => {
      const previous = states.get(s.subscriptionId);
      if (previous?.state === 'delivered') {
        outcome.alreadyDelivered.push(s.subscriptionId);
        return;
      }
      const body = notice.body(s.subscriptionId);
      const now = deps.now();
      const timestamp = Math.floor(now.getTime() / 1000);
      const result = await deps.post(s.target.url, body, {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'yibao-webhooks/1',
        [EVENT_HEADER]: notice.type,
        [DELIVERY_HEADER]: deliveryId(notice.id, s.subscriptionId),
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signature(signingSecret(s), timestamp, body),
      });
      const ok = result.status !== undefined && delivered(result.status);
      const attempt = (previous?.attempts ?? 0) + 1;
      const at = now.toISOString();
      await recordAttempt(
        notice.partition,
        {
          subscriptionId: s.subscriptionId,
          attempt,
          at,
          ok,
          ...(result.status !== undefined ? { status: result.status } : {}),
          ...(result.error ? { error: result.error } : {}),
          durationMs: result.durationMs,
        },
        {
          subscriptionId: s.subscriptionId,
          state: ok ? 'delivered' : 'failing',
          attempts: attempt,
          lastAttemptAt: at,
          ...(result.status !== undefined ? { lastStatus: result.status } : {}),
          ...(result.error ? { lastError: result.error } : {}),
          ...(ok ? { deliveredAt: at } : {}),
        },
      );
      if (ok) outcome.delivered.push(s.subscriptionId);
      else outcome.failed.push({ subscriptionId: s.subscriptionId, attempts: attempt });
    }),
  );
  return outcome;
}

/** One fraud alert to its subscribers. */
export const deliverAlert = (alert: FraudAlertPayload, deps: { post: Post; now: () => Date }): Promise<DeliveryOutcome> =>
  deliverNotice(alertNotice(alert), deps);
