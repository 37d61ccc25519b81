import * as z from 'zod';
import { DetailType, EventSource } from './catalog.ts';
import { defineEvent } from './contract.ts';

/**
 * The member registers' one event (shared/registers): every change to an entry (created, amended,
 * ended, revoked) of any register, committed in the same transaction as the change and its history
 * item. It names the member by id and the entry by its codes (disease group, provider, plan): never
 * a name, an ID number or a doctor's name. A consumer keeps what it needs (e.g. a count of approvals
 * per disease group) by register, entry id and version, and applies each version once.
 */
export const RegisterEntryChanged = defineEvent({
  source: EventSource.enrolment,
  detailType: DetailType.registerEntryChanged,
  schemaVersion: 1,
  payload: z
    .object({
      /** chronic-approvals, family-doctor-contracts, supplementary-plans (households reuse it). */
      register: z.string().regex(/^[a-z-]{1,40}$/),
      memberId: z.string().min(1),
      entryId: z.string().min(1).max(120),
      /** The pooling region: the audit trail shows the event to that region's regulators. */
      region: z.string().regex(/^\d{6}$/, 'a 6-digit region code'),
      change: z.enum(['created', 'amended', 'ended', 'revoked']),
      /** The entry's version after the change (1 when created). */
      version: z.number().int().positive(),
      validFrom: z.iso.date(),
      validTo: z.iso.date(),
      status: z.enum(['active', 'ended', 'revoked']),
      /** The entry's code: disease group, contracted provider, plan code. */
      subject: z.string().min(1).max(60),
      /** The provider the entry names: an approval's certifying provider, a contract's provider (per-capita counts follow it). */
      providerCode: z
        .string()
        .regex(/^[A-Z0-9]{4,20}$/)
        .optional(),
      /** Who changed it: a role, and the provider when a provider did. */
      by: z.object({ role: z.enum(['staff', 'provider']), providerCode: z.string().optional() }).strict(),
    })
    .strict(),
});

/**
 * The agency certified a provider (or changed or withdrew its certification: an empty list) to
 * approve chronic-disease groups in a region for a period: a new version of the certification.
 */
export const ProviderCertified = defineEvent({
  source: EventSource.enrolment,
  detailType: DetailType.providerCertified,
  schemaVersion: 1,
  payload: z
    .object({
      providerCode: z.string().regex(/^[A-Z0-9]{4,20}$/),
      register: z.literal('chronic-approvals'),
      region: z.string().regex(/^\d{6}$/, 'a 6-digit region code'),
      version: z.number().int().positive(),
      diseaseGroups: z.array(z.string()),
      validFrom: z.iso.date(),
      validTo: z.iso.date(),
    })
    .strict(),
});
