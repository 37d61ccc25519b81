/**
 * The DynamoDB adapter of the employee scheme's collection side (table `members`): the employer
 * register (its profile and append-only revisions), a member's employment periods and monthly
 * contributions. Each write is one TransactWriteItems with its conditions and its outbox entries
 * (shared/events/outbox.ts), so an event exists exactly when its record does. The rules are in the
 * pure modules beside it.
 */
import { queryAll } from '../../runtime/query-all.ts';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { outboxPut, type OutboxEntry } from '../../events/outbox.ts';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { tableName } from '../../runtime/resource-names.ts';
import { PROFILE_SK } from '../../enrolment/items.ts';
import { transact, type TransactItem, type WriteResult } from '../../enrolment/store/members.ts';
import type { EmployerPlan } from '../employer.ts';
import type { EmploymentPlan } from '../employment.ts';
import type { MonthlyPlan } from '../contribution.ts';
import {
  EMPLOYER_PROFILE_SK,
  employerItemSchema,
  employerPk,
  employerRegionIndexKey,
  employerRevisionItemSchema,
  type EmployerItem,
  type EmployerRevisionItem,
} from '../items.ts';

const table = () => tableName('members');
const withEvents = (items: TransactItem[], events: readonly OutboxEntry[]): TransactItem[] => [...items, ...events.map(outboxPut)];

export async function readEmployer(creditCode: string): Promise<EmployerItem | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({ TableName: table(), Key: { pk: employerPk(creditCode), sk: EMPLOYER_PROFILE_SK }, ConsistentRead: true }),
  );
  return out.Item ? employerItemSchema.parse(out.Item) : undefined;
}

/** The employer and its whole history, oldest entry first. */
export async function readEmployerHistory(
  creditCode: string,
): Promise<{ employer?: EmployerItem | undefined; revisions: EmployerRevisionItem[] }> {
  const raw = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': employerPk(creditCode) },
    ConsistentRead: true,
  });
  const profile = raw.find((i) => i.sk === EMPLOYER_PROFILE_SK);
  return {
    employer: profile ? employerItemSchema.parse(profile) : undefined,
    revisions: raw
      .filter((i) => String(i.sk).startsWith('REV#'))
      .map((i) => employerRevisionItemSchema.parse(i))
      .sort((a, b) => a.revision - b.revision),
  };
}

/** One page of a region's employers, by credit code (index byRegionYear, gsi2pk = EMPLOYERS#<region>). */
export async function listEmployers(
  region: string,
  limit: number,
  startKey?: Record<string, unknown>,
): Promise<{ items: EmployerItem[]; next?: Record<string, unknown> | undefined }> {
  const out = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'byRegionYear',
      KeyConditionExpression: 'gsi2pk = :k',
      ExpressionAttributeValues: { ':k': employerRegionIndexKey(region) },
      Limit: limit,
      ExclusiveStartKey: startKey,
    }),
  );
  return { items: (out.Items ?? []).map((i) => employerItemSchema.parse(i)), next: out.LastEvaluatedKey };
}

/** The profile at the revision read (none, for a registration) and the new revision entry. */
export function writeEmployer(
  plan: Extract<EmployerPlan, { outcome: 'registered' | 'changed' }>,
  events: readonly OutboxEntry[],
): Promise<WriteResult> {
  const profile: TransactItem =
    plan.expectedRevision === 0
      ? { Put: { TableName: table(), Item: plan.employer, ConditionExpression: 'attribute_not_exists(pk)' } }
      : {
          Put: {
            TableName: table(),
            Item: plan.employer,
            ConditionExpression: 'revision = :r',
            ExpressionAttributeValues: { ':r': plan.expectedRevision },
          },
        };
  return transact(
    withEvents([profile, { Put: { TableName: table(), Item: plan.revision, ConditionExpression: 'attribute_not_exists(pk)' } }], events),
  );
}

/**
 * A new employment period, the end of the one before it (if its last day is still what we read),
 * and the profile's employment counter moved on from the value read, so two statuses recorded at
 * once cannot both pass.
 */
export function writeEmployment(
  plan: Extract<EmploymentPlan, { outcome: 'recorded' }>,
  expectedEmploymentVersion: number,
  events: readonly OutboxEntry[],
): Promise<WriteResult> {
  const items: TransactItem[] = [
    { Put: { TableName: table(), Item: plan.employment, ConditionExpression: 'attribute_not_exists(pk)' } },
    {
      Update: {
        TableName: table(),
        Key: { pk: plan.employment.pk, sk: PROFILE_SK },
        UpdateExpression: 'SET employmentVersion = :next',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(employmentVersion) OR employmentVersion = :v)',
        ExpressionAttributeValues: { ':v': expectedEmploymentVersion, ':next': expectedEmploymentVersion + 1 },
      },
    },
  ];
  if (plan.ended) {
    const old = plan.ended.previousValidTo;
    items.push({
      Put: {
        TableName: table(),
        Item: plan.ended.item,
        ConditionExpression: old === undefined ? 'attribute_exists(pk) AND attribute_not_exists(validTo)' : 'validTo = :old',
        ...(old === undefined ? {} : { ExpressionAttributeValues: { ':old': old } }),
      },
    });
  }
  return transact(withEvents(items, events));
}

/** A month's contribution: new only (the month is its key), with its event. */
export function writeMonthlyContribution(
  plan: Extract<MonthlyPlan, { outcome: 'recorded' }>,
  events: readonly OutboxEntry[],
): Promise<WriteResult> {
  return transact(
    withEvents([{ Put: { TableName: table(), Item: plan.contribution, ConditionExpression: 'attribute_not_exists(pk)' } }], events),
  );
}
