/**
 * The `catalogue` table (infra/topology.ts): import jobs and their chunks, published version
 * headers, and the published entries settlement looks up by code.
 *
 *   pk=IMPORT#<importId>        sk=IMPORT            the job: header fields, status, progress, diff
 *   pk=IMPORT#<importId>        sk=CHUNK#<00001>     one chunk: its entries and problems (gzipped JSON)
 *   pk=CATALOGUE#<region>       sk=V#<effectiveFrom>#<version, 4 digits>   a published version's header
 *   pk=CATALOGUE-HEAD#<region>  sk=HEAD              the region's newest version (guards "above every version")
 *   pk=ENTRIES#<importId>       sk=<code>            a published entry, for settlement's BatchGetItem
 *   pk=EPOCH                    sk=EPOCH             { epoch: n }: one more with every publish (the version check)
 *
 * Versions are immutable: a header is put once (conditional), entries under an import id are only
 * ever written with the same content (chunks are immutable once received), so a publish that dies
 * half-way is simply resumed. Readers see a version only once its header exists, and the header is
 * put last, in the transaction that moves the region's head: nothing is ever half-imported.
 */
import { queryAll } from '../../runtime/query-all.ts';
import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CataloguePublished } from '../../../events/catalogue.ts';
import { deliverAfterCommit, deliverWaiting, outboxEntry, outboxPut } from '../../events/outbox.ts';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { cancellationReasons, isConditionFailure } from '../../runtime/condition-failure.ts';
import { tableName } from '../../runtime/resource-names.ts';
import { batchGetAll, batchPutAll } from '../../runtime/batch-items.ts';
import { bumpEpoch, epochCheck } from '../../runtime/epoch.ts';
import type { CatalogueEntry, RowProblem } from '../entry.ts';
import { contentHash, entryHash } from '../entry.ts';
import { duplicateCodes, type ChunkRead, type ImportStatus } from '../import.ts';
import {
  diffOf,
  headerOf,
  refOf,
  regionChain,
  resolveView,
  versionInForce,
  type CatalogueVersion,
  type CatalogueView,
  type Diff,
  type VersionHeader,
  type VersionRef,
} from '../version.ts';

const table = () => tableName('catalogue');
const db = () => dynamoDocumentClient();

export const importKey = (importId: string) => ({ pk: `IMPORT#${importId}`, sk: 'IMPORT' });
const chunkKey = (importId: string, n: number) => ({ pk: `IMPORT#${importId}`, sk: `CHUNK#${String(n).padStart(5, '0')}` });
const versionKey = (region: string, effectiveFrom: string, version: number) => ({
  pk: `CATALOGUE#${region}`,
  sk: `V#${effectiveFrom}#${String(version).padStart(4, '0')}`,
});
const headKey = (region: string) => ({ pk: `CATALOGUE-HEAD#${region}`, sk: 'HEAD' });
const entryKey = (importId: string, code: string) => ({ pk: `ENTRIES#${importId}`, sk: code });

/** Lists kept on the import item are capped (an item is ≤ 400 KB); counts are always exact. */
export const LISTED_DIFF_CODES = 1_000;
export const LISTED_PROBLEMS = 2_000;

export interface ImportHeader extends VersionHeader {
  /** Rows the uploader says the file has: validation refuses a job that received other than that. */
  expectedRows?: number;
  fileName?: string;
}

export interface ImportJob extends ImportHeader {
  importId: string;
  status: ImportStatus;
  createdAt: string;
  createdBy: string;
  chunks: number;
  rowsReceived: number;
  rowsAccepted: number;
  rowsRejected: number;
  problemsCount: number;
  /** Whole-file problems found at validation (duplicate codes, a row count short): capped list. */
  fileProblems?: RowProblem[];
  contentHash?: string;
  /** The version it was compared with (in force on its effective date), if any. */
  comparedWith?: VersionRef;
  diff?: Diff & { truncated: boolean };
  /** An unchanged import: the published version it is identical to. */
  sameAs?: VersionRef;
  entries?: number;
  publishedChunks?: number;
  publishedAt?: string;
  publishedBy?: string;
}

// ---------------------------------------------------------------------------------------------
// Import jobs
// ---------------------------------------------------------------------------------------------

