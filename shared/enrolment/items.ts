/**
 * The items enrolment keeps in the members table, their keys, and the schemas they are read back
 * through (what comes out of the table is validated like any other input).
 *
 *   MEMBER#<id>      PROFILE                     the person: the ID number lives here and only here
 *   MEMBER#<id>      ENROL#<yyyy>#<nn>           an enrolment (nn counts a year's enrolments: a transfer opens the next)
 *   MEMBER#<id>      CAT#<validFrom>#<code>      an assistance-category period
 *   MEMBER#<id>      CONTRIB#<yyyy>#<id>         a recorded contribution (its id is the collection side's receipt)
 *   MEMBER#<id>      OOA#<validFrom>#<region>    an out-of-area registration (异地就医备案)
 *   MEMBER#<id>      EMPLOY#… / MONTH#…          employment status and monthly contributions (shared/employers/items.ts)
 *   PERSON#<hash>    YEAR#<yyyy>                 the lock: the one open enrolment of a person in a year
 *   MEMBER#<id>      REG#… REGLOG#… REGLOCK#…     the member registers (shared/registers/entry.ts)
 *
 * The profile carries gsi1pk = IDNO#<hash> (find by ID number); an enrolment carries
 * gsi2pk = REGION#<code>#YEAR#<yyyy> (list a region).
 */
import * as z from 'zod';
import { sortRegisterItems, type RegisterItems } from '../registers/entry.ts';
import {
  employmentItemSchema,
  monthlyContributionItemSchema,
  type EmploymentItem,
  type MonthlyContributionItem,
} from '../employers/items.ts';

export const memberPk = (memberId: string) => `MEMBER#${memberId}`;
export const PROFILE_SK = 'PROFILE';
export const enrolmentSk = (year: number, seq: number) => `ENROL#${year}#${String(seq).padStart(2, '0')}`;
export const categorySk = (validFrom: string, code: string) => `CAT#${validFrom}#${code}`;
export const contributionSk = (year: number, contributionId: string) => `CONTRIB#${year}#${contributionId}`;
export const outOfAreaSk = (validFrom: string, region: string) => `OOA#${validFrom}#${region}`;
export const personYearKey = (idHash: string, year: number) => ({ pk: `PERSON#${idHash}`, sk: `YEAR#${year}` });
export const identityIndexKey = (idHash: string) => `IDNO#${idHash}`;
export const regionYearIndexKey = (region: string, year: number) => `REGION#${region}#YEAR#${year}`;
/** MEMBER-2025-01: readable, unique, and it says which member and year it belongs to. */
export const enrolmentIdOf = (memberId: string, year: number, seq: number) => `${memberId}-${year}-${String(seq).padStart(2, '0')}`;

const fen = z.number().int().nonnegative();
const isoDate = z.iso.date();

export const sharesSchema = z.object({ individualFen: fen, employerFen: fen, governmentFen: fen, assistanceFen: fen });

export const ENROLMENT_STATUSES = ['pending-contribution', 'active', 'closed'] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];

export const memberItemSchema = z.object({
  pk: z.string(),
  sk: z.literal(PROFILE_SK),
  kind: z.literal('member'),
  memberId: z.string(),
  idNumber: z.string(),
  idHash: z.string(),
  gsi1pk: z.string(),
  maskedId: z.string(),
  sex: z.enum(['M', 'F']),
  birthDate: isoDate,
  name: z.string().optional(),
  /**
   * Bumped by every category write. An enrolment's transaction is conditional on the value it
   * read, so the subsidy it computed cannot miss a category committed in between.
   */
  categoriesVersion: z.number().int().nonnegative().default(0),
  /** Bumped by every out-of-area registration write, so two overlapping ones cannot both pass. */
  outOfAreaVersion: z.number().int().nonnegative().default(0),
  /** Bumped by every employment-status write (shared/employers/store), so two statuses recorded at once cannot both pass. */
  employmentVersion: z.number().int().nonnegative().optional(),
  createdAt: z.string(),
});
export type MemberItem = z.infer<typeof memberItemSchema>;

