/**
 * Budgets (DynamoDB adapter). Each PUT of a region's year writes a new immutable version; HEAD names
 * the latest; runs pin the version they were computed from, so a report always says which budget
 * made it. The document is stored gzipped (a region of thousands of providers stays far inside
 * DynamoDB's 400 KB item limit). Putting the same budget again writes nothing.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Budget } from '../budget.ts';
import { canonical, db, isConditionFailure, providersTable, queryAll } from './db.ts';
import { keys } from './keys.ts';

export type BudgetWrite = { outcome: 'created' | 'unchanged'; budget: Budget } | { outcome: 'conflict' };

/** What identifies a budget's content (its version and bookkeeping aside). */
const content = (b: Omit<Budget, 'version'>) => canonical({ ...b, version: undefined });

export async function latestBudgetVersion(region: string, year: number): Promise<number | undefined> {
  const head = await db().send(new GetCommand({ TableName: providersTable(), Key: keys.budgetHead(region, year), ConsistentRead: true }));
  return head.Item?.latest as number | undefined;
}

export async function getBudget(region: string, year: number, version?: number): Promise<Budget | undefined> {
  const n = version ?? (await latestBudgetVersion(region, year));
  if (n === undefined) return undefined;
  const out = await db().send(new GetCommand({ TableName: providersTable(), Key: keys.budget(region, year, n), ConsistentRead: true }));
  if (!out.Item) return undefined;
  return JSON.parse(gunzipSync(out.Item.document as Uint8Array).toString('utf8')) as Budget;
}

/** Writes a new version unless the latest already says the same; a concurrent writer wins, this one is told. */
export async function putBudget(budget: Omit<Budget, 'version'>, by: string, now: string): Promise<BudgetWrite> {
  const { region, year } = budget;
  const latest = await latestBudgetVersion(region, year);
  if (latest !== undefined) {
    const current = await getBudget(region, year, latest);
    if (current && content(current) === content(budget)) return { outcome: 'unchanged', budget: current };
  }
  const version = (latest ?? 0) + 1;
  const stored: Budget = { ...budget, version };
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: providersTable(),
              Item: {
                ...keys.budget(region, year, version),
                region,
                year,
                version,
                setAt: now,
                setBy: by,
                document: gzipSync(JSON.stringify(stored)),
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: providersTable(),
              Item: { ...keys.budgetHead(region, year), region, year, latest: version, updatedAt: now },
              ConditionExpression: latest === undefined ? 'attribute_not_exists(pk)' : 'latest = :previous',
              ...(latest === undefined ? {} : { ExpressionAttributeValues: { ':previous': latest } }),
            },
          },
          { Put: { TableName: providersTable(), Item: { ...keys.budgetIndex(region, year), region, year } } },
        ],
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) return { outcome: 'conflict' };
    throw error;
  }
  return { outcome: 'created', budget: stored };
}

/** Regions with a budget for a year: the ones the monthly schedule and the year-end run for. */
export async function regionsWithBudget(year: number): Promise<string[]> {
  const items = await queryAll<{ region: string }>({
    KeyConditionExpression: 'pk = :p',
    ExpressionAttributeValues: { ':p': `BUDGETS#${year}` },
  });
  return items.map((i) => i.region).sort();
}
