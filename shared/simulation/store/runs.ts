/**
 * Simulation runs (DynamoDB adapter, table `simulations`; keys in infra/topology.ts):
 *   RUN#<runId> / RUN              the run: status, window, draft, progress, summary
 *   RUN#<runId> / REQUEST          the request (draft document, window, assumptions), gzipped
 *   RUN#<runId> / PART#<gg>#<cc>   a partition group's partial result, gzipped, in chunks
 *   RUN#<runId> / REPORT#<cc>      the report, gzipped, in chunks
 * The run id is a hash of the request, so the same draft over the same window is the same run: it
 * is created once (conditional put) and answered from what is stored. A group's partial and the
 * run's count of groups done move in one transaction, conditional on the partial being new, so a
 * message delivered twice counts once; whoever completes the last group writes the report.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { isConditionFailure } from '../../runtime/condition-failure.ts';
import { queryAll } from '../../runtime/query-all.ts';
import { tableName } from '../../runtime/resource-names.ts';
import type { SimulationWindow } from '../request.ts';

export type RunStatus = 'queued' | 'running' | 'done' | 'failed';

export interface RunRecord {
  runId: string;
  status: RunStatus;
  region: string;
  window: SimulationWindow;
  draft: { kind: string; region: string; version: number; effectiveFrom: string; hash: string; title?: string };
  /** Member partitions, and the groups of them sent as messages (one per partition on AWS, one in all locally). */
  partitions: number;
  groups: number;
  groupsDone: number;
  /** Claims replayed so far, per group (progress while a group runs). */
  progress: Record<string, number>;
  claimsRead: number;
  createdAt: string;
  createdBy: string;
  startedAt?: string;
  finishedAt?: string;
  /** The few lines a clerk reads first, once done. */
  summary?: string[];
  error?: string;
}

const table = () => tableName('simulations');
const db = () => dynamoDocumentClient();
const pk = (runId: string) => `RUN#${runId}`;
const two = (n: number) => String(n).padStart(2, '0');
/** Well below DynamoDB's 400 KB item limit, with room for the keys. */
const CHUNK = 350_000;

const pack = (value: unknown): Uint8Array => gzipSync(JSON.stringify(value));
const unpack = <T>(bytes: Uint8Array): T => JSON.parse(gunzipSync(bytes).toString('utf8')) as T;
const chunks = (bytes: Uint8Array): Uint8Array[] => {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) out.push(bytes.subarray(i, i + CHUNK));
  return out.length ? out : [bytes];
};
const joined = (items: Record<string, unknown>[]): Uint8Array => Buffer.concat(items.map((i) => Buffer.from(i.data as Uint8Array)));

const runItem = (run: RunRecord) => ({
  pk: pk(run.runId),
  sk: 'RUN',
  ...run,
  gsi1pk: `REGION#${run.region}`,
  gsi1sk: `${run.createdAt}#${run.runId}`,
});
const fromRunItem = ({ pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...run }: Record<string, unknown>) => run as unknown as RunRecord;

/** Creates the run and stores its request, unless the same run exists already (then `exists`, and nothing is written). */
export async function createRun(run: RunRecord, request: unknown): Promise<'created' | 'exists'> {
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table(), Item: runItem(run), ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: table(), Item: { pk: pk(run.runId), sk: 'REQUEST', document: pack(request) } } },
        ],
      }),
    );
    return 'created';
  } catch (error) {
    if (isConditionFailure(error)) return 'exists';
    throw error;
  }
}

/** Starts a failed run again: its old partials go, its progress starts from nothing (conditional on it having failed). */
export async function restartRun(run: RunRecord): Promise<boolean> {
  const parts = await queryAll<Record<string, unknown>>({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :part)',
    ExpressionAttributeValues: { ':pk': pk(run.runId), ':part': 'PART#' },
    ProjectionExpression: 'pk, sk',
  });
  for (const p of parts) await db().send(new DeleteCommand({ TableName: table(), Key: { pk: p.pk, sk: p.sk } }));
  try {
    await db().send(
      new PutCommand({
        TableName: table(),
        Item: runItem(run),
        ConditionExpression: '#s = :failed',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':failed': 'failed' },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export async function getRun(runId: string): Promise<RunRecord | undefined> {
  const out = await db().send(new GetCommand({ TableName: table(), Key: { pk: pk(runId), sk: 'RUN' }, ConsistentRead: true }));
  return out.Item ? fromRunItem(out.Item) : undefined;
}

export async function getRequest<T>(runId: string): Promise<T | undefined> {
  const out = await db().send(new GetCommand({ TableName: table(), Key: { pk: pk(runId), sk: 'REQUEST' }, ConsistentRead: true }));
  return out.Item ? unpack<T>(out.Item.document as Uint8Array) : undefined;
}

export async function listRuns(region: string, limit = 50): Promise<RunRecord[]> {
  const out = await db().send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'byRegion',
      KeyConditionExpression: 'gsi1pk = :r',
      ExpressionAttributeValues: { ':r': `REGION#${region}` },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map(fromRunItem);
}

/** Marks a queued run running (a no-op once it runs or is done). */
export async function markRunning(runId: string, at: string): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: { pk: pk(runId), sk: 'RUN' },
        UpdateExpression: 'SET #s = :running, startedAt = :at',
        ConditionExpression: '#s = :queued',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':running': 'running', ':queued': 'queued', ':at': at },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** How far a group got (claims replayed): readable while it runs. */
export async function recordProgress(runId: string, group: number, claimsDone: number): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: table(),
      Key: { pk: pk(runId), sk: 'RUN' },
      UpdateExpression: 'SET progress.#g = :n',
      ExpressionAttributeNames: { '#g': two(group) },
      ExpressionAttributeValues: { ':n': claimsDone },
    }),
  );
}

