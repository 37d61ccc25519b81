/**
 * Payment runs (DynamoDB adapter): prepayment runs keyed by region and month, year-end runs keyed by
 * region and year. A run has versions; HEAD names the latest. A version is created in one
 * transaction with HEAD, on condition that the version before it is complete, so two versions of
 * one run are never in flight together and each version's "difference" is computed against
 * finished ones. A version counts its lines (`done` of `expected`) and is completed by whichever
 * line finishes last.
 *
 * Money moves only by ledger entries (append-only, keyed by run + provider + period + version);
 * a line and its ledger entry are written in one transaction, conditional on the line being new.
 */
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Fen } from '../../money/fen.ts';
import { batchGet, db, isConditionFailure, mapLimit, providersTable, queryAll } from './db.ts';
import { keys, runId, v, type RunKind } from './keys.ts';

export interface RunVersion {
  kind: RunKind;
  runId: string;
  region: string;
  /** yyyy-mm (prepayment) or yyyy (year-end). */
  period: string;
  version: number;
  status: 'in-progress' | 'complete';
  expected: number;
  done: number;
  budgetVersion: number;
  policyVersion: number;
  reason: string | null;
  requestedBy: string;
  createdAt: string;
  completedAt?: string;
  /** Set on a year-end version once YearEndSettled is on the bus. */
  eventId?: string;
  /** Year-end: the run's figures (point value, totals). */
  summary?: unknown;
}

export async function getRunVersion(kind: RunKind, region: string, period: string, version?: number): Promise<RunVersion | undefined> {
  let n = version;
  if (n === undefined) {
    const head = await db().send(new GetCommand({ TableName: providersTable(), Key: keys.runHead(kind, region, period), ConsistentRead: true }));
    n = head.Item?.latest as number | undefined;
    if (n === undefined) return undefined;
  }
  const out = await db().send(new GetCommand({ TableName: providersTable(), Key: keys.run(kind, region, period, n), ConsistentRead: true }));
  return out.Item ? withoutKeys<RunVersion>(out.Item) : undefined;
}

export type CreateOutcome = { outcome: 'created'; run: RunVersion } | { outcome: 'conflict' };

/** Creates version `previous + 1`; a conflict if another version was created meanwhile or the previous one is not complete. */
export async function createRunVersion(
  run: Omit<RunVersion, 'runId' | 'status' | 'done' | 'version'>, previous: RunVersion | undefined,
): Promise<CreateOutcome> {
  const version = (previous?.version ?? 0) + 1;
  const item: RunVersion = { ...run, runId: runId(run.kind, run.region, run.period), version, status: run.expected === 0 ? 'complete' : 'in-progress', done: 0 };
  if (item.status === 'complete') item.completedAt = run.createdAt;
  const transact: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
    { Put: { TableName: providersTable(), Item: { ...keys.run(run.kind, run.region, run.period, version), ...item }, ConditionExpression: 'attribute_not_exists(pk)' } },
    { Put: {
      TableName: providersTable(),
      Item: { ...keys.runHead(run.kind, run.region, run.period), kind: run.kind, region: run.region, period: run.period, latest: version },
      ConditionExpression: previous ? 'latest = :previous' : 'attribute_not_exists(pk)',
      ...(previous ? { ExpressionAttributeValues: { ':previous': previous.version } } : {}),
    } },
  ];
  if (previous) {
    transact.push({ ConditionCheck: {
      TableName: providersTable(), Key: keys.run(run.kind, run.region, run.period, previous.version),
      ConditionExpression: '#status = :complete', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':complete': 'complete' },
    } });
  }
  try {
    await db().send(new TransactWriteCommand({ TransactItems: transact }));
  } catch (error) {
    if (isConditionFailure(error)) return { outcome: 'conflict' };
    throw error;
  }
  return { outcome: 'created', run: item };
}

/**
 * Marks a version complete. A prepayment version completes once every line is in: each worker
 * tries after its line, and only the one that sees done = expected succeeds. A year-end version is
 * written by one invocation, which completes it (with its summary) after its last report.
 */
export async function completeRun(kind: RunKind, region: string, period: string, version: number, now: string, options: { whenAllDone: boolean; summary?: unknown }): Promise<boolean> {
  try {
    await db().send(new UpdateCommand({
      TableName: providersTable(), Key: keys.run(kind, region, period, version),
      UpdateExpression: `SET #status = :complete, completedAt = :now${options.summary === undefined ? '' : ', summary = :summary'}`,
      ConditionExpression: `#status = :inProgress${options.whenAllDone ? ' AND done >= expected' : ''}`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':complete': 'complete', ':inProgress': 'in-progress', ':now': now, ...(options.summary === undefined ? {} : { ':summary': options.summary }) },
    }));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export async function markRunPublished(kind: RunKind, region: string, period: string, version: number, eventId: string): Promise<void> {
  await db().send(new UpdateCommand({
    TableName: providersTable(), Key: keys.run(kind, region, period, version),
    UpdateExpression: 'SET eventId = :e', ExpressionAttributeValues: { ':e': eventId },
  }));
}

// Prepayment lines ----------------------------------------------------------------------------------

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
  writtenAt: string;
  eventId?: string;
}

