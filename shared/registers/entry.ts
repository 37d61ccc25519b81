/**
 * The one shape of a member register (门诊慢特病认定, 家庭医生签约, 惠民保参保 …): a member-attached,
 * period-bound entry with a register-specific payload, and an append-only history of every change to
 * it (created, amended, ended, revoked), each history item saying who made the change and when.
 * Pure: the caller reads the member's items, a `plan…` here decides, the store writes the plan.
 *
 * Items in the members table (pk MEMBER#<id>; `tables.members.accessPatterns` in infra/topology.ts):
 *
 *   REG#<register>#<entryId>           the entry as it stands now (version n)
 *   REGLOG#<register>#<entryId>#<nnnn> history item n: the change and the entry as it stood after it
 *   REGLOCK#<register>                 the member's register lock: every write of that register moves
 *                                      it on from the value read, so two overlapping entries cannot
 *                                      both pass their overlap check in a race
 *
 * An entry's id is its natural key (the register says how: disease group + first day, plan + year…),
 * so sending the same entry again, by a route or by a bulk file, finds it and changes nothing.
 * A revoked entry was void from its first day (granted in error); an ended one held until its end.
 */
import * as z from 'zod';
import { refuse, type Refused } from '../enrolment/problems.ts';

const isoDate = z.iso.date();

/** Who made a change: staff (by subject) or a provider acting for itself. */
export const actorSchema = z.object({
  role: z.enum(['staff', 'provider']),
  sub: z.string().min(1),
  providerCode: z.string().optional(),
});
export type Actor = z.infer<typeof actorSchema>;

export const ENTRY_STATUSES = ['active', 'ended', 'revoked'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];
export const CHANGES = ['created', 'amended', 'ended', 'revoked'] as const;
export type Change = (typeof CHANGES)[number];

export const entrySk = (register: string, entryId: string) => `REG#${register}#${entryId}`;
export const historySk = (register: string, entryId: string, version: number) =>
  `REGLOG#${register}#${entryId}#${String(version).padStart(4, '0')}`;
export const lockSk = (register: string) => `REGLOCK#${register}`;
/**
 * Where a member partition's register bookkeeping begins: every REGLOCK# and REGLOG# key sorts at or
 * after it, and every other key of the partition (REG# entries, PROFILE, ENROL#, MONTH# …) before it,
 * since '#' sorts before 'L'. A read of what holds on a date stops here (`sk < …`): the history grows
 * with every change of every entry, and nothing that settles a claim reads it.
 */
export const REGISTER_BOOKKEEPING_FROM = 'REGL';

export const entryItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  kind: z.literal('register-entry'),
  register: z.string(),
  entryId: z.string(),
  memberId: z.string(),
  /** The pooling region whose policy names the entry's codes (the member's enrolment on validFrom). */
  region: z.string(),
  validFrom: isoDate,
  /** Last day, inclusive. */
  validTo: isoDate,
  status: z.enum(ENTRY_STATUSES),
  payload: z.record(z.string(), z.unknown()),
  /** 1 when created; each change adds one and writes history item `version`. */
  version: z.number().int().positive(),
  createdAt: z.string(),
  createdBy: actorSchema,
  updatedAt: z.string(),
  updatedBy: actorSchema,
});
export type EntryItem = z.infer<typeof entryItemSchema>;

export const historyItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  kind: z.literal('register-history'),
  register: z.string(),
  entryId: z.string(),
  memberId: z.string(),
  version: z.number().int().positive(),
  change: z.enum(CHANGES),
  at: z.string(),
  by: actorSchema,
  reason: z.string().optional(),
  /** The entry as it stood after the change. */
  after: z.object({ validFrom: isoDate, validTo: isoDate, status: z.enum(ENTRY_STATUSES), payload: z.record(z.string(), z.unknown()) }),
});
export type HistoryItem = z.infer<typeof historyItemSchema>;

export const lockItemSchema = z.object({ pk: z.string(), sk: z.string(), kind: z.literal('register-lock'), version: z.number().int() });

