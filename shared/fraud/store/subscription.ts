/**
 * Subscriptions in the alerts table. The signing secret is kept with the subscription, sealed
 * (shared/fraud/secret-box.ts), because the delivery consumer must sign with it; it is opened only by
 * the signer, and never shown in an API answer after the one that created it. A deleted subscription is kept (who deleted it, when) but
 * taken out of the region's index, so no alert is matched against it again.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { isConditionFailure } from '../../runtime/condition-failure.ts';
import { openSecret, sealSecret } from '../secret-box.ts';
import type { Subscription } from '../subscription.ts';
import { alertsTable, queryAll, type Item } from './dynamo.ts';
import { keys } from './keys.ts';

export interface StoredSubscription extends Subscription {
  /** The signing secret, in the clear: held in memory only, sealed on its way into the table. */
  secret: string;
  status: 'active' | 'deleted';
}

/** What the API shows of a subscription: everything but the secret. */
export function publicView(s: StoredSubscription | SealedSubscription | Item): Subscription & { status: string } {
  const { subscriptionId, region, description, filter, target, createdBy, createdAt, status } = s as StoredSubscription;
  return { subscriptionId, region, ...(description ? { description } : {}), filter, target, createdBy, createdAt, status };
}

export async function putSubscription(s: StoredSubscription): Promise<void> {
  const { secret, ...rest } = s;
  await dynamoDocumentClient().send(
    new PutCommand({
      TableName: alertsTable(),
      Item: {
        pk: keys.subscription(s.subscriptionId),
        sk: keys.subscriptionItem,
        gsi2pk: keys.subscribers(s.region),
        gsi2sk: `${s.createdAt}#${s.subscriptionId}`,
        ...rest,
        sealedSecret: sealSecret(secret, s.subscriptionId),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** A subscription as the table holds it: its secret sealed, opened only by the signer (signingSecret). */
export type SealedSubscription = Omit<StoredSubscription, 'secret'> & { sealedSecret: string };

/** The region's active subscriptions. */
export async function regionSubscriptions(region: string): Promise<SealedSubscription[]> {
  const items = await queryAll({
    IndexName: 'bySubscriber',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.subscribers(region) },
  });
  return items.filter((i) => i.status === 'active') as unknown as SealedSubscription[];
}

/** The secret a delivery to this subscription is signed with. */
export const signingSecret = (s: SealedSubscription): string => openSecret(s.sealedSecret, s.subscriptionId);

/** False when there was no active subscription of that region to delete. */
export async function deleteSubscription(subscriptionId: string, region: string, by: string, at: string): Promise<boolean> {
  try {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: alertsTable(),
        Key: { pk: keys.subscription(subscriptionId), sk: keys.subscriptionItem },
        UpdateExpression: 'SET #status = :deleted, deletedBy = :by, deletedAt = :at REMOVE gsi2pk, gsi2sk',
        ConditionExpression: 'attribute_exists(pk) AND #region = :region AND #status = :active',
        ExpressionAttributeNames: { '#status': 'status', '#region': 'region' },
        ExpressionAttributeValues: { ':deleted': 'deleted', ':active': 'active', ':by': by, ':at': at, ':region': region },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
