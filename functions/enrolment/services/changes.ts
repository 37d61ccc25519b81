/**
 * Changes to an enrolled member: a contribution, an assistance category, a transfer, an
 * out-of-area registration. Each is read → plan (pure, shared/enrolment) → one conditional
 * transaction, with its event in the outbox → deliver the event, retried from the read when a
 * condition fails because someone else committed first. A repeat of a change already made
 * delivers the change's event if it is still waiting (the first request's publish failed).
 */
import { planCategoryChange, type CategoryPlan, type CategoryRequest } from '../../../shared/enrolment/category-change.ts';
import { planContribution, type ContributionPlan, type ContributionRequest } from '../../../shared/enrolment/contribution-recording.ts';
import { checkIdNumber } from '../../../shared/enrolment/id-number.ts';
import { idHash } from '../../../shared/enrolment/identity.ts';
import { planOutOfArea, type OutOfAreaPlan, type OutOfAreaRequest } from '../../../shared/enrolment/out-of-area.ts';
import { contributionLookup } from '../../../shared/policy/store/contribution-lookup.ts';
import { refuse, type Refused } from '../../../shared/enrolment/problems.ts';
import { idHashSecret } from '../../../shared/enrolment/secret.ts';
import {
  findMemberIdByIdHash,
  readMemberItems,
  writeCategoryChange,
  writeContribution,
  writeOutOfArea,
  writeTransfer,
} from '../../../shared/enrolment/store/members.ts';
import { planTransfer, type TransferPlan, type TransferRequest } from '../../../shared/enrolment/transfer.ts';
import type { ContributionRow } from '../../../shared/enrolment/bulk.ts';
import type { ContributionItem, EnrolmentItem } from '../../../shared/enrolment/items.ts';
import { memberNotFound, untilWritten, type OperationContext } from './common.ts';
import { categoryEvent, commitThenDeliver, contributionEvent, eventKeys, repeated, transferEvent } from './events.ts';

/** A recorded (or repeated) contribution; `valid` is a dry run's "would be recorded". */
export type Recorded =
  | Extract<ContributionPlan, { ok: true }>
  | { ok: true; outcome: 'valid'; contribution: ContributionItem; enrolment: EnrolmentItem };

export async function recordContribution(
  memberId: string,
  request: ContributionRequest,
  ctx: OperationContext,
): Promise<Recorded | Refused> {
  return untilWritten<Recorded>(async () => {
    const items = await readMemberItems(memberId);
    if (!items.member) return memberNotFound(memberId);
    const plan = planContribution(items, memberId, request, ctx.clock.today, ctx.clock.now);
    if (!plan.ok) return plan;
    if (plan.outcome === 'unchanged') return repeated(plan, [eventKeys.contributionRecorded(plan.contribution)], ctx);
    if (ctx.dryRun) return { ok: true as const, outcome: 'valid' as const, contribution: plan.contribution, enrolment: plan.enrolment };
    return commitThenDeliver(plan, [contributionEvent(plan, ctx.correlationId)], (events) => writeContribution(plan, events), ctx);
  }, 'contributionId');
}

/** A contribution row from the tax side names the person by ID number. */
export async function recordContributionRow(
  row: ContributionRow,
  ctx: OperationContext,
): Promise<{ memberId: string; result: Recorded | Refused } | Refused> {
  const id = checkIdNumber(row.idNumber, ctx.clock.today);
  if (!id.ok) return refuse(400, [{ field: 'idNumber', rule: id.rule, message: id.message }]);
  const memberId = await findMemberIdByIdHash(idHash(id.value.idNumber, idHashSecret()));
  if (!memberId) return refuse(404, [{ field: 'idNumber', rule: 'not_enrolled', message: 'no member has this ID number' }]);
  const { idNumber: _id, ...request } = row;
  return { memberId, result: await recordContribution(memberId, request, ctx) };
}

export async function setCategory(
  memberId: string,
  request: CategoryRequest,
  ctx: OperationContext,
): Promise<Extract<CategoryPlan, { ok: true }> | Refused> {
  return untilWritten<Extract<CategoryPlan, { ok: true }>>(async () => {
    const items = await readMemberItems(memberId);
    if (!items.member) return memberNotFound(memberId);
    const policies = await contributionLookup(items.enrolments, ctx.clock.today);
    const plan = planCategoryChange(items, memberId, request, policies, ctx.clock.now);
    if (!plan.ok) return plan;
    if (plan.outcome === 'unchanged') return repeated(plan, [eventKeys.categoryChanged(plan.category)], ctx);
    const expectedVersion = items.member.categoriesVersion;
    return commitThenDeliver(
      plan,
      [categoryEvent(plan, ctx.correlationId)],
      (events) => writeCategoryChange(plan, expectedVersion, events),
      ctx,
    );
  }, 'code');
}

export async function transferMember(
  memberId: string,
  request: TransferRequest,
  ctx: OperationContext,
): Promise<Extract<TransferPlan, { ok: true }> | Refused> {
  return untilWritten<Extract<TransferPlan, { ok: true }>>(async () => {
    const items = await readMemberItems(memberId);
    if (!items.member) return memberNotFound(memberId);
    const policies = await contributionLookup(
      [{ region: request.toRegion, year: Number(request.transferDate.slice(0, 4)) }],
      ctx.clock.today,
    );
    const plan = planTransfer(items, request, policies, ctx.clock.now);
    if (!plan.ok) return plan;
    if (plan.outcome === 'unchanged') return repeated(plan, [eventKeys.enrolmentTransferred(plan.to.enrolmentId)], ctx);
    return commitThenDeliver(plan, [transferEvent(plan, ctx.correlationId)], (events) => writeTransfer(plan, events), ctx);
  }, 'transferDate');
}

/** No event: the issue names none, and settlement reads registrations as of the date of care. */
export async function registerOutOfArea(
  memberId: string,
  request: OutOfAreaRequest,
  ctx: OperationContext,
): Promise<Extract<OutOfAreaPlan, { ok: true }> | Refused> {
  return untilWritten<Extract<OutOfAreaPlan, { ok: true }>>(async () => {
    const items = await readMemberItems(memberId);
    if (!items.member) return memberNotFound(memberId);
    const plan = planOutOfArea(items, memberId, request, ctx.clock.now);
    if (!plan.ok || plan.outcome === 'unchanged') return plan;
    const written = await writeOutOfArea(plan, items.member.outOfAreaVersion);
    if (!written.ok) return { retry: written };
    return plan;
  }, 'validFrom');
}
