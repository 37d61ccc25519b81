/**
 * One inpatient case as the grouper takes it: the same shape for the analysts' batch command
 * (`npm run drg`, one case a JSON line), the providers' pre-grouping route and the points consumer
 * (which builds it from a ClaimSettled event).
 */
import * as z from 'zod';
import type { GrouperVersion } from './package.ts';

const code = z.string().trim().min(1).max(40);

export const drgCaseSchema = z.strictObject({
  id: z.string().min(1).max(100).optional(),
  /** "M"/"F", or GB/T 2261.1's "1" (male) / "2" (female) as the 病案首页 records it. */
  sex: z.enum(['M', 'F', '1', '2']),
  ageYears: z.number().int().min(0).max(150),
  /** Age in days, for patients under one year (新生儿 / 婴儿). */
  ageDays: z.number().int().min(0).max(366).optional(),
  birthWeightGrams: z.number().int().min(100).max(10_000).optional(),
  principalDiagnosis: code,
  secondaryDiagnoses: z.array(code).max(100).default([]),
  /** ICD-9-CM-3 医保版 procedures; the first is the principal one. */
  procedures: z.array(code).max(100).default([]),
  ventilationHours: z
    .number()
    .min(0)
    .max(24 * 366)
    .optional(),
  lengthOfStayDays: z.number().int().min(0).max(3660).optional(),
  dischargeStatus: z.string().max(20).optional(),
});
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
