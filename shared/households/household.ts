/**
 * Households (家庭): who belongs to which household, from when to when, and who heads it. Pure:
 * every change is planned here (what is held + request → the items to write, or a refusal naming the
 * field and the rule), and the store (store/register.ts) writes a plan in one transaction.
 *
 * A membership is an entry of the member register `households` (the one register shape,
 * shared/registers/entry.ts): member-attached, dated (validFrom, validTo inclusive; an open
 * membership runs to 9999-12-31), payload { householdId, relation }, an append-only history item for
 * every change (who, when, why) and RegisterEntryChanged on every change. Its conflict key is the
 * same for every household, so a member belongs to one household at a time, also under races (the
 * register's lock). The household itself (HOUSEHOLD#<id>: region, head, its memberships) is the
 * aggregate that keeps the household's rules, under its own version:
 *  - a household has a head (户主), one of its members, from its first day;
 *  - the head leaves last: another member is made head first (or the head is the only member left);
 *  - settlement counts the household a member belongs to on the settlement date; a member in no
 *    household is a household of one (settlement keeps the member's own count).
 */
import * as z from 'zod';
import { refuse, type Refused } from '../enrolment/problems.ts';
import { MEMBER_ID_PATTERN } from '../enrolment/identity.ts';
import {
  holdingOn,
  planAmend,
  planCreate as planEntry,
  planEnd,
  type Actor,
  type EntryItem,
  type RegisterDefinition,
  type RegisterItems,
  type RegisterPlan,
} from '../registers/entry.ts';

export type { Actor };

export const HOUSEHOLD_ID = /^[A-Z0-9][A-Z0-9-]{3,39}$/;
/** The last day of a membership nobody has ended. */
export const OPEN_END = '9999-12-31';

/** Relation to the head (与户主关系), as the household register (户口簿) records it. */
export const RELATIONS = ['head', 'spouse', 'child', 'parent', 'grandparent', 'grandchild', 'sibling', 'other'] as const;
export type Relation = (typeof RELATIONS)[number];
export const LEAVING_REASONS = ['moved-out', 'married-out', 'deceased', 'split', 'correction', 'other'] as const;

/**
 * At most this many members at creation: one transaction holds the household and, per member, the
 * entry, its history item, the member's register lock, a member check and the event (5 each).
 */
export const MAX_INITIAL_MEMBERS = 15;

const isoDate = z.iso.date();
export const householdIdSchema = z
  .string()
  .regex(HOUSEHOLD_ID, 'a household id: 4-40 upper-case letters, digits or hyphens (the 户号 the agency keeps)')
  .meta({ example: 'HH-330902-000123' });
const memberId = z.string().regex(MEMBER_ID_PATTERN, 'a member id: M and 16 base-32 characters');
const regionCode = z.string().regex(/^\d{6}$/, 'a region code is the 6-digit administrative division code');
const nonHead = z.enum(RELATIONS).exclude(['head']);
const reference = z
  .string()
  .min(1)
  .max(100)
  .optional()
  .meta({ description: 'The document behind the change (户口簿 page, certificate no.)' });

export const createHouseholdSchema = z
  .strictObject({
    householdId: householdIdSchema,
    region: regionCode,
    /** First day of the household, and of its head's and initial members' membership unless they say otherwise. */
    from: isoDate,
    head: memberId,
    members: z
      .array(z.strictObject({ memberId, relation: nonHead, from: isoDate.optional() }))
      .max(MAX_INITIAL_MEMBERS - 1)
      .default([]),
    reference,
  })
  .superRefine((r, ctx) => {
    const seen = new Set([r.head]);
    r.members.forEach((m, i) => {
      if (seen.has(m.memberId))
        ctx.addIssue({ code: 'custom', path: ['members', i, 'memberId'], message: 'a member is listed once (the head included)' });
      seen.add(m.memberId);
      if (m.from !== undefined && m.from < r.from)
        ctx.addIssue({ code: 'custom', path: ['members', i, 'from'], message: 'a member cannot join before the household begins' });
    });
  });
export type CreateHouseholdRequest = z.infer<typeof createHouseholdSchema>;

export const addMemberSchema = z.strictObject({ memberId, relation: nonHead, from: isoDate, reference });
export type AddMemberRequest = z.infer<typeof addMemberSchema>;

export const removeMemberSchema = z.strictObject({
  /** Last day in the household (inclusive). */
  to: isoDate,
  reason: z.enum(LEAVING_REASONS),
  reference,
});
export type RemoveMemberRequest = z.infer<typeof removeMemberSchema>;

