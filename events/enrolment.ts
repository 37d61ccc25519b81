import * as z from 'zod';
import { DetailType, EventSource } from './catalog.ts';
import { defineEvent } from './contract.ts';

/**
 * Enrolment events: published by the enrolment function once the state they report is committed.
 *
 * They name a member by member id. None carries a name or a full ID number: MemberEnrolled may
 * carry the masked number (5101**********1234), and the schema itself refuses anything else in
 * that field, so an unmasked number cannot reach the bus even by mistake.
 */
const fen = z.number().int().nonnegative();
const regionCode = z.string().regex(/^\d{6}$/, 'a 6-digit region code');
const isoDate = z.iso.date();
const memberId = z.string().min(1);
export const maskedIdSchema = z.string().regex(/^\d{4}\*{10}\d{3}[\dX]$/, 'a masked ID number: first four and last four characters only');

export const sharesPayload = z.object({
  individualFen: fen,
  employerFen: fen,
  governmentFen: fen,
  assistanceFen: fen,
});

const enrolmentStatus = z.enum(['pending-contribution', 'active', 'closed']);

export const MemberEnrolled = defineEvent({
  source: EventSource.enrolment,
  detailType: DetailType.memberEnrolled,
  schemaVersion: 1,
  payload: z
    .object({
      memberId,
      maskedId: maskedIdSchema,
      enrolmentId: z.string().min(1),
      year: z.number().int(),
      /** The pooling region: the audit trail shows the event to that region's regulators. */
      region: regionCode,
      scheme: z.enum(['employee', 'resident']),
      employeeKind: z.enum(['employer', 'flexible']).optional(),
      validFrom: isoDate,
      validTo: isoDate,
      status: enrolmentStatus,
      /** The year's contribution, share by share, as the region's policy splits it. */
      due: sharesPayload,
      /** Category codes holding on the first day of cover. */
      categories: z.array(z.string()),
      /** Set when a category subsidy relieves the member's individual share. */
      subsidy: z.object({ category: z.string(), payer: z.enum(['government', 'assistance']), amountFen: fen }).optional(),
    })
    .strict(),
});

export const ContributionRecorded = defineEvent({
  source: EventSource.enrolment,
  detailType: DetailType.contributionRecorded,
  schemaVersion: 1,
  payload: z
    .object({
      memberId,
      enrolmentId: z.string().min(1),
      contributionId: z.string().min(1),
      year: z.number().int(),
      region: regionCode,
      /** The enrolment's scheme: whose fund the contribution goes to (absent on events before it was carried: resident). */
      scheme: z.enum(['employee', 'resident']).optional(),
      /** personal-account: paid from a family member's personal account (家庭共济). */
      channel: z.enum(['tax', 'counter', 'employer', 'subsidy', 'personal-account']),
      paidOn: isoDate,
      amountFen: fen,
      /** This contribution's split into the four shares (they add up to what it books). */
      shares: sharesPayload,
      /** The enrolment's state after it. */
      enrolmentStatus: enrolmentStatus,
      /** True when this contribution made the enrolment covered. */
      activated: z.boolean(),
      complete: z.boolean(),
    })
    .strict(),
});

export const MemberCategoryChanged = defineEvent({
  source: EventSource.enrolment,
  detailType: DetailType.memberCategoryChanged,
  schemaVersion: 1,
  payload: z
    .object({
      memberId,
      /** The member's pooling region when the category starts, if enrolled then. */
      region: regionCode.optional(),
      code: z.string().min(1),
      validFrom: isoDate,
      validTo: isoDate.optional(),
      change: z.enum(['added', 'period-changed']),
      /** Enrolments whose contribution was recomputed because of it (nothing paid yet). */
      recomputedEnrolments: z.array(z.string()).default([]),
    })
    .strict(),
});

export const EnrolmentTransferred = defineEvent({
  source: EventSource.enrolment,
  detailType: DetailType.enrolmentTransferred,
  schemaVersion: 1,
  payload: z
    .object({
      memberId,
      year: z.number().int(),
      /** The new pooling region (the audit trail files the event under it). */
      region: regionCode,
      transferDate: isoDate,
      from: z.object({ enrolmentId: z.string(), region: regionCode, validTo: isoDate }),
      to: z.object({ enrolmentId: z.string(), region: regionCode, validFrom: isoDate, status: enrolmentStatus }),
    })
    .strict(),
});

export const enrolmentEvents = [MemberEnrolled, ContributionRecorded, MemberCategoryChanged, EnrolmentTransferred] as const;

/**
 * Someone looked a member up by ID number (POST /v1/members/lookup): who, when (the envelope's time),
 * the masked number and whether a member was found. The audit trail keeps every look-up, so a
 * provider testing numbers against the register leaves a record a regulator can read.
 */
export const MemberLookedUp = defineEvent({
  source: EventSource.enrolment,
  detailType: DetailType.memberLookedUp,
  schemaVersion: 1,
  payload: z
    .object({
      lookupId: z.string().min(1),
      by: z.object({ role: z.enum(['staff', 'provider']), sub: z.string().min(1), providerCode: z.string().min(1).optional() }),
      maskedId: maskedIdSchema,
      found: z.boolean(),
      memberId: memberId.optional(),
    })
    .strict(),
});
