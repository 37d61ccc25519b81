/** Small DynamoDB helpers the budget adapters share: the table, paged queries, bounded parallelism, condition failures. */
import { queryAll as queryEvery } from '../../runtime/query-all.ts';
import type { QueryCommandInput, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../../runtime/batch-items.ts';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { tableName } from '../../runtime/resource-names.ts';
import { mapLimit } from '../../runtime/concurrency.ts';

export const db = () => dynamoDocumentClient();

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** An item as the domain sees it: without the table's keys. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _s1, gsi2pk: _g2, gsi2sk: _s2, ...rest } = item;
  return rest as T;
}

export const providersTable = () => tableName('providers');

/** JSON with object keys sorted, to compare content: DynamoDB does not keep the order of a map's keys. */
export const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

/** Every page of a query. */
export function queryAll<T>(input: Omit<QueryCommandInput, 'TableName'>): Promise<T[]> {
  return queryEvery<T>({ TableName: providersTable(), ...input }, { client: db() });
}

/** Many items by key, 100 keys a request, consistent reads; the result is keyed `pk|sk`. */
export async function batchGet(keyList: readonly { pk: string; sk: string }[]): Promise<Map<string, Record<string, unknown>>> {
  const found = await batchGetAll(providersTable(), keyList, { consistent: true, client: db() });
  return new Map([...found.values()].map((item) => [`${item.pk as string}|${item.sk as string}`, item]));
}

export { mapLimit };

/** One helper for every store (shared/runtime/condition-failure.ts). */
export { failedConditions, isConditionFailure } from '../../runtime/condition-failure.ts';
