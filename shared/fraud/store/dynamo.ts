/** Small DynamoDB helpers the fraud adapters share: paged queries and batched writes. */
import { BatchWriteCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { tableName } from '../../runtime/resource-names.ts';

export const alertsTable = (): string => tableName('alerts');

export type Item = Record<string, unknown>;

/** Every item of a query, following pages (up to `maxItems`). */
export async function queryAll(input: Omit<QueryCommandInput, 'TableName'>, maxItems = 10_000): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamoDocumentClient().send(
      new QueryCommand({ TableName: alertsTable(), ...input, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start && items.length < maxItems);
  return items;
}

/** Puts items 25 at a time, sending back what DynamoDB left unprocessed until all is written. */
export async function putAll(items: readonly Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(1000, 50 * 2 ** attempt));
      if (attempt > 8) throw new Error('BatchWrite kept leaving items unprocessed');
      const out = await dynamoDocumentClient().send(new BatchWriteCommand({ RequestItems: { [alertsTable()]: requests } }));
      requests = (out.UnprocessedItems?.[alertsTable()] ?? []) as typeof requests;
    }
  }
}

/** Runs tasks with at most `limit` at once (one helper for every store: shared/runtime/concurrency.ts). */
export { mapLimit as inParallel } from '../../runtime/concurrency.ts';
