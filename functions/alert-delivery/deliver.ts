/**
 * Delivering one alert: every active subscription of its region whose filter it passes, and that
 * has not taken it yet, gets one signed attempt; each attempt is recorded. What failed is reported
 * back to the handler, which decides between a backoff and the dead-letter queue.
 */
import type { FraudAlertPayload } from '../../events/fraud.ts';
import { deliveryId, delivered, webhookBody } from '../../shared/fraud/delivery.ts';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature } from '../../shared/fraud/signing.ts';
import { matchesFilter } from '../../shared/fraud/subscription.ts';
import { readDeliveries, recordAttempt } from '../../shared/fraud/store/delivery.ts';
import { regionSubscriptions, signingSecret } from '../../shared/fraud/store/subscription.ts';
import type { Post } from './webhook.ts';

export interface DeliveryOutcome {
  delivered: string[];
  failed: { subscriptionId: string; attempts: number }[];
  alreadyDelivered: string[];
}

export async function deliverAlert(alert: FraudAlertPayload, deps: { post: Post; now: () => Date }): Promise<DeliveryOutcome> {
  const subscriptions = (await regionSubscriptions(alert.region)).filter((s) => matchesFilter(s.filter, alert));
  const states = await readDeliveries(alert.alertId);
  const outcome: DeliveryOutcome = { delivered: [], failed: [], alreadyDelivered: [] };
  await Promise.all(
    subscriptions.map(async (s) => {
      const previous = states.get(s.subscriptionId);
      if (previous?.state === 'delivered') {
        outcome.alreadyDelivered.push(s.subscriptionId);
        return;
      }
      const body = webhookBody(alert, s.subscriptionId);
      const now = deps.now();
      const timestamp = Math.floor(now.getTime() / 1000);
      const result = await deps.post(s.target.url, body, {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'yibao-webhooks/1',
        [EVENT_HEADER]: 'fraud.alert.raised',
        [DELIVERY_HEADER]: deliveryId(alert.alertId, s.subscriptionId),
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signature(signingSecret(s), timestamp, body),
      });
      const ok = result.status !== undefined && delivered(result.status);
      const attempt = (previous?.attempts ?? 0) + 1;
      const at = now.toISOString();
      await recordAttempt(
        alert.alertId,
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
