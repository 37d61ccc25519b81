/**
 * Every page of a DynamoDB query, through the SDK's own paginator (`paginateQuery` follows
 * `LastEvaluatedKey` for us), so no store writes the `ExclusiveStartKey` loop by hand.
 */
import { type DynamoDBDocumentClient, paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from './aws-clients.ts';

export type Item = Record<string, unknown>;

export interface QueryAllOptions {
  /** Defaults to the function's own document client. */
  client?: DynamoDBDocumentClient;
  /** Stop once at least this many items are read (a guard for unbounded partitions). */
  maxItems?: number;
}

/** The query's pages, one array of items each, in key order. */
export async function* queryPages(
  input: QueryCommandInput,
  client: DynamoDBDocumentClient = dynamoDocumentClient(),
): AsyncGenerator<Item[]> {
  for await (const page of paginateQuery({ client }, { ...input })) yield page.Items ?? [];
}

/** Every item the query matches, following pages (up to `maxItems` when given). */
export async function queryAll<T = Item>(input: QueryCommandInput, options: QueryAllOptions = {}): Promise<T[]> {
  const items: Item[] = [];
  for await (const page of queryPages(input, options.client)) {
    items.push(...page);
    if (options.maxItems !== undefined && items.length >= options.maxItems) break;
  }
  return items as T[];
}
