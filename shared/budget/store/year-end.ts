/**
 * Year-end reports (DynamoDB adapter): per provider (with its ledger entry and balance, in one
 * transaction conditional on the report being new) and per health community, for one version of a
 * region's year; listed by the byRun index.
 */
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Fen } from '../../money/fen.ts';
import { batchGet, db, isConditionFailure, mapLimit, providersTable, queryAll, withoutKeys, type TransactItem } from './db.ts';
import { keys, runId, v } from './keys.ts';
import { recoveryAttribute, yearEndAttribute } from './ledger.ts';
import type { RecoveryTake } from '../recoveries.ts';
import { takeItems } from './recoveries.ts';
/** A provider's year-end report, its ledger entry and its balance, as transaction items conditional on the report being new. */
function yearEndItems(region: string, year: number, version: number, statement: YearEndStatement, now: string): TransactItem[] {
  const id = runId('year-end', region, String(year));
  const takes = statement.recoveries ?? [];
  const recoveredFen = takes.reduce((a, t) => a + t.amountFen, 0);
  const ledger: TransactItem[] =
    statement.ledgerFen !== 0 || recoveredFen !== 0
      ? [
          {
            Put: {
              TableName: providersTable(),
              Item: {
                ...keys.yearEndLedger(statement.providerCode, year, version),
                kind: 'year-end',
                amountFen: statement.ledgerFen,
                runId: id,
                version,
                period: String(year),
                providerCode: statement.providerCode,
                writtenAt: now,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: providersTable(),
              Key: keys.balance(statement.providerCode, year),
              UpdateExpression: 'SET providerCode = :code, #version = :amount, #recovery = :recovered',
              ExpressionAttributeNames: { '#version': yearEndAttribute(version), '#recovery': recoveryAttribute(version) },
              ExpressionAttributeValues: { ':code': statement.providerCode, ':amount': statement.ledgerFen, ':recovered': recoveredFen },
            },
          },
          ...takeItems(statement.providerCode, year, takes, { kind: 'year-end', runId: id, period: String(year), version }, now),
        ]
      : [];
  return [
    {
      Put: {
        TableName: providersTable(),
        Item: {
          ...keys.yearEndReport('PROVIDER', statement.providerCode, year, version),
          ...statement,
          kind: 'year-end-provider',
          runId: id,
          region,
          year,
          version,
          writtenAt: now,
          gsi2pk: keys.runIndex('year-end', region, String(year)),
          gsi2sk: `${v(version)}#P#${statement.providerCode}`,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...ledger,
  ];
}

export type YearEndStatement = { providerCode: string; ledgerFen: Fen; recoveries?: readonly RecoveryTake[] } & Record<string, unknown>;

/** One provider's report and ledger entry in one transaction; 'already-written' when the report exists (a resumed run). */
export async function writeYearEndProvider(
  region: string,
  year: number,
  version: number,
  statement: YearEndStatement,
  now: string,
): Promise<'written' | 'already-written'> {
  try {
    await db().send(new TransactWriteCommand({ TransactItems: yearEndItems(region, year, version, statement, now) }));
    return 'written';
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const report = keys.yearEndReport('PROVIDER', statement.providerCode, year, version);
    if ((await batchGet([report])).size > 0) return 'already-written';
    // Not the report: a recovery taken meanwhile by a prepayment. Running the version again resumes it against what is owed now.
    throw new Error(
      `year-end ${region}/${year} v${version} ${statement.providerCode}: a recovery changed while the report was written; run it again`,
    );
  }
}

/**
 * Many providers' reports and ledger entries, up to 33 providers (99 items) a transaction: a
 * thousand providers take 31 transactions, not a thousand. All-or-nothing per transaction, each
 * report conditional on being new; a transaction that meets a report already written (a resumed
 * run) is replayed provider by provider, skipping those.
 */
export async function writeYearEndProviders(
  region: string,
  year: number,
  version: number,
  statements: readonly YearEndStatement[],
  now: string,
): Promise<{ written: number; already: number }> {
  // At most 100 items a transaction: a provider takes a report, a ledger entry, its balance and 2 per recovery taken + 1.
  const chunks: YearEndStatement[][] = [];
  let chunk: YearEndStatement[] = [];
  let size = 0;
  for (const s of statements) {
    const n = 3 + (s.recoveries?.length ? 2 * s.recoveries.length + 1 : 0);
    if (size + n > 99 && chunk.length) {
      chunks.push(chunk);
      chunk = [];
      size = 0;
    }
    chunk.push(s);
    size += n;
  }
  if (chunk.length) chunks.push(chunk);
  const counts = await mapLimit(chunks, 4, async (chunk) => {
    try {
      await db().send(new TransactWriteCommand({ TransactItems: chunk.flatMap((s) => yearEndItems(region, year, version, s, now)) }));
      return { written: chunk.length, already: 0 };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const one = await mapLimit(chunk, 8, (s) => writeYearEndProvider(region, year, version, s, now));
      return { written: one.filter((o) => o === 'written').length, already: one.filter((o) => o === 'already-written').length };
    }
  });
  return counts.reduce((a, c) => ({ written: a.written + c.written, already: a.already + c.already }), { written: 0, already: 0 });
}

export async function writeYearEndCommunity(
  region: string,
  year: number,
  version: number,
  statement: { communityId: string } & Record<string, unknown>,
  now: string,
): Promise<void> {
  try {
    await db().send(
      new PutCommand({
        TableName: providersTable(),
        Item: {
          ...keys.yearEndReport('HC', statement.communityId, year, version),
          ...statement,
          kind: 'year-end-community',
          runId: runId('year-end', region, String(year)),
          region,
          year,
          version,
          writtenAt: now,
          gsi2pk: keys.runIndex('year-end', region, String(year)),
          gsi2sk: `${v(version)}#C#${statement.communityId}`,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** A year-end version's stored reports: providers (P) or communities (C), by code. */
export async function yearEndReports<T>(region: string, year: number, version: number, owner: 'P' | 'C'): Promise<T[]> {
  const items = await queryAll<T & Record<string, unknown>>({
    IndexName: 'byRun',
    KeyConditionExpression: 'gsi2pk = :r AND begins_with(gsi2sk, :v)',
    ExpressionAttributeValues: { ':r': keys.runIndex('year-end', region, String(year)), ':v': `${v(version)}#${owner}#` },
  });
  return items.map((i) => withoutKeys<T>(i));
}

/**
 * A provider's year-end statements of a year, one per version that settled it, oldest first (its own
 * partition: the hospital's 预拨与清算 reads them without reading the region's).
 */
export async function providerYearEnds<T>(providerCode: string, year: number): Promise<(T & { region: string; version: number })[]> {
  const base = keys.yearEndReport('PROVIDER', providerCode, year, 1);
  const items = await queryAll<T & Record<string, unknown>>({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
    ExpressionAttributeValues: { ':pk': base.pk, ':sk': `YEAREND#${year}#` },
    ConsistentRead: true,
  });
  return items.filter((i) => i.kind === 'year-end-provider').map((i) => withoutKeys<T & { region: string; version: number }>(i));
}
