/**
 * A look-up's record: the provider's per-minute counter moved (refused past the limit) and the
 * MemberLookedUp event written to the outbox, in one transaction, so a look-up is never answered
 * without its audit record, and a refused one leaves neither.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { outboxPut, type OutboxEntry } from '../../events/outbox.ts';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { isConditionFailure } from '../../runtime/condition-failure.ts';
import { tableName } from '../../runtime/resource-names.ts';

export async function recordLookup(input: {
  event: OutboxEntry;
  /** Present for a provider: its counter of the window, refused past `limit`. */
  counter?: { providerCode: string; window: string; expiresAt: number; limit: number };
}): Promise<'recorded' | 'limited'> {
  const { counter } = input;
  try {
    await dynamoDocumentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          ...(counter
            ? [
                {
                  Update: {
                    TableName: tableName('members'),
                    Key: { pk: `LOOKUPS#${counter.providerCode}`, sk: `MINUTE#${counter.window}` },
                    UpdateExpression: 'ADD lookups :one SET expiresAt = :expires',
                    ConditionExpression: 'attribute_not_exists(lookups) OR lookups < :limit',
                    ExpressionAttributeValues: { ':one': 1, ':limit': counter.limit, ':expires': counter.expiresAt },
                  },
                },
              ]
            : []),
          outboxPut(input.event),
        ],
      }),
    );
    return 'recorded';
  } catch (error) {
    if (counter && isConditionFailure(error)) return 'limited';
    throw error;
  }
}
