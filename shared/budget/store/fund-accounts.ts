/**
 * Fund accounts per scheme (DynamoDB adapter, providers table): one item per region, scheme and month
 *   FUND#<region>#<scheme>   MONTH#<yyyy-mm>   income by source, personal-account credits,
 *                                              contributions, claims, paid_<layer> per layer
 * Claims' payments are added in the transaction that projects the claim (store/facts.ts: the claim's
 * marker makes it once, and its reversal takes back what it added); a contribution is added once by
 * its event id (a marker in the same transaction). The account is the member's pooling region's:
 * the fund that paid, wherever the care was given.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Fen } from '../../money/fen.ts';
import { emptyFundMonth, INCOME_SOURCES, isLayerName, type FundMonth, type IncomeSource, type Scheme } from '../fund-accounts.ts';
import { db, isConditionFailure, providersTable, queryAll, type TransactItem } from './db.ts';

export const fundKeys = {
  month: (region: string, scheme: Scheme, month: string) => ({ pk: `FUND#${region}#${scheme}`, sk: `MONTH#${month}` }),
  income: (eventId: string) => ({ pk: `FACT#INCOME#${eventId}`, sk: 'FACT' }),
};

/**
 * What claims' payments add to its scheme's month: `byLayer` and `claims` already signed (a reversal's
 * negative), summed over the claims of one transaction (store/facts.ts folds them).
 */
export function fundClaimItem(region: string, scheme: Scheme, month: string, byLayer: Record<string, Fen>, claims: number): TransactItem {
  const layers = Object.entries(byLayer).filter(([layer, fen]) => isLayerName(layer) && fen !== 0);
  return {
    Update: {
      TableName: providersTable(),
      Key: fundKeys.month(region, scheme, month),
      UpdateExpression: `SET #region = :region, scheme = :scheme, #month = :month ADD claims :n${layers.map((_, i) => `, #l${i} :l${i}`).join('')}`,
      ExpressionAttributeNames: {
        '#region': 'region',
        '#month': 'month',
        ...Object.fromEntries(layers.map(([layer], i) => [`#l${i}`, `paid_${layer}`])),
      },
      ExpressionAttributeValues: {
        ':region': region,
        ':scheme': scheme,
        ':month': month,
        ':n': claims,
        ...Object.fromEntries(layers.map(([, fen], i) => [`:l${i}`, fen])),
      },
    },
  };
}

export interface IncomeFact {
  eventId: string;
  region: string;
  scheme: Scheme;
  month: string;
  income: Partial<Record<IncomeSource, Fen>>;
  personalAccountFen: Fen;
}

/** A contribution's income, once by its event id. */
export async function applyIncome(f: IncomeFact, now: string): Promise<'applied' | 'already-applied'> {
  const sources = INCOME_SOURCES.filter((s) => (f.income[s] ?? 0) !== 0);
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: providersTable(),
              Item: { ...fundKeys.income(f.eventId), kind: 'income', ...f, appliedAt: now },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: providersTable(),
              Key: fundKeys.month(f.region, f.scheme, f.month),
              UpdateExpression: `SET #region = :region, scheme = :scheme, #month = :month ADD contributions :one, personalAccountFen :pa${sources.map((s) => `, ${s} :${s}`).join('')}`,
              ExpressionAttributeNames: { '#region': 'region', '#month': 'month' },
              ExpressionAttributeValues: {
                ':region': f.region,
                ':scheme': f.scheme,
                ':month': f.month,
                ':one': 1,
                ':pa': f.personalAccountFen,
                ...Object.fromEntries(sources.map((s) => [`:${s}`, f.income[s]])),
              },
            },
          },
        ],
      }),
    );
    return 'applied';
  } catch (error) {
    if (isConditionFailure(error)) return 'already-applied';
    throw error;
  }
}

/** A scheme's months of a year (only months with facts). */
export async function fundMonths(region: string, scheme: Scheme, year: number): Promise<FundMonth[]> {
  const items = await queryAll<Record<string, unknown>>({
    KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
    ExpressionAttributeValues: { ':p': `FUND#${region}#${scheme}`, ':s': `MONTH#${year}-` },
    ConsistentRead: true,
  });
  return items.map((item) => {
    const m = emptyFundMonth(item.month as string);
    for (const s of INCOME_SOURCES) m.income[s] = (item[s] as number | undefined) ?? 0;
    m.personalAccountFen = (item.personalAccountFen as number | undefined) ?? 0;
    m.contributions = (item.contributions as number | undefined) ?? 0;
    m.claims = (item.claims as number | undefined) ?? 0;
    for (const [name, value] of Object.entries(item)) if (name.startsWith('paid_')) m.paidByLayer[name.slice(5)] = value as number;
    return m;
  });
}