export async function getPrepaymentLine(providerCode: string, period: string, version: number): Promise<PrepaymentLine | undefined> {
  const out = await db().send(new GetCommand({ TableName: providersTable(), Key: keys.prepaymentLine(providerCode, period, version), ConsistentRead: true }));
  return out.Item ? withoutKeys<PrepaymentLine>(out.Item) : undefined;
}

/** An item as the domain sees it: without the table's keys. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _s1, gsi2pk: _g2, gsi2sk: _s2, ...rest } = item;
  return rest as T;
}

/** The lines of one version, by provider code. */
export async function prepaymentLines(region: string, period: string, version: number): Promise<PrepaymentLine[]> {
  const items = await queryAll<PrepaymentLine & Record<string, unknown>>({
    IndexName: 'byRun', KeyConditionExpression: 'gsi2pk = :r AND begins_with(gsi2sk, :v)',
    ExpressionAttributeValues: { ':r': keys.runIndex('prepayment', region, period), ':v': `${v(version)}#P#` },
  });
  return items.map((i) => withoutKeys<PrepaymentLine>(i));
}

interface LedgerEntry { amountFen: Fen; kind: 'prepayment' | 'year-end'; runId: string; version: number; period: string }

/** Ledger entries of a provider's year: every advance, every year-end version. */
export async function ledgerOfYear(providerCode: string, year: number): Promise<LedgerEntry[]> {
  return queryAll<LedgerEntry>({
    KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': `PROVIDER#${providerCode}`, ':s': `LEDGER#${year}#` },
    ConsistentRead: true,
  });
}

/** Each year-end version's entry is kept on the balance under its own name, so a resumed version can leave its own out. */
const yearEndAttribute = (version: number) => `yearEndV${String(version).padStart(4, '0')}`;

export interface Balance {
  /** Every advance of the year (all prepayment versions' differences). */
  prepaidFen: Fen;
  /** Year-end entries by version. */
  yearEndByVersion: Map<number, Fen>;
}

/**
 * Many providers' ledger balances for a year, one item each, kept in the transactions that write
 * the ledger entries: the year-end reads 1,000 of these instead of querying 1,000 ledgers.
 */
export async function balances(providerCodes: readonly string[], year: number): Promise<Map<string, Balance>> {
  const found = await batchGet(providerCodes.map((c) => keys.balance(c, year)));
  return new Map(providerCodes.map((c) => {
    const key = keys.balance(c, year);
    const item = found.get(`${key.pk}|${key.sk}`) ?? {};
    const yearEndByVersion = new Map(Object.entries(item).flatMap(([name, value]) => {
      const m = /^yearEndV(\d{4})$/.exec(name);
      return m ? [[Number(m[1]), value as number] as const] : [];
    }));
    return [c, { prepaidFen: (item.prepaidFen as number | undefined) ?? 0, yearEndByVersion }];
  }));
}

/** What earlier versions of a month's run issued to a provider. */
export async function issuedForPeriod(providerCode: string, period: string): Promise<Fen> {
  const entries = await queryAll<LedgerEntry>({
    KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': `PROVIDER#${providerCode}`, ':s': `LEDGER#${period.slice(0, 4)}#PREPAY#${period}#` },
    ConsistentRead: true,
  });
  return entries.reduce((a, e) => a + e.amountFen, 0);
}

/**
 * Writes a provider's line of a version, its ledger entry (when it moves money) and the version's
 * count, in one transaction; 'already-written' when the line exists (a redelivered message).
 */
export async function writePrepaymentLine(line: PrepaymentLine): Promise<'written' | 'already-written'> {
  const ledger = line.differenceFen !== 0 ? [{ Put: {
    TableName: providersTable(),
    Item: { ...keys.prepaymentLedger(line.providerCode, line.period, line.version), kind: 'prepayment', amountFen: line.differenceFen, runId: line.runId, version: line.version, period: line.period, providerCode: line.providerCode, writtenAt: line.writtenAt },
    ConditionExpression: 'attribute_not_exists(pk)',
  } }, { Update: {
    TableName: providersTable(), Key: keys.balance(line.providerCode, Number(line.period.slice(0, 4))),
    UpdateExpression: 'SET providerCode = :code ADD prepaidFen :amount',
    ExpressionAttributeValues: { ':code': line.providerCode, ':amount': line.differenceFen },
  } }] : [];
  try {
    await db().send(new TransactWriteCommand({ TransactItems: [
      { Put: {
        TableName: providersTable(),
        Item: { ...keys.prepaymentLine(line.providerCode, line.period, line.version), ...line, gsi2pk: keys.runIndex('prepayment', line.region, line.period), gsi2sk: `${v(line.version)}#P#${line.providerCode}` },
        ConditionExpression: 'attribute_not_exists(pk)',
      } },
      ...ledger,
      { Update: {
        TableName: providersTable(), Key: keys.run('prepayment', line.region, line.period, line.version),
        UpdateExpression: 'ADD done :one', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':one': 1 },
      } },
    ] }));
    return 'written';
  } catch (error) {
    if (isConditionFailure(error)) return 'already-written';
    throw error;
  }
}

