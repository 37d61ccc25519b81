/**
 * The one policy registry, DynamoDB part: published versions of every kind of policy document in the
 * policies table, read together with the kind's shipped first versions (shared/policy/registry.ts).
 * A version is written once, conditionally, and never changed; a later one supersedes it from its
 * own effective date, and history stays:
 *
 *   pk = POLICY#<kind>#<region>[#<key field>…]     sk = V#<effectiveFrom>#<version, 4 digits>
 *   pk = POLICY-KEYS#<kind>#<region>               sk = <key fields beyond region>   (which keys a region holds)
 *
 * e.g. POLICY#benefits#330900#resident#2025, POLICY#drg#330900#2027, POLICY#fraud-rules#000000.
 * The document is stored exactly as published (percent strings, yuan) and parsed on read; a parsed
 * version is cached for the container's life (it never changes). Which versions a key holds is cached
 * for a few seconds only: a Lambda container lives for hours, and a version staff publish must be
 * used without a restart or a redeploy.
 *
 *   pk = EPOCH                                      sk = EPOCH                         { epoch: n }
 *
 * The version check (shared/runtime/epoch.ts): every publish moves the table's epoch on by one after
 * writing the version. Settlement reads the epoch in the BatchGetItem it makes for the claim anyway
 * and tells the registry (`epoch.observe`): while nothing was published, a busy container reads no
 * list again; a changed epoch drops every list, so the next claim settles under the new version.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { queryAll } from '../../runtime/query-all.ts';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { isConditionFailure } from '../../runtime/condition-failure.ts';
import { bumpEpoch, epochCheck } from '../../runtime/epoch.ts';
import { canonicalJson } from '../../runtime/canonical-json.ts';
import { tableName } from '../../runtime/resource-names.ts';
import {
  byEffectiveDate,
  keyParts,
  pickInForce,
  shippedUnder,
  shippedVersions,
  summaryOf,
  type PolicyKey,
  type PolicyKind,
  type PolicyVersion,
  type VersionSummary,
  yearPolicyDate,
} from '../registry.ts';

export interface PolicyTable {
  client: DynamoDBDocumentClient;
  table: string;
}

/** The function's own table, from its environment. */
export const policiesTable = (): PolicyTable => ({ client: dynamoDocumentClient(), table: tableName('policies') });

export const versionSk = (effectiveFrom: string, version: number) => `V#${effectiveFrom}#${String(version).padStart(4, '0')}`;
export const policyPk = (kind: PolicyKind<never> | PolicyKind<unknown>, key: PolicyKey) =>
  `POLICY#${kind.kind}#${keyParts(kind, key).join('#')}`;
const keysPk = (kind: string, region: string) => `POLICY-KEYS#${kind}#${region}`;

export type PublishOutcome =
  | { outcome: 'published'; summary: VersionSummary }
  /** The same version with the same content: a replay, nothing written. */
  | { outcome: 'exists'; summary: VersionSummary }
  /** The same version with other content: versions never change. */
  | { outcome: 'different-content'; summary: VersionSummary }
  | { outcome: 'stale-version'; newestVersion: number };

interface StoredItem extends Record<string, unknown> {
  pk: string;
  sk: string;
  /** The document's JSON; a large one (a DIP catalogue of thousands of groups) is kept gzipped in documentGzip instead. */
  document?: string;
  documentGzip?: Uint8Array;
}

/** Above this the JSON is stored gzipped: a DynamoDB item holds at most 400 KB. */
const GZIP_ABOVE_BYTES = 256 * 1024;
/** What a stored item may hold, compressed, with room for its summary. */
const STORED_MAX_BYTES = 380 * 1024;

/** A document too large for the table even compressed: refused (400) before anything is written. */
export class DocumentTooLarge extends Error {
  constructor(readonly bytes: number) {
    super(`the document is ${Math.round(bytes / 1024)} KB gzipped; a policy version holds at most ${STORED_MAX_BYTES / 1024} KB`);
  }
}

function storedDocument(raw: unknown): { document: string } | { documentGzip: Uint8Array } {
  const json = JSON.stringify(raw);
  if (Buffer.byteLength(json) <= GZIP_ABOVE_BYTES) return { document: json };
  const documentGzip = gzipSync(json, { level: 9 });
  if (documentGzip.byteLength > STORED_MAX_BYTES) throw new DocumentTooLarge(documentGzip.byteLength);
  return { documentGzip };
}

