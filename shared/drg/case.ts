/**
 * One inpatient case as the grouper takes it: the same shape for the analysts' batch command
 * (`npm run drg`, one case a JSON line), the providers' pre-grouping route and the points consumer
 * (which builds it from a ClaimSettled event).
 */
import * as z from 'zod';
import type { GrouperVersion } from './package.ts';

const code = z.string().trim().min(1).max(40);

/**
 * The convention of the most used open grouper (OpenDRG) and of analysts' exports: a JSON `null` is
 * an absent field, and a list may hold `null` or empty slots (an export's 16 diagnosis columns, most
 * of them empty). Both are read as absent rather than refused.
 */
const absent = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);
const codeList = z
  .array(z.string().trim().max(40).nullable())
  .max(100)
  .nullish()
  .transform((list) => (list ?? []).filter((c): c is string => c !== null && c !== ''));

const DAYS_PER_YEAR = 365.25;
const AGE_DAYS_MAX = 151 * 366;

/**
 * Whole days `ageDays` may hold for a patient of `ageYears` full years: at least 365 a year lived,
 * fewer than 366 a year begun. Under a year it is the newborn's age (新生儿 / 婴儿); above, OpenDRG's
 * total age in days, which must agree with the years.
 */
export function ageDaysRange(ageYears: number): { from: number; to: number } {
  return { from: ageYears * 365, to: (ageYears + 1) * 366 };
}

export const drgCaseSchema = z
  .strictObject({
    id: absent(z.string().min(1).max(100)),
    /** "M"/"F", or GB/T 2261.1's "1" (male) / "2" (female) as the 病案首页 records it. */
    sex: z.enum(['M', 'F', '1', '2']),
    /** Full years; may be left out (or null) when `ageDays` gives the age. */
    ageYears: absent(z.number().int().min(0).max(150)),
    /**
     * Age in days: for a patient under one year (新生儿 / 婴儿) the age the MDCP groups read; for an
     * older patient, as OpenDRG sends it, the total age in days, which must agree with `ageYears`.
     */
    ageDays: absent(z.number().int().min(0).max(AGE_DAYS_MAX)),
    birthWeightGrams: absent(z.number().int().min(100).max(10_000)),
    principalDiagnosis: code,
    secondaryDiagnoses: codeList,
    /** ICD-9-CM-3 医保版 procedures; the first is the principal one. */
    procedures: codeList,
    ventilationHours: absent(
      z
        .number()
        .min(0)
        .max(24 * 366),
    ),
    lengthOfStayDays: absent(z.number().int().min(0).max(3660)),
    dischargeStatus: absent(z.string().max(20)),
  })
  .superRefine((c, ctx) => {
    if (c.ageYears === undefined && c.ageDays === undefined)
      ctx.addIssue({ code: 'custom', path: ['ageYears'], message: 'ageYears or ageDays is required' });
    if (c.ageYears === undefined && c.ageDays !== undefined && c.ageDays > 150 * 366)
      ctx.addIssue({ code: 'custom', path: ['ageDays'], message: 'ageDays is more than 150 years' });
    if (c.ageYears !== undefined && c.ageDays !== undefined) {
      const { from, to } = ageDaysRange(c.ageYears);
      if (c.ageDays < from || c.ageDays > to)
        ctx.addIssue({
          code: 'custom',
          path: ['ageDays'],
          message: `ageDays ${c.ageDays} does not agree with ageYears ${c.ageYears} (a patient of ${c.ageYears} full years is ${from}–${to} days old)`,
        });
    }
  })
  .transform(({ ageYears, ...c }) => ({
    ...c,
    ageYears: ageYears ?? Math.floor(c.ageDays! / DAYS_PER_YEAR),
  }));
export type DrgCaseInput = z.input<typeof drgCaseSchema>;
export type DrgCase = z.output<typeof drgCaseSchema>;

export type Sex = 'M' | 'F';
export const normaliseSex = (sex: DrgCase['sex']): Sex => (sex === 'M' || sex === '1' ? 'M' : 'F');

/** How a grouping is asked for: the region decides QY and the code standard its providers send. */
export interface GroupOptions {
  /** Whether an operation that fits no surgical ADRG goes to the MDC's QY group (歧义组). Default on. */
  qy?: boolean;
  /** The codes come in 国临版 (national clinical edition) and are cross-walked to 医保版 first. */
  codes?: 'yibao' | 'clinical';
}

export type CcLevel = 'MCC' | 'CC' | 'none';
export type Outcome = 'grouped' | 'qy' | 'ungroupable';

/** One decision of the chain, in the order the grouper made it. */
export interface TraceEntry {
  step: 'codes' | 'MDCA' | 'MDCP' | 'MDCY' | 'MDCZ' | 'MDC' | 'ADRG' | 'QY' | 'CC' | 'DRG';
  note: string;
}

export interface GroupResult {
  id?: string;
  version: GrouperVersion;
  /** "MDCF"; null when no MDC was found. */
  mdc: string | null;
  adrg: string | null;
  /** "FR13", "FQY" (歧义组) or "0000" (ungroupable). */
  drg: string;
  ccLevel: CcLevel | null;
  outcome: Outcome;
  trace: TraceEntry[];
}