/** A member's items of every register, as `sortRegisterItems` finds them in the partition. */
export interface RegisterItems {
  entries: EntryItem[];
  history: HistoryItem[];
  /** Lock version per register (0 when the member has never had an entry in it). */
  locks: Record<string, number>;
}

/** Picks the register items out of a member partition's raw items; the rest is someone else's. */
export function sortRegisterItems(raw: readonly Record<string, unknown>[]): RegisterItems {
  const out: RegisterItems = { entries: [], history: [], locks: {} };
  for (const item of raw) {
    const sk = String(item.sk);
    if (sk.startsWith('REG#')) out.entries.push(entryItemSchema.parse(item));
    else if (sk.startsWith('REGLOG#')) out.history.push(historyItemSchema.parse(item));
    else if (sk.startsWith('REGLOCK#')) out.locks[sk.slice('REGLOCK#'.length)] = lockItemSchema.parse(item).version;
  }
  out.entries.sort((a, b) => a.validFrom.localeCompare(b.validFrom) || a.entryId.localeCompare(b.entryId));
  out.history.sort((a, b) => a.entryId.localeCompare(b.entryId) || a.version - b.version);
  return out;
}

/** Whether an entry held on a date: not revoked, and the date within its period. */
export const holdsOn = (e: Pick<EntryItem, 'status' | 'validFrom' | 'validTo'>, date: string): boolean =>
  e.status !== 'revoked' && e.validFrom <= date && date <= e.validTo;

/** What a register adds to the shape: its payload, how an entry is named, and what may not overlap. */
export interface RegisterDefinition<P extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  /** The payload as a request sends it (strict: an unknown field is a 400 naming it). */
  payload: z.ZodType<P>;
  /** The natural key: the same entry sent again has the same id. */
  entryId(e: { validFrom: string; payload: P }): string;
  /** Two entries of a member with the same conflict key may not hold on the same day. */
  conflictKey(payload: P): string;
  /** The code an event carries about the entry (disease group, provider, plan): never a name. */
  subject(payload: P): string;
  /** The provider the entry names (certifying, contracted), which per-capita counts follow; none for a plan. */
  provider?(payload: P): string;
  /** Which payload fields an amendment may not change (they make the entry's identity). */
  fixed: readonly (keyof P & string)[];
}

/** A create request: the period and the payload. */
export interface CreateRequest {
  validFrom: string;
  validTo: string;
  payload: Record<string, unknown>;
}

/** A decided change, ready to write: the entry after it, its history item, the versions it is conditional on. */
export interface RegisterPlan {
  ok: true;
  outcome: Change | 'unchanged';
  entry: EntryItem;
  history?: HistoryItem;
  /** The entry's version read (undefined: the entry is new). */
  expectedVersion?: number;
  /** The register lock's version read. */
  expectedLock: number;
}

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

function historyOf(entry: EntryItem, change: Change, at: string, by: Actor, reason?: string): HistoryItem {
  return {
    pk: entry.pk,
    sk: historySk(entry.register, entry.entryId, entry.version),
    kind: 'register-history',
    register: entry.register,
    entryId: entry.entryId,
    memberId: entry.memberId,
    version: entry.version,
    change,
    at,
    by,
    ...(reason ? { reason } : {}),
    after: { validFrom: entry.validFrom, validTo: entry.validTo, status: entry.status, payload: entry.payload },
  };
}

/** The entry another (holding) entry of the member collides with, if any. */
function clash(def: RegisterDefinition, items: RegisterItems, entry: EntryItem): EntryItem | undefined {
  const key = def.conflictKey(entry.payload as never);
  return items.entries.find(
    (other) =>
      other.register === def.name &&
      other.entryId !== entry.entryId &&
      other.status !== 'revoked' &&
      def.conflictKey(other.payload as never) === key &&
      other.validFrom <= entry.validTo &&
      entry.validFrom <= other.validTo,
  );
}

