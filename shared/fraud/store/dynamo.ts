/** Small DynamoDB helpers the fraud adapters share: paged queries and batched writes. */
import { queryAll as queryEvery } from '../../runtime/query-all.ts';
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { batchPutAll } from '../../runtime/batch-items.ts';
import { tableName } from '../../runtime/resource-names.ts';

export const alertsTable = (): string => tableName('alerts');

export type Item = Record<string, unknown>;

/** Every item of a query, following pages (up to `maxItems`). */
export function queryAll(input: Omit<QueryCommandInput, 'TableName'>, maxItems = 10_000): Promise<Item[]> {
  return queryEvery({ TableName: alertsTable(), ...input }, { maxItems });
}

/** Puts items 25 at a time, sending back what DynamoDB left unprocessed until all is written. */
export const putAll = (items: readonly Item[]): Promise<void> => batchPutAll(alertsTable(), items);

/** Runs tasks with at most `limit` at once (one helper for every store: shared/runtime/concurrency.ts). */
export { mapLimit as inParallel } from '../../runtime/concurrency.ts';