const documentOf = (item: StoredItem): unknown => JSON.parse(item.document ?? gunzipSync(item.documentGzip!).toString('utf8'));

/** How long a key's list of versions is trusted before it is read again. */
export const DEFAULT_TTL_MS = 5_000;

export interface RegistryOptions {
  at?: () => PolicyTable;
  ttlMs?: number;
  clock?: () => number;
  /** Shipped versions only, no table (unit tests of a handler's edges, tools). */
  shippedOnly?: boolean;
}

export type PolicyRegistry = ReturnType<typeof policyRegistry>;

/**
 * A registry over a policies table. Handlers use the module's `policies` (one per container); tests
 * can make their own with a table, a clock and a TTL.
 */
export function policyRegistry(options: RegistryOptions = {}) {
  const at = options.shippedOnly ? () => ({}) as PolicyTable : (options.at ?? policiesTable);
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const clock = options.clock ?? Date.now;
  const parsed = new Map<string, unknown>();
  const lists = new Map<string, { readAt: number; epoch: number | undefined; versions: PolicyVersion<unknown>[] }>();
  const regionKeys = new Map<string, { readAt: number; epoch: number | undefined; keys: PolicyKey[] }>();
  /** The version check (shared/runtime/epoch.ts): a changed epoch drops every list. */
  const epoch = epochCheck(
    ttlMs,
    () => {
      lists.clear();
      regionKeys.clear();
    },
    clock,
  );

  async function partition(pk: string, table: PolicyTable): Promise<Record<string, unknown>[]> {
    if (options.shippedOnly) return [];
    return queryAll(
      { TableName: table.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } },
      { client: table.client },
    );
  }

  /** Published versions under a key, with documents, read now. */
  async function published<P>(kind: PolicyKind<P>, key: PolicyKey): Promise<PolicyVersion<P>[]> {
    const pk = policyPk(kind as PolicyKind<unknown>, key);
    const items = (await partition(pk, at())) as StoredItem[];
    return items.map((item) => {
      const { pk: _pk, sk, document: _document, documentGzip: _gzip, ...summary } = item;
      const raw: unknown = documentOf(item);
      const cacheKey = `${pk}|${sk}`;
      let policy = parsed.get(cacheKey) as P | undefined;
      if (policy === undefined) {
        // Validated when published; a stored version that no longer parses is a fault to see, not a 400 and not to skip.
        policy = kind.schema.parse(raw);
        parsed.set(cacheKey, policy);
      }
      return { summary: { source: 'published', ...summary } as VersionSummary, raw, policy };
    });
  }

  /** Shipped and published versions under a key, oldest first; a stored copy of a shipped version counts once. */
  async function readVersions<P>(kind: PolicyKind<P>, key: PolicyKey): Promise<PolicyVersion<P>[]> {
    const shipped = shippedUnder(kind, key);
    const same = (a: VersionSummary, b: VersionSummary) => a.version === b.version && a.effectiveFrom === b.effectiveFrom;
    const stored = (await published(kind, key)).filter((p) => !shipped.some((s) => same(s.summary, p.summary)));
    return [...shipped, ...stored].sort((a, b) => byEffectiveDate(a.summary, b.summary));
  }

  /** Every version under a key (shipped and published), oldest first; read again after the TTL. */
  async function versions<P>(kind: PolicyKind<P>, key: PolicyKey): Promise<PolicyVersion<P>[]> {
    const pk = policyPk(kind as PolicyKind<unknown>, key);
    const cached = lists.get(pk);
    if (cached && epoch.current(cached)) return cached.versions as PolicyVersion<P>[];
    // Tagged with the epoch seen before the read: a publish after that changes the epoch and drops it.
    const under = epoch.seen();
    const fresh = await readVersions(kind, key);
    lists.set(pk, { readAt: clock(), epoch: under, versions: fresh as PolicyVersion<unknown>[] });
    return fresh;
  }

  /** The policy in force on `date` under a key, or undefined. */
  async function inForce<P>(kind: PolicyKind<P>, key: PolicyKey, date: string): Promise<P | undefined> {
    return pickInForce(await versions(kind, key), date)?.policy;
  }

  /** A region's policy for a year (a kind keyed by region and year), as in force on the later of the year's first day and today. */
  function forYear<P>(
    kind: PolicyKind<P>,
    region: string,
    year: number,
    today = new Date().toISOString().slice(0, 10),
  ): Promise<P | undefined> {
    return inForce(kind, { region, year }, yearPolicyDate(year, today));
  }

  /** The keys a region holds a version under (shipped or published), e.g. the years of its DRG policies. */
  async function keys(kind: PolicyKind<unknown> | PolicyKind<never>, region: string): Promise<PolicyKey[]> {
    const pk = keysPk(kind.kind, region);
    const cached = regionKeys.get(pk);
    if (cached && epoch.current(cached)) return cached.keys;
    const under = epoch.seen();
    const found = new Map<string, PolicyKey>();
    for (const v of shippedVersions(kind as PolicyKind<unknown>)) {
      const key = (kind as PolicyKind<unknown>).keyOf(v.policy);
      if (key.region === region) found.set(keyParts(kind, key).join('#'), key);
    }
    for (const item of await partition(pk, at())) {
      const key = item.key as PolicyKey;
      found.set(keyParts(kind, key).join('#'), key);
    }
    const list = [...found.values()];
    regionKeys.set(pk, { readAt: clock(), epoch: under, keys: list });
    return list;
  }

  /**
   * Publishes a validated document as a new version. Refused (nothing written) when the version is
   * not above every version under its key, shipped ones included; the same version again is a
   * replay only if it is the same document.
   */
  async function publish<P>(kind: PolicyKind<P>, raw: unknown, policy: P, by: string, publishedAt: string): Promise<PublishOutcome> {
    if (options.shippedOnly) throw new Error('a shipped-only registry publishes nothing');
    const key = kind.keyOf(policy);
    const header = kind.header(policy);
    const table = at();
    const pk = policyPk(kind as PolicyKind<unknown>, key);
    const existing = await readVersions(kind, key);
    const same = existing.find((v) => v.summary.version === header.version && v.summary.effectiveFrom === header.effectiveFrom);
    if (same) {
      if (canonicalJson(same.raw) !== canonicalJson(raw)) return { outcome: 'different-content', summary: same.summary };
      // A replay after a write whose key row was lost (the function stopped in between) writes it now.
      await rememberKey(kind, key, table);
      return { outcome: 'exists', summary: same.summary };
    }
    const newest = Math.max(0, ...existing.map((v) => v.summary.version));
    if (header.version <= newest) return { outcome: 'stale-version', newestVersion: newest };
    const { source: _source, ...summary } = summaryOf(kind, policy, 'published', publishedAt, by);
    try {
      await table.client.send(
        new PutCommand({
          TableName: table.table,
          Item: { pk, sk: versionSk(header.effectiveFrom, header.version), ...summary, ...storedDocument(raw) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Another request wrote this version meanwhile: the same answer as if it had been first.
      const stored = await table.client.send(
        new GetCommand({ TableName: table.table, Key: { pk, sk: versionSk(header.effectiveFrom, header.version) } }),
      );
      const item = stored.Item as StoredItem;
      const { pk: _pk, sk: _sk, document: _document, documentGzip: _gzip, ...storedSummary } = item;
      const outcome = canonicalJson(documentOf(item)) === canonicalJson(raw) ? 'exists' : 'different-content';
      return { outcome, summary: { source: 'published', ...storedSummary } as VersionSummary };
    }
    await rememberKey(kind, key, table);
    // Then the epoch: every container's next claim reads the versions again (shared/runtime/epoch.ts).
    await bumpEpoch(table.client, table.table);
    lists.delete(pk);
    regionKeys.delete(keysPk(kind.kind, key.region));
    return { outcome: 'published', summary: { ...summary, source: 'published' } as VersionSummary };
  }

  async function rememberKey<P>(kind: PolicyKind<P>, key: PolicyKey, table: PolicyTable): Promise<void> {
    const [, ...rest] = keyParts(kind as PolicyKind<unknown>, key);
    await table.client.send(
      new PutCommand({ TableName: table.table, Item: { pk: keysPk(kind.kind, key.region), sk: rest.join('#') || '-', key } }),
    );
  }

  return { versions, inForce, forYear, keys, publish, epoch };
}

/** The container's registry: what every handler reads policies through. */
export const policies = policyRegistry();
