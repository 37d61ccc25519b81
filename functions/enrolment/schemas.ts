/**
 * The enrolment API's shapes, as zod schemas: the request schemas (from the domain, so a bulk row
 * and a request are checked alike), path and query schemas, and the response schemas. The routes
 * validate with them and `openapi.ts` documents them, so the document cannot drift from the code.
 */
import * as z from 'zod';
import { MEMBER_ID_PATTERN } from '../../shared/enrolment/identity.ts';
import { ENROLMENT_STATUSES, OUT_OF_AREA_KINDS, CONTRIBUTION_CHANNELS } from '../../shared/enrolment/items.ts';
import { BULK_FORMATS, BULK_KINDS, MAX_ROWS_PER_REQUEST } from '../../shared/enrolment/bulk.ts';
import { regionCodeSchema } from '../../shared/enrolment/enrol.ts';
import { EMPLOYMENT_STATUSES } from '../../events/employers.ts';
import { coverageSchema } from './employer-schemas.ts';

export { enrolmentRequestSchema, categoryInputSchema } from '../../shared/enrolment/enrol.ts';
export { contributionRequestSchema } from '../../shared/enrolment/contribution-recording.ts';
export { categoryRequestSchema } from '../../shared/enrolment/category-change.ts';
export { transferRequestSchema } from '../../shared/enrolment/transfer.ts';
export { outOfAreaRequestSchema } from '../../shared/enrolment/out-of-area.ts';

// ---------------------------------------------------------------------------------------------
// Path and query
// ---------------------------------------------------------------------------------------------

export const memberIdSchema = z
  .string()
  .regex(MEMBER_ID_PATTERN, 'a member id: M and 16 base-32 characters')
  .meta({ example: 'M7Q2D9K4N8R1T5V3X' });
export const memberParams = z.object({ memberId: memberIdSchema });

export const eligibilityQuery = z.object({
  date: z.iso.date().optional().meta({ description: "The date of care (yyyy-mm-dd); today in the agency's calendar when left out" }),
});

export const listQuery = z.object({
  region: regionCodeSchema,
  year: z.coerce.number().int().min(2000).max(2100).meta({ example: 2025 }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2000).optional().meta({ description: 'nextCursor of the previous page' }),
});

export const lookupRequestSchema = z
  .object({
    idNumber: z.string().min(1).max(40).meta({ description: 'In the body, not the URL, so it never lands in an access log' }),
  })
  .strict()
  .meta({ id: 'LookupRequest' });

export const bulkRowSchema = z.object({ rowNumber: z.number().int().positive() }).catchall(z.unknown());

export const bulkRequestSchema = z
  .object({
    kind: z.enum(BULK_KINDS).default('enrolment'),
    /** Validate every row and say what would happen; write nothing. */
    dryRun: z.boolean().default(false),
    format: z.enum(BULK_FORMATS).optional().meta({ description: 'With content: how to read it' }),
    content: z.string().min(1).max(5_000_000).optional().meta({ description: 'A whole CSV or JSON-lines file (up to 1,000 rows)' }),
    rows: z
      .array(bulkRowSchema)
      .min(1)
      .max(MAX_ROWS_PER_REQUEST)
      .optional()
      .meta({ description: 'Rows already read from a file, each with its row number (what the enrol:bulk command sends)' }),
  })
  .strict()
  .superRefine((b, ctx) => {
    if ((b.content === undefined) === (b.rows === undefined))
      ctx.addIssue({ code: 'custom', path: ['rows'], message: 'give exactly one of content or rows' });
    if (b.content !== undefined && !b.format)
      ctx.addIssue({ code: 'custom', path: ['format'], message: 'content needs its format (csv or jsonl)' });
  })
  .meta({ id: 'BulkRequest' });
export type BulkRequest = z.infer<typeof bulkRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

const fen = z.number().int().nonnegative();
export const sharesSchema = z
  .object({ individualFen: fen, employerFen: fen, governmentFen: fen, assistanceFen: fen })
  .meta({ id: 'ContributionShares' });