export const enrolmentItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  kind: z.literal('enrolment'),
  enrolmentId: z.string(),
  memberId: z.string(),
  maskedId: z.string(),
  /** The lock's key, so a transfer can move the lock without reading the profile. */
  idHash: z.string(),
  year: z.number().int(),
  seq: z.number().int().positive(),
  region: z.string(),
  scheme: z.enum(['employee', 'resident']),
  employeeKind: z.enum(['employer', 'flexible']).optional(),
  employerCode: z.string().optional(),
  contributionBaseFen: fen.optional(),
  validFrom: isoDate,
  validTo: isoDate,
  /** The record's state now; what held on a past date is worked out from activeFrom and validTo. */
  status: z.enum(ENROLMENT_STATUSES),
  /** First day of cover: set when the payable part reached the threshold (or at once if fully subsidised). */
  activeFrom: isoDate.optional(),
  due: sharesSchema,
  paid: sharesSchema,
  activationThresholdFen: fen,
  subsidy: z.object({ category: z.string(), payer: z.enum(['government', 'assistance']), amountFen: fen }).optional(),
  closedReason: z.enum(['transferred']).optional(),
  transferredTo: z.object({ enrolmentId: z.string(), region: z.string() }).optional(),
  transferredFrom: z.object({ enrolmentId: z.string(), region: z.string() }).optional(),
  /** Optimistic lock: every update is conditional on the version it read. */
  version: z.number().int().nonnegative(),
  policyVersion: z.number().int().positive(),
  createdAt: z.string(),
  updatedAt: z.string(),
  gsi2pk: z.string(),
  gsi2sk: z.string(),
});
export type EnrolmentItem = z.infer<typeof enrolmentItemSchema>;

export const personYearItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  kind: z.literal('person-year'),
  memberId: z.string(),
  enrolmentId: z.string(),
  year: z.number().int(),
  region: z.string(),
  scheme: z.enum(['employee', 'resident']),
});
export type PersonYearItem = z.infer<typeof personYearItemSchema>;

export const categoryItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  kind: z.literal('category'),
  memberId: z.string(),
  code: z.string(),
  validFrom: isoDate,
  validTo: isoDate.optional(),
  reference: z.string().optional(),
  recordedAt: z.string(),
});
export type CategoryItem = z.infer<typeof categoryItemSchema>;

/** personal-account: paid from a family member's employee personal account (家庭共济), by the accounts function. */
export const CONTRIBUTION_CHANNELS = ['tax', 'counter', 'employer', 'subsidy', 'personal-account'] as const;

export const contributionItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  kind: z.literal('contribution'),
  memberId: z.string(),
  enrolmentId: z.string(),
  year: z.number().int(),
  contributionId: z.string(),
  amountFen: fen,
  channel: z.enum(CONTRIBUTION_CHANNELS),
  paidOn: isoDate,
  shares: sharesSchema,
  recordedAt: z.string(),
});
export type ContributionItem = z.infer<typeof contributionItemSchema>;

export const OUT_OF_AREA_KINDS = ['long-term-residence', 'work-elsewhere', 'relocated-retiree', 'referral', 'temporary'] as const;

export const outOfAreaItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  kind: z.literal('out-of-area'),
  memberId: z.string(),
  /** 异地长期居住, 常驻异地工作, 异地安置退休, 转诊转院, 临时外出就医. */
  registrationKind: z.enum(OUT_OF_AREA_KINDS),
  /** Where the member lives or works: a 6-digit region code. */
  region: z.string(),
  validFrom: isoDate,
  validTo: isoDate.optional(),
  reference: z.string().optional(),
  recordedAt: z.string(),
});
export type OutOfAreaItem = z.infer<typeof outOfAreaItemSchema>;

/** Everything under MEMBER#<id>, sorted by kind. */
export interface MemberItems {
  member?: MemberItem | undefined;
  enrolments: EnrolmentItem[];
  categories: CategoryItem[];
  contributions: ContributionItem[];
  outOfArea: OutOfAreaItem[];
  /** The member registers' entries, history and locks (shared/registers/entry.ts); absent in a literal built without them. */
  registers?: RegisterItems;
  /** Employment-status periods (在职, 灵活就业, 退休); absent in items built before the employee scheme had them. */
  employment?: EmploymentItem[];
  /** Employees' monthly contributions, one per month. */
  months?: MonthlyContributionItem[];
}

/** Sorts raw items of one member partition by their sort-key prefix and validates each. */
export function sortMemberItems(raw: readonly Record<string, unknown>[]): MemberItems {
  const out: MemberItems & Required<Pick<MemberItems, 'employment' | 'months'>> = {
    enrolments: [],
    categories: [],
    contributions: [],
    outOfArea: [],
    registers: sortRegisterItems(raw),
    employment: [],
    months: [],
  };
  for (const item of raw) {
    const sk = String(item.sk);
    if (sk === PROFILE_SK) out.member = memberItemSchema.parse(item);
    else if (sk.startsWith('ENROL#')) out.enrolments.push(enrolmentItemSchema.parse(item));
    else if (sk.startsWith('CAT#')) out.categories.push(categoryItemSchema.parse(item));
    else if (sk.startsWith('CONTRIB#')) out.contributions.push(contributionItemSchema.parse(item));
    else if (sk.startsWith('OOA#')) out.outOfArea.push(outOfAreaItemSchema.parse(item));
    else if (sk.startsWith('EMPLOY#')) out.employment.push(employmentItemSchema.parse(item));
    else if (sk.startsWith('MONTH#')) out.months.push(monthlyContributionItemSchema.parse(item));
  }
  out.enrolments.sort((a, b) => a.year - b.year || a.seq - b.seq);
  return out;
}
