/**
 * The employee scheme's collection side (职工医保缴费): employers, employment status and monthly
 * contributions. Each operation is read → plan (pure, shared/employers) → one conditional
 * transaction with its event in the outbox → deliver, retried from the read when a condition fails
 * because someone else committed first. A repeat of something already recorded writes nothing and
 * delivers its event if it is still waiting.
 */
import { EmployeeContributionPaid, EmployerRecorded, EmploymentRecorded } from '../../../events/employers.ts';
import { outboxEntry, type OutboxEntry } from '../../../shared/events/outbox.ts';
import { checkIdNumber } from '../../../shared/enrolment/id-number.ts';
import { idHash } from '../../../shared/enrolment/identity.ts';
import { yearOf } from '../../../shared/enrolment/periods.ts';
import type { ContributionPolicy } from '../../../shared/enrolment/policy.ts';
import { refuse, type Refused } from '../../../shared/enrolment/problems.ts';
import { idHashSecret } from '../../../shared/enrolment/secret.ts';
import { findMemberIdByIdHash, readMemberItems } from '../../../shared/enrolment/store/members.ts';
import {
  enrolmentForMonth,
  planMonthlyContribution,
  type MonthlyContributionRequest,
  type MonthlyPlan,
} from '../../../shared/employers/contribution.ts';
import {
  planEmployerChange,
  planEmployerRegistration,
  type EmployerChange,
  type EmployerPlan,
  type EmployerRequest,
} from '../../../shared/employers/employer.ts';
import { employeeEnrolmentOn, planEmployment, type EmploymentPlan, type EmploymentRequest } from '../../../shared/employers/employment.ts';
import type { EmployerItem, EmploymentItem, MonthlyContributionItem } from '../../../shared/employers/items.ts';
import { readEmployer, writeEmployer, writeEmployment, writeMonthlyContribution } from '../../../shared/employers/store/records.ts';
import { enrolmentKind } from '../../../shared/policy/enrolment.ts';
import { policies } from '../../../shared/policy/store/registry.ts';
import { contributionLookup } from '../../../shared/policy/store/contribution-lookup.ts';
import { memberNotFound, untilWritten, type OperationContext } from './common.ts';
import { commitThenDeliver, repeated } from './events.ts';

/** Who records: the staff member's subject, kept in each entry's history. */
export interface RecordingContext extends OperationContext {
  by: string;
}

/** The keys of the facts (the outbox entry's key is the event's id): each names one record created once. */
export const employerEventKeys = {
  employerRecorded: (creditCode: string, revision: number) => `employer/${creditCode}/${revision}/EmployerRecorded`,
  employmentRecorded: (e: Pick<EmploymentItem, 'memberId' | 'validFrom'>) => `employment/${e.memberId}/${e.validFrom}/EmploymentRecorded`,
  employeeContributionPaid: (c: Pick<MonthlyContributionItem, 'memberId' | 'month'>) =>
    `employee-contribution/${c.memberId}/${c.month}/EmployeeContributionPaid`,
};

const madeNow = () => new Date().toISOString();

export function employerEvent(employer: EmployerItem, change: 'registered' | 'changed', correlationId: string): OutboxEntry {
  return outboxEntry(
    EmployerRecorded,
    {
      creditCode: employer.creditCode,
      region: employer.region,
      change,
      revision: employer.revision,
      name: employer.name,
      status: employer.status,
      validFrom: employer.validFrom,
    },
    correlationId,
    employerEventKeys.employerRecorded(employer.creditCode, employer.revision),
    madeNow(),
  );
}

export function employmentEvent(plan: Extract<EmploymentPlan, { outcome: 'recorded' }>, correlationId: string): OutboxEntry {
  const e = plan.employment;
  const ended = plan.ended?.item;
  return outboxEntry(
    EmploymentRecorded,
    {
      memberId: e.memberId,
      region: e.region,
      status: e.status,
      employerCode: e.employerCode,
      validFrom: e.validFrom,
      ...(e.civilServant ? { civilServant: true } : {}),
      ...(ended ? { previous: { status: ended.status, validFrom: ended.validFrom, validTo: ended.validTo! } } : {}),
    },
    correlationId,
    employerEventKeys.employmentRecorded(e),
    madeNow(),
  );
}

/** The fact personal accounts are credited from (events/employers.ts): one per paid month per member. */
export function employeeContributionEvent(c: MonthlyContributionItem, correlationId: string, createdAt = madeNow()): OutboxEntry {
  return outboxEntry(
    EmployeeContributionPaid,
    {
      memberId: c.memberId,
      region: c.region,
      month: c.month,
      wageBaseFen: c.wageBaseFen,
      declaredWageFen: c.declaredWageFen,
      employerFen: c.employerFen,
      individualFen: c.individualFen,
      kind: c.contributionKind,
      employmentStatus: c.employmentStatus,
      employerCode: c.employerCode,
      paidOn: c.paidOn,
      enrolmentId: c.enrolmentId,
      policyVersion: c.policyVersion,
    },
    correlationId,
    employerEventKeys.employeeContributionPaid(c),
    createdAt,
  );
}

const policyMissing = (field: string, region: string, year: number): Refused =>
  refuse(400, [{ field, rule: 'policy_missing', message: `no contribution policy of region ${region} for ${year}` }]);

export type EmployerResult = Extract<EmployerPlan, { ok: true }> | { ok: true; outcome: 'valid'; employer: EmployerItem };

