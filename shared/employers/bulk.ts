/**
 * Monthly contribution files from employers or the tax bureau (职工医保缴费明细), pure: a row's text
 * cells into the request a single contribution takes. Files are read by shared/enrolment/bulk.ts
 * (`readBulkText`: CSV or JSON-lines, row numbers as a spreadsheet shows them); every row is then
 * checked and decided exactly as a single request (contribution.ts).
 *
 * CSV header: idNumber,month,employerCode,declaredWageFen,paidOn,channel,reference
 *   idNumber         the person (the tax side does not know member ids); or a memberId column instead
 *   employerCode     the paying employer's credit code; blank for a flexible worker
 *   declaredWageFen  the month's declared wage in fen
 */
import * as z from 'zod';
import { blankToUndefined, convertCells, toInteger } from '../enrolment/bulk.ts';
import { MEMBER_ID_PATTERN } from '../enrolment/identity.ts';
import { monthlyContributionRequestSchema } from './contribution.ts';

export const CONTRIBUTION_FILE_COLUMNS = [
  'idNumber',
  'month',
  'employerCode',
  'declaredWageFen',
  'paidOn',
  'channel',
  'reference',
] as const;

/** Rows one request may carry (each row is a read and a transaction: well inside a Lambda's 29 s). */
export const MAX_CONTRIBUTION_ROWS = 500;

/** A row names the person by ID number (the tax side's files) or by member id (the agency's own). */
export const contributionRowSchema = monthlyContributionRequestSchema
  .extend({
    idNumber: z.string().min(1).max(40).optional(),
    memberId: z.string().regex(MEMBER_ID_PATTERN, 'a member id: M and 16 base-32 characters').optional(),
  })
  .strict()
  .superRefine((row, ctx) => {
    if ((row.idNumber === undefined) === (row.memberId === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['idNumber'],
        message: 'each row names the person by idNumber or by memberId (one of them)',
        params: { rule: 'person_required' },
      });
    }
  });
export type ContributionRow = z.infer<typeof contributionRowSchema>;

export const contributionRowInput = (record: Record<string, unknown>) =>
  convertCells(record, { declaredWageFen: toInteger, employerCode: blankToUndefined });
