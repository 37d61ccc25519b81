/**
 * A household file (the agency's 户籍 extract or a clerk's spreadsheet), read with enrolment's bulk
 * machinery (shared/enrolment/bulk.ts: CSV or JSON-lines, row numbers as the editor shows them) and
 * applied row by row through the same plans as the single routes:
 *
 *   householdId,region,memberId,idNumber,relation,from,to,reason,reference
 *   HH-330902-000123,330900,,330902195001010012,head,2025-01-01,,,
 *   HH-330902-000123,,,330902197803040021,spouse,2025-01-01,,,
 *   HH-330902-000123,,M7Q2D9K4N8R1T5V3X,,child,2025-01-01,2025-08-31,moved-out,
 *
 * A `head` row registers the household (with region and from); any other row adds the member; a row
 * with `to` then ends that membership. A member is named by member id or by ID number. A household's
 * rows run in file order (its head row first), households side by side. Each row is written whole or
 * not at all; a bad row is reported with row number, field and rule; a row already done is
 * `unchanged`, so the same file again changes nothing.
 */
import * as z from 'zod';
import { readBulkText, rejectedRow, type BulkFormat, type BulkRow, type RejectedOutcome } from '../../../shared/enrolment/bulk.ts';
import { checkIdNumber } from '../../../shared/enrolment/id-number.ts';
import { idHash } from '../../../shared/enrolment/identity.ts';
import { refuse, zodProblems, type Refused } from '../../../shared/enrolment/problems.ts';
import { idHashSecret } from '../../../shared/enrolment/secret.ts';
import { findMemberIdByIdHash } from '../../../shared/enrolment/store/members.ts';
import { householdIdSchema, LEAVING_REASONS, RELATIONS } from '../../../shared/households/household.ts';
import { MEMBER_ID_PATTERN } from '../../../shared/enrolment/identity.ts';
import { readHousehold } from '../../../shared/households/store/register.ts';
import { isRefusal, type OperationContext } from './common.ts';
import type { Actor } from '../../../shared/households/household.ts';
import { addHouseholdMember, createHousehold, removeHouseholdMember } from './households.ts';

