/**
 * Household changes: read → plan (pure, shared/households) → one conditional transaction with the
 * change's HouseholdChanged in the outbox → deliver it; a write whose conditions failed (someone
 * changed the household or one of its members in between) is decided again on a fresh read. A
 * repeat of a change already made answers `unchanged` and delivers its event if still waiting.
 */
import { outboxEntry, type OutboxEntry } from '../../../shared/events/outbox.ts';
import {
  planAddMember,
  planChangeHead,
  planCreate,
  planRemoveMember,
  type Actor,
  type AddMemberRequest,
  type ChangeHeadRequest,
  type CreateHouseholdRequest,
  type HouseholdItem,
  type HouseholdPlan,
  type HouseholdState,
  type RemoveMemberRequest,
} from '../../../shared/households/household.ts';
import { readHouseholdState, writeHouseholdPlan } from '../../../shared/households/store/register.ts';
import type { Refused } from '../../../shared/enrolment/problems.ts';
import { HouseholdChanged } from '../../../events/households.ts';
import { untilWritten, type OperationContext } from './common.ts';
import { commitThenDeliver, repeated } from './events.ts';

export type HouseholdDone = Extract<HouseholdPlan, { ok: true }>;

/** The key of the fact: a household's version is written once (its history entry is new). */
export const householdEventKey = (householdId: string, version: number) => `household/${householdId}/${version}/HouseholdChanged`;

function householdEvent(plan: Extract<HouseholdPlan, { expectedVersion: number }>, correlationId: string): OutboxEntry {
  const { household: h, history } = plan;
  return outboxEntry(
    HouseholdChanged,
    {
      householdId: h.householdId,
      region: h.region,
      version: h.version,
      change: plan.outcome,
      memberId: history.memberId,
      relation: history.relation,
      from: history.from,
      to: history.to,
      headMemberId: h.head.memberId,
      members: h.members.filter((m) => m.to === undefined).map((m) => m.memberId),
      by: history.by,
      at: history.at,
    },
    correlationId,
    householdEventKey(h.householdId, h.version),
    new Date().toISOString(),
  );
}

async function change(
  householdId: string,
  memberIds: readonly string[],
  plan: (state: HouseholdState, actor: Actor) => HouseholdPlan | Refused,
  by: string,
  ctx: OperationContext,
): Promise<HouseholdDone | Refused> {
  return untilWritten<HouseholdDone>(async () => {
    const state = await readHouseholdState(householdId, memberIds);
    const planned = plan(state, { by, at: ctx.clock.now, correlationId: ctx.correlationId });
    if (!planned.ok) return planned;
    if (planned.outcome === 'unchanged') return repeated(planned, [householdEventKey(householdId, planned.household.version)], ctx);
    if (ctx.dryRun) return planned;
    return commitThenDeliver(planned, [householdEvent(planned, ctx.correlationId)], (events) => writeHouseholdPlan(planned, events), ctx);
  }, 'householdId');
}

export const createHousehold = (request: CreateHouseholdRequest, by: string, ctx: OperationContext) =>
  change(request.householdId, [request.head, ...request.members.map((m) => m.memberId)], (s, a) => planCreate(s, request, a), by, ctx);

export const addHouseholdMember = (householdId: string, request: AddMemberRequest, by: string, ctx: OperationContext) =>
  change(householdId, [request.memberId], (s, a) => planAddMember(s, householdId, request, a), by, ctx);

export const removeHouseholdMember = (
  householdId: string,
  memberId: string,
  request: RemoveMemberRequest,
  by: string,
  ctx: OperationContext,
) => change(householdId, [memberId], (s, a) => planRemoveMember(s, householdId, memberId, request, a), by, ctx);

export const changeHouseholdHead = (householdId: string, request: ChangeHeadRequest, by: string, ctx: OperationContext) =>
  change(householdId, [], (s, a) => planChangeHead(s, householdId, request, a), by, ctx);

/** The household as answered to a caller: no keys, members with their dated memberships. */
export function householdView(h: HouseholdItem) {
  return {
    householdId: h.householdId,
    region: h.region,
    from: h.from,
    ...(h.to ? { to: h.to } : {}),
    head: h.head,
    members: h.members.map((m) => ({
      memberId: m.memberId,
      relation: m.relation,
      from: m.from,
      ...(m.to ? { to: m.to } : {}),
      ...(m.leavingReason ? { leavingReason: m.leavingReason } : {}),
    })),
    version: h.version,
    createdAt: h.createdAt,
    updatedAt: h.updatedAt,
  };
}
