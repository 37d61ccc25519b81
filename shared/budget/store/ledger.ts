/**
 * Prepayment lines and the ledger (DynamoDB adapter). Money moves only by ledger entries:
 * append-only, keyed by provider + year + run + period + version. A prepayment line, its ledger
 * entry, the provider's ledger balance for the year, its version's count and its PrepaymentIssued
 * event (outbox) are written in one transaction, conditional on the line being new, so a redelivered
 * work item moves nothing twice.
 *
 * The balance (BALANCE#<yyyy>) sums the year's advances and keeps each year-end version's entry by
 * name, so the year-end batch-reads one item per provider instead of querying every ledger.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { outboxPut, type OutboxEntry } from '../../events/outbox.ts';
import type { Fen } from '../../money/fen.ts';
import { batchGet, db, isConditionFailure, providersTable, queryAll, withoutKeys } from './db.ts';
import { keys, v } from './keys.ts';
import type { RecoveryTake } from '../recoveries.ts';
import { takeItems } from './recoveries.ts';

export interface PrepaymentLine {
  runId: string;
  region: string;
  period: string;
  version: number;
  providerCode: string;
  agreement: { name: string; kind: 'budget-share' | 'last-month-points' };
  amountFen: Fen;
  issuedBeforeFen: Fen;
  differenceFen: Fen;
  workings: string[];
  /** Confirmed recoveries taken from this advance (each its own ledger entry), and their total. */
  recoveries?: RecoveryTake[];
  recoveredFen?: Fen;
  writtenAt: string;
}

export async function getPrepaymentLine(providerCode: string, period: string, version: number): Promise<PrepaymentLine | undefined> {
  const out = await db().send(
    new GetCommand({ TableName: providersTable(), Key: keys.prepaymentLine(providerCode, period, version), ConsistentRead: true }),
  );
  return out.Item ? withoutKeys<PrepaymentLine>(out.Item) : undefined;
}

/** The lines of one version, by provider code. */
export async function prepaymentLines(region: string, period: string, version: number): Promise<PrepaymentLine[]> {
  const items = await queryAll<PrepaymentLine & Record<string, unknown>>({
    IndexName: 'byRun',
    KeyConditionExpression: 'gsi2pk = :r AND begins_with(gsi2sk, :v)',
    ExpressionAttributeValues: { ':r': keys.runIndex('prepayment', region, period), ':v': `${v(version)}#P#` },
  });
  return items.map((i) => withoutKeys<PrepaymentLine>(i));
}

interface LedgerEntry {
  amountFen: Fen;
  kind: 'prepayment' | 'year-end' | 'recovery';
  runId: string;
  version: number;
  period: string;
}

/** Ledger entries of a provider's year: every advance, every year-end version. */
export async function ledgerOfYear(providerCode: string, year: number): Promise<LedgerEntry[]> {
  return queryAll<LedgerEntry>({
    KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
    ExpressionAttributeValues: { ':p': `PROVIDER#${providerCode}`, ':s': `LEDGER#${year}#` },
    ConsistentRead: true,
  });
}

/** Each year-end version's entry is kept on the balance under its own name, so a resumed version can leave its own out. */
export const yearEndAttribute = (version: number) => `yearEndV${String(version).padStart(4, '0')}`;

/** Recoveries a year-end version took, kept on the balance under the version's name. */
export const recoveryAttribute = (version: number) => `recoveryV${String(version).padStart(4, '0')}`;

export interface Balance {
  /** Every advance of the year (all prepayment versions' differences). */
  prepaidFen: Fen;
  /** Year-end entries by version. */
  yearEndByVersion: Map<number, Fen>;
  /** Recoveries taken from the year's advances, and by each year-end version. */
  recoveredFromPrepaymentsFen: Fen;
  recoveryByVersion: Map<number, Fen>;
}

/**
 * Many providers' ledger balances for a year, one item each, kept in the transactions that write
 * the ledger entries: the year-end reads 1,000 of these instead of querying 1,000 ledgers.
 */
