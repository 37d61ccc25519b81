/**
 * The DynamoDB adapter of households (table `members`, beside the member register it points into):
 *
 *   HOUSEHOLD#<id>   PROFILE               the household: region, head, every membership, version
 *   HOUSEHOLD#<id>   HISTORY#<version>     one append-only entry per change (who, when, what)
 *   MEMBER#<id>      HOUSEHOLDS            the member's side: every household it belonged to, dated
 *
 * A change is one TransactWriteItems: the household at the version read, its new history entry
 * (new), each touched member's index at the version read (so two households cannot take the same
 * member at once), a check that each newly added member still exists, and the change's event in
 * the outbox. A cancelled write is handed back for the caller to re-read and decide again.
 */
import { GetCommand, QueryCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { outboxPut, type OutboxEntry } from '../../events/outbox.ts';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { cancellationReasons } from '../../runtime/condition-failure.ts';
import { tableName } from '../../runtime/resource-names.ts';
import {
  historyItemSchema,
  HOUSEHOLD_SK,
  householdItemSchema,
  householdOn,
  householdPk,
  MEMBER_HOUSEHOLDS_SK,
  memberHouseholdsItemSchema,
  memberPk,
  type HistoryItem,
  type HouseholdItem,
  type HouseholdPlan,
  type HouseholdState,
  type MemberHouseholdsItem,
} from '../household.ts';

const table = () => tableName('members');
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
export type WriteResult = { ok: true } | { ok: false; reasons: string[] };

/** The household and its history, oldest first (one consistent Query of its partition). */
export async function readHousehold(householdId: string): Promise<{ household?: HouseholdItem; history: HistoryItem[] }> {
  const raw: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': householdPk(householdId) },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    raw.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  const profile = raw.find((i) => i.sk === HOUSEHOLD_SK);
  return {
    ...(profile ? { household: householdItemSchema.parse(profile) } : {}),
    history: raw.filter((i) => String(i.sk).startsWith('HISTORY#')).map((i) => historyItemSchema.parse(i)),
  };
}

/** The member's dated households (undefined: never in one). */
export async function readMemberHouseholds(memberId: string): Promise<MemberHouseholdsItem | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({ TableName: table(), Key: { pk: memberPk(memberId), sk: MEMBER_HOUSEHOLDS_SK }, ConsistentRead: true }),
  );
  return out.Item ? memberHouseholdsItemSchema.parse(out.Item) : undefined;
}

/** The household a member belongs to on a date (settlement: the settlement date); undefined for a household of one. */
export async function loadHouseholdOn(memberId: string, date: string): Promise<string | undefined> {
  return householdOn(await readMemberHouseholds(memberId), date);
}

async function memberExists(memberId: string): Promise<boolean> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: table(),
      Key: { pk: memberPk(memberId), sk: 'PROFILE' },
      ProjectionExpression: 'pk',
      ConsistentRead: true,
    }),
  );
  return out.Item !== undefined;
}

/** What a change needs to decide: the household and, for each member it names, whether the member exists and its households. */
export async function readHouseholdState(householdId: string, memberIds: readonly string[]): Promise<HouseholdState> {
  const [{ household }, members] = await Promise.all([
    readHousehold(householdId),
    Promise.all(
      [...new Set(memberIds)].map(async (id) => {
        const [exists, households] = await Promise.all([memberExists(id), readMemberHouseholds(id)]);
        return [id, { exists, households }] as const;
      }),
    ),
  ]);
  return { household, members: new Map(members) };
}

const versioned = (item: Record<string, unknown>, expectedVersion: number): TransactItem => ({
  Put: {
    TableName: table(),
    Item: item,
    ...(expectedVersion === 0
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
  },
});

/** Writes a planned change with its events, all or nothing. */
export async function writeHouseholdPlan(
  plan: Extract<HouseholdPlan, { expectedVersion: number }>,
  events: readonly OutboxEntry[],
): Promise<WriteResult> {
  const items: TransactItem[] = [
    versioned(plan.household, plan.expectedVersion),
    { Put: { TableName: table(), Item: plan.history, ConditionExpression: 'attribute_not_exists(pk)' } },
    ...plan.memberIndexes.map((m) => versioned(m.item, m.expectedVersion)),
    ...plan.newMembers.map(
      (id): TransactItem => ({
        ConditionCheck: { TableName: table(), Key: { pk: memberPk(id), sk: 'PROFILE' }, ConditionExpression: 'attribute_exists(pk)' },
      }),
    ),
    ...events.map(outboxPut),
  ];
  try {
    await dynamoDocumentClient().send(new TransactWriteCommand({ TransactItems: items }));
    return { ok: true };
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (reasons) return { ok: false, reasons: reasons.map((r) => r.Code ?? 'None') };
    // DynamoDB Local answers some same-item races with this instead of a cancellation.
    if ((error as { name?: string }).name === 'TransactionConflictException') return { ok: false, reasons: ['TransactionConflict'] };
    throw error;
  }
}
