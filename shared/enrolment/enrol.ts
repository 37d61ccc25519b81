/**
 * Enrolling a person for an insurance year (参保登记): the rules, pure.
 *
 *  - The person is identified by a valid GB 11643 number; birth date and sex come from it.
 *  - One pooling region and one scheme per enrolment: resident (城乡居民), or employee (职工)
 *    through an employer (with its code) or as a flexible worker (灵活就业).
 *  - The region must have a contribution policy for the year; cover starts on 1 January or on a
 *    later day of the year (a newborn, a new employee), never before the person was born.
 *  - Assistance categories may come with the enrolment (the campaign lists 低保 etc. from civil
 *    affairs); each code is standard or defined by the region's policy, one period per code at a
 *    time. What the member owes is computed from the categories that hold on the first day of cover.
 *
 * The single route and the bulk command both come through `checkEnrolment`, so a row of a file is
 * refused for exactly the reasons a request would be.
 */
import * as z from 'zod';
import { CATEGORY_CODE_PATTERN, isStandardCategory, overlappingPeriod, type CategoryPeriod } from './categories.ts';
import { computeDue, payableOf, ZERO_SHARES, type Due } from './contribution.ts';
import { checkIdNumber, type IdNumberFacts } from './id-number.ts';
import {
  enrolmentIdOf,
  enrolmentSk,
  identityIndexKey,
  memberPk,
  personYearKey,
  PROFILE_SK,
  regionYearIndexKey,
  categorySk,
  type CategoryItem,
  type EnrolmentItem,
  type MemberItem,
  type MemberItems,
  type PersonYearItem,
} from './items.ts';
import type { ContributionPolicy, PolicyLookup } from './policy.ts';
import { contains, yearEnd, yearStart } from './periods.ts';
import { refuse, type Problem, type Refused } from './problems.ts';

export const regionCodeSchema = z
  .string()
  .regex(/^\d{6}$/, 'a 6-digit administrative division code')
  .meta({ example: '532500' });

export const categoryInputSchema = z
  .object({
    code: z.string().regex(CATEGORY_CODE_PATTERN, 'lower-case words joined by hyphens, e.g. dibao').meta({
      description: 'tekun, dibao, dibao-edge, monitored, registered-poor, severely-disabled, or a code the region defines',
      example: 'dibao',
    }),
    validFrom: z.iso.date(),
    validTo: z.iso.date().optional().meta({ description: 'Last day, inclusive; leave out while open-ended' }),
    reference: z.string().min(1).max(100).optional().meta({ description: 'The certificate or list the category comes from' }),
  })
  .strict()
  .meta({ id: 'CategoryPeriod' });
export type CategoryInput = z.infer<typeof categoryInputSchema>;

export const enrolmentRequestSchema = z
  .object({
    idNumber: z
      .string()
      .min(1)
      .max(40)
      .meta({ description: '18-character resident identity number (GB 11643); never echoed back', example: '532501199001011239' }),
    name: z.string().min(1).max(100).optional().meta({ description: 'Kept with the member; never in events or logs' }),
    year: z.number().int().min(2000).max(2100).meta({ example: 2025 }),
    region: regionCodeSchema.meta({ description: 'The pooling region (统筹区)' }),
    scheme: z.enum(['employee', 'resident']),
    employeeKind: z
      .enum(['employer', 'flexible'])
      .optional()
      .meta({ description: 'Employees only: through an employer, or as a flexible worker' }),
    employerCode: z
      .string()
      .regex(/^[0-9A-Z]{6,20}$/, '6-20 upper-case letters or digits (unified social credit code)')
      .optional(),
    monthlyBaseFen: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'Employees only: declared monthly contribution base in fen (held between the policy floor and ceiling)' }),
    validFrom: z.iso.date().optional().meta({ description: 'First day of cover; 1 January of the year when left out' }),
    categories: z.array(categoryInputSchema).max(10).default([]),
  })
  .strict()
  .meta({ id: 'EnrolmentRequest' });
export type EnrolmentRequest = z.infer<typeof enrolmentRequestSchema>;

export interface EnrolmentRules {
  /** yyyy-mm-dd in the agency's calendar. */
  today: string;
  policies: PolicyLookup;
}

export interface CheckedEnrolment {
  request: EnrolmentRequest;
  person: IdNumberFacts;
  policy: ContributionPolicy;
  validFrom: string;
  validTo: string;
  categories: CategoryPeriod[];
}

/** Is this category code allowed in this region's policy? */
export function categoryKnown(code: string, policy: ContributionPolicy | undefined): boolean {
  return isStandardCategory(code) || Boolean(policy?.categories.some((c) => c.code === code));
}

