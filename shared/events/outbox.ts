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
import { GetCommand, TransactWriteCommand, type TransactWriteCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import type { EventContract } from '../../events/contract.ts';
import { currentSigner, dynamoDocumentClient, eventBridgeClient } from '../runtime/aws-clients.ts';
import { mapLimit } from '../runtime/concurrency.ts';
import { busName, tableName } from '../runtime/resource-names.ts';
import { batchWriteAll } from '../runtime/batch-items.ts';
import { cancellationReasons, isConditionFailure } from '../runtime/condition-failure.ts';
import { gunzippedText, gzippedWhenLong } from './stored-detail.ts';

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
  /** Relay runs the bus refused it (absent: none yet); at DEAD_LETTER_AFTER it moves to the dead letters. */
  attempts?: number;
  /** Why the bus refused it last. */
  lastError?: string;
}

/**
 * Relay runs (one a minute) an entry the bus keeps refusing waits before it leaves the outbox for the
 * dead letters: the bus (or a rule's target) refusing the same event for ten minutes is no passing fault.
 */
export const DEAD_LETTER_AFTER = 10;
/** The dead letters' partition in the outbox table: few, listed together, replayed by an operator. */
export const DEAD_LETTER_PK = 'DEADLETTER';

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

/** The item an entry is stored as: its key, and the detail gzipped when long (shared/events/stored-detail.ts). */
function storedItem(entry: OutboxEntry): Record<string, unknown> {
  const { detail, ...rest } = entry;
  const detailGz = gzippedWhenLong(detail);
  return { ...itemKey(entry.key), ...(detailGz ? { ...rest, detailGz } : entry) };
}

/** An entry as stored, read back (its detail unzipped; the table's keys dropped). */
export function outboxEntryOf(item: Record<string, unknown>): OutboxEntry {
  const { pk: _pk, sk: _sk, detailGz, ...rest } = item;
  const entry = rest as unknown as OutboxEntry;
  return detailGz ? { ...entry, detail: gunzippedText(detailGz as Uint8Array) } : entry;
}

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
    Put: { TableName: tableName('outbox'), Item: storedItem(entry), ConditionExpression: 'attribute_not_exists(pk)' },
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
  const { delivered, waiting } = await deliverWithErrors(entries);
  return { delivered, waiting };
}

/** `deliver`, also saying why the bus refused each entry it refused (the relay records it). */
async function deliverWithErrors(
  entries: readonly OutboxEntry[],
): Promise<{ delivered: string[]; waiting: string[]; errors: Record<string, string> }> {
  const batches: OutboxEntry[][] = [];
  for (let i = 0; i < entries.length; i += PUT_EVENTS_LIMIT) batches.push(entries.slice(i, i + PUT_EVENTS_LIMIT));
  const outcomes = await mapLimit(batches, 4, async (batch) => {
    const results = await putBatch(batch.map(toBusEntry));
    return batch.map((e, i) => ({ key: e.key, ok: results[i]?.eventId !== undefined, error: results[i]?.error }));
  });
  const flat = outcomes.flat();
  const delivered = flat.filter((o) => o.ok).map((o) => o.key);
  await removeEntries(delivered);
  const refused = flat.filter((o) => !o.ok);
  return {
    delivered,
    waiting: refused.map((o) => o.key),
    errors: Object.fromEntries(refused.map((o) => [o.key, o.error ?? 'unknown'])),
  };
}

/**
 * One PutEvents call, or, when the bus refuses the whole call for what an entry is (a client
 * fault: an entry too large or malformed), each entry on its own, so one bad event never holds back
 * the nine sent with it and is refused alone (then counted towards the dead letters). A fault of the
 * service or the network fails the call: every entry stays for the next run.
 */