export const changeHeadSchema = z.strictObject({
  memberId,
  /** First day as head. */
  from: isoDate,
  /** The previous head's relation to the new one (default other). */
  previousHeadRelation: nonHead.default('other'),
  reference,
});
export type ChangeHeadRequest = z.infer<typeof changeHeadSchema>;

// ---------------------------------------------------------------------------------------------
// The membership register, and the household aggregate (table members; written by store/register.ts)
// ---------------------------------------------------------------------------------------------

export const HOUSEHOLD_REGISTER = 'households';

export const membershipPayloadSchema = z.strictObject({ householdId: householdIdSchema, relation: z.enum(RELATIONS) });
export type MembershipPayload = z.infer<typeof membershipPayloadSchema>;

/** A member's membership of a household: an entry of the member register `households`. */
export const householdsRegister: RegisterDefinition<MembershipPayload> = {
  name: HOUSEHOLD_REGISTER,
  payload: membershipPayloadSchema,
  entryId: ({ validFrom, payload }) => `${payload.householdId}-${validFrom}`,
  // One household at a time, whichever household.
  conflictKey: () => 'household',
  subject: (p) => p.householdId,
  fixed: ['householdId'],
};
const definition = householdsRegister as unknown as RegisterDefinition;

export const householdPk = (householdId: string) => `HOUSEHOLD#${householdId}`;
export const HOUSEHOLD_SK = 'PROFILE' as const;

const membershipSchema = z.object({
  memberId: z.string(),
  /** The member's register entry (`households`) of this membership. */
  entryId: z.string(),
  relation: z.enum(RELATIONS),
  from: isoDate,
  to: isoDate.optional(),
  leavingReason: z.enum(LEAVING_REASONS).optional(),
});
export type Membership = z.infer<typeof membershipSchema>;

