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

const CASE_KEYS = new Set([
  'id',
  'sex',
  'ageYears',
  'ageDays',
  'birthWeightGrams',
  'principalDiagnosis',
  'secondaryDiagnoses',
  'procedures',
  'ventilationHours',
  'lengthOfStayDays',
  'dischargeStatus',
]);
/** Not a value of the fast path: the case goes to the schema, which answers (and names what is wrong). */
const UNSURE = Symbol('unsure');

const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const optionalInt = (v: unknown, min: number, max: number): number | undefined | typeof UNSURE =>
  v === undefined || v === null ? undefined : isInt(v, min, max) ? v : UNSURE;

function codes(v: unknown): string[] | typeof UNSURE {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > 100) return UNSURE;
  const out: string[] = [];
  for (const c of v) {
    if (c === null) continue;
    if (typeof c !== 'string') return UNSURE;
    const t = c.trim();
    if (t.length > 40) return UNSURE;
    if (t !== '') out.push(t);
  }
  return out;
}

/**
 * drgCaseSchema's answer for a case, by a direct path for a well-formed one (the batch command's
 * common line, where zod's general machinery cost more than the grouping itself) and by the schema
 * for anything else: whatever the direct path is not sure of, the schema decides and explains. The
 * direct path gives exactly the schema's output (test/unit/drg-case-fast.test.ts checks it on
 * generated cases, well-formed and not).
 */
export function parseDrgCase(raw: unknown): ReturnType<typeof drgCaseSchema.safeParse> {
  const fast = directCase(raw);
  return fast === UNSURE ? drgCaseSchema.safeParse(raw) : { success: true, data: fast };
}

function directCase(raw: unknown): DrgCase | typeof UNSURE {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return UNSURE;
  const r = raw as Record<string, unknown>;
  for (const key in r) if (!CASE_KEYS.has(key)) return UNSURE;
  if (Object.getPrototypeOf(r) !== Object.prototype) return UNSURE;
  const { id, sex, principalDiagnosis, dischargeStatus, ventilationHours } = r;
  if (!(id === undefined || id === null || (typeof id === 'string' && id.length >= 1 && id.length <= 100))) return UNSURE;
  if (sex !== 'M' && sex !== 'F' && sex !== '1' && sex !== '2') return UNSURE;
  const ageYears = optionalInt(r.ageYears, 0, 150);
  const ageDays = optionalInt(r.ageDays, 0, AGE_DAYS_MAX);
  const birthWeightGrams = optionalInt(r.birthWeightGrams, 100, 10_000);
  const lengthOfStayDays = optionalInt(r.lengthOfStayDays, 0, 3660);
  if (ageYears === UNSURE || ageDays === UNSURE || birthWeightGrams === UNSURE || lengthOfStayDays === UNSURE) return UNSURE;
  if (typeof principalDiagnosis !== 'string') return UNSURE;
  const pdx = principalDiagnosis.trim();
  if (pdx.length < 1 || pdx.length > 40) return UNSURE;
  const secondaryDiagnoses = codes(r.secondaryDiagnoses);
  const procedures = codes(r.procedures);
  if (secondaryDiagnoses === UNSURE || procedures === UNSURE) return UNSURE;
  if (
    !(
      ventilationHours === undefined ||
      ventilationHours === null ||
      (typeof ventilationHours === 'number' && ventilationHours >= 0 && ventilationHours <= 24 * 366)
    )
  )
    return UNSURE;
  if (!(dischargeStatus === undefined || dischargeStatus === null || (typeof dischargeStatus === 'string' && dischargeStatus.length <= 20)))
    return UNSURE;
  // The schema's cross-field rules: an age in years or days, and the two agreeing.
  if (ageYears === undefined && (ageDays === undefined || ageDays > 150 * 366)) return UNSURE;
  if (ageYears !== undefined && ageDays !== undefined) {
    const { from, to } = ageDaysRange(ageYears);
    if (ageDays < from || ageDays > to) return UNSURE;
  }
  return {
    id: id ?? undefined,
    sex,
    ageDays,
    birthWeightGrams,
    principalDiagnosis: pdx,
    secondaryDiagnoses,
    procedures,
    ventilationHours: ventilationHours ?? undefined,
    lengthOfStayDays,
    dischargeStatus: dischargeStatus ?? undefined,
    ageYears: ageYears ?? Math.floor(ageDays! / DAYS_PER_YEAR),
  } as DrgCase;
}
