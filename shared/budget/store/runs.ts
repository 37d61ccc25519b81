/**
 * Payment runs (DynamoDB adapter): prepayment runs keyed by region and month, year-end runs keyed by
 * region and year. A run has versions; HEAD names the latest. A version is created in one
 * transaction with HEAD, on condition that the version before it is complete, so two versions of
 * one run are never in flight together and each version's "difference" is computed against
 * finished ones. A prepayment version counts its lines (`done` of `expected`) and is completed by
 * whichever line finishes last. Lines, ledger entries and balances: ledger.ts; year-end reports:
 * year-end.ts.
 */
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { outboxPut, type OutboxEntry } from '../../events/outbox.ts';
import { db, isConditionFailure, providersTable, withoutKeys } from './db.ts';
import { keys, runId, type RunKind } from './keys.ts';

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
  /** Year-end: the run's figures (point value, totals). */
  summary?: unknown;
}

export async function getRunVersion(kind: RunKind, region: string, period: string, version?: number): Promise<RunVersion | undefined> {
  let n = version;
  if (n === undefined) {
    const head = await db().send(
      new GetCommand({ TableName: providersTable(), Key: keys.runHead(kind, region, period), ConsistentRead: true }),
    );
    n = head.Item?.latest as number | undefined;
    if (n === undefined) return undefined;
  }
  const out = await db().send(
    new GetCommand({ TableName: providersTable(), Key: keys.run(kind, region, period, n), ConsistentRead: true }),
  );
  return out.Item ? withoutKeys<RunVersion>(out.Item) : undefined;
}

export type CreateOutcome = { outcome: 'created'; run: RunVersion } | { outcome: 'conflict' };

/** Creates version `previous + 1`; a conflict if another version was created meanwhile or the previous one is not complete. */
export async function createRunVersion(
  run: Omit<RunVersion, 'runId' | 'status' | 'done' | 'version'>,
  previous: RunVersion | undefined,
): Promise<CreateOutcome> {
  const version = (previous?.version ?? 0) + 1;
  const item: RunVersion = {
    ...run,
    runId: runId(run.kind, run.region, run.period),
    version,
    status: run.expected === 0 ? 'complete' : 'in-progress',
    done: 0,
  };
  if (item.status === 'complete') item.completedAt = run.createdAt;
  const transact: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
    {
      Put: {
        TableName: providersTable(),
        Item: { ...keys.run(run.kind, run.region, run.period, version), ...item },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: providersTable(),
        Item: {
          ...keys.runHead(run.kind, run.region, run.period),
          kind: run.kind,
          region: run.region,
          period: run.period,
          latest: version,
        },
        ConditionExpression: previous ? 'latest = :previous' : 'attribute_not_exists(pk)',
        ...(previous ? { ExpressionAttributeValues: { ':previous': previous.version } } : {}),
      },
    },
  ];
  if (previous) {
    transact.push({
      ConditionCheck: {
        TableName: providersTable(),
        Key: keys.run(run.kind, run.region, run.period, previous.version),
        ConditionExpression: '#status = :complete',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':complete': 'complete' },
      },
    });
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
 * written by one invocation, which completes it (with its summary) after its last report, in one
 * transaction with the event that announces it (`event`, outbox). False if it was complete already.
 */
export async function completeRun(
  kind: RunKind,
  region: string,
  period: string,
  version: number,
  now: string,
  options: { whenAllDone: boolean; summary?: unknown; event?: OutboxEntry },
): Promise<boolean> {
  const completion = {
    TableName: providersTable(),
    Key: keys.run(kind, region, period, version),
    UpdateExpression: `SET #status = :complete, completedAt = :now${options.summary === undefined ? '' : ', summary = :summary'}`,
    ConditionExpression: `#status = :inProgress${options.whenAllDone ? ' AND done >= expected' : ''}`,
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':complete': 'complete',
      ':inProgress': 'in-progress',
      ':now': now,
      ...(options.summary === undefined ? {} : { ':summary': options.summary }),
    },
  };
  try {
    if (options.event) await db().send(new TransactWriteCommand({ TransactItems: [{ Update: completion }, outboxPut(options.event)] }));
    else await db().send(new UpdateCommand(completion));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