export async function createImport(header: ImportHeader, by: string, at: string): Promise<ImportJob> {
  const job: ImportJob = {
    ...header,
    importId: randomUUID(),
    status: 'receiving',
    createdAt: at,
    createdBy: by,
    chunks: 0,
    rowsReceived: 0,
    rowsAccepted: 0,
    rowsRejected: 0,
    problemsCount: 0,
  };
  await db().send(
    new PutCommand({
      TableName: table(),
      Item: { ...importKey(job.importId), kind: 'import', ...job },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return job;
}

const stripKeys = <T>(item: Record<string, unknown>): T => {
  const { pk: _pk, sk: _sk, kind: _kind, ...rest } = item;
  return rest as T;
};

export async function readImport(importId: string): Promise<ImportJob | undefined> {
  const out = await db().send(new GetCommand({ TableName: table(), Key: importKey(importId), ConsistentRead: true }));
  return out.Item ? stripKeys<ImportJob>(out.Item) : undefined;
}

interface StoredChunk {
  rows: number;
  accepted: number;
  rejected: number;
  rowsHash: string;
  data: Uint8Array;
}

interface ChunkData {
  entries: { row: number; entry: CatalogueEntry }[];
  problems: RowProblem[];
}

const packChunk = (read: ChunkRead): Uint8Array =>
  gzipSync(Buffer.from(JSON.stringify({ entries: read.entries, problems: read.problems })));
const unpackChunk = (data: Uint8Array): ChunkData => JSON.parse(gunzipSync(data).toString('utf8')) as ChunkData;

export type ChunkOutcome =
  | { outcome: 'received' | 'replayed'; job: ImportJob }
  | { outcome: 'different' }
  | { outcome: 'closed'; job: ImportJob }
  | { outcome: 'no-job' };

/**
 * Stores one chunk and moves the job's counters, in one transaction: a chunk is received once
 * (the same chunk again is a replay, another one under its number a conflict), and only while the
 * job is receiving.
 */
export async function putChunk(importId: string, chunkNo: number, rowsHash: string, read: ChunkRead): Promise<ChunkOutcome> {
  const rejectedRows = new Set(read.problems.map((p) => p.row)).size;
  const chunk: StoredChunk = { rows: read.rows, accepted: read.entries.length, rejected: rejectedRows, rowsHash, data: packChunk(read) };
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table(),
              Item: { ...chunkKey(importId, chunkNo), kind: 'chunk', chunkNo, ...chunk },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: table(),
              Key: importKey(importId),
              UpdateExpression: 'ADD chunks :one, rowsReceived :rows, rowsAccepted :ok, rowsRejected :bad, problemsCount :problems',
              ConditionExpression: '#status = :receiving',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':one': 1,
                ':rows': read.rows,
                ':ok': read.entries.length,
                ':bad': rejectedRows,
                ':problems': read.problems.length,
                ':receiving': 'receiving',
              },
            },
          },
        ],
      }),
    );
    return { outcome: 'received', job: (await readImport(importId))! };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const reasons = cancellationReasons(error) ?? [];
    const job = await readImport(importId);
    if (!job) return { outcome: 'no-job' };
    if (reasons[0]?.Code === 'ConditionalCheckFailed') {
      const existing = await db().send(new GetCommand({ TableName: table(), Key: chunkKey(importId, chunkNo), ConsistentRead: true }));
      return existing.Item?.rowsHash === rowsHash ? { outcome: 'replayed', job } : { outcome: 'different' };
    }
    return { outcome: 'closed', job };
  }
}

/** Every chunk of a job, unpacked, in chunk order. */
async function readChunks(importId: string): Promise<ChunkData[]> {
  const items = await queryAll(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :chunk)',
      ExpressionAttributeValues: { ':pk': `IMPORT#${importId}`, ':chunk': 'CHUNK#' },
    },
    { client: db() },
  );
  return items.map((item) => unpackChunk(item.data as Uint8Array));
}

/** Every problem of a job's rows, in row order, then its whole-file problems. */
export async function importProblems(job: ImportJob): Promise<RowProblem[]> {
  const chunks = await readChunks(job.importId);
  const problems = chunks.flatMap((c) => c.problems);
  problems.push(...(job.fileProblems ?? []));
  return problems.sort((a, b) => a.row - b.row);
}

// ---------------------------------------------------------------------------------------------
// A version's entries in memory (search, download, diff): immutable, so cached per import id.
// ---------------------------------------------------------------------------------------------

export interface LoadedEntries {
  /** In code order. */
  entries: CatalogueEntry[];
  hashes: Map<string, string>;
}

const loaded = new Map<string, Promise<LoadedEntries>>();
const LOADED_KEPT = 6;

