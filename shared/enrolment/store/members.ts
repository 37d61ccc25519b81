/**
 * The DynamoDB adapter of enrolment: reads a member's partition, and writes each change as one
 * TransactWriteItems whose conditions make it all-or-nothing and safe under races. The plans it
 * writes come from the pure modules beside it; this file decides nothing about the rules.
 *
 * A cancelled transaction is not an error here: the caller gets the per-item cancellation codes
 * (ConditionalCheckFailed, TransactionConflict …), re-reads, and decides what the conflict means.
 *
 * Every write takes the events that announce it, as outbox entries (shared/events/outbox.ts): they
 * are put in the same transaction, after the state's own items, so an event exists exactly when the
 * state it reports does, and the same fact cannot be announced twice (the entry's key names it).
 */
import { queryAll } from '../../runtime/query-all.ts';
import { QueryCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { outboxPut, type OutboxEntry } from '../../events/outbox.ts';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { cancellationReasons } from '../../runtime/condition-failure.ts';
import { tableName } from '../../runtime/resource-names.ts';
import type { CategoryPlan } from '../category-change.ts';
import type { ContributionPlan } from '../contribution-recording.ts';
import type { EnrolmentPlan } from '../enrol.ts';
import {
  enrolmentItemSchema,
  identityIndexKey,
  memberPk,
  personYearKey,
  PROFILE_SK,
  regionYearIndexKey,
  sortMemberItems,
  type EnrolmentItem,
  type MemberItems,
} from '../items.ts';
import type { OutOfAreaPlan } from '../out-of-area.ts';
import type { TransferPlan } from '../transfer.ts';
import { MAX_TRANSACTION_ITEMS } from '../../runtime/batch-items.ts';
import { REGISTER_BOOKKEEPING_FROM } from '../../registers/entry.ts';

const table = () => tableName('members');
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Everything under MEMBER#<id>, read consistently (a write's conditions are built on it). With
 * `registerBookkeeping: false`, all but the registers' history and locks (REGLOG#, REGLOCK#): what a
 * member's state on a date needs (settlement, the personal account), in the same one query. The
 * history grows with every change of an approval, a contract or a household, and the members who
 * claim most (those with chronic-disease approvals) have the most of it; read whole, a claim paid
 * for every item of it (on AWS, by the kilobyte).
 */
export async function readMemberItems(memberId: string, options: { registerBookkeeping?: boolean } = {}): Promise<MemberItems> {
  const withBookkeeping = options.registerBookkeeping ?? true;
  const raw = await queryAll({
    TableName: table(),
    KeyConditionExpression: withBookkeeping ? 'pk = :pk' : 'pk = :pk AND sk < :bookkeeping',
    ExpressionAttributeValues: {
      ':pk': memberPk(memberId),
      ...(withBookkeeping ? {} : { ':bookkeeping': REGISTER_BOOKKEEPING_FROM }),
    },
    ConsistentRead: true,
  });
  return sortMemberItems(raw);
}

/** The member id stored for a keyed ID-number hash (byIdentity index), if the person is known. */
export async function findMemberIdByIdHash(idHash: string): Promise<string | undefined> {
  const out = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'byIdentity',
      KeyConditionExpression: 'gsi1pk = :k',
      ExpressionAttributeValues: { ':k': identityIndexKey(idHash) },
      Limit: 1,
    }),
  );
  const id = out.Items?.[0]?.memberId;
  return typeof id === 'string' ? id : undefined;
}

/** One page of a region's enrolments in a year, by member id (byRegionYear index). */
export async function listRegionYear(
  region: string,
  year: number,
  limit: number,
  startKey?: Record<string, unknown>,
): Promise<{ items: EnrolmentItem[]; next?: Record<string, unknown> | undefined }> {
  const out = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'byRegionYear',
      KeyConditionExpression: 'gsi2pk = :k',
      ExpressionAttributeValues: { ':k': regionYearIndexKey(region, year) },
      Limit: limit,
      ExclusiveStartKey: startKey,
    }),
  );
  return { items: (out.Items ?? []).map((i) => enrolmentItemSchema.parse(i)), next: out.LastEvaluatedKey };
}

export type WriteResult = { ok: true } | { ok: false; reasons: string[] };

