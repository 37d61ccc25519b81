/**
 * A member's employment status (在职 / 灵活就业 / 退休), pure: each status is a period from a date,
 * recorded in date order; a new one ends the one before it (the day before), which stays in the
 * history. The status decides who pays a month (the employer, the member, nobody) and whether
 * coverage follows contributions (coverage.ts) or retirement.
 *
 * Recording it needs an employee enrolment (职工医保参保) on its first day, whose region it takes;
 * in service needs an active employer registered in that region; retirement needs the years of
 * contribution the region's policy asks of a retiree (最低缴费年限, by sex).
 */
import * as z from 'zod';
import { EMPLOYMENT_STATUSES } from '../../events/employers.ts';
import type { EnrolmentItem, MemberItems } from '../enrolment/items.ts';
import { dayBefore, yearOf } from '../enrolment/periods.ts';
import type { ContributionPolicy } from '../enrolment/policy.ts';
import { refuse, type Problem, type Refused } from '../enrolment/problems.ts';
import { creditCodeInput, type Recorder } from './employer.ts';
import { employmentSk, memberPkOf, type EmployerItem, type EmploymentItem } from './items.ts';

export const employmentRequestSchema = z
  .object({
    status: z.enum(EMPLOYMENT_STATUSES).meta({ description: 'in-service (在职), flexible (灵活就业) or retired (退休)' }),
    employerCode: creditCodeInput.optional().meta({ description: 'The employer (统一社会信用代码): in-service only' }),
    validFrom: z.iso.date(),
    civilServant: z.boolean().optional().meta({
      description:
        'In service or retired: a civil servant (公务员, or managed as one: 参照公务员法管理), in the member group civil-servant (公务员医疗补助)',
    }),
    contributionYears: z
      .number()
      .int()
      .min(0)
      .max(60)
      .optional()
      .meta({ description: 'Retired only: years of contribution, actual plus deemed (视同缴费年限)' }),
    reference: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .meta({ description: 'The document it rests on, e.g. a retirement approval number' }),
  })
  .strict()
  .meta({ id: 'EmploymentRequest' });
export type EmploymentRequest = z.infer<typeof employmentRequestSchema>;

export type EmploymentPlan =
  | { ok: true; outcome: 'unchanged'; employment: EmploymentItem }
  | {
      ok: true;
      outcome: 'recorded';
      employment: EmploymentItem;
      /** The period it ends, with its new last day (and the stored one, which the write is conditional on). */
      ended?: { item: EmploymentItem; previousValidTo?: string | undefined } | undefined;
      enrolment: EnrolmentItem;
    };

/** The year's employee enrolment holding on a date (not one closed before it). */
export function employeeEnrolmentOn(items: MemberItems, date: string): EnrolmentItem | undefined {
  return items.enrolments.find((e) => e.year === yearOf(date) && e.validFrom <= date && date <= e.validTo && e.scheme === 'employee');
}

export interface EmploymentContext extends Recorder {
  /** The employer named by the request, as registered (undefined: not registered). */
  employer?: EmployerItem | undefined;
  /** The contribution policy of the enrolment's region and year. */
  policy?: ContributionPolicy | undefined;
}