async function putBatch(entries: readonly PutEventsRequestEntry[]): Promise<{ eventId?: string; error?: string }[]> {
  try {
    return await putOnBus(entries);
  } catch (error) {
    if ((error as { $fault?: string }).$fault !== 'client') throw error;
    if (entries.length === 1) return [{ error: `${(error as Error).name}: ${(error as Error).message}`.slice(0, 500) }];
    return (await mapLimit(entries, 4, (entry) => putBatch([entry]))).flat();
  }
}

async function removeEntries(keys: readonly string[]): Promise<void> {
  // An entry not deleted is published again by the relay: harmless, consumers are idempotent.
  await batchWriteAll(
    tableName('outbox'),
    keys.map((key) => ({ DeleteRequest: { Key: itemKey(key) } })),
    { maxAttempts: 8, baseDelayMs: 50, leftOver: 'leave' },
  );
}

/** The entry still waiting under a key (a replayed request delivers what its first attempt left). */
export async function waitingEntry(key: string): Promise<OutboxEntry | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({ TableName: tableName('outbox'), Key: itemKey(key), ConsistentRead: true }),
  );
  return out.Item ? outboxEntryOf(out.Item) : undefined;
}

/**
 * Deliveries of the commits one environment makes at once, joined into shared calls.
 *
 * Each commit's events are delivered before its request is answered: a PutEvents and a BatchWriteItem
 * of deletes for its one or two events. Where invocations run at once in one process (every function
 * on the local cloud), each of them paid both calls, about a sixth of the local cloud's CPU per claim
 * (measured with `npm run bench:profile -- --hold-consumers`: 9.41 ms a claim delivering, 7.87 ms not).
 * Joined, one call carries the events of every commit that finished meanwhile:
 *   - a delivery waits for the next turn of the event loop, and goes with every delivery that arrived
 *     by then, up to JOINED_ENTRIES events (PutEvents ten a call, deletes 25 a call);
 *   - at most JOINED_IN_FLIGHT joined deliveries of one signer are under way; what arrives meanwhile
 *     waits for one of them to end, and goes in the next together;
 *   - each caller hears about its own events only: the ones the bus refused, or the error that failed
 *     the joined call (its events then stay in the outbox, and the relay publishes them);
 *   - an event named twice (a replayed request and its original) is sent and deleted once;
 *   - a joined delivery still under way after JOINED_SLOW_MS stops holding back the next: a call
 *     that hangs keeps its own callers waiting (as before), never everyone's.
 * An invocation alone (Lambda's one at a time) waits one turn and delivers alone, as before.
 * Joined per signer: on the local cloud each function signs its calls as itself.
 */
const JOINED_IN_FLIGHT = 2;
const JOINED_ENTRIES = 40;
const JOINED_SLOW_MS = 1_000;

interface Delivery {
  entries: readonly OutboxEntry[];
  /** The keys of its entries the bus refused. */
  resolve(waiting: string[]): void;
  reject(error: unknown): void;
}
interface DeliveryLane {
  queued: Delivery[];
  inFlight: number;
  scheduled: boolean;
}
const lanes = new Map<string, DeliveryLane>();

/** Delivers `entries` with whatever other deliveries of this signer are waiting; resolves to the keys the bus refused. */
function deliverJoined(entries: readonly OutboxEntry[]): Promise<string[]> {
  const signer = currentSigner();
  let lane = lanes.get(signer);
  if (!lane) lanes.set(signer, (lane = { queued: [], inFlight: 0, scheduled: false }));
  const joined = lane;
  return new Promise<string[]>((resolve, reject) => {
    joined.queued.push({ entries, resolve, reject });
    scheduleJoined(joined);
  });
}

function scheduleJoined(lane: DeliveryLane): void {
  if (lane.scheduled || lane.inFlight >= JOINED_IN_FLIGHT || lane.queued.length === 0) return;
  lane.scheduled = true;
  setImmediate(() => {
    lane.scheduled = false;
    void sendJoined(lane);
  });
}

