/**
 * Confirmed recoveries owed by providers (DynamoDB adapter, providers table):
 *   recovery          PROVIDER#<code>  RECOVERY#<alertId>   amount, outstanding, the takes made
 *   owed in all       PROVIDER#<code>  RECOVERIES           outstandingFen (what the year-end batch-reads)
 *   ledger entry      PROVIDER#<code>  LEDGER#<yyyy>#RECOVERY#<alertId>#<period>#V#<n>   (negative: taken)
 * A confirmation is recorded once (conditional on its key). A take is written in the transaction of
 * the payment it is taken from (a prepayment line, a year-end report), conditional on the recovery
 * still owing what was read, so the same money is never taken twice.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Fen } from '../../money/fen.ts';
import type { OwedRecovery, RecoveryTake } from '../recoveries.ts';
import { batchGet, db, isConditionFailure, providersTable, queryAll, type TransactItem } from './db.ts';
import { v } from './keys.ts';

export const recoveryKeys = {
  recovery: (providerCode: string, alertId: string) => ({ pk: `PROVIDER#${providerCode}`, sk: `RECOVERY#${alertId}` }),
  owed: (providerCode: string) => ({ pk: `PROVIDER#${providerCode}`, sk: 'RECOVERIES' }),
  ledger: (providerCode: string, year: number, alertId: string, period: string, version: number) => ({
    pk: `PROVIDER#${providerCode}`,
    sk: `LEDGER#${year}#RECOVERY#${alertId}#${period}#${v(version)}`,
  }),
};

export interface RecoveryFact {
  alertId: string;
  providerCode: string;
  region: string;
  claim?: { providerCode: string; claimNo: string };
  recoveryFen: Fen;
  confirmedAt: string;
}

/** Records a confirmed recovery as owed; 'already-applied' for the same confirmation again. */
export async function applyRecoveryConfirmed(f: RecoveryFact, now: string): Promise<'applied' | 'already-applied'> {
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: providersTable(),
              Item: {
                ...recoveryKeys.recovery(f.providerCode, f.alertId),
                kind: 'recovery',
                ...f,
                amountFen: f.recoveryFen,
                outstandingFen: f.recoveryFen,
                recordedAt: now,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: providersTable(),
              Key: recoveryKeys.owed(f.providerCode),
              UpdateExpression: 'SET providerCode = :code ADD outstandingFen :amount',
              ExpressionAttributeValues: { ':code': f.providerCode, ':amount': f.recoveryFen },
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

/** A provider's recoveries still owing, oldest first. */
export async function owedRecoveries(providerCode: string): Promise<OwedRecovery[]> {
  const items = await queryAll<Record<string, unknown>>({
    KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
    ExpressionAttributeValues: { ':p': `PROVIDER#${providerCode}`, ':s': 'RECOVERY#' },
    ConsistentRead: true,
  });
  return items
    .map((i) => ({ alertId: i.alertId as string, confirmedAt: i.confirmedAt as string, outstandingFen: i.outstandingFen as number }))
    .filter((r) => r.outstandingFen > 0)
    .sort((a, b) => a.confirmedAt.localeCompare(b.confirmedAt));
}

/** What many providers owe in all (one item each): the year-end reads the recoveries of those that owe. */
export async function owedTotals(providerCodes: readonly string[]): Promise<Map<string, Fen>> {
  const found = await batchGet(providerCodes.map((c) => recoveryKeys.owed(c)));
  return new Map(
    providerCodes.map((c) => {
      const key = recoveryKeys.owed(c);
      return [c, (found.get(`${key.pk}|${key.sk}`)?.outstandingFen as number | undefined) ?? 0];
    }),
  );
}

/**
 * The transaction items of takes from one payment (the caller adds them to the payment's own
 * transaction, and the total taken to the provider's balance item it already updates).
 */
export function takeItems(
  providerCode: string,
  year: number,
  takes: readonly RecoveryTake[],
  from: { kind: 'prepayment' | 'year-end'; runId: string; period: string; version: number },
  now: string,
): TransactItem[] {
  if (takes.length === 0) return [];
  const total = takes.reduce((a, t) => a + t.amountFen, 0);
  return [
    ...takes.flatMap((t): TransactItem[] => [
      {
        Update: {
          TableName: providersTable(),
          Key: recoveryKeys.recovery(providerCode, t.alertId),
          UpdateExpression: 'SET outstandingFen = :after, updatedAt = :now ADD takenFen :amount',
          ConditionExpression: 'outstandingFen = :before',
          ExpressionAttributeValues: {
            ':after': t.outstandingBeforeFen - t.amountFen,
            ':before': t.outstandingBeforeFen,
            ':amount': t.amountFen,
            ':now': now,
          },
        },
      },
      {
        Put: {
          TableName: providersTable(),
          Item: {
            ...recoveryKeys.ledger(providerCode, year, t.alertId, from.period, from.version),
            kind: 'recovery',
            amountFen: -t.amountFen,
            alertId: t.alertId,
            takenBy: from.kind,
            runId: from.runId,
            version: from.version,
            period: from.period,
            providerCode,
            writtenAt: now,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]),
    {
      Update: {
        TableName: providersTable(),
        Key: recoveryKeys.owed(providerCode),
        UpdateExpression: 'ADD outstandingFen :minus',
        ExpressionAttributeValues: { ':minus': -total },
      },
    },
  ];
}