/** The entries a job received (validated: codes unique), loaded once per container. */
export function loadImportEntries(importId: string): Promise<LoadedEntries> {
  let hit = loaded.get(importId);
  if (!hit) {
    hit = readChunks(importId).then((chunks) => {
      const entries = chunks.flatMap((c) => c.entries.map((e) => e.entry)).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
      return { entries, hashes: new Map(entries.map((e) => [e.code, entryHash(e)])) };
    });
    hit.catch(() => loaded.delete(importId));
    loaded.set(importId, hit);
    // A container keeps the few versions it serves; the oldest loaded goes first.
    if (loaded.size > LOADED_KEPT) loaded.delete(loaded.keys().next().value!);
  }
  return hit;
}

// ---------------------------------------------------------------------------------------------
// Versions
// ---------------------------------------------------------------------------------------------

const VERSIONS_TTL_MS = 5_000;
const versionsCache = new Map<string, { readAt: number; epoch: number | undefined; versions: Promise<CatalogueVersion[]> }>();

/**
 * The version check on the catalogue table (shared/runtime/epoch.ts): settlement reads the table's
 * epoch with each claim and says so here (`observe`); a changed epoch drops every region's list.
 */
export const catalogueEpoch = epochCheck(VERSIONS_TTL_MS, () => versionsCache.clear());

/**
 * A region's published versions. Cached five seconds per container, as the policy registry caches
 * its lists: a version published elsewhere is used within that; this container's publish drops it.
 * An older list stays while the catalogue's epoch says nothing was published since (epochCheck).
 */
export function regionVersions(region: string, now = Date.now()): Promise<CatalogueVersion[]> {
  const hit = versionsCache.get(region);
  if (hit && catalogueEpoch.current(hit, now)) return hit.versions;
  const versions = queryVersions(region);
  versions.catch(() => versionsCache.delete(region));
  versionsCache.set(region, { readAt: now, epoch: catalogueEpoch.seen(), versions });
  return versions;
}

async function queryVersions(region: string): Promise<CatalogueVersion[]> {
  const out = await db().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
      ExpressionAttributeValues: { ':pk': `CATALOGUE#${region}`, ':v': 'V#' },
    }),
  );
  return (out.Items ?? []).map((item) => stripKeys<CatalogueVersion>(item));
}

/** The versions in force in a place on a date, most local first (regional addition, province, national). */
export async function layersInForce(region: string, date: string): Promise<CatalogueVersion[]> {
  const chain = regionChain(region);
  const lists = await Promise.all(chain.map((r) => regionVersions(r)));
  return lists.flatMap((versions) => {
    const v = versionInForce(versions, date);
    return v ? [v] : [];
  });
}

// ---------------------------------------------------------------------------------------------
// Validation and publishing
// ---------------------------------------------------------------------------------------------

/**
 * Validates a job as a whole once every chunk is in: codes unique across the file, the announced
 * row count received, every row valid. Then hashes it and compares it with the version in force on
 * its effective date: identical content is `unchanged` (nothing will be published), else the diff
 * is kept on the job for the clerk to read before publishing.
 */
export async function validateImport(job: ImportJob): Promise<ImportJob> {
  const chunks = await readChunks(job.importId);
  const fileProblems: RowProblem[] = duplicateCodes(chunks.flatMap((c) => c.entries.map((e) => ({ code: e.entry.code, row: e.row }))));
  if (job.expectedRows !== undefined && job.rowsReceived !== job.expectedRows)
    fileProblems.push({
      row: 0,
      column: 'file',
      rule: 'row_count',
      message: `the file was announced with ${job.expectedRows} rows, ${job.rowsReceived} arrived: send the missing chunks`,
    });
  if (job.rowsReceived === 0) fileProblems.push({ row: 0, column: 'file', rule: 'empty', message: 'no rows were received' });
  const rejectedRows = new Set(fileProblems.map((p) => p.row)).size;
  let update: Partial<ImportJob>;
  if (job.problemsCount + fileProblems.length > 0) {
    update = {
      status: 'rejected',
      fileProblems: fileProblems.slice(0, LISTED_PROBLEMS),
      problemsCount: job.problemsCount + fileProblems.length,
      rowsRejected: job.rowsRejected + rejectedRows,
      rowsAccepted: job.rowsAccepted - rejectedRows,
    };
  } else {
    const hashes = new Map<string, string>();
    for (const c of chunks) for (const e of c.entries) hashes.set(e.entry.code, entryHash(e.entry));
    const hash = contentHash(hashes);
    const versions = await queryVersions(job.region);
    const inForce = versionInForce(versions, job.effectiveFrom);
    const newest = [...versions].sort((a, b) => b.version - a.version)[0];
    const same = [inForce, newest].find((v) => v?.contentHash === hash);
    if (same) update = { status: 'unchanged', contentHash: hash, sameAs: refOf(same), entries: hashes.size };
    else {
      const previous = inForce ? (await loadImportEntries(inForce.importId)).hashes : new Map<string, string>();
      const diff = diffOf(previous, hashes);
      const cap = (codes: string[]) => codes.slice(0, LISTED_DIFF_CODES);
      update = {
        status: 'validated',
        contentHash: hash,
        entries: hashes.size,
        diff: {
          counts: diff.counts,
          added: cap(diff.added),
          removed: cap(diff.removed),
          changed: cap(diff.changed),
          truncated: Math.max(diff.added.length, diff.removed.length, diff.changed.length) > LISTED_DIFF_CODES,
        },
        ...(inForce ? { comparedWith: refOf(inForce) } : {}),
      };
    }
  }
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':receiving': 'receiving' };
  const sets = Object.entries(update).map(([k, v], i) => {
    names[`#f${i}`] = k;
    values[`:v${i}`] = v;
    return `#f${i} = :v${i}`;
  });
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: importKey(job.importId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: '#status = :receiving',
        ExpressionAttributeNames: { ...names, '#status': 'status' },
        ExpressionAttributeValues: values,
      }),
    );
  } catch (error) {
    // Validated meanwhile by another request: its answer stands.
    if (!isConditionFailure(error)) throw error;
  }
  return (await readImport(job.importId))!;
}

