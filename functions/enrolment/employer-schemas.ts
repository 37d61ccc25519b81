/**
 * The employee scheme's API shapes (employers, employment status, monthly contributions), as zod
 * schemas: requests come from the domain (shared/employers), so a bulk row and a request are
 * checked alike; the routes validate with them and employer-openapi.ts documents them.
 */
import * as z from 'zod';
import { EMPLOYEE_CONTRIBUTION_KINDS, EMPLOYMENT_STATUSES } from '../../events/employers.ts';
import { BULK_FORMATS } from '../../shared/enrolment/bulk.ts';
import { regionCodeSchema } from '../../shared/enrolment/enrol.ts';
import { creditCodeInput } from '../../shared/employers/employer.ts';
import { EMPLOYER_STATUSES, MONTHLY_CHANNELS } from '../../shared/employers/items.ts';
import { MAX_CONTRIBUTION_ROWS } from '../../shared/employers/bulk.ts';

export { employerRequestSchema, employerChangeSchema } from '../../shared/employers/employer.ts';
export { employmentRequestSchema } from '../../shared/employers/employment.ts';
export { monthlyContributionRequestSchema } from '../../shared/employers/contribution.ts';

export const employerParams = z.object({ creditCode: creditCodeInput.meta({ example: '91330900MA28K3LQ0U' }) });
export const employerListQuery = z.object({
  region: regionCodeSchema,
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2000).optional().meta({ description: 'nextCursor of the previous page' }),
});
export const employeeContributionsQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100).meta({ example: 2025 }),
});

const fen = z.number().int().nonnegative();

export const employerSchema = z
  .object({
    creditCode: z.string(),
    name: z.string(),
    region: z.string(),
    status: z.enum(EMPLOYER_STATUSES),
    validFrom: z.iso.date(),
    revision: z.number().int(),
    registeredAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Employer' });
export const employerRevisionSchema = z
  .object({
    revision: z.number().int(),
    change: z.enum(['registered', 'changed']),
    name: z.string(),
    region: z.string(),
    status: z.enum(EMPLOYER_STATUSES),
    validFrom: z.iso.date(),
    reason: z.string().optional(),
    recordedAt: z.string(),
    recordedBy: z.string(),
  })
  .meta({ id: 'EmployerRevision' });
export const employerResponse = z
  .object({ outcome: z.enum(['registered', 'changed', 'unchanged']), employer: employerSchema })
  .meta({ id: 'EmployerResponse' });
export const employerRecordResponse = z
  .object({ employer: employerSchema, history: z.array(employerRevisionSchema) })
  .meta({ id: 'EmployerRecord' });
export const employerListResponse = z
  .object({ region: z.string(), employers: z.array(employerSchema), nextCursor: z.string().optional() })
  .meta({ id: 'EmployerList' });

export const employmentSchema = z
  .object({
    status: z.enum(EMPLOYMENT_STATUSES),
    employerCode: z.string().optional(),
    region: z.string(),
    validFrom: z.iso.date(),
    validTo: z.iso.date().optional(),
    contributionYears: z.number().int().optional(),
    civilServant: z.boolean().optional(),
    reference: z.string().optional(),
    recordedAt: z.string(),
  })
  .meta({ id: 'Employment' });
export const employmentResponse = z
  .object({ outcome: z.enum(['recorded', 'unchanged']), employment: employmentSchema, ended: employmentSchema.optional() })
  .meta({ id: 'EmploymentResponse' });

export const monthlyContributionSchema = z
  .object({
    month: z.string(),
    enrolmentId: z.string(),
    region: z.string(),
    employmentStatus: z.enum(['in-service', 'flexible']),
    employerCode: z.string().optional(),
    declaredWageFen: fen,
    wageBaseFen: fen.meta({ description: 'The declared wage held between the policy’s floor and ceiling' }),
    employerFen: fen.meta({ description: 'The employer part (单位缴费); a flexible worker pays it himself' }),
    individualFen: fen.meta({ description: 'The individual part (个人缴费)' }),
    contributionKind: z.enum(EMPLOYEE_CONTRIBUTION_KINDS),
    paidOn: z.iso.date(),
    channel: z.enum(MONTHLY_CHANNELS),
    reference: z.string().optional(),
    policyVersion: z.number().int(),
    recordedAt: z.string(),
  })
  .meta({ id: 'EmployeeMonthlyContribution' });
export const monthlyContributionResponse = z
  .object({ outcome: z.enum(['recorded', 'unchanged']), contribution: monthlyContributionSchema })
  .meta({ id: 'EmployeeContributionResponse' });

export const coverageSchema = z
  .object({
    status: z.enum(['covered', 'suspended', 'pending-contribution']),
    basis: z.enum(['retired', 'paid', 'grace', 'back-paid']).optional(),
    rule: z.string().optional(),
    message: z.string(),
    arrearsMonths: z.array(z.string()).optional(),
    resumesOn: z.iso.date().optional(),
  })
  .meta({ id: 'EmployeeCoverage' });

export const employeeYearResponse = z
  .object({
    memberId: z.string(),
    year: z.number().int(),
    months: z.array(
      z.object({
        month: z.string(),
        /** paid / back-paid / unpaid for a contributing month; retired, or not-employed without a status. */
        payment: z.enum(['paid', 'back-paid', 'unpaid', 'retired', 'not-employed']),
        contribution: monthlyContributionSchema.optional(),
        coverage: coverageSchema
          .optional()
          .meta({ description: "Coverage on the month's last day (today, for the current month); absent for months to come" }),
      }),
    ),
    totals: z.object({ employerFen: fen, individualFen: fen, months: z.number().int() }),
    /** Months of employment up to today with no contribution recorded. */
    arrearsMonths: z.array(z.string()),
  })
  .meta({ id: 'EmployeeContributionYear' });

export const contributionBulkRequestSchema = z
  .object({
    format: z.enum(BULK_FORMATS).default('csv'),
    content: z
      .string()
      .min(1)
      .max(5_000_000)
      .meta({
        description: `A whole CSV or JSON-lines file of up to ${MAX_CONTRIBUTION_ROWS} rows; CSV header: idNumber,month,employerCode,declaredWageFen,paidOn,channel,reference`,
      }),
    dryRun: z.boolean().default(false).meta({ description: 'Check every row and say what would happen; write nothing' }),
  })
  .strict()
  .meta({ id: 'EmployeeContributionBulkRequest' });

const problemSchema = z.object({ field: z.string(), rule: z.string(), message: z.string() });
export const contributionBulkResponse = z
  .object({
    dryRun: z.boolean(),
    received: z.number().int(),
    recorded: z.number().int(),
    unchanged: z.number().int(),
    valid: z.number().int(),
    rejected: z.number().int(),
    rows: z.array(
      z.object({
        rowNumber: z.number().int(),
        outcome: z.enum(['recorded', 'unchanged', 'valid', 'rejected']),
        memberId: z.string().optional(),
        month: z.string().optional(),
        contributionKind: z.enum(EMPLOYEE_CONTRIBUTION_KINDS).optional(),
        status: z.number().int().optional(),
        problems: z.array(problemSchema).optional(),
      }),
    ),
  })
  .meta({ id: 'EmployeeContributionBulkReport' });