export async function registerEmployer(request: EmployerRequest, ctx: RecordingContext): Promise<EmployerResult | Refused> {
  const validFrom = request.validFrom ?? ctx.clock.today;
  if (!(await policies.forYear(enrolmentKind, request.region, yearOf(validFrom), ctx.clock.today))) {
    return policyMissing('region', request.region, yearOf(validFrom));
  }
  const who = { by: ctx.by, today: ctx.clock.today, now: ctx.clock.now };
  return untilWritten<EmployerResult>(async () => {
    const plan = planEmployerRegistration(await readEmployer(request.creditCode), request, who);
    if (!plan.ok) return plan;
    if (plan.outcome === 'unchanged') return repeated(plan, [employerEventKeys.employerRecorded(plan.employer.creditCode, 1)], ctx);
    return commitThenDeliver(
      plan,
      [employerEvent(plan.employer, 'registered', ctx.correlationId)],
      (events) => writeEmployer(plan, events),
      ctx,
    );
  }, 'creditCode');
}

export async function changeEmployer(creditCode: string, change: EmployerChange, ctx: RecordingContext): Promise<EmployerResult | Refused> {
  if (change.region && !(await policies.forYear(enrolmentKind, change.region, yearOf(change.validFrom), ctx.clock.today))) {
    return policyMissing('region', change.region, yearOf(change.validFrom));
  }
  const who = { by: ctx.by, today: ctx.clock.today, now: ctx.clock.now };
  return untilWritten<EmployerResult>(async () => {
    const existing = await readEmployer(creditCode);
    if (!existing)
      return refuse(404, [{ field: 'path.creditCode', rule: 'not_found', message: `no employer ${creditCode} is registered` }]);
    const plan = planEmployerChange(existing, change, who);
    if (!plan.ok || plan.outcome === 'unchanged') return plan;
    return commitThenDeliver(
      plan,
      [employerEvent(plan.employer, 'changed', ctx.correlationId)],
      (events) => writeEmployer(plan, events),
      ctx,
    );
  }, 'expectedRevision');
}

export async function recordEmployment(
  memberId: string,
  request: EmploymentRequest,
  ctx: RecordingContext,
): Promise<Extract<EmploymentPlan, { ok: true }> | Refused> {
  return untilWritten<Extract<EmploymentPlan, { ok: true }>>(async () => {
    const items = await readMemberItems(memberId);
    if (!items.member) return memberNotFound(memberId);
    const enrolment = employeeEnrolmentOn(items, request.validFrom);
    const [employer, policy] = await Promise.all([
      request.employerCode ? readEmployer(request.employerCode) : undefined,
      enrolment ? policies.forYear(enrolmentKind, enrolment.region, enrolment.year, ctx.clock.today) : undefined,
    ]);
    const plan = planEmployment(items, memberId, request, { by: ctx.by, today: ctx.clock.today, now: ctx.clock.now, employer, policy });
    if (!plan.ok) return plan;
    if (plan.outcome === 'unchanged') return repeated(plan, [employerEventKeys.employmentRecorded(plan.employment)], ctx);
    if (ctx.dryRun) return plan;
    return commitThenDeliver(
      plan,
      [employmentEvent(plan, ctx.correlationId)],
      (events) => writeEmployment(plan, items.member!.employmentVersion ?? 0, events),
      ctx,
    );
  }, 'validFrom');
}

export type MonthlyResult = Extract<MonthlyPlan, { ok: true }> | { ok: true; outcome: 'valid'; contribution: MonthlyContributionItem };

export async function recordEmployeeContribution(
  memberId: string,
  request: MonthlyContributionRequest,
  ctx: RecordingContext,
): Promise<MonthlyResult | Refused> {
  return untilWritten<MonthlyResult>(async () => {
    const items = await readMemberItems(memberId);
    if (!items.member) return memberNotFound(memberId);
    const enrolment = enrolmentForMonth(items, request.month);
    const lookup = await contributionLookup(enrolment ? [{ region: enrolment.region, year: enrolment.year }] : [], ctx.clock.today);
    const plan = planMonthlyContribution(items, memberId, request, {
      by: ctx.by,
      today: ctx.clock.today,
      now: ctx.clock.now,
      policyOf: (region, year): ContributionPolicy | undefined => lookup(region, year),
    });
    if (!plan.ok) return plan;
    if (plan.outcome === 'unchanged') return repeated(plan, [employerEventKeys.employeeContributionPaid(plan.contribution)], ctx);
    if (ctx.dryRun) return { ok: true as const, outcome: 'valid' as const, contribution: plan.contribution };
    return commitThenDeliver(
      plan,
      [employeeContributionEvent(plan.contribution, ctx.correlationId)],
      (events) => writeMonthlyContribution(plan, events),
      ctx,
    );
  }, 'month');
}

/** The member a file row names: by member id, or by ID number through the keyed hash. */
export async function memberOfRow(
  row: { idNumber?: string | undefined; memberId?: string | undefined },
  today: string,
): Promise<string | Refused> {
  if (row.memberId) return row.memberId;
  const id = checkIdNumber(row.idNumber!, today);
  if (!id.ok) return refuse(400, [{ field: 'idNumber', rule: id.rule, message: id.message }]);
  const memberId = await findMemberIdByIdHash(idHash(id.value.idNumber, idHashSecret()));
  if (!memberId) return refuse(404, [{ field: 'idNumber', rule: 'not_enrolled', message: 'no member has this ID number' }]);
  return memberId;
}
