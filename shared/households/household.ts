/**
 * Households (家庭): who belongs to which household, from when to when, and who heads it. Pure:
 * every change is planned here (read state + request → the items to write, or a refusal naming the
 * field and the rule), and the store (store/register.ts) writes a plan in one transaction.
 *
 * Rules:
 *  - a household has a head (户主), who is one of its members, from its first day;
 *  - membership is dated (from, to inclusive; to open while the member stays): settlement counts the
 *    household a member belongs to on the settlement date;
 *  - a member belongs to one household at a time: a new membership starts after every earlier one
 *    of that member has ended;
 *  - the head leaves last: another member is made head first (or the head is the only member left);
 *  - every change appends a history entry (who, when, what) and bumps the household's version; the
 *    history is never rewritten.
 * A member in no household is a household of one (settlement keeps today's per-member count).
 */
import * as z from 'zod';
import { refuse, type Refused } from '../enrolment/problems.ts';
import { FAR_FUTURE } from '../enrolment/periods.ts';
import { MEMBER_ID_PATTERN } from '../enrolment/identity.ts';

export const HOUSEHOLD_ID = /^[A-Z0-9][A-Z0-9-]{3,39}$/;

/** Relation to the head (与户主关系), as the household register (户口簿) records it. */
export const RELATIONS = ['head', 'spouse', 'child', 'parent', 'grandparent', 'grandchild', 'sibling', 'other'] as const;
export type Relation = (typeof RELATIONS)[number];
export const LEAVING_REASONS = ['moved-out', 'married-out', 'deceased', 'split', 'correction', 'other'] as const;

/** At most this many members at creation: one transaction holds the household, its history and each member's index. */
export const MAX_INITIAL_MEMBERS = 20;

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
// Items (table members; written by store/register.ts)
// ---------------------------------------------------------------------------------------------

export const householdPk = (householdId: string) => `HOUSEHOLD#${householdId}`;
export const HOUSEHOLD_SK = 'PROFILE' as const;
export const historySk = (version: number) => `HISTORY#${String(version).padStart(6, '0')}`;
export const memberPk = (id: string) => `MEMBER#${id}`;
/** The member's side: every household the member has belonged to, read by settlement in one GetItem. */
export const MEMBER_HOUSEHOLDS_SK = 'HOUSEHOLDS' as const;

