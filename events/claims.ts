import * as z from 'zod';
import { DetailType, EventSource } from './catalog.ts';
import { defineEvent, freeText } from './contract.ts';

/**
 * Claim events: what adjudication publishes once a settlement (or its reversal) is committed.
 * They carry what DRG grouping and fraud scoring need (visit, diagnoses, procedures, lines,
 * amounts, provider, member id) and never a person's name or ID number: sex and age are derived
 * from the ID number at settlement and travel on their own.
 */
export const claimRef = z.object({
  providerCode: z.string().min(1),
  claimNo: z.string().min(1),
});

/** delivery (住院分娩) and antenatal (产前检查) are maternity claims: paid per case and per capita (shared/maternity), never DRG-grouped. */
export const visitTypes = [
  'outpatient',
  'chronic-outpatient',
  'two-diseases-outpatient',
  'inpatient',
  'bed-day',
  'delivery',
  'antenatal',
] as const;
export const hospitalLevels = ['primary', 'secondary', 'tertiary'] as const;
export const itemClasses = ['A', 'B', 'C'] as const; // 甲, 乙, 丙 (out of catalogue)

const fen = z.number().int().nonnegative();
const regionCode = z.string().regex(/^\d{6}$/, 'a 6-digit region code');
const isoDate = z.iso.date();

export const claimLineSchema = z.object({
  lineNo: z.number().int().positive(),
  itemCode: z.string().min(1),
  itemName: freeText(200).optional(),
  itemClass: z.enum(itemClasses),
  /** drug, tcm-herbal, tcm-patent, tcm-service, material, exam, lab, treatment, surgery, bed, nursing, other */
  category: z.string().min(1),
  quantity: z.number().positive(),
  unitPriceFen: fen,
  amountFen: fen,
  serviceDate: isoDate.optional(),
  /** Days of supply for a drug line (超量开药). */
  supplyDays: z.number().int().positive().optional(),
  /** Drug traceability code (追溯码), scanned at dispensing (串换 detection). */
  traceCode: z.string().optional(),
});

export const claimSettledPayload = z.object({
  claim: claimRef,
  memberId: z.string().min(1),
  /** The member's pooling region (统筹区). */
  region: regionCode,
  scheme: z.enum(['employee', 'resident']).optional(),
  provider: z
    .object({
      code: z.string().min(1),
      level: z.enum(hospitalLevels),
      region: regionCode,
      /** The pooling region that pays it (its region, or the city or province above it); absent: its region. */
      poolingRegion: regionCode.optional(),
    })
    .optional(),
  visit: z.object({
    type: z.enum(visitTypes),
    serviceDate: isoDate,
    admissionDate: isoDate.optional(),
    dischargeDate: isoDate.optional(),
    department: freeText(200).optional(),
    emergency: z.boolean().optional(),
    /** The chronic or 两病 disease a chronic-outpatient or two-diseases-outpatient visit treats (a policy code). */
    disease: z.string().optional(),
    /** Per-bed-day stays: the programme (hospice, home-sickbed…) and the days paid. */
    bedDay: z.object({ programme: z.string().min(1), days: z.number().int().positive() }).optional(),
  }),
  patient: z
    .object({
      sex: z.enum(['M', 'F']),
      ageYears: z.number().int().nonnegative(),
      ageDays: z.number().int().nonnegative().optional(),
      birthWeightGrams: z.number().int().positive().optional(),
    })
    .optional(),
  diagnoses: z.object({ principal: z.string().min(1), secondary: z.array(z.string().min(1)) }).optional(),
  /** ICD-9-CM-3 医保版 procedures; the first is the principal one. */
  procedures: z.array(z.string().min(1)).optional(),
  inpatient: z
    .object({
      lengthOfStayDays: z.number().int().nonnegative(),
      ventilationHours: z.number().nonnegative().optional(),
      dischargeStatus: z.string().optional(),
      bedDays: z.number().int().nonnegative().optional(),
    })
    .optional(),
  /** The lines as settled; absent from the event of a bill too large to carry them (then `linesOmitted` says so). */
  lines: z.array(claimLineSchema).optional(),
  /**
   * A bill whose lines would take the event near the bus's 256 KB limit (up to 2,000 lines, the API's
   * limit) travels without them: `count` lines, read by claim key where a consumer needs each one
   * (shared/settlement/store/claims.ts readClaimLines); `amountsByCategory` is what DRG grouping needs.
   */
  linesOmitted: z.object({ count: z.number().int().positive(), reason: z.literal('size') }).optional(),
  /** The billed amount of each line category, in fen: sent with `linesOmitted`. */
  amountsByCategory: z.record(z.string(), fen).optional(),
  totals: z.object({
    billedFen: fen,
    fundPaidFen: fen,
    patientPaidFen: fen,
    /** What each layer paid: basic, catastrophic, assistance, assistanceTilted, supplementary, familyCap. */
    byLayer: z.record(z.string(), fen).optional(),
    /** Cost above a per-bed-day standard, borne by the provider: billed = fundPaid + patientPaid + institution. */
    institutionFen: fen.optional(),
  }),
  settledAt: z.iso.datetime({ offset: true }).optional(),
  /** 1 for a claim's first settlement, +1 for each re-settlement after a reversal. */
  settlementNo: z.number().int().positive().optional(),
  /** The benefit policy version it was settled under. */
  policy: z.object({ id: z.string().min(1), version: z.number().int().positive() }).optional(),
  /** How the patient's share was paid, when the personal account (个人账户) paid part of it: account + cash = patientPaidFen. */
  payment: z
    .object({
      personalAccountFen: fen,
      cashFen: fen,
      /** The account's holder: the patient, or a bound family member (家庭共济). */
      accountHolderMemberId: z.string().min(1),
    })
    .optional(),
});
export type ClaimSettledPayload = z.infer<typeof claimSettledPayload>;

export const ClaimSettled = defineEvent({
  source: EventSource.adjudication,
  detailType: DetailType.claimSettled,
  schemaVersion: 1,
  payload: claimSettledPayload,
});

export const ClaimReversed = defineEvent({
  source: EventSource.adjudication,
  detailType: DetailType.claimReversed,
  schemaVersion: 1,
  payload: z.object({
    claim: claimRef,
    memberId: z.string().min(1),
    region: regionCode,
    reason: freeText(500),
    /** The settlement this reversal takes back (the claim may be settled again as settlementNo + 1). */
    settlementNo: z.number().int().positive().optional(),
    /** The amounts the reversal takes back (the negative ledger entry, as positive numbers). */
    totals: z.object({ billedFen: fen, fundPaidFen: fen, patientPaidFen: fen }).optional(),
    /** What the reversal gave back to the personal account that paid (个人账户), and whose. */
    payment: z.object({ personalAccountFen: fen, accountHolderMemberId: z.string().min(1) }).optional(),
    reversedAt: z.iso.datetime({ offset: true }).optional(),
  }),
});
