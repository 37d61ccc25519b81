/**
 * How alerts reach subscribers: one webhook body per alert and subscription (the same bytes on every
 * attempt, so a receiver can deduplicate by the delivery id), and the retry policy.
 *
 * Retries ride on the SQS message: the alert's message stays on the delivery queue until every
 * matching subscription has taken it. After a failed attempt the consumer pushes the message's
 * visibility out by an exponential backoff, so the next receive is the next attempt; SQS counts the
 * attempts, and after the queue's maxReceiveCount moves the message to the dead-letter queue. One
 * mechanism, owned by SQS, instead of a second scheduler: the per-subscription delivery records make a
 * retry try only the subscriptions still owed the alert.
 */
import type { FraudAlertPayload } from '../../events/fraud.ts';

export interface BackoffPolicy {
  baseSeconds: number;
  factor: number;
  maxSeconds: number;
}

/** 30 s, 2 min, 8 min, 32 min …; SQS allows at most 12 hours of visibility. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseSeconds: 30, factor: 4, maxSeconds: 12 * 3600 };

/** Seconds to wait after the `attempt`-th failed attempt (1-based). */
export function backoffSeconds(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const seconds = policy.baseSeconds * policy.factor ** Math.max(0, attempt - 1);
  return Math.min(policy.maxSeconds, Math.round(seconds));
}

export const deliveryId = (alertId: string, subscriptionId: string): string => `${alertId}.${subscriptionId}`;

/** The webhook body: stable across attempts (the time of an attempt travels in the signed header). */
export function webhookBody(alert: FraudAlertPayload, subscriptionId: string): string {
  return JSON.stringify({
    type: 'fraud.alert.raised',
    deliveryId: deliveryId(alert.alertId, subscriptionId),
    subscriptionId,
    alert,
  });
}

/** A 2xx answer is taken; anything else, or no answer in time, is an attempt to retry. */
export const delivered = (status: number): boolean => status >= 200 && status < 300;