export function planEmployment(
  items: MemberItems,
  memberId: string,
  request: EmploymentRequest,
  ctx: EmploymentContext,
): EmploymentPlan | Refused {
  const problems: Problem[] = [];
  if (request.status === 'in-service' && !request.employerCode)
    problems.push({ field: 'employerCode', rule: 'required_for_in_service', message: 'an employee in service names the employer' });
  if (request.status !== 'in-service' && request.employerCode)
    problems.push({
      field: 'employerCode',
      rule: `not_allowed_for_${request.status}`,
      message: `a ${request.status} member has no employer`,
    });
  if (request.status === 'retired' && request.contributionYears === undefined)
    problems.push({
      field: 'contributionYears',
      rule: 'required_for_retired',
      message: 'a retiree’s years of contribution are checked against the policy',
    });
  if (request.status === 'flexible' && request.civilServant)
    problems.push({
      field: 'civilServant',
      rule: 'not_allowed_for_flexible',
      message: 'a flexible worker is not a civil servant of an employer',
    });
  if (request.status !== 'retired' && request.contributionYears !== undefined)
    problems.push({ field: 'contributionYears', rule: 'retired_only', message: 'years of contribution are recorded at retirement' });
  if (problems.length > 0) return refuse(400, problems);

  const history = [...(items.employment ?? [])].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  const same = history.find((p) => p.validFrom === request.validFrom);
  if (same) {
    const identical =
      same.status === request.status &&
      same.employerCode === request.employerCode &&
      same.contributionYears === request.contributionYears &&
      (same.civilServant ?? false) === (request.civilServant ?? false);
    if (identical) return { ok: true, outcome: 'unchanged', employment: same };
    return refuse(
      409,
      [{ field: 'validFrom', rule: 'period_exists', message: `a ${same.status} status from ${same.validFrom} is already recorded` }],
      {
        existing: same,
      },
    );
  }
  const latest = history.at(-1);
  if (latest && latest.validFrom > request.validFrom) {
    return refuse(409, [
      {
        field: 'validFrom',
        rule: 'out_of_order',
        message: `a ${latest.status} status from ${latest.validFrom} is already recorded; statuses are recorded in date order`,
      },
    ]);
  }

  const enrolment = employeeEnrolmentOn(items, request.validFrom);
  if (!enrolment) {
    return refuse(409, [
      {
        field: 'validFrom',
        rule: 'not_enrolled_as_employee',
        message: `the member has no employee enrolment (职工医保) on ${request.validFrom}`,
      },
    ]);
  }
  if (request.status === 'in-service') {
    const employer = ctx.employer;
    if (!employer)
      return refuse(409, [
        { field: 'employerCode', rule: 'employer_not_registered', message: `no employer ${request.employerCode} is registered` },
      ]);
    if (employer.status !== 'active')
      return refuse(409, [{ field: 'employerCode', rule: 'employer_closed', message: `employer ${employer.creditCode} is closed` }]);
    if (employer.region !== enrolment.region) {
      return refuse(409, [
        {
          field: 'employerCode',
          rule: 'employer_region',
          message: `employer ${employer.creditCode} contributes in ${employer.region}, the member is enrolled in ${enrolment.region}`,
        },
      ]);
    }
  }
  if (request.status === 'retired') {
    const terms = ctx.policy?.employee.monthly;
    if (!terms) {
      return refuse(409, [
        {
          field: 'status',
          rule: 'no_monthly_terms',
          message: `the ${enrolment.region} ${enrolment.year} policy has no terms for employees' contributions`,
        },
      ]);
    }
    const minimum =
      items.member?.sex === 'F' ? terms.retirees.minimumContributionYears.female.value : terms.retirees.minimumContributionYears.male.value;
    if (request.contributionYears! < minimum) {
      return refuse(409, [
        {
          field: 'contributionYears',
          rule: 'retiree_not_qualified',
          message: `a retiree needs ${minimum} years of contribution in ${enrolment.region} to be covered without paying; ${request.contributionYears} recorded`,
        },
      ]);
    }
  }

  const employment: EmploymentItem = {
    pk: memberPkOf(memberId),
    sk: employmentSk(request.validFrom),
    kind: 'employment',
    memberId,
    status: request.status,
    ...(request.employerCode ? { employerCode: request.employerCode } : {}),
    region: enrolment.region,
    validFrom: request.validFrom,
    ...(request.contributionYears !== undefined ? { contributionYears: request.contributionYears } : {}),
    ...(request.civilServant ? { civilServant: true } : {}),
    ...(request.reference ? { reference: request.reference } : {}),
    recordedAt: ctx.now,
    recordedBy: ctx.by,
  };
  // The latest period ends the day before, unless it already ended earlier (a gap between statuses).
  const lastDay = dayBefore(request.validFrom);
  const ends = latest && (latest.validTo === undefined || latest.validTo > lastDay);
  return {
    ok: true,
    outcome: 'recorded',
    employment,
    ...(ends ? { ended: { item: { ...latest, validTo: lastDay }, previousValidTo: latest.validTo } } : {}),
    enrolment,
  };
}