async function sendJoined(lane: DeliveryLane): Promise<void> {
  const taken: Delivery[] = [];
  let count = 0;
  while (lane.queued.length > 0 && (taken.length === 0 || count + lane.queued[0]!.entries.length <= JOINED_ENTRIES)) {
    const next = lane.queued.shift()!;
    taken.push(next);
    count += next.entries.length;
  }
  if (taken.length === 0) return;
  lane.inFlight++;
  let holding = true;
  const release = () => {
    if (!holding) return;
    holding = false;
    lane.inFlight--;
    scheduleJoined(lane);
  };
  const slow = setTimeout(release, JOINED_SLOW_MS);
  slow.unref();
  scheduleJoined(lane);
  try {
    const byKey = new Map<string, OutboxEntry>();
    for (const d of taken) for (const e of d.entries) if (!byKey.has(e.key)) byKey.set(e.key, e);
    const refused = new Set((await deliverWithErrors([...byKey.values()])).waiting);
    for (const d of taken) d.resolve(d.entries.filter((e) => refused.has(e.key)).map((e) => e.key));
  } catch (error) {
    for (const d of taken) d.reject(error);
  } finally {
    clearTimeout(slow);
    release();
  }
}

/** Delivers what a commit left behind, joined with other commits' (above); never fails the request that committed (the relay will). */
export async function deliverAfterCommit(
  entries: readonly OutboxEntry[],
  warn: (message: string, extra: Record<string, unknown>) => void,
): Promise<void> {
  if (entries.length === 0) return;
  try {
    const waiting = await deliverJoined(entries);
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
  /** Entries the bus refused for the DEAD_LETTER_AFTER-th run, moved to the dead letters now (absent: none). */
  deadLettered?: number;
}

/**
 * The relay: every entry that has waited longer than `graceMs` (a request that committed it has
 * long finished or died), published and deleted. An entry the bus refuses counts a run; at the
 * DEAD_LETTER_AFTER-th it moves to the dead letters (alarm, staff routes to inspect and replay it),
 * so one event the bus will never take is not retried forever. Run by the outboxRelay schedule.
 */
export async function relayOutbox(now: Date, graceMs = 30_000): Promise<RelayReport> {
  const cutoff = new Date(now.getTime() - graceMs).toISOString();
  const perShard = await mapLimit(
    Array.from({ length: OUTBOX_SHARDS }, (_, i) => i),
    4,
    async (shard) => {
      const items = await queryAll<Record<string, unknown>>({
        TableName: tableName('outbox'),
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'createdAt < :cutoff',
        ExpressionAttributeValues: { ':pk': `OUTBOX#${shard}`, ':cutoff': cutoff },
      });
      return items.map(outboxEntryOf);
    },
  );
  const due = perShard.flat();
  if (due.length === 0) return { found: 0, delivered: 0, waiting: 0 };
  const { delivered, waiting, errors } = await deliverWithErrors(due);
  const byKey = new Map(due.map((e) => [e.key, e]));
  let deadLettered = 0;
  await mapLimit(waiting, 8, async (key) => {
    const entry = byKey.get(key)!;
    const attempts = (entry.attempts ?? 0) + 1;
    if (attempts >= DEAD_LETTER_AFTER) deadLettered += (await moveToDeadLetters(entry, attempts, errors[key] ?? 'unknown', now)) ? 1 : 0;
    else await countAttempt(entry, attempts, errors[key] ?? 'unknown');
  });
  return {
    found: due.length,
    delivered: delivered.length,
    waiting: waiting.length - deadLettered,
    ...(deadLettered ? { deadLettered } : {}),
  };
}

/** One more refused run on the entry, if it still waits (a request may have delivered it meanwhile). */
async function countAttempt(entry: OutboxEntry, attempts: number, error: string): Promise<void> {
  try {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: tableName('outbox'),
        Key: itemKey(entry.key),
        UpdateExpression: 'SET attempts = :a, lastError = :e',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':a': attempts, ':e': error.slice(0, 500) },
      }),
    );
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
  }
}