export const memberSchema = z
  .object({
    memberId: z.string(),
    maskedId: z.string().meta({ example: '5325**********1239' }),
    sex: z.enum(['M', 'F']),
    birthDate: z.iso.date(),
    name: z.string().optional().meta({ description: 'Staff only' }),
  })
  .meta({ id: 'Member' });

export const enrolmentSchema = z
  .object({
    enrolmentId: z.string(),
    memberId: z.string(),
    year: z.number().int(),
    region: z.string(),
    scheme: z.enum(['employee', 'resident']),
    employeeKind: z.enum(['employer', 'flexible']).optional(),
    employerCode: z.string().optional(),
    validFrom: z.iso.date(),
    validTo: z.iso.date(),
    status: z.enum(ENROLMENT_STATUSES),
    activeFrom: z.iso.date().optional(),
    contribution: z.object({
      due: sharesSchema,
      paid: sharesSchema,
      totalDueFen: fen,
      outstandingFen: fen,
      /** The member-and-employer part that must be in before cover starts. */
      activationThresholdFen: fen,
      contributionBaseFen: fen.optional(),
      subsidy: z.object({ category: z.string(), payer: z.enum(['government', 'assistance']), amountFen: fen }).optional(),
    }),
    transferredFrom: z.object({ enrolmentId: z.string(), region: z.string() }).optional(),
    transferredTo: z.object({ enrolmentId: z.string(), region: z.string() }).optional(),
  })
  .meta({ id: 'Enrolment' });

export const categorySchema = z
  .object({
    code: z.string(),
    validFrom: z.iso.date(),
    validTo: z.iso.date().optional(),
    reference: z.string().optional(),
  })
  .meta({ id: 'Category' });

export const contributionSchema = z
  .object({
    contributionId: z.string(),
    enrolmentId: z.string(),
    year: z.number().int(),
    amountFen: fen,
    channel: z.enum(CONTRIBUTION_CHANNELS),
    paidOn: z.iso.date(),
    shares: sharesSchema,
  })
  .meta({ id: 'Contribution' });

export const outOfAreaSchema = z
  .object({
    kind: z.enum(OUT_OF_AREA_KINDS),
    region: z.string(),
    validFrom: z.iso.date(),
    validTo: z.iso.date().optional(),
    reference: z.string().optional(),
  })
  .meta({ id: 'OutOfAreaRegistration' });

const outcome = <T extends string>(...values: [T, ...T[]]) =>
  z.enum(values).meta({ description: 'What this request did; a repeat of a done request is unchanged (200) and writes nothing' });

export const enrolResponse = z
  .object({ outcome: outcome('enrolled', 'unchanged'), member: memberSchema, enrolment: enrolmentSchema })
  .meta({ id: 'EnrolResponse' });

export const memberRecordResponse = z
  .object({
    member: memberSchema,
    enrolments: z.array(enrolmentSchema),
    categories: z.array(categorySchema),
    contributions: z.array(contributionSchema),
    outOfArea: z.array(outOfAreaSchema),
  })
  .meta({ id: 'MemberRecord' });

export const listResponse = z
  .object({
    region: z.string(),
    year: z.number().int(),
    enrolments: z.array(enrolmentSchema.extend({ maskedId: z.string() })),
    nextCursor: z.string().optional(),
  })
  .meta({ id: 'EnrolmentList' });

export const lookupResponse = z.object({ memberId: z.string(), maskedId: z.string() }).meta({ id: 'LookupResponse' });

