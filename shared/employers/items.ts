/**
 * What the employee scheme keeps in the members table, its keys, and the schemas the items are
 * read back through:
 *
 *   EMPLOYER#<code>  PROFILE              an employer as it stands now (gsi2pk = EMPLOYERS#<region>, gsi2sk = <code>)
 *   EMPLOYER#<code>  REV#<nnnn>           each entry of its append-only history (registration, then every change)
 *   MEMBER#<id>      EMPLOY#<validFrom>   an employment-status period (在职 with an employer, 灵活就业, 退休)
 *   MEMBER#<id>      MONTH#<YYYY-MM>      a month's contribution: one per member and month, whoever paid it
 *
 * A month's key is the member and the month, so recording the same month again finds it (unchanged,
 * or a conflict naming the record), and two employers cannot both pay one member's month.
 */
import * as z from 'zod';
import { EMPLOYEE_CONTRIBUTION_KINDS, EMPLOYMENT_STATUSES } from '../../events/employers.ts';

/** The member partition (the same key as shared/enrolment/items.ts memberPk). */
export const memberPkOf = (memberId: string) => `MEMBER#${memberId}`;
export const employerPk = (creditCode: string) => `EMPLOYER#${creditCode}`;
export const EMPLOYER_PROFILE_SK = 'PROFILE';
export const employerRevisionSk = (revision: number) => `REV#${String(revision).padStart(4, '0')}`;
export const employerRegionIndexKey = (region: string) => `EMPLOYERS#${region}`;
export const employmentSk = (validFrom: string) => `EMPLOY#${validFrom}`;
export const monthlyContributionSk = (month: string) => `MONTH#${month}`;

const fen = z.number().int().nonnegative();
const isoDate = z.iso.date();

export const EMPLOYER_STATUSES = ['active', 'closed'] as const;
export const MONTHLY_CHANNELS = ['employer', 'tax', 'counter'] as const;

/** The fields of an employer an entry of its history sets. */
const employerFields = {
  creditCode: z.string(),
  name: z.string(),
  region: z.string(),
  status: z.enum(EMPLOYER_STATUSES),
  /** From when this entry's facts hold (a change of name or region dates from here). */
  validFrom: isoDate,
  revision: z.number().int().positive(),
};

export const employerItemSchema = z.object({
  pk: z.string(),
  sk: z.literal(EMPLOYER_PROFILE_SK),
  kind: z.literal('employer'),
  ...employerFields,
  registeredAt: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  gsi2pk: z.string(),
  gsi2sk: z.string(),
});
export type EmployerItem = z.infer<typeof employerItemSchema>;

export const employerRevisionItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  kind: z.literal('employer-revision'),
  ...employerFields,
  change: z.enum(['registered', 'changed']),
  reason: z.string().optional(),
  recordedAt: z.string(),
  recordedBy: z.string(),
});
export type EmployerRevisionItem = z.infer<typeof employerRevisionItemSchema>;

export const employmentItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  kind: z.literal('employment'),
  memberId: z.string(),
  status: z.enum(EMPLOYMENT_STATUSES),
  /** The employer, in-service only. */
  employerCode: z.string().optional(),
  /** The pooling region of the employee enrolment it was recorded against. */
  region: z.string(),
  validFrom: isoDate,
  /** Set when the next status begins (the day before it); open while it holds. */
  validTo: isoDate.optional(),
  /** Retirees: the years of contribution (actual plus deemed) the policy's minimum was checked against. */
  contributionYears: z.number().int().nonnegative().optional(),
  /** A civil servant (公务员): the member group civil-servant, for 公务员医疗补助. */
  civilServant: z.boolean().optional(),
  reference: z.string().optional(),
  recordedAt: z.string(),
  recordedBy: z.string(),
});
export type EmploymentItem = z.infer<typeof employmentItemSchema>;

export const monthlyContributionItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  kind: z.literal('employee-month'),
  memberId: z.string(),
  month: z.string(),
  enrolmentId: z.string(),
  region: z.string(),
  employmentStatus: z.enum(['in-service', 'flexible']),
  employerCode: z.string().optional(),
  declaredWageFen: fen,
  wageBaseFen: fen,
  employerFen: fen,
  individualFen: fen,
  contributionKind: z.enum(EMPLOYEE_CONTRIBUTION_KINDS),
  paidOn: isoDate,
  channel: z.enum(MONTHLY_CHANNELS),
  reference: z.string().optional(),
  policyVersion: z.number().int().positive(),
  recordedAt: z.string(),
  recordedBy: z.string(),
});
export type MonthlyContributionItem = z.infer<typeof monthlyContributionItemSchema>;
