/**
 * Changes to the member registers (shared/registers): create, amend, end or revoke an entry. Each is
 * read → plan (pure, shared/registers/entry.ts) → one conditional transaction with its history item
 * and its RegisterEntryChanged outbox entry → deliver the event, retried from the read when someone
 * else committed in between (untilWritten). A repeat of a change already made answers `unchanged`.
 *
 * Codes are checked against the benefit policy in force on the entry's first day in the member's
 * region: a disease group must be one of its chronic-outpatient diseases, a plan one its
 * supplementary layer pays for; so an entry can never name a group settlement does not know.
 */
import { RegisterEntryChanged } from '../../../events/registers.ts';
import { outboxEntry, type OutboxEntry } from '../../../shared/events/outbox.ts';
import type { EnrolmentItem, MemberItems } from '../../../shared/enrolment/items.ts';
import { refuse, type Refused } from '../../../shared/enrolment/problems.ts';
import { readMemberItems } from '../../../shared/enrolment/store/members.ts';
import { yearOf } from '../../../shared/enrolment/periods.ts';
import { benefitsKind } from '../../../shared/policy/benefits.ts';
import { policies } from '../../../shared/policy/store/registry.ts';
import {
  planAmend,
  planCreate,
  planEnd,
  type Actor,
  type AmendRequest,
  type CreateRequest,
  type EndRequest,
  type EntryItem,
  type RegisterItems,
  type RegisterPlan,
} from '../../../shared/registers/entry.ts';
import { planYearProblem, registerSpecs, type RegisterName } from '../../../shared/registers/registers.ts';
import { writeRegisterChange } from '../../../shared/registers/store/register-writes.ts';
import { memberNotFound, untilWritten, type OperationContext } from './common.ts';
import { commitThenDeliver, repeated } from './events.ts';

export type RegisterOperation =
  | { op: 'create'; request: CreateRequest }
  | { op: 'amend'; entryId: string; request: AmendRequest }
  | { op: 'end'; entryId: string; request: EndRequest };

/** The key of the fact "entry X of member M reached version n": each version is announced once. */
export const registerEventKey = (e: Pick<EntryItem, 'register' | 'memberId' | 'entryId' | 'version'>) =>
  `register/${e.register}/${e.memberId}/${e.entryId}/${e.version}/RegisterEntryChanged`;

export function registerEvent(plan: RegisterPlan, subject: string, correlationId: string, providerCode?: string): OutboxEntry {
  const e = plan.entry;
  return outboxEntry(
    RegisterEntryChanged,
    {
      register: e.register,
      memberId: e.memberId,
      entryId: e.entryId,
      region: e.region,
      change: plan.outcome as 'created' | 'amended' | 'ended' | 'revoked',
      version: e.version,
      validFrom: e.validFrom,
      validTo: e.validTo,
      status: e.status,
      subject,
      ...(providerCode ? { providerCode } : {}),
      by: { role: e.updatedBy.role, ...(e.updatedBy.providerCode ? { providerCode: e.updatedBy.providerCode } : {}) },
    },
    correlationId,
    registerEventKey(e),
    new Date().toISOString(),
  );
}

const emptyRegisters: RegisterItems = { entries: [], history: [], locks: {} };

/** The enrolment that places an entry: the one covering its first day, else the year's first. */
function enrolmentFor(enrolments: readonly EnrolmentItem[], date: string): EnrolmentItem | undefined {
  const ofYear = enrolments.filter((e) => e.year === yearOf(date));
  return ofYear.find((e) => e.validFrom <= date && date <= e.validTo) ?? ofYear[0];
}

/** The codes the region's benefit policy in force on `date` knows for a register; undefined: no policy. */
async function policyCodes(register: RegisterName, enrolment: EnrolmentItem, date: string): Promise<string[] | undefined> {
  const policy = await policies.inForce(benefitsKind, { region: enrolment.region, scheme: enrolment.scheme, year: yearOf(date) }, date);
  if (!policy) return undefined;
  if (register === 'chronic-approvals') return (policy.visits['chronic-outpatient']?.diseases ?? []).map((d) => d.code);
  if (register === 'supplementary-plans') return policy.supplementary.flatMap((s) => s.eligibility.plans ?? []);
  return undefined;
}