export async function markLinePublished(providerCode: string, period: string, version: number, eventId: string): Promise<void> {
  await db().send(new UpdateCommand({
    TableName: providersTable(), Key: keys.prepaymentLine(providerCode, period, version),
    UpdateExpression: 'SET eventId = :e', ExpressionAttributeValues: { ':e': eventId },
  }));
}

// Year-end reports -----------------------------------------------------------------------------------

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** A provider's year-end report, its ledger entry and its balance, as transaction items conditional on the report being new. */
function yearEndItems(region: string, year: number, version: number, statement: YearEndStatement, now: string): TransactItem[] {
  const id = runId('year-end', region, String(year));
  const ledger: TransactItem[] = statement.ledgerFen !== 0 ? [{ Put: {
    TableName: providersTable(),
    Item: { ...keys.yearEndLedger(statement.providerCode, year, version), kind: 'year-end', amountFen: statement.ledgerFen, runId: id, version, period: String(year), providerCode: statement.providerCode, writtenAt: now },
    ConditionExpression: 'attribute_not_exists(pk)',
  } }, { Update: {
    TableName: providersTable(), Key: keys.balance(statement.providerCode, year),
    UpdateExpression: 'SET providerCode = :code, #version = :amount',
    ExpressionAttributeNames: { '#version': yearEndAttribute(version) },
    ExpressionAttributeValues: { ':code': statement.providerCode, ':amount': statement.ledgerFen },
  } }] : [];
  return [
    { Put: {
      TableName: providersTable(),
      Item: {
        ...keys.yearEndReport('PROVIDER', statement.providerCode, year, version), ...statement, kind: 'year-end-provider', runId: id, region, year, version, writtenAt: now,
        gsi2pk: keys.runIndex('year-end', region, String(year)), gsi2sk: `${v(version)}#P#${statement.providerCode}`,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    } },
    ...ledger,
  ];
}

export type YearEndStatement = { providerCode: string; ledgerFen: Fen } & Record<string, unknown>;

/** One provider's report and ledger entry in one transaction; 'already-written' when the report exists (a resumed run). */
export async function writeYearEndProvider(region: string, year: number, version: number, statement: YearEndStatement, now: string): Promise<'written' | 'already-written'> {
  try {
    await db().send(new TransactWriteCommand({ TransactItems: yearEndItems(region, year, version, statement, now) }));
    return 'written';
  } catch (error) {
    if (isConditionFailure(error)) return 'already-written';
    throw error;
  }
}

/**
 * Many providers' reports and ledger entries, up to 33 providers (99 items) a transaction: a
 * thousand providers take 31 transactions, not a thousand. All-or-nothing per transaction, each
 * report conditional on being new; a transaction that meets a report already written (a resumed
 * run) is replayed provider by provider, skipping those.
 */
export async function writeYearEndProviders(region: string, year: number, version: number, statements: readonly YearEndStatement[], now: string): Promise<{ written: number; already: number }> {
  const chunks: YearEndStatement[][] = [];
  for (let i = 0; i < statements.length; i += 33) chunks.push(statements.slice(i, i + 33));
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

export async function writeYearEndCommunity(region: string, year: number, version: number, statement: { communityId: string } & Record<string, unknown>, now: string): Promise<void> {
  try {
    await db().send(new PutCommand({
      TableName: providersTable(),
      Item: {
        ...keys.yearEndReport('HC', statement.communityId, year, version), ...statement, kind: 'year-end-community',
        runId: runId('year-end', region, String(year)), region, year, version, writtenAt: now,
        gsi2pk: keys.runIndex('year-end', region, String(year)), gsi2sk: `${v(version)}#C#${statement.communityId}`,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** A year-end version's stored reports: providers (P) or communities (C), by code. */
export async function yearEndReports<T>(region: string, year: number, version: number, owner: 'P' | 'C'): Promise<T[]> {
  const items = await queryAll<T & Record<string, unknown>>({
    IndexName: 'byRun', KeyConditionExpression: 'gsi2pk = :r AND begins_with(gsi2sk, :v)',
    ExpressionAttributeValues: { ':r': keys.runIndex('year-end', region, String(year)), ':v': `${v(version)}#${owner}#` },
  });
  return items.map((i) => withoutKeys<T>(i));
}
