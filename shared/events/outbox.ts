/**
 * The one way an event reaches the bus. Every producer writes its event into this outbox in the
 * same DynamoDB transaction as the fact it reports (`outboxPut` is one item of that transaction), so
 * the event exists exactly when the fact does. After the commit the producer delivers it (`deliver`,
 * `deliverAfterCommit`), and delivery deletes the entry: that deletion is the one way an event is
 * marked published. If the bus refuses, or the function stops in between, the entry stays; a
 * replayed request or redelivered message delivers what it finds waiting under the fact's key
 * (`deliverWaiting`), and the relay (a schedule, every minute) publishes what has waited longer than a
 * request could still be busy with it. Nothing committed is lost.
 *
 * An event may so reach the bus twice (a request and the relay in a race). Each publication carries
 * the fact's id in `detail.eventId` and the time the fact was committed as the envelope's
 * `time`, both the same every time, so every consumer keeps the fact once (events/contract.ts
 * `eventIdOf`), the audit trail included.
 *
 *   pk = OUTBOX#<shard 0..7>    sk = <the event's key: what it reports, e.g. claim/H330/C-1/1/ClaimSettled>
 *
 * The key names the fact, so writing the same fact twice is refused by the transaction, and a
 * replayed request can find its own entry. Eight shards spread the writes of a busy day.
 */
import { queryAll } from '../runtime/query-all.ts';
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { BatchWriteCommand, GetCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import type { EventContract } from '../../events/contract.ts';
import { dynamoDocumentClient, eventBridgeClient } from '../runtime/aws-clients.ts';
import { mapLimit } from '../runtime/concurrency.ts';
import { busName, tableName } from '../runtime/resource-names.ts';
import { retry } from '../runtime/retry.ts';

export const OUTBOX_SHARDS = 8;
/** PutEvents takes at most ten entries a call. */
const PUT_EVENTS_LIMIT = 10;

export interface OutboxEntry {
  key: string;
  source: string;
  detailType: string;
  /** The detail as it goes on the bus: validated against its contract when the entry was made. */
  detail: string;
  createdAt: string;
}

/** One item of a TransactWriteItems call: how a producer adds its event to the transaction of its fact. */
export type OutboxTransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** FNV-1a over the key: the same key always lands in the same shard. */
export function shardOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % OUTBOX_SHARDS;
}

const itemKey = (key: string) => ({ pk: `OUTBOX#${shardOf(key)}`, sk: key });

/** An event ready to commit: its detail validated now, so nothing off-contract is ever stored to send. */
export function outboxEntry<C extends EventContract>(
  contract: C,
  payload: z.input<C['payload']>,
  correlationId: string,
  key: string,
  createdAt: string,
): OutboxEntry {
  const detail = contract.detail.parse({ ...payload, eventId: key, meta: { schemaVersion: contract.schemaVersion, correlationId } });
  return { key, source: contract.source, detailType: contract.detailType, detail: JSON.stringify(detail), createdAt };
}

/** The transaction item that writes an entry; it fails the transaction if the same fact is already waiting. */
export function outboxPut(entry: OutboxEntry): OutboxTransactItem {
  return {
    Put: { TableName: tableName('outbox'), Item: { ...itemKey(entry.key), ...entry }, ConditionExpression: 'attribute_not_exists(pk)' },
  };
}

// The envelope's time is the fact's (when it committed), not the publication's: every publication of
// one fact then has the same time and id, which is what the audit trail keys its entries by.
const toBusEntry = (e: OutboxEntry): PutEventsRequestEntry => ({
  EventBusName: busName(),
  Source: e.source,
  DetailType: e.detailType,
  Detail: e.detail,
  ...(e.createdAt ? { Time: new Date(e.createdAt) } : {}),
});

/**
 * The one PutEvents call in the code base: at most ten entries, each answered in request order; an
 * entry without an EventId, or with an ErrorCode, was not published.
 */
async function putOnBus(entries: readonly PutEventsRequestEntry[]): Promise<{ eventId?: string; error?: string }[]> {
  const out = await eventBridgeClient().send(new PutEventsCommand({ Entries: [...entries] }));
  const results = out.Entries ?? [];
  return entries.map((_, i) => {
    const r = results[i];
    return r?.EventId && !r.ErrorCode ? { eventId: r.EventId } : { error: `${r?.ErrorCode ?? 'unknown'} ${r?.ErrorMessage ?? ''}`.trim() };
  });
}

/**
 * Publishes entries and deletes those the bus took. Returns the keys left waiting (refused by the
 * bus); a call that fails outright leaves every entry for the relay and throws.
 */