const membershipSchema = z.object({
  memberId: z.string(),
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
  /** The head now, and since when; earlier heads are in the history. */
  head: z.object({ memberId: z.string(), from: isoDate }),
  /** Every membership, past ones included (a member who left and came back has two). */
  members: z.array(membershipSchema),
  /** Optimistic lock; also the number of the latest history entry. */
  version: z.number().int().positive(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type HouseholdItem = z.infer<typeof householdItemSchema>;

export const HISTORY_ACTIONS = ['created', 'member-added', 'member-removed', 'head-changed'] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

/** One append-only history entry: what changed, who changed it and when (never rewritten). */
export const historyItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  kind: z.literal('household-history'),
  householdId: z.string(),
  version: z.number().int().positive(),
  action: z.enum(HISTORY_ACTIONS),
  memberId: z.string(),
  relation: z.enum(RELATIONS).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  reason: z.enum(LEAVING_REASONS).optional(),
  reference: z.string().optional(),
  /** The members at creation, besides the head. */
  members: z.array(z.object({ memberId: z.string(), relation: z.enum(RELATIONS), from: isoDate })).optional(),
  at: z.string(),
  by: z.string(),
  correlationId: z.string(),
});
export type HistoryItem = z.infer<typeof historyItemSchema>;

export const memberHouseholdsItemSchema = z.object({
  pk: z.string(),
  sk: z.literal(MEMBER_HOUSEHOLDS_SK),
  kind: z.literal('member-households'),
  memberId: z.string(),
  memberships: z.array(z.object({ householdId: z.string(), from: isoDate, to: isoDate.optional() })),
  version: z.number().int().positive(),
});
export type MemberHouseholdsItem = z.infer<typeof memberHouseholdsItemSchema>;

/** The household a member belongs to on a date (undefined: a household of one). */
export function householdOn(item: Pick<MemberHouseholdsItem, 'memberships'> | undefined, date: string): string | undefined {
  return item?.memberships.find((m) => m.from <= date && date <= (m.to ?? FAR_FUTURE))?.householdId;
}

// ---------------------------------------------------------------------------------------------
// Plans
// ---------------------------------------------------------------------------------------------

/** What a change reads: the household, and each member it touches (profile known? their households). */
export interface HouseholdState {
  household?: HouseholdItem | undefined;
  members: Map<string, { exists: boolean; households?: MemberHouseholdsItem | undefined }>;
}

/** Who, when, why: stamped on the history entry. */
export interface Actor {
  by: string;
  at: string;
  correlationId: string;
}

export type HouseholdPlan =
  | { ok: true; outcome: 'unchanged'; household: HouseholdItem }
  | {
      ok: true;
      outcome: HistoryAction;
      household: HouseholdItem;
      /** The household's version read (0: it is new). */
      expectedVersion: number;
      history: HistoryItem;
      /** Each touched member's index, with the version read (0: new). */
      memberIndexes: { item: MemberHouseholdsItem; expectedVersion: number }[];
      /** Members that must still exist when the write lands. */
      newMembers: string[];
    };

const memberIndex = (memberId: string, current: MemberHouseholdsItem | undefined, memberships: MemberHouseholdsItem['memberships']) => ({
  item: {
    pk: memberPk(memberId),
    sk: MEMBER_HOUSEHOLDS_SK,
    kind: 'member-households' as const,
    memberId,
    memberships,
    version: (current?.version ?? 0) + 1,
  },
  expectedVersion: current?.version ?? 0,
});

const historyItem = (
  household: HouseholdItem,
  actor: Actor,
  entry: Omit<HistoryItem, 'pk' | 'sk' | 'kind' | 'householdId' | 'version' | 'at' | 'by' | 'correlationId'>,
): HistoryItem => ({
  pk: householdPk(household.householdId),
  sk: historySk(household.version),
  kind: 'household-history',
  householdId: household.householdId,
  version: household.version,
  ...entry,
  at: actor.at,
  by: actor.by,
  correlationId: actor.correlationId,
});

/** Refuses a member the register does not know, or one still in (or later in) another household. */
function canJoin(state: HouseholdState, memberId: string, from: string, field: string): Refused | undefined {
  const m = state.members.get(memberId);
  if (!m?.exists) return refuse(404, [{ field, rule: 'not_found', message: `no member ${memberId}` }]);
  const clash = m.households?.memberships.find((h) => h.to === undefined || h.to >= from);
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

const openMembership = (household: HouseholdItem, memberId: string) =>
  household.members.find((m) => m.memberId === memberId && m.to === undefined);

export function planCreate(state: HouseholdState, request: CreateHouseholdRequest, actor: Actor): HouseholdPlan | Refused {
  const initial = [
    { memberId: request.head, relation: 'head' as const, from: request.from },
    ...request.members.map((m) => ({ memberId: m.memberId, relation: m.relation, from: m.from ?? request.from })),
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
      {
        householdId: h.householdId,
        version: h.version,
      },
    );
  }
  for (const [i, m] of initial.entries()) {
    const refused = canJoin(state, m.memberId, m.from, i === 0 ? 'head' : `members.${i - 1}.memberId`);
    if (refused) return refused;
  }
  const household: HouseholdItem = {
    pk: householdPk(request.householdId),
    sk: HOUSEHOLD_SK,
    kind: 'household',
    householdId: request.householdId,
    region: request.region,
    from: request.from,
    head: { memberId: request.head, from: request.from },
    members: initial,
    version: 1,
    createdAt: actor.at,
    updatedAt: actor.at,
  };
  return {
    ok: true,
    outcome: 'created',
    household,
    expectedVersion: 0,
    history: historyItem(household, actor, {
      action: 'created',
      memberId: request.head,
      relation: 'head',
      from: request.from,
      ...(request.reference ? { reference: request.reference } : {}),
      members: initial.slice(1),
    }),
    memberIndexes: initial.map((m) => {
      const current = state.members.get(m.memberId)?.households;
      return memberIndex(m.memberId, current, [...(current?.memberships ?? []), { householdId: request.householdId, from: m.from }]);
    }),
    newMembers: initial.map((m) => m.memberId),
  };
}

const householdNotFound = (householdId: string): Refused =>
  refuse(404, [{ field: 'path.householdId', rule: 'not_found', message: `no household ${householdId}` }]);

const bumped = (h: HouseholdItem, at: string, change: Partial<HouseholdItem>): HouseholdItem => ({
  ...h,
  ...change,
  version: h.version + 1,
  updatedAt: at,
});

export function planAddMember(
  state: HouseholdState,
  householdId: string,
  request: AddMemberRequest,
  actor: Actor,
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
  const household = bumped(h, actor.at, {
    members: [...h.members, { memberId: request.memberId, relation: request.relation, from: request.from }],
  });
  const current = state.members.get(request.memberId)?.households;
  return {
    ok: true,
    outcome: 'member-added',
    household,
    expectedVersion: h.version,
    history: historyItem(household, actor, {
      action: 'member-added',
      memberId: request.memberId,
      relation: request.relation,
      from: request.from,
      ...(request.reference ? { reference: request.reference } : {}),
    }),
    memberIndexes: [memberIndex(request.memberId, current, [...(current?.memberships ?? []), { householdId, from: request.from }])],
    newMembers: [request.memberId],
  };
}

export function planRemoveMember(
  state: HouseholdState,
  householdId: string,
  memberId: string,
  request: RemoveMemberRequest,
  actor: Actor,
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
  const household = bumped(h, actor.at, {
    members: h.members.map((m) => (m === open ? { ...m, to: request.to, leavingReason: request.reason } : m)),
    ...(others.length === 0 ? { to: request.to } : {}),
  });
  const current = state.members.get(memberId)?.households;
  const memberships = (current?.memberships ?? []).map((m) =>
    m.householdId === householdId && m.to === undefined ? { ...m, to: request.to } : m,
  );
  return {
    ok: true,
    outcome: 'member-removed',
    household,
    expectedVersion: h.version,
    history: historyItem(household, actor, {
      action: 'member-removed',
      memberId,
      to: request.to,
      reason: request.reason,
      ...(request.reference ? { reference: request.reference } : {}),
    }),
    memberIndexes: [memberIndex(memberId, current, memberships)],
    newMembers: [],
  };
}

export function planChangeHead(
  state: HouseholdState,
  householdId: string,
  request: ChangeHeadRequest,
  actor: Actor,
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
  const previous = h.head.memberId;
  const household = bumped(h, actor.at, {
    head: { memberId: request.memberId, from: request.from },
    members: h.members.map((m) =>
      m === open
        ? { ...m, relation: 'head' }
        : m.memberId === previous && m.to === undefined
          ? { ...m, relation: request.previousHeadRelation }
          : m,
    ),
  });
  return {
    ok: true,
    outcome: 'head-changed',
    household,
    expectedVersion: h.version,
    history: historyItem(household, actor, {
      action: 'head-changed',
      memberId: request.memberId,
      from: request.from,
      ...(request.reference ? { reference: request.reference } : {}),
    }),
    memberIndexes: [],
    newMembers: [],
  };
}
