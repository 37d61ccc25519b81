/** Small DynamoDB helpers the fraud adapters share: paged queries and batched writes. */
import { queryAll as queryEvery } from '../../runtime/query-all.ts';
import { BatchWriteCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { tableName } from '../../runtime/resource-names.ts';
import { retry } from '../../runtime/retry.ts';

export const alertsTable = (): string => tableName('alerts');

export type Item = Record<string, unknown>;

/** Every item of a query, following pages (up to `maxItems`). */
export function queryAll(input: Omit<QueryCommandInput, 'TableName'>, maxItems = 10_000): Promise<Item[]> {
  return queryEvery({ TableName: alertsTable(), ...input }, { maxItems });
}

/** Puts items 25 at a time, sending back what DynamoDB left unprocessed until all is written. */
export async function putAll(items: readonly Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    const left = await retry(
      async () => {
        const out = await dynamoDocumentClient().send(new BatchWriteCommand({ RequestItems: { [alertsTable()]: requests } }));
        requests = (out.UnprocessedItems?.[alertsTable()] ?? []) as typeof requests;
        return requests.length;
      },
      { maxAttempts: 10, baseDelayMs: 100, retryIf: (unprocessed) => unprocessed > 0 },
    );
    if (left > 0) throw new Error('BatchWrite kept leaving items unprocessed');
  }
}

/** Runs tasks with at most `limit` at once (one helper for every store: shared/runtime/concurrency.ts). */
export { mapLimit as inParallel } from '../../runtime/concurrency.ts';
