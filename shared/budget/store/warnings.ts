/**
 * The last warning level recorded per region, year, measure and subject (DynamoDB adapter). A
 * crossing is recorded before its event is published (conditional on the level read, so two runs
 * evaluating at once raise it once), and marked published after; a recorded level whose event never
 * went out is published by the next evaluation.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Level } from '../warnings.ts';
import { db, isConditionFailure, providersTable } from './db.ts';
import { keys } from './keys.ts';

export interface RecordedLevel {
  level: Level;
  throughMonth: string;
  value: number;
  threshold: number;
  published: boolean;
  previousLevel: Level;
}

export async function getLevel(region: string, year: number, kind: string, subject: string): Promise<RecordedLevel | undefined> {
  const out = await db().send(
    new GetCommand({ TableName: providersTable(), Key: keys.warning(region, year, kind, subject), ConsistentRead: true }),
  );
  return out.Item as RecordedLevel | undefined;
}

/** Records a new level if the stored one is still `previous`; false if another evaluation got there first. */
export async function recordLevel(
  region: string,
  year: number,
  kind: string,
  subject: string,
  previous: RecordedLevel | undefined,
  next: Omit<RecordedLevel, 'published'> & { published: boolean },
  now: string,
): Promise<boolean> {
  try {
    await db().send(
      new PutCommand({
        TableName: providersTable(),
        Item: { ...keys.warning(region, year, kind, subject), region, year, kind, subject, ...next, recordedAt: now },
        ConditionExpression: previous ? '#level = :previous' : 'attribute_not_exists(pk)',
        ...(previous
          ? { ExpressionAttributeNames: { '#level': 'level' }, ExpressionAttributeValues: { ':previous': previous.level } }
          : {}),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export async function markLevelPublished(region: string, year: number, kind: string, subject: string, eventId: string): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: providersTable(),
      Key: keys.warning(region, year, kind, subject),
      UpdateExpression: 'SET published = :t, eventId = :e',
      ExpressionAttributeValues: { ':t': true, ':e': eventId },
    }),
  );
}