const overlapRefusal = (def: RegisterDefinition, other: EntryItem): Refused =>
  refuse(
    409,
    [
      {
        field: 'validFrom',
        rule: 'overlap',
        message: `the member already holds ${def.name} entry ${other.entryId} (${other.validFrom} to ${other.validTo}) for ${def.subject(other.payload as never)}; end or amend it first`,
      },
    ],
    { existing: { entryId: other.entryId, validFrom: other.validFrom, validTo: other.validTo } },
  );

const periodRefusal = (): Refused => refuse(400, [{ field: 'validTo', rule: 'date_order', message: 'validTo is before validFrom' }]);

/** A new entry, or `unchanged` when the same entry (same id, period and payload) is already there. */
export function planCreate(
  def: RegisterDefinition,
  items: RegisterItems,
  memberId: string,
  region: string,
  request: CreateRequest,
  by: Actor,
  now: string,
): RegisterPlan | Refused {
  if (request.validTo < request.validFrom) return periodRefusal();
  const entryId = def.entryId({ validFrom: request.validFrom, payload: request.payload as never });
  const existing = items.entries.find((e) => e.register === def.name && e.entryId === entryId);
  const expectedLock = items.locks[def.name] ?? 0;
  if (existing) {
    const same =
      existing.status === 'active' && existing.validTo === request.validTo && canonical(existing.payload) === canonical(request.payload);
    if (same) return { ok: true, outcome: 'unchanged', entry: existing, expectedLock };
    return refuse(
      409,
      [
        {
          field: 'validFrom',
          rule: 'exists',
          message: `entry ${entryId} already exists with other details (${existing.status}); amend it instead`,
        },
      ],
      { existing: { entryId, version: existing.version, status: existing.status } },
    );
  }
  const entry: EntryItem = {
    pk: `MEMBER#${memberId}`,
    sk: entrySk(def.name, entryId),
    kind: 'register-entry',
    register: def.name,
    entryId,
    memberId,
    region,
    validFrom: request.validFrom,
    validTo: request.validTo,
    status: 'active',
    payload: request.payload,
    version: 1,
    createdAt: now,
    createdBy: by,
    updatedAt: now,
    updatedBy: by,
  };
  const other = clash(def, items, entry);
  if (other) return overlapRefusal(def, other);
  return { ok: true, outcome: 'created', entry, history: historyOf(entry, 'created', now, by), expectedLock };
}

/** An amendment: a new period and/or payload fields (not the fixed ones), with the reason. */
export interface AmendRequest {
  validFrom?: string | undefined;
  validTo?: string | undefined;
  payload?: Record<string, unknown> | undefined;
  reason: string;
  /** The version the caller saw: an amendment of an entry changed since is a 409 (it would undo what it did not see). */
  expectedVersion?: number | undefined;
}

function findEntry(def: RegisterDefinition, items: RegisterItems, entryId: string): EntryItem | Refused {
  const entry = items.entries.find((e) => e.register === def.name && e.entryId === entryId);
  return entry ?? refuse(404, [{ field: 'path.entryId', rule: 'not_found', message: `no ${def.name} entry ${entryId} for this member` }]);
}

function staleRefusal(entry: EntryItem, expected: number | undefined): Refused | undefined {
  if (expected === undefined || expected === entry.version) return undefined;
  return refuse(
    409,
    [{ field: 'expectedVersion', rule: 'stale', message: `the entry is at version ${entry.version}, not ${expected}: read it again` }],
    { version: entry.version },
  );
}

