/**
 * Appeals on a case, in the alerts table beside the alert (pk=ALERT#<id>, sk=APPEAL#<appealId>):
 * the appeal and the alert's appeal count are written together, the appeal only if it is new, so a
 * retried request changes nothing and answers with the appeal first recorded.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { cancellationReasons } from '../../runtime/condition-failure.ts';
import type { Appeal } from '../appeal.ts';
import { alertsTable, queryAll, type Item } from './dynamo.ts';
import { keys } from './keys.ts';

export async function recordAppeal(appeal: Appeal): Promise<{ appeal: Appeal; replay: boolean }> {
  const table = alertsTable();
  const key = { pk: keys.alert(appeal.alertId), sk: keys.appeal(appeal.appealId) };
  try {
    await dynamoDocumentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { ...key, kind: 'appeal', ...appeal }, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Update: {
              TableName: table,
              Key: { pk: keys.alert(appeal.alertId), sk: keys.alertItem },
              UpdateExpression: 'ADD appealCount :one SET lastAppealAt = :at',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':one': 1, ':at': appeal.at },
            },
          },
        ],
      }),
    );
    return { appeal, replay: false };
  } catch (error) {
    if (!cancellationReasons(error)) throw error;
    const existing = await dynamoDocumentClient().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    if (!existing.Item) throw error;
    return { appeal: appealOf(existing.Item), replay: true };
  }
}

const appealOf = ({ pk: _pk, sk: _sk, kind: _kind, ...rest }: Item): Appeal => rest as unknown as Appeal;

/** A case's appeals, oldest first. */
export async function readAppeals(alertId: string): Promise<Appeal[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.alert(alertId), ':prefix': keys.appealPrefix },
  });
  return items.map(appealOf).sort((a, b) => a.at.localeCompare(b.at) || a.appealId.localeCompare(b.appealId));
}
