/**
 * Many items of one table by key: 100 keys a BatchGetItem (DynamoDB's limit), the keys DynamoDB
 * leaves unprocessed under load asked again (through the one retry helper), an error if some never
 * come back. A consumer reads what a whole SQS batch needs this way: one request instead of a
 * GetItem or Query per message.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from './aws-clients.ts';
import { mapLimit } from './concurrency.ts';
import { retry } from './retry.ts';

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
  const unique = [...new Map(keys.map((k) => [keyOf(k), { pk: k.pk, sk: k.sk }])).values()];
  const chunks: Key[][] = [];
  for (let i = 0; i < unique.length; i += 100) chunks.push(unique.slice(i, i + 100));
  const client = options.client ?? dynamoDocumentClient();
  const found = new Map<string, Item>();
  await mapLimit(chunks, 4, async (chunk) => {
    let left: Key[] = chunk;
    await retry(
      async () => {
        const out = await client.send(
          new BatchGetCommand({
            RequestItems: { [table]: { Keys: left, ...(options.consistent ? { ConsistentRead: true } : {}) } },
          }),
        );
        for (const item of out.Responses?.[table] ?? []) found.set(keyOf(item as Key), item);
        left = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Key[];
        return left.length;
      },
      { maxAttempts: 8, baseDelayMs: 20, retryIf: (unprocessed) => unprocessed > 0 },
    );
    if (left.length > 0) throw new Error(`BatchGetItem on ${table} kept leaving ${left.length} keys unprocessed`);
  });
  return found;
}
