/**
 * The DynamoDB adapter of households (table `members`):
 *
 *   HOUSEHOLD#<id>   PROFILE                          the household: region, head, its memberships, version
 *   MEMBER#<id>      REG#households#<entryId>         a membership: the member register `households`
 *   MEMBER#<id>      REGLOG#households#<entryId>#<n>  its append-only history (shared/registers)
 *   MEMBER#<id>      REGLOCK#households               the member's register lock
 *
 * A change is one TransactWriteItems: the household at the version read, and for each membership it
 * changes the register's items (entry, history item, the member's lock moved on from the version read,
 * a check that the member still exists: shared/registers/store/register-writes.ts), and the events
 * in the outbox. The member's lock is what keeps a member in one household at a time when two
 * households take the same member at once. A cancelled write is handed back for the caller to re-read.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { outboxPut, type OutboxEntry } from '../../events/outbox.ts';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { tableName } from '../../runtime/resource-names.ts';
import { readMemberItems, transact, type WriteResult } from '../../enrolment/store/members.ts';
import { registerChangeItems, type TransactItem } from '../../registers/store/register-writes.ts';
import type { HistoryItem } from '../../registers/entry.ts';
import {
  HOUSEHOLD_SK,
  householdItemSchema,
  householdPk,
  isMembershipOf,
  type HouseholdItem,
  type HouseholdPlan,
  type HouseholdState,
} from '../household.ts';

const table = () => tableName('members');

/** The household as it stands (consistent read). */
export async function readHouseholdItem(householdId: string): Promise<HouseholdItem | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({ TableName: table(), Key: { pk: householdPk(householdId), sk: HOUSEHOLD_SK }, ConsistentRead: true }),
  );
  return out.Item ? householdItemSchema.parse(out.Item) : undefined;
}

/**
 * The household and its history: every history item of every membership of it, oldest first (one read
 * of each member's partition; a household is a handful of people).
 */
export async function readHousehold(householdId: string): Promise<{ household?: HouseholdItem; history: HistoryItem[] }> {
  const household = await readHouseholdItem(householdId);
  if (!household) return { history: [] };
  const memberIds = [...new Set(household.members.map((m) => m.memberId))];
  const partitions = await Promise.all(memberIds.map((id) => readMemberItems(id)));
  const ofThis = isMembershipOf(householdId);
  const history = partitions
    .flatMap((items) => {
      const entries = new Set((items.registers?.entries ?? []).filter(ofThis).map((e) => e.entryId));
      return (items.registers?.history ?? []).filter((h) => h.register === 'households' && entries.has(h.entryId));
    })
    .sort((a, b) => a.at.localeCompare(b.at) || a.memberId.localeCompare(b.memberId) || a.version - b.version);
  return { household, history };
}

/** What a change needs to decide: the household and, for each member it names, whether the member exists and its register items. */
export async function readHouseholdState(householdId: string, memberIds: readonly string[]): Promise<HouseholdState> {
  const [household, members] = await Promise.all([
    readHouseholdItem(householdId),
    Promise.all(
      [...new Set(memberIds)].map(async (id) => {
        const items = await readMemberItems(id);
        return [id, { exists: items.member !== undefined, registers: items.registers ?? { entries: [], history: [], locks: {} } }] as const;
      }),
    ),
  ]);
  return { household, members: new Map(members) };
}

/** Writes a planned change with its events, all or nothing. */
export function writeHouseholdPlan(
  plan: Extract<HouseholdPlan, { expectedVersion: number }>,
  events: readonly OutboxEntry[],
): Promise<WriteResult> {
  const household: TransactItem = {
    Put: {
      TableName: table(),
      Item: plan.household,
      ...(plan.expectedVersion === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': plan.expectedVersion } }),
    },
  };
  return transact([household, ...plan.memberships.flatMap(registerChangeItems), ...events.map(outboxPut)]);
}
