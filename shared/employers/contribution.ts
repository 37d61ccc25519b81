/**
 * Recording one employee's contribution for one month (职工医保月缴费登记), pure: who owes it (the
 * employment status of the month), which enrolment and policy it falls under, the shares
 * (monthly.ts) and whether it is paid in time or a back-payment.
 *
 * The key is the member and the month: the same month recorded again with the same facts changes
 * nothing (a re-imported file); with other facts it is a conflict naming what is recorded, never an
 * overwrite (a correction is the collection side's business, not a second payment).
 */
import * as z from 'zod';
import type { EmployeeContributionKind } from '../../events/employers.ts';
import type { EnrolmentItem, MemberItems } from '../enrolment/items.ts';
import type { ContributionPolicy, MonthlyTerms } from '../enrolment/policy.ts';
import { refuse, type Refused } from '../enrolment/problems.ts';
import { creditCodeInput, type Recorder } from './employer.ts';
import { employmentOn } from './coverage.ts';
import { MONTHLY_CHANNELS, memberPkOf, monthlyContributionSk, type MonthlyContributionItem } from './items.ts';
import { contributionKindOf, monthShares } from './monthly.ts';
import { firstDayOf, lastDayOf, yearOfMonth } from './months.ts';

export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');

export const monthlyContributionRequestSchema = z
  .object({
    month: monthSchema.meta({ description: 'The month paid for', example: '2025-03' }),
    employerCode: creditCodeInput
      .optional()
      .meta({ description: 'The paying employer (统一社会信用代码); absent for a flexible worker, who pays himself' }),
    declaredWageFen: z
      .number()
      .int()
      .nonnegative()
      .meta({ description: "The month's declared wage in fen; the policy's floor and ceiling give the contribution base" }),
    paidOn: z.iso.date(),
    channel: z.enum(MONTHLY_CHANNELS).default('tax').meta({ description: 'tax (税务征收), employer, or counter' }),
    reference: z.string().trim().min(1).max(100).optional().meta({ description: "The collection side's receipt or batch number" }),
  })
  .strict()
  .meta({ id: 'MonthlyContributionRequest' });
export type MonthlyContributionRequest = z.infer<typeof monthlyContributionRequestSchema>;

export type MonthlyPlan =
  | { ok: true; outcome: 'unchanged'; contribution: MonthlyContributionItem }
  | { ok: true; outcome: 'recorded'; contribution: MonthlyContributionItem };

/** The employee enrolment a month falls under: the one holding on its last day, else on any day of it. */
export function enrolmentForMonth(items: MemberItems, month: string): EnrolmentItem | undefined {
  const from = firstDayOf(month);
  const to = lastDayOf(month);
  const candidates = items.enrolments.filter((e) => e.year === yearOfMonth(month) && e.validFrom <= to && from <= e.validTo);
  return candidates.find((e) => e.validFrom <= to && to <= e.validTo) ?? candidates.sort((a, b) => b.seq - a.seq)[0];
}

export interface MonthlyContext extends Recorder {
  /** The contribution policy of a region and year (as the handler read it from the registry). */
  policyOf: (region: string, year: number) => ContributionPolicy | undefined;
}

const same = (a: MonthlyContributionItem, r: MonthlyContributionRequest) =>
  a.employerCode === r.employerCode && a.declaredWageFen === r.declaredWageFen && a.paidOn === r.paidOn && a.channel === r.channel;

export function planMonthlyContribution(
  items: MemberItems,
  memberId: string,
  request: MonthlyContributionRequest,
  ctx: MonthlyContext,
): MonthlyPlan | Refused {
  if (request.paidOn > ctx.today) {
    return refuse(400, [{ field: 'paidOn', rule: 'in_future', message: `a contribution cannot be paid after today (${ctx.today})` }]);
  }
  const previous = (items.months ?? []).find((m) => m.month === request.month);
  if (previous) {
    if (same(previous, request)) return { ok: true, outcome: 'unchanged', contribution: previous };
    return refuse(
      409,
      [
        {
          field: 'month',
          rule: 'month_already_paid',
          message: `${request.month} is already recorded${previous.employerCode ? ` for employer ${previous.employerCode}` : ''}, paid on ${previous.paidOn}, with other figures`,
        },
      ],
      { existing: previous },
    );
  }

  const employment =
    employmentOn(items.employment ?? [], lastDayOf(request.month)) ?? employmentOn(items.employment ?? [], firstDayOf(request.month));
  if (!employment) {
    return refuse(409, [
      {
        field: 'month',
        rule: 'not_employed',
        message: `no employment status is recorded for ${request.month}; record it first (POST …/employment)`,
      },
    ]);
  }
  if (employment.status === 'retired') {
    return refuse(409, [
      { field: 'month', rule: 'retiree_pays_nothing', message: `the member is retired (退休) in ${request.month} and pays nothing` },
    ]);
  }
  if (employment.status === 'in-service') {
    if (!request.employerCode)
      return refuse(400, [
        { field: 'employerCode', rule: 'required_for_in_service', message: 'an employee in service is paid for by the employer' },
      ]);
    if (request.employerCode !== employment.employerCode) {
      return refuse(409, [
        {
          field: 'employerCode',
          rule: 'employer_mismatch',
          message: `in ${request.month} the member is employed by ${employment.employerCode}, not ${request.employerCode}`,
        },
      ]);
    }
  } else if (request.employerCode) {
    return refuse(400, [
      {
        field: 'employerCode',
        rule: 'not_allowed_for_flexible',
        message: 'a flexible worker (灵活就业) pays both parts himself, without an employer',
      },
    ]);
  }

  const enrolment = enrolmentForMonth(items, request.month);
  if (enrolment?.scheme !== 'employee') {
    return refuse(409, [
      { field: 'month', rule: 'not_enrolled_as_employee', message: `the member has no employee enrolment (职工医保) in ${request.month}` },
    ]);
  }
  const policy = ctx.policyOf(enrolment.region, enrolment.year);
  const terms: MonthlyTerms | undefined = policy?.employee.monthly;
  if (!policy || !terms) {
    return refuse(409, [
      {
        field: 'month',
        rule: 'no_monthly_terms',
        message: `the ${enrolment.region} ${enrolment.year} policy has no terms for employees' monthly contributions`,
      },
    ]);
  }
  const status = employment.status;
  const shares = monthShares(policy.employee, status, request.declaredWageFen);
  const contributionKind: EmployeeContributionKind = contributionKindOf(request.month, request.paidOn, terms.graceMonths.value, status);
  return {
    ok: true,
    outcome: 'recorded',
    contribution: {
      pk: memberPkOf(memberId),
      sk: monthlyContributionSk(request.month),
      kind: 'employee-month',
      memberId,
      month: request.month,
      enrolmentId: enrolment.enrolmentId,
      region: enrolment.region,
      employmentStatus: status,
      ...(request.employerCode ? { employerCode: request.employerCode } : {}),
      declaredWageFen: request.declaredWageFen,
      ...shares,
      contributionKind,
      paidOn: request.paidOn,
      channel: request.channel,
      ...(request.reference ? { reference: request.reference } : {}),
      policyVersion: policy.version,
      recordedAt: ctx.now,
      recordedBy: ctx.by,
    },
  };
}