/**
 * Stores a group's partial and counts the group done, once: returns the run as it stands after,
 * or undefined when this group was already stored (a repeated message).
 */
export async function completeGroup(
  runId: string,
  group: number,
  partial: unknown,
  claimsRead: number,
  claimsDone: number,
): Promise<RunRecord | undefined> {
  const parts = chunks(pack(partial));
  const sk = (c: number) => `PART#${two(group)}#${two(c)}`;
  // Chunks after the first are plain puts (a repeat writes the same bytes); the first commits the group.
  for (let c = 1; c < parts.length; c++)
    await db().send(new PutCommand({ TableName: table(), Item: { pk: pk(runId), sk: sk(c), data: parts[c] } }));
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table(),
              Item: { pk: pk(runId), sk: sk(0), data: parts[0], chunks: parts.length },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: table(),
              Key: { pk: pk(runId), sk: 'RUN' },
              UpdateExpression: 'ADD groupsDone :one, claimsRead :read SET progress.#g = :done',
              ExpressionAttributeNames: { '#g': two(group) },
              ExpressionAttributeValues: { ':one': 1, ':read': claimsRead, ':done': claimsDone },
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
  return getRun(runId);
}

/** Every group's partial, in group order. */
export async function readParts<T>(runId: string): Promise<T[]> {
  const items = await queryAll<Record<string, unknown>>({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :part)',
    ExpressionAttributeValues: { ':pk': pk(runId), ':part': 'PART#' },
    ConsistentRead: true,
  });
  const byGroup = new Map<string, Record<string, unknown>[]>();
  for (const item of items) {
    const group = (item.sk as string).split('#')[1]!;
    byGroup.set(group, [...(byGroup.get(group) ?? []), item]);
  }
  return [...byGroup.keys()]
    .sort()
    .map((g) => unpack<T>(joined(byGroup.get(g)!.sort((a, b) => ((a.sk as string) < (b.sk as string) ? -1 : 1)))));
}

/** Stores the report and marks the run done with its summary (once: a second finisher changes nothing). */
export async function finishRun(runId: string, report: unknown, summary: string[], at: string): Promise<void> {
  const parts = chunks(pack(report));
  for (let c = 0; c < parts.length; c++)
    await db().send(new PutCommand({ TableName: table(), Item: { pk: pk(runId), sk: `REPORT#${two(c)}`, data: parts[c] } }));
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: { pk: pk(runId), sk: 'RUN' },
        UpdateExpression: 'SET #s = :done, finishedAt = :at, summary = :summary, reportChunks = :chunks',
        ConditionExpression: '#s <> :done',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':done': 'done', ':at': at, ':summary': summary, ':chunks': parts.length },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

export async function failRun(runId: string, message: string, at: string): Promise<void> {
  await db()
    .send(
      new UpdateCommand({
        TableName: table(),
        Key: { pk: pk(runId), sk: 'RUN' },
        UpdateExpression: 'SET #s = :failed, finishedAt = :at, #e = :e',
        ConditionExpression: '#s <> :done',
        ExpressionAttributeNames: { '#s': 'status', '#e': 'error' },
        ExpressionAttributeValues: { ':failed': 'failed', ':done': 'done', ':at': at, ':e': message.slice(0, 1000) },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionFailure(error)) throw error;
    });
}

export async function getReport<T>(runId: string): Promise<T | undefined> {
  const items = await queryAll<Record<string, unknown>>({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :r)',
    ExpressionAttributeValues: { ':pk': pk(runId), ':r': 'REPORT#' },
    ConsistentRead: true,
  });
  return items.length ? unpack<T>(joined(items)) : undefined;
}
