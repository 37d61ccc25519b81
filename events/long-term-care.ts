import * as z from 'zod';
import { DetailType, EventSource } from './catalog.ts';
import { defineEvent } from './contract.ts';

/**
 * Long-term care insurance (长期护理保险): published by functions/long-term-care through the one
 * outbox, each in the transaction of the record it reports. A member is named by member id only;
 * an assessor by the staff id their token carries; a care institution by its provider code.
 * Event ids are the facts' keys (e.g. `ltc-assessment/<id>/<seq>/CareAssessmentStepRecorded`,
 * `care-claim/<provider>/<member>/<month>/<settlementNo>/CareClaimSettled`).
 */
const regionCode = z.string().regex(/^\d{6}$/, 'a 6-digit region code');
const providerCode = z.string().regex(/^[A-Z0-9]{4,20}$/);
const fen = z.number().int().nonnegative();
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');
const level = z.number().int().min(0).max(5);
const settings = z.enum(['institutional', 'home-care', 'family-carer']);
const careRule = z.enum(['care-during-hospital-stay', 'care-after-death', 'hours-beyond-level', 'members-beyond-beds']);

/** The agency certified a registered provider as a care institution (定点护理机构): settings and beds, a new version. */
export const CareInstitutionCertified = defineEvent({
  source: EventSource.longTermCare,
  detailType: DetailType.careInstitutionCertified,
  schemaVersion: 1,
  payload: z
    .object({
      providerCode,
      region: regionCode,
      version: z.number().int().positive(),
      settings: z.array(settings),
      beds: z.number().int().nonnegative(),
      validFrom: z.iso.date(),
      validTo: z.iso.date(),
    })
    .strict(),
});

/** One step of a disability assessment (失能评估), as its append-only log recorded it: who and when. */
export const CareAssessmentStepRecorded = defineEvent({
  source: EventSource.longTermCare,
  detailType: DetailType.careAssessmentStepRecorded,
  schemaVersion: 1,
  payload: z
    .object({
      assessmentId: z.string().min(1),
      memberId: z.string().min(1),
      region: regionCode,
      assessingRegion: regionCode,
      seq: z.number().int().positive(),
      step: z.enum(['applied', 'assigned', 'scored', 'confirmed', 'returned', 'concluded', 'appealed']),
      round: z.number().int().positive(),
      by: z.object({ role: z.enum(['staff', 'provider']), id: z.string().min(1) }).strict(),
      at: z.iso.datetime({ offset: true }),
    })
    .strict(),
});

/** A round concluded: the member's level by the national standard, in force for the result's validity. */
export const CareLevelDetermined = defineEvent({
  source: EventSource.longTermCare,
  detailType: DetailType.careLevelDetermined,
  schemaVersion: 1,
  payload: z
    .object({
      assessmentId: z.string().min(1),
      memberId: z.string().min(1),
      region: regionCode,
      assessingRegion: regionCode,
      round: z.number().int().positive(),
      level,
      qualifies: z.boolean(),
      validFrom: z.iso.date(),
      validTo: z.iso.date(),
      reassessOn: z.iso.date(),
      policyVersion: z.number().int().positive(),
    })
    .strict(),
});

const claimRef = z.object({ providerCode, memberId: z.string().min(1), month }).strict();

export const CareClaimSettled = defineEvent({
  source: EventSource.longTermCare,
  detailType: DetailType.careClaimSettled,
  schemaVersion: 1,
  payload: z
    .object({
      claim: claimRef,
      region: regionCode,
      settlementNo: z.number().int().positive(),
      level: level.optional(),
      totals: z.object({ billedFen: fen, fundPaidFen: fen, memberPaidFen: fen, refusedFen: fen }).strict(),
      bySetting: z.array(z.object({ setting: settings, fundPaidFen: fen, memberPaidFen: fen, refusedFen: fen }).strict()),
      rulesHit: z.array(careRule),
      policyVersion: z.number().int().positive(),
    })
    .strict(),
});

export const CareClaimReversed = defineEvent({
  source: EventSource.longTermCare,
  detailType: DetailType.careClaimReversed,
  schemaVersion: 1,
  payload: z
    .object({
      claim: claimRef,
      region: regionCode,
      settlementNo: z.number().int().positive(),
      reason: z.string().max(500),
      totals: z.object({ billedFen: fen, fundPaidFen: fen, memberPaidFen: fen, refusedFen: fen }).strict(),
    })
    .strict(),
});

/**
 * A care audit rule hit a care claim: at settlement (the finding's action says whether it was paid)
 * or afterwards, when an inpatient stay or a death learned later overlaps a month already paid
 * (`when: after-settlement`: the fund paid it; the regulator recovers it).
 */
export const CareClaimFlagged = defineEvent({
  source: EventSource.longTermCare,
  detailType: DetailType.careClaimFlagged,
  schemaVersion: 1,
  payload: z
    .object({
      claim: claimRef,
      region: regionCode,
      settlementNo: z.number().int().positive(),
      rule: careRule,
      action: z.enum(['deny', 'flag']),
      severity: z.enum(['low', 'medium', 'high']),
      when: z.enum(['at-settlement', 'after-settlement']),
      dates: z.array(z.iso.date()).optional(),
      message: z.string().max(500),
    })
    .strict(),
});

export const longTermCareEvents = [
  CareInstitutionCertified,
  CareAssessmentStepRecorded,
  CareLevelDetermined,
  CareClaimSettled,
  CareClaimReversed,
  CareClaimFlagged,
] as const;