export const HOUSEHOLD_COLUMNS = [
  'householdId',
  'region',
  'memberId',
  'idNumber',
  'relation',
  'from',
  'to',
  'reason',
  'reference',
] as const;

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const householdRowSchema = z
  .strictObject({
    householdId: householdIdSchema,
    region: z.preprocess(
      blank,
      z
        .string()
        .regex(/^\d{6}$/, 'a 6-digit region code')
        .optional(),
    ),
    memberId: z.preprocess(blank, z.string().regex(MEMBER_ID_PATTERN, 'a member id: M and 16 base-32 characters').optional()),
    idNumber: z.preprocess(blank, z.string().min(1).max(40).optional()),
    relation: z.enum(RELATIONS),
    from: z.iso.date(),
    to: z.preprocess(blank, z.iso.date().optional()),
    reason: z.preprocess(blank, z.enum(LEAVING_REASONS).optional()),
    reference: z.preprocess(blank, z.string().min(1).max(100).optional()),
  })
  .superRefine((r, ctx) => {
    if ((r.memberId === undefined) === (r.idNumber === undefined))
      ctx.addIssue({ code: 'custom', path: ['memberId'], message: 'name the member by exactly one of memberId or idNumber' });
    if (r.relation === 'head' && !r.region)
      ctx.addIssue({ code: 'custom', path: ['region'], message: 'a head row registers the household: give its region' });
    if (r.to !== undefined && r.to < r.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });
export type HouseholdRow = z.infer<typeof householdRowSchema>;

export type HouseholdRowOutcome =
  | { rowNumber: number; outcome: 'created' | 'added' | 'removed' | 'unchanged'; householdId: string; memberId: string }
  | RejectedOutcome
  | { rowNumber: number; outcome: 'deferred' };

export interface HouseholdBulkReport {
  received: number;
  written: number;
  unchanged: number;
  rejected: number;
  deferred: number;
  rows: HouseholdRowOutcome[];
}

/** Households handled side by side in one request. */
const HOUSEHOLD_CONCURRENCY = 8;

async function memberOf(row: HouseholdRow, ctx: OperationContext): Promise<string | Refused> {
  if (row.memberId) return row.memberId;
  const id = checkIdNumber(row.idNumber!, ctx.clock.today);
  if (!id.ok) return refuse(400, [{ field: 'idNumber', rule: id.rule, message: id.message }]);
  const memberId = await findMemberIdByIdHash(idHash(id.value.idNumber, idHashSecret()));
  return memberId ?? refuse(404, [{ field: 'idNumber', rule: 'not_enrolled', message: 'no member has this ID number' }]);
}

async function applyRow(
  row: HouseholdRow,
  by: Actor,
  ctx: OperationContext,
): Promise<Omit<Extract<HouseholdRowOutcome, { householdId: string }>, 'rowNumber'> | Refused> {
  const memberId = await memberOf(row, ctx);
  if (isRefusal(memberId)) return memberId;
  const ref = row.reference ? { reference: row.reference } : {};
  let outcome: 'created' | 'added' | 'unchanged';
  if (row.relation === 'head') {
    const created = await createHousehold(
      { householdId: row.householdId, region: row.region!, from: row.from, head: memberId, members: [], ...ref },
      by,
      ctx,
    );
    if (isRefusal(created)) {
      // A household registered (and grown) by an earlier run of this file, with this head: nothing to do.
      const existing = created.problems[0]?.rule === 'exists' ? (await readHousehold(row.householdId)).household : undefined;
      const ours = existing?.members.some((m) => m.memberId === memberId && m.relation === 'head' && m.from === row.from);
      if (!ours) return created;
      outcome = 'unchanged';
    } else outcome = created.outcome === 'unchanged' ? 'unchanged' : 'created';
  } else {
    const added = await addHouseholdMember(row.householdId, { memberId, relation: row.relation, from: row.from, ...ref }, by, ctx);
    if (isRefusal(added)) {
      // Added and already removed by an earlier run: the removal below says unchanged.
      const existing =
        row.to && added.problems[0]?.rule === 'in_another_household' ? (await readHousehold(row.householdId)).household : undefined;
      const done = existing?.members.some((m) => m.memberId === memberId && m.from === row.from && m.to === row.to);
      if (!done) return added;
      outcome = 'unchanged';
    } else outcome = added.outcome === 'unchanged' ? 'unchanged' : 'added';
  }
  if (row.to === undefined) return { outcome, householdId: row.householdId, memberId };
  const removed = await removeHouseholdMember(row.householdId, memberId, { to: row.to, reason: row.reason ?? 'other', ...ref }, by, ctx);
  if (isRefusal(removed)) return removed;
  return {
    outcome: removed.outcome === 'unchanged' && outcome === 'unchanged' ? 'unchanged' : 'removed',
    householdId: row.householdId,
    memberId,
  };
}

export async function runHouseholdBulk(
  content: string,
  format: BulkFormat,
  by: Actor,
  ctx: OperationContext,
  deadline = Number.POSITIVE_INFINITY,
): Promise<HouseholdBulkReport> {
  const { rows, unreadable } = readBulkText(content, format);
  const outcomes: HouseholdRowOutcome[] = unreadable.map((u) => rejectedRow(u.rowNumber, { status: 400, problems: u.problems }));
  // A household's rows in file order; a row that does not parse is reported and takes no part.
  const byHousehold = new Map<string, { row: BulkRow; parsed: HouseholdRow }[]>();
  for (const row of rows) {
    const parsed = householdRowSchema.safeParse(row.record);
    if (!parsed.success) {
      outcomes.push(rejectedRow(row.rowNumber, { status: 400, problems: zodProblems(parsed.error.issues) }));
      continue;
    }
    byHousehold.set(parsed.data.householdId, [...(byHousehold.get(parsed.data.householdId) ?? []), { row, parsed: parsed.data }]);
  }
  const queue = [...byHousehold.values()];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < queue.length; i = next++) {
      for (const { row, parsed } of queue[i]!) {
        if (Date.now() > deadline) {
          outcomes.push({ rowNumber: row.rowNumber, outcome: 'deferred' });
          continue;
        }
        const result = await applyRow(parsed, by, ctx);
        outcomes.push(isRefusal(result) ? rejectedRow(row.rowNumber, result) : { rowNumber: row.rowNumber, ...result });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(HOUSEHOLD_CONCURRENCY, queue.length) }, worker));
  outcomes.sort((a, b) => a.rowNumber - b.rowNumber);
  const count = (...names: HouseholdRowOutcome['outcome'][]) => outcomes.filter((o) => names.includes(o.outcome)).length;
  return {
    received: outcomes.length,
    written: count('created', 'added', 'removed'),
    unchanged: count('unchanged'),
    rejected: count('rejected'),
    deferred: count('deferred'),
    rows: outcomes,
  };
}