const CODE_FIELD: Partial<Record<RegisterName, string>> = { 'chronic-approvals': 'diseaseGroup', 'supplementary-plans': 'planCode' };

/** Where a new entry belongs (its region), after checking its codes against the region's policy. */
async function placeNew(register: RegisterName, items: MemberItems, request: CreateRequest): Promise<{ region: string } | Refused> {
  const enrolment = enrolmentFor(items.enrolments, request.validFrom);
  if (!enrolment) {
    return refuse(409, [
      {
        field: 'validFrom',
        rule: 'not_enrolled',
        message: `the member has no enrolment in ${yearOf(request.validFrom)} to attach the entry to`,
      },
    ]);
  }
  if (register === 'supplementary-plans') {
    const problem = planYearProblem(request);
    if (problem) return refuse(400, [problem]);
  }
  const field = CODE_FIELD[register];
  if (field) {
    const codes = await policyCodes(register, enrolment, request.validFrom);
    const value = String(request.payload[field]);
    if (!codes) {
      return refuse(409, [
        {
          field: 'validFrom',
          rule: 'no_policy',
          message: `no benefit policy of ${enrolment.region} (${enrolment.scheme}) is in force on ${request.validFrom}`,
        },
      ]);
    }
    if (!codes.includes(value)) {
      return refuse(400, [
        {
          field,
          rule: 'unknown_code',
          message: `${value} is not one the ${enrolment.region} benefit policy names: ${codes.join(', ') || 'none'}`,
        },
      ]);
    }
  }
  return { region: enrolment.region };
}

export type RegisterResult = RegisterPlan;

/** Plans and writes one change of a member's register entry. */
export async function changeRegister(
  memberId: string,
  register: RegisterName,
  operation: RegisterOperation,
  by: Actor,
  ctx: OperationContext,
  /** A further check on the entry as it would stand (a certifying provider's rights): throws a 403. */
  authorise?: (plan: RegisterPlan) => Promise<void>,
): Promise<RegisterResult | Refused> {
  const spec = registerSpecs[register];
  const def = spec.definition;
  return untilWritten<RegisterResult>(async () => {
    const items = await readMemberItems(memberId);
    if (!items.member) return memberNotFound(memberId);
    const held = items.registers ?? emptyRegisters;
    let plan: RegisterPlan | Refused;
    if (operation.op === 'create') {
      const placed = await placeNew(register, items, operation.request);
      if ('ok' in placed) return placed;
      plan = planCreate(def, held, memberId, placed.region, operation.request, by, ctx.clock.now);
    } else if (operation.op === 'amend') {
      plan = planAmend(def, held, operation.entryId, operation.request, by, ctx.clock.now);
    } else {
      plan = planEnd(def, held, operation.entryId, operation.request, by, ctx.clock.now);
    }
    if (!plan.ok) return plan;
    await authorise?.(plan);
    if (plan.outcome === 'unchanged' || !plan.history) return repeated(plan, [registerEventKey(plan.entry)], ctx);
    if (ctx.dryRun) return plan;
    const payload = plan.entry.payload as never;
    const event = registerEvent(plan, def.subject(payload), ctx.correlationId, def.provider?.(payload));
    const toWrite = { ...plan, history: plan.history };
    return commitThenDeliver(plan, [event], (events) => writeRegisterChange(toWrite, events), ctx);
  }, 'entryId');
}

/** A member's entries of one register, each with its history (oldest change first). */
export async function readRegister(memberId: string, register: RegisterName) {
  const items = await readMemberItems(memberId);
  if (!items.member) return memberNotFound(memberId);
  const held = items.registers ?? emptyRegisters;
  return {
    ok: true as const,
    enrolmentRegions: items.enrolments.map((e) => e.region),
    entries: held.entries
      .filter((e) => e.register === register)
      .map((entry) => ({ entry, history: held.history.filter((h) => h.register === register && h.entryId === entry.entryId) })),
  };
}