export async function balances(providerCodes: readonly string[], year: number): Promise<Map<string, Balance>> {
  const found = await batchGet(providerCodes.map((c) => keys.balance(c, year)));
  return new Map(
    providerCodes.map((c) => {
      const key = keys.balance(c, year);
      const item = found.get(`${key.pk}|${key.sk}`) ?? {};
      const byVersion = (pattern: RegExp) =>
        new Map(
          Object.entries(item).flatMap(([name, value]) => {
            const m = pattern.exec(name);
            return m ? [[Number(m[1]), value as number] as const] : [];
          }),
        );
      return [
        c,
        {
          prepaidFen: (item.prepaidFen as number | undefined) ?? 0,
          yearEndByVersion: byVersion(/^yearEndV(\d{4})$/),
          recoveredFromPrepaymentsFen: (item.recoveredFromPrepaymentsFen as number | undefined) ?? 0,
          recoveryByVersion: byVersion(/^recoveryV(\d{4})$/),
        },
      ];
    }),
  );
}

/** What earlier versions of a month's run issued to a provider. */
export async function issuedForPeriod(providerCode: string, period: string): Promise<Fen> {
  const entries = await queryAll<LedgerEntry>({
    KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
    ExpressionAttributeValues: { ':p': `PROVIDER#${providerCode}`, ':s': `LEDGER#${period.slice(0, 4)}#PREPAY#${period}#` },
    ConsistentRead: true,
  });
  return entries.reduce((a, e) => a + e.amountFen, 0);
}

/**
 * Writes a provider's line of a version, its ledger entry (when it moves money), the version's
 * count and the event that announces the line, in one transaction; 'already-written' when the line
 * exists (a redelivered message).
 */
export async function writePrepaymentLine(line: PrepaymentLine, event: OutboxEntry): Promise<'written' | 'already-written'> {
  const year = Number(line.period.slice(0, 4));
  const recoveredFen = line.recoveredFen ?? 0;
  const recoveries = takeItems(
    line.providerCode,
    year,
    line.recoveries ?? [],
    { kind: 'prepayment', runId: line.runId, period: line.period, version: line.version },
    line.writtenAt,
  );
  const ledger =
    line.differenceFen !== 0 || recoveredFen !== 0
      ? [
          {
            Put: {
              TableName: providersTable(),
              Item: {
                ...keys.prepaymentLedger(line.providerCode, line.period, line.version),
                kind: 'prepayment',
                amountFen: line.differenceFen,
                runId: line.runId,
                version: line.version,
                period: line.period,
                providerCode: line.providerCode,
                writtenAt: line.writtenAt,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: providersTable(),
              Key: keys.balance(line.providerCode, year),
              UpdateExpression: 'SET providerCode = :code ADD prepaidFen :amount, recoveredFromPrepaymentsFen :recovered',
              ExpressionAttributeValues: { ':code': line.providerCode, ':amount': line.differenceFen, ':recovered': recoveredFen },
            },
          },
          ...recoveries,
        ]
      : [];
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: providersTable(),
              Item: {
                ...keys.prepaymentLine(line.providerCode, line.period, line.version),
                ...line,
                gsi2pk: keys.runIndex('prepayment', line.region, line.period),
                gsi2sk: `${v(line.version)}#P#${line.providerCode}`,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...ledger,
          {
            Update: {
              TableName: providersTable(),
              Key: keys.run('prepayment', line.region, line.period, line.version),
              UpdateExpression: 'ADD done :one',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
          outboxPut(event),
        ],
      }),
    );
    return 'written';
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    if (await getPrepaymentLine(line.providerCode, line.period, line.version)) return 'already-written';
    // Not the line: a recovery taken meanwhile (by another payment). Retried against what is owed now.
    throw new Error(
      `prepayment ${line.runId} v${line.version} ${line.providerCode}: a recovery changed while the line was written; retrying`,
    );
  }
}