/** One TransactWriteItems on the members table; a cancellation comes back as its reasons (also used by shared/registers/store). */
export async function transact(items: TransactItem[]): Promise<WriteResult> {
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

const putNew = (item: Record<string, unknown>): TransactItem => ({
  Put: { TableName: table(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
});

/** Replaces an enrolment only if nobody changed it since it was read at `expectedVersion`. */
const putEnrolmentAt = (item: EnrolmentItem, expectedVersion: number): TransactItem => ({
  Put: { TableName: table(), Item: item, ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } },
});

/**
 * A dated period (a category, an out-of-area registration): new, or replacing the stored one only if
 * its last day is still what we read (none: still open), so two changes of one period cannot both pass.
 */
const putPeriod = (item: Record<string, unknown>, previous: { validTo?: string | undefined } | undefined): TransactItem => {
  if (!previous) return putNew(item);
  const oldTo = previous.validTo;
  return {
    Put: {
      TableName: table(),
      Item: item,
      ConditionExpression: oldTo === undefined ? 'attribute_exists(pk) AND attribute_not_exists(validTo)' : 'validTo = :oldTo',
      ...(oldTo === undefined ? {} : { ExpressionAttributeValues: { ':oldTo': oldTo } }),
    },
  };
};

/** Moves one of the profile's version counters on from the value read: writes of that kind serialise on it. */
const bumpProfileVersion = (pk: string, counter: 'categoriesVersion' | 'outOfAreaVersion', expected: number): TransactItem => ({
  Update: {
    TableName: table(),
    Key: { pk, sk: PROFILE_SK },
    UpdateExpression: `SET ${counter} = :next`,
    ConditionExpression: `${counter} = :v`,
    ExpressionAttributeValues: { ':v': expected, ':next': expected + 1 },
  },
});

/** The items that put a write's events into the outbox, after the state's own. */
const withEvents = (items: TransactItem[], events: readonly OutboxEntry[]): TransactItem[] => [...items, ...events.map(outboxPut)];

/** One enrolment to write: the plan, the categories version it is conditional on, and its events. */
export interface EnrolmentWrite {
  plan: EnrolmentPlan;
  expectedCategoriesVersion: number;
  events: readonly OutboxEntry[];
}

/**
 * An enrolment: the profile (created the first time, else checked to be the same person with the
 * categories we read), the person-year lock (the one-enrolment-per-year rule: its condition is what
 * makes the second of two racing requests fail), the enrolment, its new category periods, and the
 * events announcing them. Order matters to the caller: index 1 is the lock.
 */
export function writeEnrolment(
  plan: EnrolmentPlan,
  expectedCategoriesVersion: number,
  events: readonly OutboxEntry[] = [],
): Promise<WriteResult> {
  return transact(enrolmentItems({ plan, expectedCategoriesVersion, events }));
}

/**
 * Several enrolments of different people in one transaction (the bulk path's group commit: DynamoDB
 * Local runs transactions one at a time, so one of 24 members costs little more than one of one).
 * All commit or none; on a cancellation the reasons come back item by item, in the order of
 * `enrolmentItemCount` per write (its events included), so the caller can tell which members clashed.
 */
export function writeEnrolments(writes: readonly EnrolmentWrite[]): Promise<WriteResult> {
  const items = writes.flatMap(enrolmentItems);
  if (items.length > MAX_TRANSACTION_ITEMS) throw new RangeError(`${items.length} items exceed one transaction`);
  return transact(items);
}

/** Items one enrolment writes: profile, lock, enrolment, its new categories, then its events. */
export const enrolmentItemCount = ({ plan, events }: Pick<EnrolmentWrite, 'plan' | 'events'>) => 3 + plan.categories.length + events.length;

function enrolmentItems({ plan, expectedCategoriesVersion, events }: EnrolmentWrite): TransactItem[] {
  const m = plan.member;
  const values: Record<string, unknown> = {
    ':kind': m.kind,
    ':memberId': m.memberId,
    ':idNumber': m.idNumber,
    ':idHash': m.idHash,
    ':gsi1pk': m.gsi1pk,
    ':maskedId': m.maskedId,
    ':sex': m.sex,
    ':birthDate': m.birthDate,
    ':createdAt': m.createdAt,
    ':cv': expectedCategoriesVersion,
    ':zero': 0,
  };
  const sets = [
    '#kind = if_not_exists(#kind, :kind)',
    'memberId = if_not_exists(memberId, :memberId)',
    'idNumber = if_not_exists(idNumber, :idNumber)',
    'idHash = if_not_exists(idHash, :idHash)',
    'gsi1pk = if_not_exists(gsi1pk, :gsi1pk)',
    'maskedId = if_not_exists(maskedId, :maskedId)',
    'sex = if_not_exists(sex, :sex)',
    'birthDate = if_not_exists(birthDate, :birthDate)',
    'createdAt = if_not_exists(createdAt, :createdAt)',
    'categoriesVersion = if_not_exists(categoriesVersion, :cv)',
    'outOfAreaVersion = if_not_exists(outOfAreaVersion, :zero)',
  ];
  const names: Record<string, string> = { '#kind': 'kind' };
  if (m.name) {
    sets.push('#name = if_not_exists(#name, :name)');
    names['#name'] = 'name';
    values[':name'] = m.name;
  }
  return withEvents(
    [
      {
        Update: {
          TableName: table(),
          Key: { pk: m.pk, sk: PROFILE_SK },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_not_exists(pk) OR (idHash = :idHash AND categoriesVersion = :cv)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      putNew(plan.lock),
      putNew(plan.enrolment),
      ...plan.categories.map(putNew),
    ],
    events,
  );
}

/** A contribution (new receipt only) and its enrolment's new account (at the version read). */
export function writeContribution(
  plan: Extract<ContributionPlan, { outcome: 'recorded' }>,
  events: readonly OutboxEntry[] = [],
): Promise<WriteResult> {
  return transact(contributionWriteItems(plan, events));
}

/**
 * The items of `writeContribution`, for a caller that records the contribution in a transaction of
 * its own: a personal account paying a family member's resident contribution (家庭共济) debits the
 * account in the same transaction (functions/accounts/family-contribution.ts).
 */
export function contributionWriteItems(
  plan: Extract<ContributionPlan, { outcome: 'recorded' }>,
  events: readonly OutboxEntry[] = [],
): TransactItem[] {
  return withEvents([putNew(plan.contribution), putEnrolmentAt(plan.enrolment, plan.expectedVersion)], events);
}

/**
 * A category period (new, or replacing the stored one if its last day is still what we read), the
 * profile's categories version (serialises category writes against enrolments), and any pending
 * enrolments whose due it changes.
 */
export function writeCategoryChange(
  plan: Extract<CategoryPlan, { outcome: 'added' | 'period-changed' }>,
  expectedCategoriesVersion: number,
  events: readonly OutboxEntry[] = [],
): Promise<WriteResult> {
  return transact(
    withEvents(
      [
        putPeriod(plan.category, plan.previous),
        bumpProfileVersion(plan.category.pk, 'categoriesVersion', expectedCategoriesVersion),
        ...plan.recomputed.map((r) => putEnrolmentAt(r.enrolment, r.expectedVersion)),
      ],
      events,
    ),
  );
}

/** Closes the old enrolment, opens the new one and moves the person-year lock, together. */
export function writeTransfer(
  plan: Extract<TransferPlan, { outcome: 'transferred' }>,
  events: readonly OutboxEntry[] = [],
): Promise<WriteResult> {
  return transact(
    withEvents(
      [
        putEnrolmentAt(plan.from, plan.expectedVersion),
        putNew(plan.to),
        {
          Update: {
            TableName: table(),
            Key: personYearKey(plan.idHash, plan.to.year),
            UpdateExpression: 'SET enrolmentId = :to, #region = :region',
            ConditionExpression: 'enrolmentId = :from',
            ExpressionAttributeNames: { '#region': 'region' },
            ExpressionAttributeValues: { ':to': plan.to.enrolmentId, ':from': plan.from.enrolmentId, ':region': plan.to.region },
          },
        },
      ],
      events,
    ),
  );
}

/**
 * A new registration, or a changed last day of the stored one (if it is still what we read), with
 * the profile's registrations version, so two overlapping registrations cannot both pass.
 */
export function writeOutOfArea(
  plan: Extract<OutOfAreaPlan, { outcome: 'registered' | 'period-changed' }>,
  expectedOutOfAreaVersion: number,
  events: readonly OutboxEntry[] = [],
): Promise<WriteResult> {
  return transact(
    withEvents(
      [putPeriod(plan.registration, plan.previous), bumpProfileVersion(plan.registration.pk, 'outOfAreaVersion', expectedOutOfAreaVersion)],
      events,
    ),
  );
}
