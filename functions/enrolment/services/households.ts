/**
 * Household changes: read → plan (pure, shared/households) → one conditional transaction with a
 * RegisterEntryChanged in the outbox for each membership it changed (the member registers' one
 * event) → deliver them; a write whose conditions failed (someone changed the household or one of its
 * members in between) is decided again on a fresh read. A repeat of a change already made answers
 * `unchanged` and delivers what its first attempt may have left waiting.
 */
import type { OutboxEntry } from '../../../shared/events/outbox.ts';
import {
  householdsRegister,
  isMembershipOf,
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
  type MembershipPayload,
  type RemoveMemberRequest,
} from '../../../shared/households/household.ts';
import { readHouseholdItem, readHouseholdState, writeHouseholdPlan } from '../../../shared/households/store/register.ts';
import type { Refused } from '../../../shared/enrolment/problems.ts';
import { untilWritten, type OperationContext } from './common.ts';
import { commitThenDeliver, repeated } from './events.ts';
import { registerEvent, registerEventKey } from './registers.ts';

export type HouseholdDone = Extract<HouseholdPlan, { ok: true }>;

/** RegisterEntryChanged for each membership the change moved (the register shape's one event). */
function householdEvents(plan: Extract<HouseholdPlan, { expectedVersion: number }>, correlationId: string): OutboxEntry[] {
  return plan.memberships.map((m) => registerEvent(m, householdsRegister.subject(m.entry.payload as MembershipPayload), correlationId));
}

/** The events a repeat may find still waiting: the current version of each membership of the household it read. */
const waitingKeys = (state: HouseholdState, householdId: string) =>
  [...state.members.values()].flatMap((m) => m.registers.entries.filter(isMembershipOf(householdId)).map(registerEventKey));

async function change(
  householdId: string,
  memberIds: readonly string[],
  plan: (state: HouseholdState, actor: Actor, now: string) => HouseholdPlan | Refused,
  by: Actor,
  ctx: OperationContext,
): Promise<HouseholdDone | Refused> {
  return untilWritten<HouseholdDone>(async () => {
    const state = await readHouseholdState(householdId, memberIds);
    const planned = plan(state, by, ctx.clock.now);
    if (!planned.ok) return planned;
    if (planned.outcome === 'unchanged') return repeated(planned, waitingKeys(state, householdId), ctx);
    if (ctx.dryRun) return planned;
    return commitThenDeliver(planned, householdEvents(planned, ctx.correlationId), (events) => writeHouseholdPlan(planned, events), ctx);
  }, 'householdId');
}

export const createHousehold = (request: CreateHouseholdRequest, by: Actor, ctx: OperationContext) =>
  change(
    request.householdId,
    [request.head, ...request.members.map((m) => m.memberId)],
    (s, a, now) => planCreate(s, request, a, now),
    by,
    ctx,
  );

export const addHouseholdMember = (householdId: string, request: AddMemberRequest, by: Actor, ctx: OperationContext) =>
  change(householdId, [request.memberId], (s, a, now) => planAddMember(s, householdId, request, a, now), by, ctx);

export const removeHouseholdMember = (
  householdId: string,
  memberId: string,
  request: RemoveMemberRequest,
  by: Actor,
  ctx: OperationContext,
) => change(householdId, [memberId], (s, a, now) => planRemoveMember(s, householdId, memberId, request, a, now), by, ctx);

/** The head change reads the two members whose relation it changes: the new head and the present one. */
export async function changeHouseholdHead(householdId: string, request: ChangeHeadRequest, by: Actor, ctx: OperationContext) {
  const current = (await readHouseholdItem(householdId))?.head.memberId;
  return change(
    householdId,
    [request.memberId, ...(current ? [current] : [])],
    (s, a, now) => planChangeHead(s, householdId, request, a, now),
    by,
    ctx,
  );
}

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
      entryId: m.entryId,
      from: m.from,
      ...(m.to ? { to: m.to } : {}),
      ...(m.leavingReason ? { leavingReason: m.leavingReason } : {}),
    })),
    version: h.version,
    createdAt: h.createdAt,
    updatedAt: h.updatedAt,
  };
}
