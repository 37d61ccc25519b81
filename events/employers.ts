import * as z from 'zod';
import { DetailType, EventSource } from './catalog.ts';
import { defineEvent } from './contract.ts';

/**
 * The employee scheme's collection side (职工医保缴费): employers, employment status and monthly
 * contributions. Published by the enrolment function through the one outbox, each in the same
 * transaction as the record it reports. They name a member by member id only (no name, no ID
 * number, not even a masked one) and an employer by its unified social credit code (统一社会信用代码,
 * public on every business licence).
 *
 * EmployeeContributionPaid is the contract personal accounts (个人账户) are credited from: one fact
 * per paid month per member, its `eventId` (`employee-contribution/<memberId>/<YYYY-MM>/EmployeeContributionPaid`)
 * the same on every publication, so a consumer credits a month once. Keep its shape stable: add
 * optional fields only; anything else is a new schemaVersion.
 */
const fen = z.number().int().nonnegative();
const regionCode = z.string().regex(/^\d{6}$/, 'a 6-digit region code');
const isoDate = z.iso.date();
const memberId = z.string().min(1);
/** 18 characters (GB 32100-2015); the check character is verified where the code is entered. */
export const creditCodeSchema = z
  .string()
  .regex(/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/, 'an 18-character unified social credit code');
export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');

/** 在职 (through an employer), 灵活就业 (flexible, paying both parts), 退休 (retired, paying nothing). */
export const EMPLOYMENT_STATUSES = ['in-service', 'flexible', 'retired'] as const;
export type EmploymentStatus = (typeof EMPLOYMENT_STATUSES)[number];

/**
 * monthly: an employer's contribution for a month, paid within the policy's grace period;
 * flexible: a flexible worker's own contribution for a month, paid within the grace period;
 * back-payment (补缴): a month paid after its grace period had run out, by either.
 */
export const EMPLOYEE_CONTRIBUTION_KINDS = ['monthly', 'back-payment', 'flexible'] as const;
export type EmployeeContributionKind = (typeof EMPLOYEE_CONTRIBUTION_KINDS)[number];

export const EmployerRecorded = defineEvent({
  source: EventSource.enrolment,
  detailType: DetailType.employerRecorded,
  schemaVersion: 1,
  payload: z
    .object({
      creditCode: creditCodeSchema,
      /** The pooling region the employer contributes in (the audit trail files the event under it). */
      region: regionCode,
      /** registered: the first entry; changed: a later entry of its append-only history. */
      change: z.enum(['registered', 'changed']),
      /** The entry's number in the employer's history (1 for the registration). */
      revision: z.number().int().positive(),
      /** The employer's name is public (business licence), not personal data. */
      name: z.string().min(1),
      status: z.enum(['active', 'closed']),
      validFrom: isoDate,
    })
    .strict(),
});

export const EmploymentRecorded = defineEvent({
  source: EventSource.enrolment,
  detailType: DetailType.employmentRecorded,
  schemaVersion: 1,
  payload: z
    .object({
      memberId,
      region: regionCode,
      status: z.enum(EMPLOYMENT_STATUSES),
      /** The employer, for in-service only. */
      employerCode: creditCodeSchema.optional(),
      validFrom: isoDate,
      /** A civil servant (公务员), in service or retired; absent otherwise (added compatibly: optional). */
      civilServant: z.boolean().optional(),
      /** The previous status's last day, when this one ends it. */
      previous: z.object({ status: z.enum(EMPLOYMENT_STATUSES), validFrom: isoDate, validTo: isoDate }).optional(),
    })
    .strict(),
});

export const EmployeeContributionPaid = defineEvent({
  source: EventSource.enrolment,
  detailType: DetailType.employeeContributionPaid,
  schemaVersion: 1,
  payload: z
    .object({
      memberId,
      /** The pooling region whose policy set the rates (and whose fund the pooled part goes to). */
      region: regionCode,
      /** The month paid for (not the month it was paid in: see paidOn). */
      month: monthSchema,
      /** The month's contribution base: the declared wage held between the policy's floor and ceiling. */
      wageBaseFen: fen,
      /** The wage declared for the month, before the floor and ceiling. */
      declaredWageFen: fen,
      /** The employer part (单位缴费); for a flexible worker the part paid in the employer's stead. */
      employerFen: fen,
      /** The individual part (个人缴费): what the 2021 reform credits to the personal account. */
      individualFen: fen,
      kind: z.enum(EMPLOYEE_CONTRIBUTION_KINDS),
      /** in-service (paid by the employer, the individual part withheld from wages) or flexible (paid by the member). */
      employmentStatus: z.enum(['in-service', 'flexible']),
      /** The employer that paid; absent for a flexible worker. */
      employerCode: creditCodeSchema.optional(),
      paidOn: isoDate,
      /** The enrolment (insurance year) the month belongs to. */
      enrolmentId: z.string().min(1),
      /** The version of the region's enrolment policy whose rates were applied. */
      policyVersion: z.number().int().positive(),
    })
    .strict(),
});

export const employerEvents = [EmployerRecorded, EmploymentRecorded, EmployeeContributionPaid] as const;
