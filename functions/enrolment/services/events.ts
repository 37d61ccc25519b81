/**
 * What enrolment announces, as outbox entries (shared/events/outbox.ts): each is committed in the
 * same transaction as the state it reports, delivered right after the commit, and, if the bus
 * refused it then, delivered by a repeat of the request or by the relay. Nothing committed is lost.
 *
 * An entry's key names the fact it reports, from ids the state itself carries, so that
 *  - the same fact cannot be written twice (the outbox Put is conditional on the key being free), and
 *  - a repeated request, which finds the state already written, can compute the keys its first
 *    attempt committed and deliver whatever of them is still waiting.
 *
 * No payload carries a name or a full ID number: the contracts (events/enrolment.ts) refuse them.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  deliverAfterCommit,
  deliverWaiting as deliverWaitingEntries,
  outboxEntry,
  type OutboxEntry,
} from '../../../shared/events/outbox.ts';
import type { ContributionPlan } from '../../../shared/enrolment/contribution-recording.ts';
import type { CategoryPlan } from '../../../shared/enrolment/category-change.ts';
import { codesOn, type EnrolmentPlan } from '../../../shared/enrolment/enrol.ts';
import type { CategoryItem, ContributionItem, EnrolmentItem, MemberItems } from '../../../shared/enrolment/items.ts';
import type { TransferPlan } from '../../../shared/enrolment/transfer.ts';
import type { WriteResult } from '../../../shared/enrolment/store/members.ts';
import { ContributionRecorded, EnrolmentTransferred, MemberCategoryChanged, MemberEnrolled } from '../../../events/enrolment.ts';

/**
 * The keys. Each part comes from an item that is created once (its own Put is conditional on it
 * not existing), so a key never names two facts: an enrolment id and a transfer's new enrolment id
 * are unique; a receipt number is unique only within a member's year (two members may both pay
 * "TAX-1"); a category period is rewritten whenever its last day changes, and each write is a fact
 * of its own, told apart by the time it was recorded.
 */
export const eventKeys = {
  memberEnrolled: (enrolmentId: string) => `enrolment/${enrolmentId}/MemberEnrolled`,
  categoryChanged: (c: Pick<CategoryItem, 'memberId' | 'code' | 'validFrom' | 'recordedAt'>) =>
    `category/${c.memberId}/${c.code}/${c.validFrom}/${c.recordedAt}/MemberCategoryChanged`,
  contributionRecorded: (c: Pick<ContributionItem, 'memberId' | 'year' | 'contributionId'>) =>
    `contribution/${c.memberId}/${c.year}/${c.contributionId}/ContributionRecorded`,
  enrolmentTransferred: (toEnrolmentId: string) => `transfer/${toEnrolmentId}/EnrolmentTransferred`,
};

/**
 * When an entry is made: just before its commit. The relay takes entries older than its grace
 * period, so this must not be the request's start (a bulk request runs for many seconds), or the
 * relay could publish an entry the request is about to deliver itself.
 */
const madeNow = () => new Date().toISOString();

/** MemberEnrolled, and MemberCategoryChanged for each category the enrolment adds. */
export function enrolmentEvents(plan: EnrolmentPlan, held: MemberItems, correlationId: string, createdAt = madeNow()): OutboxEntry[] {
  const e = plan.enrolment;
  return [
    outboxEntry(
      MemberEnrolled,
      {
        memberId: e.memberId,
        maskedId: e.maskedId,
        enrolmentId: e.enrolmentId,
        year: e.year,
        region: e.region,
        scheme: e.scheme,
        employeeKind: e.employeeKind,
        validFrom: e.validFrom,
        validTo: e.validTo,
        status: e.status,
        due: e.due,
        categories: codesOn([...held.categories, ...plan.categories], e.validFrom),
        subsidy: e.subsidy,
      },
      correlationId,
      eventKeys.memberEnrolled(e.enrolmentId),
      createdAt,
    ),
    ...plan.categories.map((c) =>
      outboxEntry(
        MemberCategoryChanged,
        {
          memberId: e.memberId,
          region: e.region,
          code: c.code,
          validFrom: c.validFrom,
          validTo: c.validTo,
          change: 'added',
          recomputedEnrolments: [],
        },
        correlationId,
        eventKeys.categoryChanged(c),
        createdAt,
      ),
    ),
  ];
}

