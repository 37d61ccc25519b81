/**
 * The registers' DynamoDB adapter (members table, the member's partition: keys in ../entry.ts and
 * `tables.members.accessPatterns`). A change is one TransactWriteItems:
 *   - the entry, new (conditional on not existing) or replacing the version read;
 *   - its history item (conditional on not existing: history is append-only, never rewritten);
 *   - the member's lock of that register, moved on from the version read, so two writes whose
 *     overlap checks read the same entries cannot both commit;
 *   - a check that the member exists;
 *   - the change's outbox entry (shared/events/outbox.ts), so the event exists exactly when the change does.
 * A cancelled transaction comes back as its reasons: the caller re-reads and decides again.
 */
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { outboxPut, type OutboxEntry } from '../../events/outbox.ts';
import { tableName } from '../../runtime/resource-names.ts';
import { PROFILE_SK } from '../../enrolment/items.ts';
import { transact, type WriteResult } from '../../enrolment/store/members.ts';
import { lockSk, type RegisterPlan } from '../entry.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * The items of one entry change (entry, history item, the member's register lock, the member check),
 * without its events: a write that changes entries of several members at once (a household's
 * memberships, shared/households) puts several of these in its one transaction.
 */
export function registerChangeItems(plan: RegisterPlan & { history: NonNullable<RegisterPlan['history']> }): TransactItem[] {
  const table = tableName('members');
  const { entry, history, expectedVersion, expectedLock } = plan;
  return [
    expectedVersion === undefined
      ? { Put: { TableName: table, Item: entry, ConditionExpression: 'attribute_not_exists(pk)' } }
      : {
          Put: {
            TableName: table,
            Item: entry,
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': expectedVersion },
          },
        },
    { Put: { TableName: table, Item: history, ConditionExpression: 'attribute_not_exists(pk)' } },
    {
      Update: {
        TableName: table,
        Key: { pk: entry.pk, sk: lockSk(entry.register) },
        UpdateExpression: 'SET #kind = :kind, version = :next',
        ConditionExpression: expectedLock === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
        ExpressionAttributeNames: { '#kind': 'kind' },
        ExpressionAttributeValues: {
          ':kind': 'register-lock',
          ':next': expectedLock + 1,
          ...(expectedLock === 0 ? {} : { ':v': expectedLock }),
        },
      },
    },
    { ConditionCheck: { TableName: table, Key: { pk: entry.pk, sk: PROFILE_SK }, ConditionExpression: 'attribute_exists(pk)' } },
  ];
}

export function writeRegisterChange(
  plan: RegisterPlan & { history: NonNullable<RegisterPlan['history']> },
  events: readonly OutboxEntry[],
): Promise<WriteResult> {
  return transact([...registerChangeItems(plan), ...events.map(outboxPut)]);
}