export type PublishOutcome =
  | { outcome: 'published'; version: CatalogueVersion; job: ImportJob }
  | { outcome: 'in-progress'; job: ImportJob }
  | { outcome: 'stale-version'; newestVersion: number }
  | { outcome: 'not-ready'; job: ImportJob };

/** Entries written in parallel batches of 25 (BatchWriteItem's most), unprocessed ones sent again. */
async function writeEntries(importId: string, entries: readonly CatalogueEntry[]): Promise<void> {
  await batchPutAll(
    table(),
    entries.map((e) => ({ ...entryKey(importId, e.code), ...e })),
    { client: db(), concurrency: 8, baseDelayMs: 50 },
  );
}

/** The outbox key of a version's CataloguePublished: the fact it reports. */
export const publishedEventKey = (region: string, version: number) => `catalogue/${region}/${version}/CataloguePublished`;

type Warn = (message: string, extra: Record<string, unknown>) => void;

/** A published job's event, delivered if it is still waiting (a replayed publish). */
export const deliverPublishedEvent = (job: ImportJob, warn: Warn) => deliverWaiting([publishedEventKey(job.region, job.version)], warn);

/**
 * Publishes a validated job: writes its entries for lookup by code, a chunk at a time within
 * `deadline` (a 100,000-row version takes more than one request: the job records how far it got
 * and the next call carries on), then, in one transaction, the version header and the region's
 * head (the version must be above every version of the region), the job marked published and the
 * CataloguePublished event in the outbox; then delivers the event.
 */
