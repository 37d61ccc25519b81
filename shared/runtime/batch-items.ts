/**
 * Many items of one table at once: read by key, 100 keys a BatchGetItem, and put, 25 a
 * BatchWriteItem (DynamoDB's limits); what DynamoDB leaves unprocessed under load is sent again
 * (through the one retry helper), an error if some of it never goes through. A consumer reads and
 * writes what a whole SQS batch needs this way: a request per batch instead of one per message.
 */
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from './aws-clients.ts';
import { mapLimit } from './concurrency.ts';
import { retry } from './retry.ts';

/** DynamoDB's limit on the items of one TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;

export type Key = { pk: string; sk: string };
export type Item = Record<string, unknown>;

/** The map key of an item or key: its pk and sk, a NUL between (no key of this project holds one). */
export const keyOf = (k: { pk: unknown; sk: unknown }): string => `${String(k.pk)}\u0000${String(k.sk)}`;

export interface BatchGetOptions {
  consistent?: boolean;
  client?: DynamoDBDocumentClient;
}

/** The items found, keyed by `keyOf`; a key absent from the map is an item that does not exist. */
export async function batchGetAll(table: string, keys: readonly Key[], options: BatchGetOptions = {}): Promise<Map<string, Item>> {
  const found = await batchGetTables(
    keys.map((key) => ({ table, key })),
    options,
  );
  return new Map([...found].map(([k, item]) => [k.slice(table.length + 1), item]));
}

/**
 * Items of several tables in the same requests (a consumer reads a table's epoch with its batch's
 * items, shared/runtime/epoch.ts); found items keyed by table, a NUL, then `keyOf`.
 */
export async function batchGetTables(
  wanted: readonly { table: string; key: Key }[],
  options: BatchGetOptions = {},
): Promise<Map<string, Item>> {
  const unique = [
    ...new Map(wanted.map((w) => [`${w.table}\u0000${keyOf(w.key)}`, { table: w.table, key: { pk: w.key.pk, sk: w.key.sk } }])).values(),
  ];
  const chunks: (typeof unique)[] = [];
  for (let i = 0; i < unique.length; i += 100) chunks.push(unique.slice(i, i + 100));
  const client = options.client ?? dynamoDocumentClient();
  const found = new Map<string, Item>();
  await mapLimit(chunks, 4, async (chunk) => {
    let request: Record<string, { Keys: Key[]; ConsistentRead?: boolean }> = {};
    for (const { table, key } of chunk)
      (request[table] ??= { Keys: [], ...(options.consistent ? { ConsistentRead: true } : {}) }).Keys.push(key);
    await retry(
      async () => {
        const out = await client.send(new BatchGetCommand({ RequestItems: request }));
        for (const [table, items] of Object.entries(out.Responses ?? {}))
          for (const item of items) found.set(`${table}\u0000${keyOf(item as Key)}`, item);
        request = (out.UnprocessedKeys ?? {}) as typeof request;
        return Object.values(request).reduce((n, r) => n + (r.Keys?.length ?? 0), 0);
      },
      { maxAttempts: 8, baseDelayMs: 20, retryIf: (unprocessed) => unprocessed > 0 },
    );
    const left = Object.values(request).reduce((n, r) => n + (r.Keys?.length ?? 0), 0);
    if (left > 0) throw new Error(`BatchGetItem kept leaving ${left} keys unprocessed`);
  });
  return found;
}

export type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Key } };

export interface BatchWriteOptions {
  client?: DynamoDBDocumentClient;
  /** Requests of 25 in flight at once (default one after another). */
  concurrency?: number;
  /** Attempts and first backoff for what DynamoDB leaves unprocessed (default 10, 100 ms). */
  maxAttempts?: number;
  baseDelayMs?: number;
  /**
   * What is still unprocessed after the last attempt: an error (default), or left alone where
   * something else catches up with it (the outbox relay publishes an entry not deleted again).
   */
  leftOver?: 'throw' | 'leave';
}

/** Puts and deletes 25 a BatchWriteItem, sending back what DynamoDB left unprocessed (through the one retry helper). */
export async function batchWriteAll(table: string, writes: readonly WriteRequest[], options: BatchWriteOptions = {}): Promise<void> {
  const client = options.client ?? dynamoDocumentClient();
  const chunks: WriteRequest[][] = [];
  for (let i = 0; i < writes.length; i += 25) chunks.push(writes.slice(i, i + 25));
  await mapLimit(chunks, options.concurrency ?? 1, async (chunk) => {
    let requests = chunk;
    const left = await retry(
      async () => {
        const out = await client.send(new BatchWriteCommand({ RequestItems: { [table]: [...requests] } }));
        requests = (out.UnprocessedItems?.[table] ?? []) as WriteRequest[];
        return requests.length;
      },
      { maxAttempts: options.maxAttempts ?? 10, baseDelayMs: options.baseDelayMs ?? 100, retryIf: (unprocessed) => unprocessed > 0 },
    );
    if (left > 0 && options.leftOver !== 'leave') throw new Error(`BatchWriteItem on ${table} kept leaving ${left} items unprocessed`);
  });
}

/** Puts items 25 at a time (unconditional: for items a retry writes the same again), sending back what DynamoDB left unprocessed. */
export function batchPutAll(table: string, items: readonly Item[], options: Omit<BatchWriteOptions, 'leftOver'> = {}): Promise<void> {
  return batchWriteAll(
    table,
    items.map((Item) => ({ PutRequest: { Item } })),
    options,
  );
}