export const eligibilityResponse = z
  .object({
    memberId: z.string(),
    maskedId: z.string(),
    sex: z.enum(['M', 'F']),
    birthDate: z.iso.date(),
    ageYears: z.number().int().nonnegative(),
    date: z.iso.date(),
    eligible: z.boolean().meta({ description: 'Covered on that date: enrolled, contribution complete (or fully subsidised)' }),
    reason: z.enum(['active', 'pending-contribution', 'closed', 'suspended', 'not-enrolled']),
    enrolment: z
      .object({
        enrolmentId: z.string(),
        year: z.number().int(),
        region: z.string(),
        scheme: z.enum(['employee', 'resident']),
        employeeKind: z.enum(['employer', 'flexible']).optional(),
        status: z
          .enum([...ENROLMENT_STATUSES, 'suspended'])
          .meta({ description: "suspended: an employee's benefits suspended by arrears of contributions (coverage says why)" }),
        validFrom: z.iso.date(),
        validTo: z.iso.date(),
        activeFrom: z.iso.date().optional(),
        coverage: coverageSchema.optional().meta({
          description: 'For an employee with an employment status: what the monthly contributions (or retirement) say about the date',
        }),
      })
      .nullable(),
    employment: z
      .object({
        status: z.enum(EMPLOYMENT_STATUSES),
        employerCode: z.string().optional(),
        civilServant: z.boolean().optional(),
        validFrom: z.iso.date(),
        validTo: z.iso.date().optional(),
      })
      .optional()
      .meta({ description: 'The employment status (在职, 灵活就业, 退休) holding on the date' }),
    categories: z.array(categorySchema.omit({ reference: true })),
    outOfArea: z.array(outOfAreaSchema.omit({ reference: true })),
    accumulators: z.object({
      year: z.number().int(),
      version: z.number().int(),
      counters: z
        .record(z.string(), z.number().int())
        .meta({ description: "Year-to-date counters in fen, named by settlement (deductible met, each layer's payment …)" }),
    }),
    household: z
      .object({
        householdId: z.string(),
        accumulators: z.object({
          year: z.number().int(),
          version: z.number().int(),
          counters: z
            .record(z.string(), z.number().int())
            .meta({ description: "The household's year: the counters kept per household (familyCap.base, familyCap.paid)" }),
        }),
      })
      .nullable()
      .meta({ description: 'The household (家庭) the member belongs to on the date; null: a household of one' }),
  })
  .meta({ id: 'Eligibility' });

export const contributionResponse = z
  .object({ outcome: outcome('recorded', 'unchanged'), contribution: contributionSchema, enrolment: enrolmentSchema })
  .meta({ id: 'ContributionResponse' });
export const categoryResponse = z
  .object({
    outcome: outcome('added', 'period-changed', 'unchanged'),
    category: categorySchema,
    recomputedEnrolments: z.array(enrolmentSchema),
  })
  .meta({ id: 'CategoryResponse' });
export const transferResponse = z
  .object({ outcome: outcome('transferred', 'unchanged'), from: enrolmentSchema, to: enrolmentSchema })
  .meta({ id: 'TransferResponse' });
export const outOfAreaResponse = z
  .object({ outcome: outcome('registered', 'period-changed', 'unchanged'), registration: outOfAreaSchema })
  .meta({ id: 'OutOfAreaResponse' });

const problemSchema = z.object({ field: z.string(), rule: z.string(), message: z.string() });
export const bulkResponse = z
  .object({
    kind: z.enum(BULK_KINDS),
    dryRun: z.boolean(),
    received: z.number().int(),
    /** Rows written now (enrolled or recorded). */
    written: z.number().int(),
    /** Rows already done by an earlier run: nothing written. */
    unchanged: z.number().int(),
    /** Rows that passed every check (dry run: would be written). */
    valid: z.number().int(),
    rejected: z.number().int(),
    /** Rows not started before the request's time budget ran out: nothing written; send them again. */
    deferred: z.number().int(),
    rows: z
      .array(
        z.object({
          rowNumber: z.number().int(),
          outcome: z.enum(['enrolled', 'recorded', 'unchanged', 'valid', 'rejected', 'deferred']),
          memberId: z.string().optional(),
          enrolmentId: z.string().optional(),
          status: z
            .number()
            .int()
            .optional()
            .meta({ description: 'For a rejected row: the status a single request would have had (400, 404, 409)' }),
          problems: z.array(problemSchema).optional(),
          details: z.record(z.string(), z.unknown()).optional(),
        }),
      )
      .meta({ description: 'One entry per row, in row order' }),
  })
  .meta({ id: 'BulkReport' });