/** A dead letter: the entry as it waited, why and when it left the outbox, and whether an operator replayed it. */
export interface DeadLetter extends OutboxEntry {
  deadAt: string;
  state: 'dead' | 'replayed';
  replayedAt?: string;
  replayedBy?: string;
}

const deadLetterKey = (key: string) => ({ pk: DEAD_LETTER_PK, sk: key });

/** Moves an entry from the outbox to the dead letters in one transaction; false if it no longer waits. */
async function moveToDeadLetters(entry: OutboxEntry, attempts: number, error: string, now: Date): Promise<boolean> {
  // The dead letter keeps the detail plain: an operator reads it before replaying it.
  const dead: DeadLetter = { ...entry, attempts, lastError: error.slice(0, 500), deadAt: now.toISOString(), state: 'dead' };
  try {
    await dynamoDocumentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: tableName('outbox'), Key: itemKey(entry.key), ConditionExpression: 'attribute_exists(pk)' } },
          // A fact dead-lettered before and replayed is dead-lettered again over its old record.
          { Put: { TableName: tableName('outbox'), Item: { ...deadLetterKey(entry.key), ...dead } } },
        ],
      }),
    );
    return true;
  } catch (e) {
    if (cancellationReasons(e)) return false;
    throw e;
  }
}

/** The dead letters, oldest key first: those not yet replayed, or every one. */
export async function listDeadLetters(options: { includeReplayed?: boolean } = {}): Promise<DeadLetter[]> {
  const all = await queryAll<DeadLetter & { pk: string; sk: string }>({
    TableName: tableName('outbox'),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': DEAD_LETTER_PK },
    ConsistentRead: true,
  });
  return all.filter((d) => options.includeReplayed || d.state === 'dead').map(({ pk: _pk, sk: _sk, ...d }) => d);
}

/** How many dead letters wait for an operator: the figure the DeadLetters alarm watches. */
export async function countDeadLetters(): Promise<number> {
  return (await listDeadLetters()).length;
}

export async function readDeadLetter(key: string): Promise<DeadLetter | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({ TableName: tableName('outbox'), Key: deadLetterKey(key), ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  const { pk: _pk, sk: _sk, ...d } = out.Item;
  return d as DeadLetter;
}

export type ReplayOutcome = 'delivered' | 'waiting' | 'already-replayed' | 'not-found';

/**
 * Replays a dead letter: back into the outbox (attempts from zero) and marked replayed in one
 * transaction, then delivered now; what the bus refuses again waits for the relay as any entry does.
 * Idempotent: a dead letter already replayed is not replayed again (`already-replayed`), and a fact
 * that does reach the bus twice is kept once by every consumer (its event id is the fact's).
 */
export async function replayDeadLetter(key: string, by: string, now: Date): Promise<ReplayOutcome> {
  const dead = await readDeadLetter(key);
  if (!dead) return 'not-found';
  if (dead.state === 'replayed') return 'already-replayed';
  const entry: OutboxEntry = {
    key: dead.key,
    source: dead.source,
    detailType: dead.detailType,
    detail: dead.detail,
    createdAt: dead.createdAt,
  };
  try {
    await dynamoDocumentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName('outbox'),
              Key: deadLetterKey(key),
              UpdateExpression: 'SET #state = :replayed, replayedAt = :at, replayedBy = :by',
              ConditionExpression: '#state = :dead',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':replayed': 'replayed', ':dead': 'dead', ':at': now.toISOString(), ':by': by },
            },
          },
          { Put: { TableName: tableName('outbox'), Item: storedItem(entry) } },
        ],
      }),
    );
  } catch (e) {
    if (cancellationReasons(e)) return 'already-replayed';
    throw e;
  }
  try {
    const { delivered } = await deliver([entry]);
    return delivered.length ? 'delivered' : 'waiting';
  } catch {
    return 'waiting';
  }
}