/** Problems with a list of category periods on their own (code, order, overlap among themselves). */
export function categoryProblems(
  categories: readonly CategoryInput[],
  policy: ContributionPolicy | undefined,
  fieldOf: (i: number) => string,
): Problem[] {
  const problems: Problem[] = [];
  categories.forEach((c, i) => {
    if (!categoryKnown(c.code, policy)) {
      problems.push({
        field: `${fieldOf(i)}.code`,
        rule: 'category_unknown',
        message: `${c.code} is neither a standard category nor one the region's policy defines`,
      });
    }
    if (c.validTo !== undefined && c.validTo < c.validFrom) {
      problems.push({ field: `${fieldOf(i)}.validTo`, rule: 'period_order', message: 'validTo is before validFrom' });
    }
    const clash = overlappingPeriod(categories.slice(0, i), c);
    if (clash || categories.slice(0, i).some((o) => o.code === c.code && o.validFrom === c.validFrom)) {
      problems.push({
        field: `${fieldOf(i)}.validFrom`,
        rule: 'category_overlap',
        message: `${c.code} is given twice for overlapping periods`,
      });
    }
  });
  return problems;
}

/** Checks an enrolment request against the rules; every problem is reported, not just the first. */
export function checkEnrolment(request: EnrolmentRequest, rules: EnrolmentRules): { ok: true; value: CheckedEnrolment } | Refused {
  const problems: Problem[] = [];
  const id = checkIdNumber(request.idNumber, rules.today);
  if (!id.ok) problems.push({ field: 'idNumber', rule: id.rule, message: id.message });

  const policy = rules.policies(request.region, request.year);
  if (!policy)
    problems.push({
      field: 'region',
      rule: 'policy_missing',
      message: `the agency holds no contribution policy for region ${request.region} in ${request.year}`,
    });

  if (request.scheme === 'employee') {
    if (!request.employeeKind)
      problems.push({
        field: 'employeeKind',
        rule: 'required_for_employee',
        message: 'an employee enrols through an employer or as a flexible worker',
      });
    if (request.employeeKind === 'employer' && !request.employerCode)
      problems.push({
        field: 'employerCode',
        rule: 'required_for_employer',
        message: 'an employee through an employer needs the employer code',
      });
    if (request.employeeKind === 'flexible' && request.employerCode)
      problems.push({ field: 'employerCode', rule: 'not_allowed_for_flexible', message: 'a flexible worker has no employer' });
    if (request.monthlyBaseFen === undefined)
      problems.push({ field: 'monthlyBaseFen', rule: 'required_for_employee', message: 'an employee needs a monthly contribution base' });
  } else {
    for (const field of ['employeeKind', 'employerCode', 'monthlyBaseFen'] as const) {
      if (request[field] !== undefined)
        problems.push({ field, rule: 'not_allowed_for_resident', message: `${field} applies to employees only` });
    }
  }

  const validFrom = request.validFrom ?? yearStart(request.year);
  const validTo = yearEnd(request.year);
  if (!contains({ validFrom: yearStart(request.year), validTo }, validFrom)) {
    problems.push({ field: 'validFrom', rule: 'outside_year', message: `cover must start within ${request.year}` });
  } else if (id.ok && validFrom < id.value.birthDate) {
    problems.push({ field: 'validFrom', rule: 'before_birth', message: `cover cannot start before the birth date ${id.value.birthDate}` });
  }

  problems.push(...categoryProblems(request.categories, policy, (i) => `categories.${i}`));

  if (problems.length > 0 || !id.ok || !policy) return refuse(400, problems);
  return { ok: true, value: { request, person: id.value, policy, validFrom, validTo, categories: request.categories } };
}

/**
 * Is a stored enrolment the one this request asks for (so a repeat is a no-op, not a second
 * enrolment)? Same region, scheme, kind, employer and first day of cover.
 */
export function sameEnrolment(existing: EnrolmentItem, request: EnrolmentRequest): boolean {
  return (
    existing.region === request.region &&
    existing.validFrom === (request.validFrom ?? yearStart(request.year)) &&
    existing.scheme === request.scheme &&
    existing.employeeKind === request.employeeKind &&
    existing.employerCode === request.employerCode
  );
}

const sameCategory = (a: CategoryPeriod, b: CategoryPeriod) =>
  a.code === b.code && a.validFrom === b.validFrom && (a.validTo ?? null) === (b.validTo ?? null);

/**
 * Sorts the request's categories against what the member already holds: identical periods need no
 * write; a different period for a code and start already held, or one overlapping a held period of
 * the same code, is a conflict (the categories route changes held periods, not an enrolment).
 */
