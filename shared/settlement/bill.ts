/**
 * The bill a provider's HIS sends to pre-settle or settle (结算单): who, what visit, which diagnoses
 * and procedures, and the charge lines. Every rule a provider can break is checked here and named by
 * field, so a bad bill is a 400 that says what to fix, never a 500 or a wrong statement.
 *
 * Codes: ICD-10 医保版 diagnoses (A00.000, A00.000x001, A38.x00, dagger–asterisk pairs
 * A18.100+N33.0*) and ICD-9-CM-3 医保版 procedures (00.0100, 00.0200x001, 81.5100). Only the
 * shape is checked here: the code tables belong to DRG grouping (shared/drg), which validates
 * codes against the 医保版 2.0 lists when it groups the case.
 */
import * as z from 'zod';
import { hospitalLevels, itemClasses, visitTypes } from '../../events/claims.ts';
import { lineCategories } from './policy.ts';
import { DELIVERY_TYPES } from '../maternity/policy.ts';
import { lineAmount } from './quantity.ts';
import { name } from '../input/text.ts';

export const ICD10_SHAPE = /^[A-Z]\d{2}\.(?:\d{1,3}|x\d{2})(?:x\d{3})?(?:\+[A-Z]\d{2}(?:\.\d{1,3})?\*)?$/;
export const ICD9CM3_SHAPE = /^\d{2}\.(?:\d{1,5}|\d{0,2}x\d{2}|\d{3}[A-Z]\d)(?:x\d{3,4})?$/;

const icd10 = z.string().regex(ICD10_SHAPE, 'an ICD-10 医保版 code such as K35.800 or A18.100+N33.0*');
const icd9cm3 = z.string().regex(ICD9CM3_SHAPE, 'an ICD-9-CM-3 医保版 code such as 47.0901');
const isoDate = z.iso.date();

/**
 * Upper bounds that keep every sum exact (issue 20.5): a line at most 1,000,000,000 yuan, a bill at
 * most 100,000,000,000 yuan (10^11 and 10^13 fen; the dearest single items on any catalogue, CAR-T
 * therapies, are about 1,200,000 yuan). 2,000 lines at the bound stay under 2^53 fen (9 × 10^15),
 * and so do nine hundred bills at the bound: every sum a settlement, a member's year or a
 * statement makes is an exact integer. A bill above them is a 400 naming the field and the rule
 * (too_big on the field, line_max on a line whose price × quantity passes it, bill_max), never a float.
 */
export const MAX_LINE_FEN = 100_000_000_000;
export const MAX_BILL_FEN = 10_000_000_000_000;
const fen = (max: number) => z.number().int('whole fen').nonnegative().max(max, `at most ${max} fen`);

export const providerCodeSchema = z.string().regex(/^[A-Z0-9]{4,20}$/, 'a provider code is 4-20 upper-case letters or digits');
export const claimNoSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a claim number is 1-64 letters, digits, _ or -');

/** Quantities carry at most four decimals (0.5 box, 2.25 g), so amounts can be checked exactly. */
const quantity = z
  .number()
  .positive('a quantity is more than zero')
  .max(1_000_000)
  .refine((q) => Math.abs(q * 10_000 - Math.round(q * 10_000)) < 1e-6, 'at most four decimals');

export const billLineSchema = z.strictObject({
  lineNo: z.number().int().positive().max(9_999),
  /** National catalogue code (国家医保编码) of the drug, material or service. */
  itemCode: z.string().regex(/^[A-Za-z0-9._-]{1,50}$/, 'a catalogue code: letters, digits, . _ -'),
  itemName: name(200).optional(),
  /**
   * 甲 A, 乙 B, 丙 C (out of catalogue), as the HIS classes it. Optional: where a catalogue is in force
   * (shared/catalogue) the catalogue decides and a declared class that disagrees is noted on the line;
   * where none is, the line must declare it.
   */
  itemClass: z.enum(itemClasses).optional(),
  category: z.enum(lineCategories),
  quantity,
  unitPriceFen: fen(MAX_LINE_FEN),
  /** Must equal unit price × quantity, rounded half up to the fen. */
  amountFen: fen(MAX_LINE_FEN),
  /** The catalogue's price limit per unit (最高限价), where the item has one. */
  priceLimitFen: fen(MAX_LINE_FEN).optional(),
  serviceDate: isoDate.optional(),
  supplyDays: z.number().int().positive().max(366).optional(),
  traceCode: name(100).optional(),
});
export type BillLine = z.infer<typeof billLineSchema>;