export function planAmend(
  def: RegisterDefinition,
  items: RegisterItems,
  entryId: string,
  request: AmendRequest,
  by: Actor,
  now: string,
): RegisterPlan | Refused {
  const found = findEntry(def, items, entryId);
  if ('ok' in found) return found;
  const stale = staleRefusal(found, request.expectedVersion);
  if (stale) return stale;
  if (found.status === 'revoked')
    return refuse(409, [{ field: 'path.entryId', rule: 'revoked', message: `entry ${entryId} was revoked; record a new one` }]);
  const payload = { ...found.payload, ...(request.payload ?? {}) };
  const parsed = def.payload.safeParse(payload);
  if (!parsed.success) {
    return refuse(
      400,
      parsed.error.issues.map((i) => ({ field: ['payload', ...i.path.map(String)].join('.'), rule: i.code, message: i.message })),
    );
  }
  for (const field of def.fixed) {
    if (canonical(found.payload[field]) !== canonical(payload[field])) {
      return refuse(400, [
        { field: `payload.${field}`, rule: 'fixed', message: `${field} names the entry; end this one and record a new one instead` },
      ]);
    }
  }
  const validFrom = request.validFrom ?? found.validFrom;
  const validTo = request.validTo ?? found.validTo;
  if (validTo < validFrom) return periodRefusal();
  const expectedLock = items.locks[def.name] ?? 0;
  if (validFrom === found.validFrom && validTo === found.validTo && canonical(found.payload) === canonical(payload)) {
    return { ok: true, outcome: 'unchanged', entry: found, expectedLock };
  }
  const entry: EntryItem = {
    ...found,
    validFrom,
    validTo,
    payload: parsed.data as Record<string, unknown>,
    // An amendment that moves the end past today's end re-opens an ended entry only by saying so.
    status: found.status === 'ended' && validTo > found.validTo ? 'active' : found.status,
    version: found.version + 1,
    updatedAt: now,
    updatedBy: by,
  };
  const other = clash(def, items, entry);
  if (other) return overlapRefusal(def, other);
  return {
    ok: true,
    outcome: 'amended',
    entry,
    history: historyOf(entry, 'amended', now, by, request.reason),
    expectedVersion: found.version,
    expectedLock,
  };
}

/** Ending (the last day it holds) or revoking (void from the start: granted in error) an entry. */
export interface EndRequest {
  action: 'end' | 'revoke';
  /** For `end`: the last day it holds (from validFrom − 1 … its current validTo). */
  endDate?: string | undefined;
  reason: string;
  expectedVersion?: number | undefined;
}

export function planEnd(
  def: RegisterDefinition,
  items: RegisterItems,
  entryId: string,
  request: EndRequest,
  by: Actor,
  now: string,
): RegisterPlan | Refused {
  const found = findEntry(def, items, entryId);
  if ('ok' in found) return found;
  const stale = staleRefusal(found, request.expectedVersion);
  if (stale) return stale;
  const expectedLock = items.locks[def.name] ?? 0;
  if (found.status === 'revoked') {
    if (request.action === 'revoke') return { ok: true, outcome: 'unchanged', entry: found, expectedLock };
    return refuse(409, [{ field: 'path.entryId', rule: 'revoked', message: `entry ${entryId} was revoked` }]);
  }
  if (request.action === 'revoke') {
    const entry: EntryItem = { ...found, status: 'revoked', version: found.version + 1, updatedAt: now, updatedBy: by };
    return {
      ok: true,
      outcome: 'revoked',
      entry,
      history: historyOf(entry, 'revoked', now, by, request.reason),
      expectedVersion: found.version,
      expectedLock,
    };
  }
  const endDate = request.endDate;
  if (!endDate) return refuse(400, [{ field: 'endDate', rule: 'required', message: 'ending an entry names its last day' }]);
  if (endDate < found.validFrom)
    return refuse(400, [
      { field: 'endDate', rule: 'date_order', message: `before the entry's first day ${found.validFrom}: revoke it instead` },
    ]);
  if (endDate > found.validTo)
    return refuse(400, [
      { field: 'endDate', rule: 'date_order', message: `after the entry's last day ${found.validTo}: amend it to extend it` },
    ]);
  if (found.status === 'ended' && found.validTo === endDate) return { ok: true, outcome: 'unchanged', entry: found, expectedLock };
  const entry: EntryItem = { ...found, validTo: endDate, status: 'ended', version: found.version + 1, updatedAt: now, updatedBy: by };
  return {
    ok: true,
    outcome: 'ended',
    entry,
    history: historyOf(entry, 'ended', now, by, request.reason),
    expectedVersion: found.version,
    expectedLock,
  };
}

/** The entries of one register holding on a date. */
export const holdingOn = (items: Pick<RegisterItems, 'entries'>, register: string, date: string): EntryItem[] =>
  items.entries.filter((e) => e.register === register && holdsOn(e, date));