export function mergeCategories(
  held: readonly CategoryItem[],
  requested: readonly CategoryPeriod[],
): { toWrite: CategoryPeriod[]; conflicts: Problem[] } {
  const toWrite: CategoryPeriod[] = [];
  const conflicts: Problem[] = [];
  requested.forEach((c, i) => {
    if (held.some((h) => sameCategory(h, c))) return;
    const clash = held.find((h) => h.code === c.code && h.validFrom === c.validFrom) ?? overlappingPeriod(held, c);
    if (clash) {
      conflicts.push({
        field: `categories.${i}`,
        rule: 'category_overlap',
        message: `${c.code} is already held from ${clash.validFrom}${clash.validTo ? ` to ${clash.validTo}` : ''}`,
      });
    } else {
      toWrite.push(c);
    }
  });
  return { toWrite, conflicts };
}

export interface EnrolmentPlan {
  member: MemberItem;
  enrolment: EnrolmentItem;
  lock: PersonYearItem;
  categories: CategoryItem[];
  due: Due;
}

export interface Identity {
  idHash: string;
  memberId: string;
}

/** The codes that hold on a day, from held and new periods together. */
export function codesOn(periods: readonly CategoryPeriod[], date: string): string[] {
  return [...new Set(periods.filter((p) => contains(p, date)).map((p) => p.code))].sort();
}

/**
 * The items one enrolment writes, in one transaction: the person's profile (created the first
 * time), the enrolment, the person-year lock and any new category periods.
 *
 * @param now ISO timestamp, stamped on what is created.
 */
export function planEnrolment(checked: CheckedEnrolment, identity: Identity, held: MemberItems, now: string): EnrolmentPlan {
  const { request, person, policy, validFrom, validTo } = checked;
  const { memberId, idHash } = identity;
  const { toWrite } = mergeCategories(held.categories, checked.categories);
  const due = computeDue(policy, {
    scheme: request.scheme,
    employeeKind: request.employeeKind,
    monthlyBaseFen: request.monthlyBaseFen,
    validFrom,
    categories: codesOn([...held.categories, ...toWrite], validFrom),
  });
  // Nothing payable: fully subsidised, covered from the first day.
  const fullySubsidised = payableOf(due.shares) === 0;
  const seq = 1 + held.enrolments.filter((e) => e.year === request.year).reduce((max, e) => Math.max(max, e.seq), 0);
  const enrolmentId = enrolmentIdOf(memberId, request.year, seq);
  const pk = memberPk(memberId);

  const member: MemberItem = {
    pk,
    sk: PROFILE_SK,
    kind: 'member',
    memberId,
    idNumber: person.idNumber,
    idHash,
    gsi1pk: identityIndexKey(idHash),
    maskedId: person.maskedId,
    sex: person.sex,
    birthDate: person.birthDate,
    ...(request.name ? { name: request.name } : {}),
    categoriesVersion: held.member?.categoriesVersion ?? 0,
    outOfAreaVersion: held.member?.outOfAreaVersion ?? 0,
    createdAt: now,
  };
  const enrolment: EnrolmentItem = {
    pk,
    sk: enrolmentSk(request.year, seq),
    kind: 'enrolment',
    enrolmentId,
    memberId,
    maskedId: person.maskedId,
    idHash,
    year: request.year,
    seq,
    region: request.region,
    scheme: request.scheme,
    ...(request.employeeKind ? { employeeKind: request.employeeKind } : {}),
    ...(request.employerCode ? { employerCode: request.employerCode } : {}),
    ...(due.contributionBaseFen !== undefined ? { contributionBaseFen: due.contributionBaseFen } : {}),
    validFrom,
    validTo,
    status: fullySubsidised ? 'active' : 'pending-contribution',
    ...(fullySubsidised ? { activeFrom: validFrom } : {}),
    due: due.shares,
    paid: ZERO_SHARES,
    activationThresholdFen: due.activationThresholdFen,
    ...(due.subsidy ? { subsidy: due.subsidy } : {}),
    version: 0,
    policyVersion: policy.version,
    createdAt: now,
    updatedAt: now,
    gsi2pk: regionYearIndexKey(request.region, request.year),
    gsi2sk: `${memberId}#${String(seq).padStart(2, '0')}`,
  };
  const lock: PersonYearItem = {
    ...personYearKey(idHash, request.year),
    kind: 'person-year',
    memberId,
    enrolmentId,
    year: request.year,
    region: request.region,
    scheme: request.scheme,
  };
  const categories: CategoryItem[] = toWrite.map((c) => ({
    pk,
    sk: categorySk(c.validFrom, c.code),
    kind: 'category',
    memberId,
    code: c.code,
    validFrom: c.validFrom,
    ...(c.validTo ? { validTo: c.validTo } : {}),
    ...(c.reference ? { reference: c.reference } : {}),
    recordedAt: now,
  }));
  return { member, enrolment, lock, categories, due };
}
