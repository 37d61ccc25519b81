/**
 * Enrol one person for one year: what POST /v1/members does, and (through the same steps, with
 * the writes grouped) every row of a bulk file.
 *
 * check (pure) → find the person → read what they hold → decide against it (a repeat is a no-op;
 * another enrolment that year is a 409 naming it) → plan (pure) → one transaction with the
 * person-year lock and the events → deliver the events. Two racing requests for the same person and
 * year both get past the read; the lock's condition lets exactly one commit, and the other re-reads
 * and is answered as a repeat or a 409 naming the winner. A repeat delivers whatever events of the
 * first commit are still waiting in the outbox (that commit's publish failed).
 */
import {
  checkEnrolment,
  mergeCategories,
  planEnrolment,
  sameEnrolment,
  type CheckedEnrolment,
  type EnrolmentRequest,
  type Identity,
} from '../../../shared/enrolment/enrol.ts';
import { openEnrolment } from '../../../shared/enrolment/contribution-recording.ts';
import { idHash, memberIdFor } from '../../../shared/enrolment/identity.ts';
import type { EnrolmentItem, MemberItem, MemberItems } from '../../../shared/enrolment/items.ts';
import { contributionLookup } from '../../../shared/policy/store/contribution-lookup.ts';
import { refuse, type Refused } from '../../../shared/enrolment/problems.ts';
import { idHashSecret } from '../../../shared/enrolment/secret.ts';
import { findMemberIdByIdHash, readMemberItems, writeEnrolment, type EnrolmentWrite } from '../../../shared/enrolment/store/members.ts';
import { isRefusal, untilWritten, type OperationContext } from './common.ts';
import { commitThenDeliver, enrolmentEventKeys, enrolmentEvents, repeated } from './events.ts';

export interface Enrolled {
  ok: true;
  outcome: 'enrolled' | 'unchanged' | 'valid';
  member: MemberItem;
  enrolment: EnrolmentItem;
  /** A repeat: the keys its events were committed under (some may still wait in the outbox). */
  announced?: readonly string[];
}

/**
 * A decided write: the plan, the categories version the transaction is conditional on, and the
 * events that go into the same transaction.
 */
export interface ReadyToWrite extends EnrolmentWrite {
  ok: true;
  outcome: 'planned';
  held: MemberItems;
}

export const NOTHING_HELD: MemberItems = { enrolments: [], categories: [], contributions: [], outOfArea: [] };

/** The enrolment a 409 names: enough for a clerk to find it, nothing personal. */
export const enrolmentRef = (e: EnrolmentItem) => ({
  enrolmentId: e.enrolmentId,
  memberId: e.memberId,
  year: e.year,
  region: e.region,
  scheme: e.scheme,
  ...(e.employeeKind ? { employeeKind: e.employeeKind } : {}),
  status: e.status,
});

/**
 * Who the person is: the member id stored for their keyed hash (it survives a rotation of the
 * secret), or for someone new the id derived from the number. `known` says whether a member was
 * found, so a new person's (empty) partition need not be read.
 */
export async function identify(checked: CheckedEnrolment): Promise<Identity & { known: boolean }> {
  const secret = idHashSecret();
  const hash = idHash(checked.person.idNumber, secret);
  const stored = await findMemberIdByIdHash(hash);
  return { idHash: hash, memberId: stored ?? memberIdFor(checked.person.idNumber, secret), known: stored !== undefined };
}

/** A repeat (with the keys its events went under), a second enrolment, a clash of categories, or the plan to write with its events. */
export function decideOrPlan(
  checked: CheckedEnrolment,
  identity: Identity,
  held: MemberItems,
  ctx: OperationContext,
): Enrolled | Refused | ReadyToWrite {
  const { request } = checked;
  if (held.member && held.member.idHash !== identity.idHash) {
    // Two ID numbers mapping to one member id (80 bits): never expected, never silently merged.
    return refuse(409, [
      {
        field: 'idNumber',
        rule: 'member_id_collision',
        message: 'this number maps to a member id already held by another person; report to support',
      },
    ]);
  }
  const { toWrite, conflicts } = mergeCategories(held.categories, checked.categories);
  const ofYear = held.enrolments.filter((e) => e.year === request.year);
  if (ofYear.length > 0) {
    const same = ofYear.find((e) => sameEnrolment(e, request));
    const current = openEnrolment(held, request.year) ?? ofYear.at(-1)!;
    if (same && toWrite.length === 0 && held.member) {
      // After a transfer the request names the closed enrolment: answer with the open one. Its
      // events were announced under the enrolment the request names, and the categories it asked for.
      const asked = held.categories.filter((h) => checked.categories.some((c) => c.code === h.code && c.validFrom === h.validFrom));
      return {
        ok: true,
        outcome: 'unchanged',
        member: held.member,
        enrolment: same.status === 'closed' ? current : same,
        announced: enrolmentEventKeys(same, asked),
      };
    }
    return refuse(
      409,
      [
        {
          field: 'idNumber',
          rule: 'one_enrolment_per_year',
          message: `the person already has enrolment ${current.enrolmentId} for ${request.year} (region ${current.region}, ${current.scheme})`,
        },
      ],
      { existing: enrolmentRef(current) },
    );
  }
  if (conflicts.length > 0) return refuse(409, conflicts);
  const plan = planEnrolment(checked, identity, held, ctx.clock.now);
  if (ctx.dryRun) return { ok: true, outcome: 'valid', member: held.member ?? plan.member, enrolment: plan.enrolment };
  return {
    ok: true,
    outcome: 'planned',
    plan,
    held,
    expectedCategoriesVersion: held.member?.categoriesVersion ?? 0,
    events: enrolmentEvents(plan, held, ctx.correlationId),
  };
}

export const enrolledFrom = (ready: ReadyToWrite): Enrolled => ({
  ok: true,
  outcome: 'enrolled',
  member: ready.held.member ?? ready.plan.member,
  enrolment: ready.plan.enrolment,
});

export async function enrolMember(request: EnrolmentRequest, ctx: OperationContext): Promise<Enrolled | Refused> {
  const policies = await contributionLookup([request], ctx.clock.today);
  const checked = checkEnrolment(request, { today: ctx.clock.today, policies });
  if (!checked.ok) return checked;
  const identity = await identify(checked.value);
  let firstAttempt = true;
  return untilWritten<Enrolled>(async () => {
    // Nobody found: nothing to read the first time. After a failed write, always read (someone wrote).
    const held = firstAttempt && !identity.known ? NOTHING_HELD : await readMemberItems(identity.memberId);
    firstAttempt = false;
    const step = decideOrPlan(checked.value, identity, held, ctx);
    if (isRefusal(step)) return step;
    if (step.outcome === 'unchanged') return repeated(step, step.announced ?? [], ctx);
    if (step.outcome !== 'planned') return step;
    // A cancellation may also be the outbox: the same fact already waiting. Read again and decide.
    return commitThenDeliver(
      enrolledFrom(step),
      step.events,
      (events) => writeEnrolment(step.plan, step.expectedCategoriesVersion, events),
      ctx,
    );
  }, 'idNumber');
}
