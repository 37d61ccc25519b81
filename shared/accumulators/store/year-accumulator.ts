import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { tableName } from '../../runtime/resource-names.ts';

/**
 * A member's year-to-date totals: named integer-fen counters (deductible met, each layer's payment,
 * caps used…) with a version for optimistic locking. Settlement owns the counter names and moves
 * them only in the transaction that settles a claim; enrolment's eligibility route reads them.
 */
export const yearAccumulatorSchema = z.object({
  memberId: z.string(),
  year: z.number().int(),
  version: z.number().int().nonnegative(),
  counters: z.record(z.string(), z.number().int()),
  updatedAt: z.string().optional(),
});
export type YearAccumulator = z.infer<typeof yearAccumulatorSchema>;

export const yearAccumulatorKey = (memberId: string, year: number) => ({ pk: `MEMBER#${memberId}`, sk: `YEAR#${year}` });

/** The member's year so far; a year with no claim yet is all zeros at version 0. */
export async function readYearAccumulator(memberId: string, year: number): Promise<YearAccumulator> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: tableName('accumulators'),
      Key: yearAccumulatorKey(memberId, year),
      ConsistentRead: true,
    }),
  );
  return yearAccumulatorFrom(out.Item, memberId, year);
}

/** The accumulator an item holds, or the year's zeros at version 0 when there is no item yet. */
export function yearAccumulatorFrom(item: Record<string, unknown> | undefined, memberId: string, year: number): YearAccumulator {
  if (!item) return { memberId, year, version: 0, counters: {} };
  return yearAccumulatorSchema.parse(item);
}

/**
 * A household's year (家庭): the counters the benefit policy keeps per household (the family
 * self-pay cap), moved version-checked in the same transaction as the settling member's own, so two
 * members settling at once cannot both take the room left under the household's cap.
 */
export const householdAccumulatorSchema = z.object({
  householdId: z.string(),
  year: z.number().int(),
  version: z.number().int().nonnegative(),
  counters: z.record(z.string(), z.number().int()),
  updatedAt: z.string().optional(),
});
export type HouseholdAccumulator = z.infer<typeof householdAccumulatorSchema>;

export const householdAccumulatorKey = (householdId: string, year: number) => ({ pk: `HOUSEHOLD#${householdId}`, sk: `YEAR#${year}` });

/** The household's year so far; a year with no claim yet is all zeros at version 0. */
export async function readHouseholdAccumulator(householdId: string, year: number): Promise<HouseholdAccumulator> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: tableName('accumulators'),
      Key: householdAccumulatorKey(householdId, year),
      ConsistentRead: true,
    }),
  );
  if (!out.Item) return { householdId, year, version: 0, counters: {} };
  return householdAccumulatorSchema.parse(out.Item);
}
