/**
 * The member registers' API shapes (routes/registers.ts validates with them, openapi.ts documents
 * them): path parameters, the amend / end bodies, the bulk request, and the entry with its history.
 * The create bodies are the registers' own (shared/registers/registers.ts).
 */
import * as z from 'zod';
import { ACTIONS_SCHEMA } from '../../shared/registers/bulk.ts';
import { CHANGES, ENTRY_STATUSES } from '../../shared/registers/entry.ts';
import { approvalRequestSchema, contractRequestSchema, planRequestSchema, REGISTER_NAMES } from '../../shared/registers/registers.ts';
import { BULK_FORMATS, MAX_ROWS_PER_REQUEST } from '../../shared/enrolment/bulk.ts';
import { memberIdSchema } from './schemas.ts';

export { approvalRequestSchema, contractRequestSchema, planRequestSchema };

export const registerNameSchema = z
  .enum(REGISTER_NAMES)
  .meta({ description: 'chronic-approvals (门诊慢特病认定), family-doctor-contracts (家庭医生签约), supplementary-plans (惠民保)' });
const entryIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,120}$/, 'an entry id as the register returned it');

export const registerParams = z.object({ memberId: memberIdSchema, register: registerNameSchema });
export const entryParams = registerParams.extend({ entryId: entryIdSchema });
export const bulkRegisterParams = z.object({ register: registerNameSchema });

/** Any register's create body (the path says which; the route validates with that register's schema). */
export const createRegisterEntryBody = z.union([approvalRequestSchema, contractRequestSchema, planRequestSchema]).meta({
  id: 'RegisterEntryRequest',
  description: "The register's own body: see ChronicApprovalRequest, FamilyDoctorContractRequest, SupplementaryPlanRequest",
});

const reason = z.string().min(1).max(500).meta({ description: 'Why (kept in the history)' });
const expectedVersion = z
  .number()
  .int()
  .positive()
  .optional()
  .meta({ description: 'The version read; if the entry has changed since, 409 (the change would undo what it did not see)' });

export const amendBody = z
  .strictObject({
    validFrom: z.iso.date().optional(),
    validTo: z.iso.date().optional(),
    payload: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: 'Fields of the register to change (not the ones naming the entry)' }),
    reason,
    expectedVersion,
  })
  .meta({ id: 'RegisterAmendment' });

export const endBody = z
  .strictObject({
    action: z
      .enum(['end', 'revoke'])
      .meta({ description: 'end: it held until endDate; revoke: void from its first day (recorded in error)' }),
    endDate: z.iso.date().optional(),
    reason,
    expectedVersion,
  })
  .superRefine((b, ctx) => {
    if (b.action === 'end' && !b.endDate)
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'ending an entry names its last day', params: { rule: 'required' } });
  })
  .meta({ id: 'RegisterEnd' });

export const registerBulkBody = z
  .strictObject({
    dryRun: z.boolean().default(false),
    format: z.enum(BULK_FORMATS),
    content: z.string().min(1).max(5_000_000).meta({ description: 'A whole CSV or JSON-lines file (up to 1,000 rows)' }),
    action: ACTIONS_SCHEMA,
  })
  .meta({ id: 'RegisterBulkRequest' });

const actorView = z.object({ role: z.enum(['staff', 'provider']), sub: z.string(), providerCode: z.string().optional() });

export const historyView = z.object({
  version: z.number().int(),
  change: z.enum(CHANGES),
  at: z.string(),
  by: actorView,
  reason: z.string().optional(),
  after: z.object({
    validFrom: z.string(),
    validTo: z.string(),
    status: z.enum(ENTRY_STATUSES),
    payload: z.record(z.string(), z.unknown()),
  }),
});

export const entryView = z
  .object({
    register: registerNameSchema,
    entryId: z.string(),
    memberId: z.string(),
    region: z.string(),
    validFrom: z.string(),
    validTo: z.string(),
    status: z.enum(ENTRY_STATUSES),
    version: z.number().int(),
    payload: z.record(z.string(), z.unknown()),
    created: z.object({ at: z.string(), by: actorView }),
    updated: z.object({ at: z.string(), by: actorView }),
    history: z.array(historyView).optional(),
  })
  .meta({ id: 'RegisterEntry' });

export const changeResponse = z.object({ outcome: z.enum([...CHANGES, 'unchanged']), entry: entryView }).meta({ id: 'RegisterChange' });

export const listRegisterQuery = z.object({
  date: z.iso.date().optional().meta({ description: 'Only entries holding on this date' }),
});
export const listRegisterResponse = z
  .object({ memberId: z.string(), register: registerNameSchema, entries: z.array(entryView) })
  .meta({ id: 'RegisterEntries' });

export const registerBulkResponse = z
  .object({
    register: registerNameSchema,
    action: z.string(),
    dryRun: z.boolean(),
    received: z.number().int(),
    written: z.number().int(),
    unchanged: z.number().int(),
    rejected: z.number().int(),
    rows: z.array(
      z.object({
        rowNumber: z.number().int(),
        outcome: z.string(),
        memberId: z.string().optional(),
        entryId: z.string().optional(),
        problems: z.array(z.object({ field: z.string(), rule: z.string(), message: z.string() })).optional(),
      }),
    ),
  })
  .meta({ id: 'RegisterBulkReport' });

export const MAX_REGISTER_ROWS = MAX_ROWS_PER_REQUEST;
