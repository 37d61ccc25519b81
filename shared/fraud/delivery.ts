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
import { createHash } from 'node:crypto';
import type { FundWarningRaised } from '../../events/budget.ts';
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

export type FundWarningPayload = Omit<typeof FundWarningRaised.detail._output, 'meta' | 'eventId'>;

/**
 * A fund warning's id: derived from the fact its event reports (the event id: region, year, kind,
 * subject and when the level was recorded), so every redelivery of the event is the same warning and
 * its deliveries are recorded once per subscription.
 */
export const warningIdOf = (eventId: string): string => `FW${createHash('sha256').update(eventId).digest('hex').slice(0, 24)}`;

/** The webhook body of a fund warning: stable across attempts, as an alert's. */
export function warningWebhookBody(warning: FundWarningPayload, warningId: string, subscriptionId: string): string {
  // The event's meta and fact id are the bus's, not the regulator's: the body carries the warning alone.
  const { meta: _meta, eventId: _eventId, ...rest } = warning as FundWarningPayload & { meta?: unknown; eventId?: unknown };
  return JSON.stringify({
    type: 'fund.warning.raised',
    deliveryId: deliveryId(warningId, subscriptionId),
    subscriptionId,
    warning: { warningId, ...rest },
  });
}

/** A 2xx answer is taken; anything else, or no answer in time, is an attempt to retry. */
export const delivered = (status: number): boolean => status >= 200 && status < 300;
