/**
 * Delivery records, beside the alert (ALERT#<id>) or fund warning (WARNING#<id>) they deliver, named by
 * its partition key (`deliveryPartition`): one state per subscription (what a retry reads to
 * skip subscriptions already served) and one record per attempt (what an operator or the regulator
 * reads to see what happened).
 */
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { alertsTable, queryAll } from './dynamo.ts';
import { keys } from './keys.ts';

export type DeliveryStatus = 'delivered' | 'failing' | 'dead-lettered';

export interface DeliveryState {
  subscriptionId: string;
  state: DeliveryStatus;
  attempts: number;
  lastAttemptAt: string;
  lastStatus?: number;
  lastError?: string;
  deliveredAt?: string;
  /** When the next attempt is due (the message's backoff), while failing. */
  nextAttemptAt?: string;
}

export interface DeliveryAttempt {
  subscriptionId: string;
  attempt: number;
  at: string;
  ok: boolean;
  status?: number;
  error?: string;
  durationMs: number;
}

/** Where a notice's delivery records are kept: beside the alert, or under the fund warning's own key. */
export const deliveryPartition = {
  alert: (alertId: string) => keys.alert(alertId),
  warning: (warningId: string) => keys.warning(warningId),
};

export async function readDeliveries(pk: string): Promise<Map<string, DeliveryState>> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': pk, ':prefix': 'DELIVERY#' },
    ConsistentRead: true,
  });
  return new Map(items.map((i) => [String(i.subscriptionId), i as unknown as DeliveryState]));
}

/** The attempt and the subscription's new state, together. */
export async function recordAttempt(pk: string, attempt: DeliveryAttempt, state: DeliveryState): Promise<void> {
  const table = alertsTable();
  await dynamoDocumentClient().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: table,
            Item: { pk, sk: keys.attempt(attempt.subscriptionId, attempt.attempt), kind: 'attempt', ...attempt },
          },
        },
        {
          Put: { TableName: table, Item: { pk, sk: keys.delivery(state.subscriptionId), kind: 'delivery', ...state } },
        },
      ],
    }),
  );
}

export async function markDeliveryState(
  pk: string,
  subscriptionId: string,
  fields: { state: DeliveryStatus; nextAttemptAt?: string },
): Promise<void> {
  await dynamoDocumentClient().send(
    new UpdateCommand({
      TableName: alertsTable(),
      Key: { pk, sk: keys.delivery(subscriptionId) },
      UpdateExpression: fields.nextAttemptAt ? 'SET #state = :s, nextAttemptAt = :n' : 'SET #state = :s REMOVE nextAttemptAt',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':s': fields.state, ...(fields.nextAttemptAt ? { ':n': fields.nextAttemptAt } : {}) },
    }),
  );
}