export const billSchema = z
  .strictObject({
    providerCode: providerCodeSchema,
    claimNo: claimNoSchema,
    memberId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a member id'),
    visit: z.strictObject({
      type: z.enum(visitTypes),
      /** The visit's date; for a stay, the admission date. */
      serviceDate: isoDate,
      admissionDate: isoDate.optional(),
      /** Required for stays: the policy and the year are those of the discharge date. */
      dischargeDate: isoDate.optional(),
      department: name(50).optional(),
      emergency: z.boolean().optional(),
      /** The chronic or 两病 disease the visit treats (a code of the policy's list). */
      disease: z
        .string()
        .regex(/^[a-z0-9-]{1,48}$/)
        .optional(),
      /** Per-bed-day stays: the programme (hospice, home sickbed…) and the days billed. */
      bedDay: z.strictObject({ programme: z.string().regex(/^[a-z0-9-]{1,48}$/), days: z.number().int().positive().max(366) }).optional(),
      /**
       * The member's family-doctor contract (家庭医生签约) as the HIS sees it. Settlement does not
       * believe it: the contracts register decides (shared/registers); accepted so that a HIS that
       * still sends it is not refused.
       */
      familyDoctorContract: z.boolean().optional(),
      dischargeStatus: name(20).optional(),
      ventilationHours: z.number().nonnegative().max(8_784, 'at most a year of hours').optional(),
    }),
    diagnoses: z.strictObject({ principal: icd10, secondary: z.array(icd10).max(50).default([]) }),
    /** The first is the principal procedure. */
    procedures: z.array(icd9cm3).max(50).default([]),
    /**
     * Maternity claims (visit type delivery or antenatal): the pregnancy registered (生育登记) they are
     * for; a delivery also its type and the babies born (shared/maternity).
     */
    maternity: z
      .strictObject({
        pregnancyId: z.string().regex(/^P\d{8}$/, 'a pregnancy id as registered, P and the expected delivery date: P20260615'),
        deliveryType: z.enum(DELIVERY_TYPES).optional(),
        /** The day the baby was born (a delivery claim): eligibility and the allowance count from it. */
        deliveryDate: isoDate.optional(),
        babies: z.number().int().min(1).max(9).optional(),
      })
      .optional(),
    /**
     * A re-settlement (重新结算) after a reversal names the settlement it follows: the claim's reversed
     * settlementNo. Without it a reversed claim number is never settled again (409 CLAIM_REVERSED), so a
     * HIS retrying its original request after a reversal cannot make the fund pay twice.
     */
    resettlementOf: z.number().int().positive().max(9_999).optional(),
    /** Newborns: birth weight for DRG grouping. */
    birthWeightGrams: z.number().int().positive().max(10_000).optional(),
    lines: z.array(billLineSchema).min(1).max(2_000),
    /** If sent, must equal the sum of the lines. */
    totalFen: fen(MAX_BILL_FEN).optional(),
    /**
     * How the patient's share is paid, when the HIS asks: the personal account (个人账户) pays after
     * every pooled layer, up to the share, its balance and `maxFen`; the rest is cash. `holderMemberId`:
     * a bound family member's account pays (家庭共济). Outside the engine (shared/accounts/ledger.ts).
     */
    payment: z
      .strictObject({
        personalAccount: z
          .strictObject({
            maxFen: fen(MAX_BILL_FEN).optional(),
            holderMemberId: z
              .string()
              .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a member id')
              .optional(),
          })
          .optional(),
      })
      .optional(),
  })
  .superRefine((bill, ctx) => {
    const issue = (path: (string | number)[], rule: string, message: string) =>
      ctx.addIssue({ code: 'custom', path, message, params: { rule } });
    const seen = new Set<number>();
    bill.lines.forEach((line, i) => {
      if (seen.has(line.lineNo)) issue(['lines', i, 'lineNo'], 'duplicate', `line number ${line.lineNo} appears twice`);
      seen.add(line.lineNo);
      if (!(line.quantity > 0)) return; // already refused above; no total to check against
      // The product is bounded before it is computed: its rounding is exact, and the line's bound named.
      if (line.unitPriceFen * line.quantity > MAX_LINE_FEN + 0.5) {
        issue(['lines', i, 'amountFen'], 'line_max', `unit price × quantity is more than ${MAX_LINE_FEN} fen, the most one line may be`);
        return;
      }
      const expected = lineAmount(line.unitPriceFen, line.quantity);
      if (expected !== line.amountFen) {
        issue(['lines', i, 'amountFen'], 'line_total', `unit price × quantity is ${expected} fen, the line says ${line.amountFen}`);
      }
    });
    const sum = bill.lines.reduce((a, l) => a + l.amountFen, 0);
    if (sum > MAX_BILL_FEN)
      issue(['lines'], 'bill_max', `the lines add up to ${sum} fen, more than ${MAX_BILL_FEN}, the most one bill may be`);
    if (bill.totalFen !== undefined && bill.totalFen !== sum)
      issue(['totalFen'], 'bill_total', `the lines add up to ${sum} fen, totalFen says ${bill.totalFen}`);
    const v = bill.visit;
    const stay = v.type === 'inpatient' || v.type === 'bed-day' || v.type === 'delivery';
    const maternity = v.type === 'delivery' || v.type === 'antenatal';
    if (maternity && !bill.maternity) issue(['maternity'], 'required', `a ${v.type} claim names the pregnancy it is for`);
    if (!maternity && bill.maternity) issue(['maternity'], 'not_allowed', 'only delivery and antenatal claims carry maternity');
    if (v.type === 'delivery' && bill.maternity && !bill.maternity.deliveryType)
      issue(['maternity', 'deliveryType'], 'required', 'a delivery claim names its type: vaginal, caesarean or complicated');
    if (v.type !== 'delivery' && bill.maternity?.deliveryType)
      issue(['maternity', 'deliveryType'], 'not_allowed', 'only a delivery claim names a delivery type');
    if (v.type === 'delivery' && bill.maternity && !bill.maternity.deliveryDate)
      issue(['maternity', 'deliveryDate'], 'required', 'a delivery claim names the day of the delivery');
    const born = bill.maternity?.deliveryDate;
    if (born && (born < v.serviceDate || born > (v.dischargeDate ?? v.serviceDate)))
      issue(['maternity', 'deliveryDate'], 'date_order', 'the delivery falls outside the stay');
    if (stay && !v.dischargeDate)
      issue(['visit', 'dischargeDate'], 'required', `a ${v.type} claim is settled on its discharge date: send it`);
    if (v.dischargeDate && v.dischargeDate < v.serviceDate)
      issue(['visit', 'dischargeDate'], 'date_order', 'discharge before the date of service');
    if (v.admissionDate && v.admissionDate !== v.serviceDate && stay)
      issue(['visit', 'admissionDate'], 'date_order', 'for a stay, serviceDate is the admission date');
    if ((v.type === 'chronic-outpatient' || v.type === 'two-diseases-outpatient') && !v.disease)
      issue(['visit', 'disease'], 'required', `a ${v.type} claim names the disease it treats`);
    if (v.type === 'bed-day' && !v.bedDay) issue(['visit', 'bedDay'], 'required', 'a per-bed-day claim names its programme and days');
    if (v.type !== 'bed-day' && v.bedDay) issue(['visit', 'bedDay'], 'not_allowed', 'only per-bed-day claims carry bedDay');
    bill.lines.forEach((line, i) => {
      if (line.serviceDate && (line.serviceDate < v.serviceDate || line.serviceDate > (v.dischargeDate ?? v.serviceDate))) {
        issue(['lines', i, 'serviceDate'], 'date_order', 'outside the visit');
      }
    });
  });
export type Bill = z.output<typeof billSchema>;
export type BillInput = z.input<typeof billSchema>;

/** The date that picks the policy version and the year: discharge for stays, else the visit date. */
export const settlementDate = (bill: Pick<Bill, 'visit'>): string => bill.visit.dischargeDate ?? bill.visit.serviceDate;

export const hospitalLevelSchema = z.enum(hospitalLevels);