export const householdItemSchema = z.object({
  pk: z.string(),
  sk: z.literal(HOUSEHOLD_SK),
  kind: z.literal('household'),
  householdId: z.string(),
  region: z.string(),
  from: isoDate,
  /** Set when the last member leaves. */
  to: isoDate.optional(),
  /** The head now, and since when; earlier heads are in the members' history. */
  head: z.object({ memberId: z.string(), from: isoDate }),
  /** Every membership, past ones included (a member who left and came back has two). */
  members: z.array(membershipSchema),
  /** Optimistic lock, bumped by every change. */
  version: z.number().int().positive(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type HouseholdItem = z.infer<typeof householdItemSchema>;

/** A member's households, dated, from its register entries (revoked ones left out). */
export function membershipsOf(registers: Pick<RegisterItems, 'entries'> | undefined): { householdId: string; from: string; to?: string }[] {
  return (registers?.entries ?? [])
    .filter((e) => e.register === HOUSEHOLD_REGISTER && e.status !== 'revoked')
    .map((e) => ({ householdId: String(e.payload.householdId), from: e.validFrom, ...(e.validTo !== OPEN_END ? { to: e.validTo } : {}) }));
}

/** The household a member belongs to on a date (undefined: a household of one). */
export function householdOn(registers: Pick<RegisterItems, 'entries'> | undefined, date: string): string | undefined {
  const held = registers ? holdingOn(registers, HOUSEHOLD_REGISTER, date)[0] : undefined;
  return held ? String(held.payload.householdId) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Plans
// ---------------------------------------------------------------------------------------------

/** What a change reads: the household, and each member it touches (known to the register? its register items). */
export interface HouseholdState {
  household?: HouseholdItem | undefined;
  members: Map<string, { exists: boolean; registers: RegisterItems }>;
}

/** A membership change ready to write: the register plan with its history item. */
export type MembershipChange = RegisterPlan & { history: NonNullable<RegisterPlan['history']> };

export type HouseholdPlan =
  | { ok: true; outcome: 'unchanged'; household: HouseholdItem }
  | {
      ok: true;
      outcome: 'created' | 'member-added' | 'member-removed' | 'head-changed';
      household: HouseholdItem;
      /** The household's version read (0: it is new). */
      expectedVersion: number;
      /** The members' register changes, each with its history item, written in the same transaction. */
      memberships: MembershipChange[];
    };

const noRegisters: RegisterItems = { entries: [], history: [], locks: {} };

/** Refuses a member the register does not know, or one still in (or later in) another household. */
function canJoin(state: HouseholdState, memberId: string, from: string, field: string): Refused | undefined {
  const m = state.members.get(memberId);
  if (!m?.exists) return refuse(404, [{ field, rule: 'not_found', message: `no member ${memberId}` }]);
  const clash = membershipsOf(m.registers).find((h) => h.to === undefined || h.to >= from);
  if (clash) {
    return refuse(
      409,
      [
        {
          field,
          rule: 'in_another_household',
          message: `member ${memberId} belongs to household ${clash.householdId} from ${clash.from}${clash.to ? ` to ${clash.to}` : ''}: a member is in one household at a time (end that membership first)`,
        },
      ],
      { householdId: clash.householdId },
    );
  }
  return undefined;
}

/** A register plan as a change to write, or the refusal; an `unchanged` one is a plan that writes nothing. */
function change(plan: RegisterPlan | Refused, field: string): MembershipChange | Refused {
  if (!plan.ok) return { ...plan, problems: plan.problems.map((p) => ({ ...p, field: p.field === 'validFrom' ? field : p.field })) };
  if (!plan.history)
    return refuse(409, [{ field, rule: 'concurrent_update', message: 'the membership changed under this request; send it again' }]);
  return { ...plan, history: plan.history };
}

const registersOf = (state: HouseholdState, memberId: string) => state.members.get(memberId)?.registers ?? noRegisters;
const why = (text: string, ref?: string) => (ref ? `${text} (${ref})` : text);

export function planCreate(state: HouseholdState, request: CreateHouseholdRequest, actor: Actor, now: string): HouseholdPlan | Refused {
  const initial = [
    { memberId: request.head, relation: 'head' as Relation, from: request.from },
    ...request.members.map((m) => ({ memberId: m.memberId, relation: m.relation as Relation, from: m.from ?? request.from })),
  ];
  if (state.household) {
    const h = state.household;
    const same =
      h.region === request.region &&
      h.from === request.from &&
      h.version === 1 &&
      h.members.length === initial.length &&
      initial.every((m) => h.members.some((x) => x.memberId === m.memberId && x.relation === m.relation && x.from === m.from && !x.to));
    if (same) return { ok: true, outcome: 'unchanged', household: h };
    return refuse(
      409,
      [
        {
          field: 'householdId',
          rule: 'exists',
          message: `household ${request.householdId} is already registered; change it with its member routes`,
        },
      ],
      { householdId: h.householdId, version: h.version },
    );
  }
  const memberships: MembershipChange[] = [];
  for (const [i, m] of initial.entries()) {
    const field = i === 0 ? 'head' : `members.${i - 1}.memberId`;
    const refused = canJoin(state, m.memberId, m.from, field);
    if (refused) return refused;
    const planned = change(
      planEntry(
        definition,
        registersOf(state, m.memberId),
        m.memberId,
        request.region,
        { validFrom: m.from, validTo: OPEN_END, payload: { householdId: request.householdId, relation: m.relation } },
        actor,
        now,
      ),
      field,
    );
    if (!planned.ok) return planned;
    memberships.push(planned);
  }
  const household: HouseholdItem = {
    pk: householdPk(request.householdId),
    sk: HOUSEHOLD_SK,
    kind: 'household',
    householdId: request.householdId,
    region: request.region,
    from: request.from,
    head: { memberId: request.head, from: request.from },
    members: initial.map((m, i) => ({ ...m, entryId: memberships[i]!.entry.entryId })),
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  return { ok: true, outcome: 'created', household, expectedVersion: 0, memberships };
}

const householdNotFound = (householdId: string): Refused =>
  refuse(404, [{ field: 'path.householdId', rule: 'not_found', message: `no household ${householdId}` }]);

const bumped = (h: HouseholdItem, at: string, next: Partial<HouseholdItem>): HouseholdItem => ({
  ...h,
  ...next,
  version: h.version + 1,
  updatedAt: at,
});
const openMembership = (household: HouseholdItem, memberId: string) =>
  household.members.find((m) => m.memberId === memberId && m.to === undefined);

export function planAddMember(
  state: HouseholdState,
  householdId: string,
  request: AddMemberRequest,
  actor: Actor,
  now: string,
): HouseholdPlan | Refused {
  const h = state.household;
  if (!h) return householdNotFound(householdId);
  const open = openMembership(h, request.memberId);
  if (open && open.from === request.from && open.relation === request.relation) return { ok: true, outcome: 'unchanged', household: h };
  if (h.to !== undefined)
    return refuse(409, [{ field: 'path.householdId', rule: 'ended', message: `household ${householdId} ended on ${h.to}` }]);
  if (request.from < h.from)
    return refuse(400, [{ field: 'from', rule: 'before_household', message: `household ${householdId} begins on ${h.from}` }]);
  const refused = canJoin(state, request.memberId, request.from, 'memberId');
  if (refused) return refused;
  const planned = change(
    planEntry(
      definition,
      registersOf(state, request.memberId),
      request.memberId,
      h.region,
      { validFrom: request.from, validTo: OPEN_END, payload: { householdId, relation: request.relation } },
      actor,
      now,
    ),
    'memberId',
  );
  if (!planned.ok) return planned;
  const joined: Membership = { memberId: request.memberId, entryId: planned.entry.entryId, relation: request.relation, from: request.from };
  return {
    ok: true,
    outcome: 'member-added',
    household: bumped(h, now, { members: [...h.members, joined] }),
    expectedVersion: h.version,
    memberships: [planned],
  };
}

export function planRemoveMember(
  state: HouseholdState,
  householdId: string,
  memberId: string,
  request: RemoveMemberRequest,
  actor: Actor,
  now: string,
): HouseholdPlan | Refused {
  const h = state.household;
  if (!h) return householdNotFound(householdId);
  const open = openMembership(h, memberId);
  if (!open) {
    const last = h.members.filter((m) => m.memberId === memberId).at(-1);
    if (last?.to === request.to && last.leavingReason === request.reason) return { ok: true, outcome: 'unchanged', household: h };
    return last
      ? refuse(409, [{ field: 'to', rule: 'already_left', message: `member ${memberId} left household ${householdId} on ${last.to}` }])
      : refuse(404, [{ field: 'path.memberId', rule: 'not_a_member', message: `member ${memberId} is not in household ${householdId}` }]);
  }
  if (request.to < open.from)
    return refuse(400, [{ field: 'to', rule: 'before_joining', message: `member ${memberId} joined on ${open.from}` }]);
  const others = h.members.filter((m) => m !== open && (m.to === undefined || m.to > request.to));
  if (h.head.memberId === memberId && others.length > 0) {
    return refuse(409, [
      {
        field: 'path.memberId',
        rule: 'head_leaves_last',
        message: `member ${memberId} heads household ${householdId}: make another member head first`,
      },
    ]);
  }
  const planned = change(
    planEnd(
      definition,
      registersOf(state, memberId),
      open.entryId,
      { action: 'end', endDate: request.to, reason: why(`left household ${householdId}: ${request.reason}`, request.reference) },
      actor,
      now,
    ),
    'to',
  );
  if (!planned.ok) return planned;
  return {
    ok: true,
    outcome: 'member-removed',
    household: bumped(h, now, {
      members: h.members.map((m) => (m === open ? { ...m, to: request.to, leavingReason: request.reason } : m)),
      ...(others.length === 0 ? { to: request.to } : {}),
    }),
    expectedVersion: h.version,
    memberships: [planned],
  };
}

export function planChangeHead(
  state: HouseholdState,
  householdId: string,
  request: ChangeHeadRequest,
  actor: Actor,
  now: string,
): HouseholdPlan | Refused {
  const h = state.household;
  if (!h) return householdNotFound(householdId);
  if (h.head.memberId === request.memberId) return { ok: true, outcome: 'unchanged', household: h };
  const open = openMembership(h, request.memberId);
  if (!open || open.from > request.from) {
    return refuse(409, [
      {
        field: 'memberId',
        rule: 'not_a_member',
        message: `member ${request.memberId} is not in household ${householdId} on ${request.from}`,
      },
    ]);
  }
  if (request.from < h.head.from) {
    return refuse(400, [
      { field: 'from', rule: 'before_current_head', message: `the current head has headed the household since ${h.head.from}` },
    ]);
  }
  const previous = openMembership(h, h.head.memberId);
  const reason = why(`head of household ${householdId} from ${request.from}: ${request.memberId}`, request.reference);
  const relabel = (m: Membership, relation: Relation) =>
    change(planAmend(definition, registersOf(state, m.memberId), m.entryId, { payload: { relation }, reason }, actor, now), 'memberId');
  const changes = [relabel(open, 'head'), ...(previous ? [relabel(previous, request.previousHeadRelation)] : [])];
  const refused = changes.find((c): c is Refused => !c.ok);
  if (refused) return refused;
  return {
    ok: true,
    outcome: 'head-changed',
    household: bumped(h, now, {
      head: { memberId: request.memberId, from: request.from },
      members: h.members.map((m) =>
        m === open ? { ...m, relation: 'head' } : m === previous ? { ...m, relation: request.previousHeadRelation } : m,
      ),
    }),
    expectedVersion: h.version,
    memberships: changes as MembershipChange[],
  };
}

/** A membership entry of a member for a household (the history view groups by these). */
export const isMembershipOf = (householdId: string) => (e: Pick<EntryItem, 'register' | 'payload'>) =>
  e.register === HOUSEHOLD_REGISTER && e.payload.householdId === householdId;
