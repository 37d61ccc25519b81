/**
 * The last warning level recorded per region, year, measure and subject (DynamoDB adapter). A
 * crossing is recorded in one transaction with its FundWarningRaised event (the outbox,
 * shared/events/outbox.ts), conditional on the level read, so two runs evaluating at once raise it
 * once, and the event exists exactly when the level does.
 */
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { outboxPut, type OutboxEntry } from '../../events/outbox.ts';
import type { Level } from '../warnings.ts';
import { db, isConditionFailure, providersTable } from './db.ts';
import { keys } from './keys.ts';

export interface RecordedLevel {
  level: Level;
  throughMonth: string;
  value: number;
  threshold: number;
  previousLevel: Level;
}

/** The fact FundWarningRaised reports, and so its event id and outbox key: one recorded rise of a subject's level. */
export const warningEventKey = (region: string, year: number, kind: string, subject: string, recordedAt: string) =>
  `warning/${region}/${year}/${kind}/${subject}/${recordedAt}/FundWarningRaised`;

export async function getLevel(region: string, year: number, kind: string, subject: string): Promise<RecordedLevel | undefined> {
  const out = await db().send(
    new GetCommand({ TableName: providersTable(), Key: keys.warning(region, year, kind, subject), ConsistentRead: true }),
  );
  return out.Item as RecordedLevel | undefined;
}

/**
 * Records a new level if the stored one is still `previous`, with the event that announces it if it
 * rose; false if another evaluation got there first.
 */
export async function recordLevel(
  region: string,
  year: number,
  kind: string,
  subject: string,
  previous: RecordedLevel | undefined,
  next: RecordedLevel,
  now: string,
  event?: OutboxEntry,
): Promise<boolean> {
  const put = {
    TableName: providersTable(),
    Item: { ...keys.warning(region, year, kind, subject), region, year, kind, subject, ...next, recordedAt: now },
    ConditionExpression: previous ? '#level = :previous' : 'attribute_not_exists(pk)',
    ...(previous ? { ExpressionAttributeNames: { '#level': 'level' }, ExpressionAttributeValues: { ':previous': previous.level } } : {}),
  };
  try {
    if (event) await db().send(new TransactWriteCommand({ TransactItems: [{ Put: put }, outboxPut(event)] }));
    else await db().send(new PutCommand(put));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
