/**
 * A bulk file's rows, each enrolled (or its contribution recorded) exactly as a single request
 * would be: the same schema, the same checks, the same decision against what the person holds. A
 * row is written whole or not at all; a bad row writes nothing and is reported with its row
 * number, field and rule; a row already done by an earlier run is reported unchanged and writes
 * nothing, so running a file twice changes nothing the second time.
 *
 * Enrolments are committed in groups: the decided rows of a request go into transactions of up to
 * ~24 people (each person's profile, lock, enrolment, categories and the events announcing them,
 * in the outbox; DynamoDB takes 100 items).
 * A group commits whole or not at all, so a row is never half-written; when a group is cancelled
 * the reasons name the clashing items, and exactly those rows go back through the single-request
 * path (re-read, decide again: enrolled, unchanged, or a 409 naming the winner), while the others
 * are committed again as a group. DynamoDB Local runs transactions one at a time (measured here:
 * ~64 a second whatever the concurrency), and one of 99 items costs about three of one of 3, so
 * grouping takes the transaction off the critical path; the identity read of each row remains.
 *
 * A row found already enrolled is a repeat: the events its first run committed and did not get
 * onto the bus (still in the outbox) are delivered now, with the wave's new ones.
 */
import {
  contributionRowInput,
  contributionRowSchema,
  enrolmentRowInput,
  rejectedRow,
  type BulkKind,
  type BulkRow,
  type RejectedRow,
  type RowOutcome,
} from '../../../shared/enrolment/bulk.ts';
import { checkEnrolment, enrolmentRequestSchema, type EnrolmentRequest } from '../../../shared/enrolment/enrol.ts';
import { contributionLookup } from '../../../shared/policy/store/contribution-lookup.ts';
import { zodProblems } from '../../../shared/enrolment/problems.ts';
import { enrolmentItemCount, readMemberItems, writeEnrolments } from '../../../shared/enrolment/store/members.ts';
import { MAX_TRANSACTION_ITEMS } from '../../../shared/runtime/batch-items.ts';
import { isRefusal, type OperationContext } from './common.ts';
import { decideOrPlan, enrolledFrom, enrolMember, identify, NOTHING_HELD, type Enrolled, type ReadyToWrite } from './enrol.ts';
import { recordContributionRow } from './changes.ts';
import { deliverCommitted, deliverWaiting } from './events.ts';

/** Rows read and decided at once inside one request: enough to overlap DynamoDB round trips. */
const ROW_CONCURRENCY = 16;
/** Rows in hand at once: about two transactions' worth. */
const WAVE_SIZE = 48;