export async function publishImport(
  job: ImportJob,
  by: string,
  at: string,
  deadline: number,
  correlationId: string,
  warn: Warn,
): Promise<PublishOutcome> {
  if (job.status !== 'validated' && job.status !== 'publishing') return { outcome: 'not-ready', job };
  const head = await db().send(new GetCommand({ TableName: table(), Key: headKey(job.region), ConsistentRead: true }));
  const newest = (head.Item?.version as number | undefined) ?? 0;
  if (newest >= job.version) return { outcome: 'stale-version', newestVersion: newest };

  const chunks = await readChunks(job.importId);
  let done = job.publishedChunks ?? 0;
  while (done < chunks.length) {
    if (Date.now() > deadline) {
      await db().send(
        new UpdateCommand({
          TableName: table(),
          Key: importKey(job.importId),
          UpdateExpression: 'SET #status = :publishing, publishedChunks = :done',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':publishing': 'publishing', ':done': done },
        }),
      );
      return { outcome: 'in-progress', job: (await readImport(job.importId))! };
    }
    await writeEntries(
      job.importId,
      chunks[done]!.entries.map((e) => e.entry),
    );
    done++;
  }

  const version: CatalogueVersion = {
    ...headerOf(job),
    importId: job.importId,
    contentHash: job.contentHash!,
    entries: job.entries ?? 0,
    publishedAt: at,
    publishedBy: by,
    diff: job.diff?.counts ?? { added: job.entries ?? 0, removed: 0, changed: 0, unchanged: 0 },
  };
  const event = outboxEntry(
    CataloguePublished,
    {
      region: version.region,
      version: version.version,
      effectiveFrom: version.effectiveFrom,
      ...(version.effectiveTo ? { effectiveTo: version.effectiveTo } : {}),
      title: version.title,
      importId: version.importId,
      contentHash: version.contentHash,
      entries: version.entries,
      diff: version.diff,
    },
    correlationId,
    publishedEventKey(version.region, version.version),
    at,
  );
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table(),
              Item: { ...versionKey(job.region, job.effectiveFrom, job.version), kind: 'version', ...version },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table(),
              Item: { ...headKey(job.region), kind: 'head', version: job.version, importId: job.importId },
              ConditionExpression: 'attribute_not_exists(pk) OR version < :v',
              ExpressionAttributeValues: { ':v': job.version },
            },
          },
          {
            Update: {
              TableName: table(),
              Key: importKey(job.importId),
              UpdateExpression: 'SET #status = :published, publishedChunks = :done, publishedAt = :at, publishedBy = :by',
              ConditionExpression: '#status IN (:validated, :publishing)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':published': 'published',
                ':done': done,
                ':at': at,
                ':by': by,
                ':validated': 'validated',
                ':publishing': 'publishing',
              },
            },
          },
          outboxPut(event),
        ],
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const current = (await readImport(job.importId))!;
    if (current.status === 'published') {
      // Published meanwhile by another request: its event may still be on its way.
      await deliverPublishedEvent(current, warn);
      return { outcome: 'published', version: await readVersion(job.region, job.effectiveFrom, job.version), job: current };
    }
    const again = await db().send(new GetCommand({ TableName: table(), Key: headKey(job.region), ConsistentRead: true }));
    return { outcome: 'stale-version', newestVersion: (again.Item?.version as number | undefined) ?? 0 };
  }
  // Then the epoch: the next claim anywhere reads the versions again (a lost bump: see epochCheck).
  await bumpEpoch(db(), table());
  versionsCache.delete(job.region);
  await deliverAfterCommit([event], warn);
  return { outcome: 'published', version, job: (await readImport(job.importId))! };
}

export async function readVersion(region: string, effectiveFrom: string, version: number): Promise<CatalogueVersion> {
  const out = await db().send(
    new GetCommand({ TableName: table(), Key: versionKey(region, effectiveFrom, version), ConsistentRead: true }),
  );
  return stripKeys<CatalogueVersion>(out.Item!);
}

// ---------------------------------------------------------------------------------------------
// Settlement's lookup: the entries of a bill's codes, by BatchGetItem, cached per version.
// ---------------------------------------------------------------------------------------------

/** Entries (or their absence: null) by import id and code; a published version never changes. */
const entryCache = new Map<string, Map<string, CatalogueEntry | null>>();
const ENTRY_CACHE_VERSIONS = 8;

async function entriesOf(importId: string, codes: readonly string[]): Promise<Map<string, CatalogueEntry>> {
  let cached = entryCache.get(importId);
  if (!cached) {
    cached = new Map();
    entryCache.set(importId, cached);
    if (entryCache.size > ENTRY_CACHE_VERSIONS) entryCache.delete(entryCache.keys().next().value!);
  }
  const missing = [...new Set(codes)].filter((c) => !cached.has(c));
  for (let i = 0; i < missing.length; i += 100) {
    const found = await batchGetAll(
      table(),
      missing.slice(i, i + 100).map((c) => entryKey(importId, c)),
      { client: db() },
    );
    for (const item of found.values()) {
      const { pk: _pk, sk: _sk, ...entry } = item;
      cached.set(entry.code as string, entry as unknown as CatalogueEntry);
    }
    for (const c of missing.slice(i, i + 100)) if (!cached.has(c)) cached.set(c, null);
  }
  const result = new Map<string, CatalogueEntry>();
  for (const c of codes) {
    const e = cached.get(c);
    if (e) result.set(c, e);
  }
  return result;
}

/**
 * The catalogue view a bill needs: for each date, the versions in force in the member's region and
 * the entries of the codes of the lines of that date. Dates with no catalogue in force are left out.
 */
export async function catalogueViews(
  region: string,
  codesByDate: ReadonlyMap<string, readonly string[]>,
): Promise<Record<string, CatalogueView>> {
  const views: Record<string, CatalogueView> = {};
  await Promise.all(
    [...codesByDate].map(async ([date, codes]) => {
      const layers = await layersInForce(region, date);
      if (layers.length === 0) return;
      const found = await Promise.all(layers.map((v) => entriesOf(v.importId, codes)));
      views[date] = resolveView(layers.map((v, i) => ({ version: refOf(v), entries: found[i]! })));
    }),
  );
  return views;
}