/** The keys an enrolment's events were committed under: the enrolment, and the categories it asked for. */
export const enrolmentEventKeys = (enrolment: EnrolmentItem, categories: readonly CategoryItem[]): string[] => [
  eventKeys.memberEnrolled(enrolment.enrolmentId),
  ...categories.map(eventKeys.categoryChanged),
];

export function contributionEvent(
  plan: Extract<ContributionPlan, { outcome: 'recorded' }>,
  correlationId: string,
  createdAt = madeNow(),
): OutboxEntry {
  const c = plan.contribution;
  const e = plan.enrolment;
  return outboxEntry(
    ContributionRecorded,
    {
      memberId: c.memberId,
      enrolmentId: e.enrolmentId,
      contributionId: c.contributionId,
      year: c.year,
      region: e.region,
      scheme: e.scheme,
      channel: c.channel,
      paidOn: c.paidOn,
      amountFen: c.amountFen,
      shares: c.shares,
      enrolmentStatus: e.status,
      activated: plan.activated,
      complete: plan.complete,
    },
    correlationId,
    eventKeys.contributionRecorded(c),
    createdAt,
  );
}

export function categoryEvent(
  plan: Extract<CategoryPlan, { outcome: 'added' | 'period-changed' }>,
  correlationId: string,
  createdAt = madeNow(),
): OutboxEntry {
  const c = plan.category;
  return outboxEntry(
    MemberCategoryChanged,
    {
      memberId: c.memberId,
      region: plan.region,
      code: c.code,
      validFrom: c.validFrom,
      validTo: c.validTo,
      change: plan.outcome,
      recomputedEnrolments: plan.recomputed.map((r) => r.enrolment.enrolmentId),
    },
    correlationId,
    eventKeys.categoryChanged(c),
    createdAt,
  );
}

export function transferEvent(
  plan: Extract<TransferPlan, { outcome: 'transferred' }>,
  correlationId: string,
  createdAt = madeNow(),
): OutboxEntry {
  const { from, to } = plan;
  return outboxEntry(
    EnrolmentTransferred,
    {
      memberId: to.memberId,
      year: to.year,
      region: to.region,
      transferDate: to.validFrom,
      from: { enrolmentId: from.enrolmentId, region: from.region, validTo: from.validTo },
      to: { enrolmentId: to.enrolmentId, region: to.region, validFrom: to.validFrom, status: to.status },
    },
    correlationId,
    eventKeys.enrolmentTransferred(to.enrolmentId),
    createdAt,
  );
}

/** Where delivery problems are told: the request's logger (they never fail the request). */
export interface Delivery {
  logger: Pick<Logger, 'warn'>;
  /** A dry run delivers nothing, not even what an earlier request left waiting. */
  dryRun?: boolean | undefined;
}

const warnOn =
  ({ logger }: Delivery) =>
  (message: string, extra: Record<string, unknown>) =>
    logger.warn(message, extra);

/**
 * Delivers events whose state has just committed. The request has succeeded whatever the bus says:
 * what it refuses stays in the outbox, for a repeat of the request or the relay.
 */
export const deliverCommitted = (events: readonly OutboxEntry[], via: Delivery): Promise<void> => deliverAfterCommit(events, warnOn(via));

/**
 * Commits a write with its events and delivers them: the answer is `answer`, or a retry (for
 * untilWritten) when a condition of the write failed and nothing was committed.
 */
export async function commitThenDeliver<T>(
  answer: T,
  events: readonly OutboxEntry[],
  write: (events: readonly OutboxEntry[]) => Promise<WriteResult>,
  via: Delivery,
): Promise<T | { retry: WriteResult }> {
  const written = await write(events);
  if (!written.ok) return { retry: written };
  await deliverCommitted(events, via);
  return answer;
}

/**
 * A repeated request found its state already written: delivers whatever of the events its first
 * attempt committed is still waiting (that attempt's publish failed, or it is still under way: an
 * event may then reach the bus twice, which consumers absorb). Never fails the repeat.
 */
export async function deliverWaiting(keys: readonly string[], via: Delivery): Promise<void> {
  if (via.dryRun) return;
  await deliverWaitingEntries(keys, warnOn(via));
}

/** Answers a repeat, after delivering what its first attempt may have left waiting. */
export async function repeated<T>(answer: T, keys: readonly string[], via: Delivery): Promise<T> {
  await deliverWaiting(keys, via);
  return answer;
}