const done = (rowNumber: number, r: Enrolled): RowOutcome => ({
  rowNumber,
  outcome: r.outcome,
  memberId: r.member.memberId,
  enrolmentId: r.enrolment.enrolmentId,
});

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await work(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

interface Decided {
  row: BulkRow;
  request: EnrolmentRequest;
  ready: ReadyToWrite;
}
/** A row settled without a write; a repeat carries the keys its events were committed under. */
interface Settled {
  outcome: RowOutcome;
  announced: readonly string[];
}

const settled = (outcome: RowOutcome, announced: readonly string[] = []): Settled => ({ outcome, announced });

/** Check, identify, read and decide one row; a row to write comes back as Decided. */
async function decideRow(row: BulkRow, ctx: OperationContext): Promise<Settled | Decided> {
  const parsed = enrolmentRequestSchema.safeParse(enrolmentRowInput(row.record));
  if (!parsed.success) return settled(rejectedRow(row.rowNumber, { status: 400, problems: zodProblems(parsed.error.issues) }));
  const policies = await contributionLookup([parsed.data], ctx.clock.today);
  const checked = checkEnrolment(parsed.data, { today: ctx.clock.today, policies });
  if (!checked.ok) return settled(rejectedRow(row.rowNumber, checked));
  const identity = await identify(checked.value);
  const held = identity.known ? await readMemberItems(identity.memberId) : NOTHING_HELD;
  const step = decideOrPlan(checked.value, identity, held, ctx);
  if (isRefusal(step)) return settled(rejectedRow(row.rowNumber, step));
  if (step.outcome !== 'planned') return settled(done(row.rowNumber, step), step.announced);
  return { row, request: parsed.data, ready: step };
}

/** Splits decided rows into transactions: distinct people, at most MAX_TRANSACTION_ITEMS items (outbox entries included). */
function groups(decided: readonly Decided[]): { groups: Decided[][]; leftOver: Decided[] } {
  const out: Decided[][] = [];
  const leftOver: Decided[] = [];
  const seen = new Set<string>();
  let current: Decided[] = [];
  let items = 0;
  for (const d of decided) {
    const memberId = d.ready.plan.member.memberId;
    // The same person twice in one request: the later row goes the single way, after the groups.
    if (seen.has(memberId)) {
      leftOver.push(d);
      continue;
    }
    seen.add(memberId);
    const count = enrolmentItemCount(d.ready);
    if (items + count > MAX_TRANSACTION_ITEMS - 1) {
      out.push(current);
      current = [];
      items = 0;
    }
    current.push(d);
    items += count;
  }
  if (current.length > 0) out.push(current);
  return { groups: out, leftOver };
}

/**
 * Commits a group; the committed rows go to `committed` (their events are delivered once every
 * group is in), and the rows whose items clashed come back, to go the single way. An outbox item
 * that clashed (the row's fact already announced) is the row's clash like any other.
 */
async function commitGroup(group: Decided[], committed: Decided[], depth = 0): Promise<Decided[]> {
  if (group.length === 0) return [];
  const written = await writeEnrolments(group.map((d) => d.ready));
  if (written.ok) {
    committed.push(...group);
    return [];
  }
  if (depth >= 2) return group;
  // The reasons come item by item in the order written (a row's state, then its outbox entries):
  // each row's slice says whether it clashed.
  const clashed: Decided[] = [];
  const clean: Decided[] = [];
  let at = 0;
  for (const d of group) {
    const count = enrolmentItemCount(d.ready);
    const reasons = written.reasons.slice(at, at + count);
    at += count;
    (reasons.length < count || reasons.some((r) => r !== 'None') ? clashed : clean).push(d);
  }
  // A cancellation that names no item: nobody to blame, so everyone goes the single way.
  if (clashed.length === 0) return group;
  return [...clashed, ...(await commitGroup(clean, committed, depth + 1))];
}

/**
 * Enrols rows in waves (read and decide a wave side by side, commit it in groups, deliver its
 * events, settle its clashes one by one), so that at any moment at most one wave is in hand: when
 * the time budget runs out, the rows of later waves come back `deferred`, having written nothing.
 */
async function enrolRows(rows: readonly BulkRow[], ctx: OperationContext, outcomes: RowOutcome[], deadline: number): Promise<void> {
  // A wave's events go out while the next wave is read: PutEvents is slow on the local bus.
  const delivering: Promise<void>[] = [];
  try {
    for (let start = 0; start < rows.length; start += WAVE_SIZE) {
      if (Date.now() > deadline) {
        for (const row of rows.slice(start)) outcomes.push({ rowNumber: row.rowNumber, outcome: 'deferred' });
        break;
      }
      delivering.push((await enrolWave(rows.slice(start, start + WAVE_SIZE), ctx, outcomes)).delivering);
    }
  } finally {
    // Every committed wave's events are out (or left in the outbox for the relay) before the request
    // answers. Delivery never fails: the events were committed with their state.
    await Promise.all(delivering);
  }
}

/** Enrols one wave; returns the delivery of its events, already under way (wrapped, or await would wait for it). */
async function enrolWave(rows: readonly BulkRow[], ctx: OperationContext, outcomes: RowOutcome[]): Promise<{ delivering: Promise<void> }> {
  const decided: Decided[] = [];
  const announced: string[] = [];
  await pool(rows, ROW_CONCURRENCY, async (row) => {
    const d = await decideRow(row, ctx);
    if ('ready' in d) decided.push(d);
    else {
      outcomes.push(d.outcome);
      announced.push(...d.announced);
    }
  });
  decided.sort((a, b) => a.row.rowNumber - b.row.rowNumber);
  const { groups: batches, leftOver } = groups(decided);
  const single: Decided[] = [];
  const committed: Decided[] = [];
  for (const group of batches) single.push(...(await commitGroup(group, committed)));
  // The committed rows' events, in PutEvents calls of ten, and whatever the repeated rows' first run left waiting.
  const delivering = Promise.all([
    deliverCommitted(
      committed.flatMap((d) => d.ready.events),
      ctx,
    ),
    deliverWaiting(announced, ctx),
  ]).then(() => undefined);
  for (const d of committed) outcomes.push(done(d.row.rowNumber, enrolledFrom(d.ready)));

  // The rest one by one, each re-read and decided again against what the groups wrote: a person's
  // rows in file order (so the earlier row wins), different people side by side.
  const byPerson = new Map<string, Decided[]>();
  for (const d of [...single, ...leftOver].sort((a, b) => a.row.rowNumber - b.row.rowNumber)) {
    const memberId = d.ready.plan.member.memberId;
    byPerson.set(memberId, [...(byPerson.get(memberId) ?? []), d]);
  }
  await pool([...byPerson.values()], ROW_CONCURRENCY, async (rowsOfPerson) => {
    for (const d of rowsOfPerson) {
      const result = await enrolMember(d.request, ctx);
      outcomes.push(isRefusal(result) ? rejectedRow(d.row.rowNumber, result) : done(d.row.rowNumber, result));
    }
  });
  return { delivering };
}

async function contributionRows(rows: readonly BulkRow[], ctx: OperationContext, outcomes: RowOutcome[], deadline: number): Promise<void> {
  await pool(rows, ROW_CONCURRENCY, async (row) => {
    if (Date.now() > deadline) {
      outcomes.push({ rowNumber: row.rowNumber, outcome: 'deferred' });
      return;
    }
    const parsed = contributionRowSchema.safeParse(contributionRowInput(row.record));
    if (!parsed.success) {
      outcomes.push(rejectedRow(row.rowNumber, { status: 400, problems: zodProblems(parsed.error.issues) }));
      return;
    }
    const found = await recordContributionRow(parsed.data, ctx);
    if (isRefusal(found)) outcomes.push(rejectedRow(row.rowNumber, found));
    else if (isRefusal(found.result)) outcomes.push(rejectedRow(row.rowNumber, found.result));
    else
      outcomes.push({
        rowNumber: row.rowNumber,
        outcome: found.result.outcome,
        memberId: found.memberId,
        enrolmentId: found.result.enrolment.enrolmentId,
      });
  });
}

export interface BulkReport {
  kind: BulkKind;
  dryRun: boolean;
  received: number;
  written: number;
  unchanged: number;
  valid: number;
  rejected: number;
  deferred: number;
  rows: RowOutcome[];
}

/**
 * @param deadline epoch ms after which no new row is started (they come back `deferred`): a
 *   request must answer inside API Gateway's 29 s, whatever the load, or its caller would retry
 *   rows that were in fact written and be told they were unchanged.
 */
export async function runBulk(
  kind: BulkKind,
  rows: readonly BulkRow[],
  unreadable: readonly RejectedRow[],
  ctx: OperationContext,
  deadline = Number.POSITIVE_INFINITY,
): Promise<BulkReport> {
  const outcomes: RowOutcome[] = unreadable.map((u) => rejectedRow(u.rowNumber, { status: 400, problems: u.problems }));
  if (kind === 'enrolment') await enrolRows(rows, ctx, outcomes, deadline);
  else await contributionRows(rows, ctx, outcomes, deadline);
  outcomes.sort((a, b) => a.rowNumber - b.rowNumber);
  const count = (...names: RowOutcome['outcome'][]) => outcomes.filter((o) => names.includes(o.outcome)).length;
  return {
    kind,
    dryRun: Boolean(ctx.dryRun),
    received: outcomes.length,
    written: count('enrolled', 'recorded'),
    unchanged: count('unchanged'),
    valid: count('enrolled', 'recorded', 'unchanged', 'valid'),
    rejected: count('rejected'),
    deferred: count('deferred'),
    rows: outcomes,
  };
}