export async function deliver(entries: readonly OutboxEntry[]): Promise<{ delivered: string[]; waiting: string[] }> {
  const batches: OutboxEntry[][] = [];
  for (let i = 0; i < entries.length; i += PUT_EVENTS_LIMIT) batches.push(entries.slice(i, i + PUT_EVENTS_LIMIT));
  const outcomes = await mapLimit(batches, 4, async (batch) => {
    const results = await putOnBus(batch.map(toBusEntry));
    return batch.map((e, i) => ({ key: e.key, ok: results[i]?.eventId !== undefined }));
  });
  const flat = outcomes.flat();
  const delivered = flat.filter((o) => o.ok).map((o) => o.key);
  await removeEntries(delivered);
  return { delivered, waiting: flat.filter((o) => !o.ok).map((o) => o.key) };
}

async function removeEntries(keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 25) {
    let requests = keys.slice(i, i + 25).map((key) => ({ DeleteRequest: { Key: itemKey(key) } }));
    await retry(
      async () => {
        const out = await dynamoDocumentClient().send(new BatchWriteCommand({ RequestItems: { [tableName('outbox')]: requests } }));
        requests = (out.UnprocessedItems?.[tableName('outbox')] ?? []) as typeof requests;
        return requests.length;
      },
      { maxAttempts: 8, baseDelayMs: 50, retryIf: (unprocessed) => unprocessed > 0 },
    );
    // An entry not deleted is published again by the relay: harmless, consumers are idempotent.
  }
}

/** The entry still waiting under a key (a replayed request delivers what its first attempt left). */
export async function waitingEntry(key: string): Promise<OutboxEntry | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({ TableName: tableName('outbox'), Key: itemKey(key), ConsistentRead: true }),
  );
  return out.Item as OutboxEntry | undefined;
}

/** Delivers what a commit left behind; never fails the request that committed (the relay will). */
export async function deliverAfterCommit(
  entries: readonly OutboxEntry[],
  warn: (message: string, extra: Record<string, unknown>) => void,
): Promise<void> {
  if (entries.length === 0) return;
  try {
    const { waiting } = await deliver(entries);
    if (waiting.length) warn('Events refused by the bus; the outbox relay will publish them', { waiting });
  } catch (error) {
    warn('Events not published yet; the outbox relay will publish them', { keys: entries.map((e) => e.key), error: String(error) });
  }
}

/**
 * A replayed request or a redelivered message found its fact already committed: delivers whatever
 * of the events committed with it is still waiting under their keys (the first attempt's delivery
 * failed, or is still under way: an event may then reach the bus twice, which consumers absorb).
 * Never fails the caller: what is not delivered now, the relay delivers.
 */
export async function deliverWaiting(
  keys: readonly string[],
  warn: (message: string, extra: Record<string, unknown>) => void,
): Promise<void> {
  if (keys.length === 0) return;
  let waiting: OutboxEntry[];
  try {
    waiting = (await mapLimit(keys, 16, (key) => waitingEntry(key))).filter((e): e is OutboxEntry => e !== undefined);
  } catch (error) {
    warn('Outbox not read; the outbox relay will publish anything waiting', { keys, error: String(error) });
    return;
  }
  await deliverAfterCommit(waiting, warn);
}

/**
 * Publishes, now and only now, an event that reports no stored fact: the ping, whose point is to
 * watch one request cross the bus while the caller waits (there is nothing to commit, so nothing to
 * keep in an outbox, and no fact id: it is known by its envelope id). The detail is validated
 * first; a refused entry is an error. Every event that reports a fact goes through the outbox.
 */
export async function publishNotice<C extends EventContract>(
  contract: C,
  payload: z.input<C['payload']>,
  correlationId: string,
): Promise<string> {
  const detail = contract.detail.parse({ ...payload, meta: { schemaVersion: contract.schemaVersion, correlationId } });
  const [result] = await putOnBus([
    { EventBusName: busName(), Source: contract.source, DetailType: contract.detailType, Detail: JSON.stringify(detail) },
  ]);
  if (!result?.eventId) throw new Error(`PutEvents rejected ${contract.detailType}: ${result?.error ?? 'unknown'}`);
  return result.eventId;
}

export interface RelayReport {
  /** Entries older than the grace period, found in the outbox. */
  found: number;
  delivered: number;
  waiting: number;
}

/**
 * The relay: every entry that has waited longer than `graceMs` (a request that committed it has
 * long finished or died), published and deleted. Run by the outboxRelay schedule.
 */
export async function relayOutbox(now: Date, graceMs = 30_000): Promise<RelayReport> {
  const cutoff = new Date(now.getTime() - graceMs).toISOString();
  const perShard = await mapLimit(
    Array.from({ length: OUTBOX_SHARDS }, (_, i) => i),
    4,
    async (shard) => {
      return queryAll<OutboxEntry>({
        TableName: tableName('outbox'),
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'createdAt < :cutoff',
        ExpressionAttributeValues: { ':pk': `OUTBOX#${shard}`, ':cutoff': cutoff },
      });
    },
  );
  const due = perShard.flat();
  if (due.length === 0) return { found: 0, delivered: 0, waiting: 0 };
  const { delivered, waiting } = await deliver(due);
  return { found: due.length, delivered: delivered.length, waiting: waiting.length };
}
