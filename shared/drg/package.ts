/**
 * The shape of a compiled CHS-DRG rule package: one grouper version, built at compile time by
 * `tools/drg-compile.ts` from the reference tables and loaded once by `loadGrouper`.
 *
 * Codes are interned: the package lists every diagnosis and procedure code once, sorted, and every
 * table refers to codes by their index in those lists (gap-encoded, see `encodeGaps`). That keeps the package small and lets the
 * loader turn each table into a set of small integers, so grouping a case costs one hash lookup per
 * code and integer set lookups after that.
 *
 * The committed artefact (`shared/drg/packages/chs-drg-<version>.json`) is an envelope: readable
 * metadata (counts, sources with their checksums, attribution) around the gzip-compressed payload.
 * It is a JSON module so every runtime (Node, vitest, the esbuild Lambda bundle) imports it the same
 * way, without a file beside the bundle.
 */
import * as z from 'zod';

export const GROUPER_VERSIONS = ['1.1', '2.0'] as const;
export type GrouperVersion = (typeof GROUPER_VERSIONS)[number];

export const PACKAGE_FORMAT = 'yibao.chs-drg.package/1';

/**
 * One condition of an ADRG's inclusion rule, as the tables word it:
 * - `pdx` 主要诊断 (the principal diagnosis is in the table)
 * - `sdx` 其他诊断 (some secondary diagnosis is)
 * - `dx`  主要诊断或其他诊断 (the principal or some secondary is)
 * - `pproc` 主要手术或操作 (the principal procedure is)
 * - `proc` 手术或操作 / 同时包含 (some procedure, wherever it stands, is)
 * - `anyOperation` 全部手术 (the case has at least one procedure that counts as an operation)
 * - `noOperation` 无手术 (it has none)
 */
export const ATOM_KINDS = ['pdx', 'sdx', 'dx', 'pproc', 'proc', 'anyOperation', 'noOperation'] as const;
export type AtomKind = (typeof ATOM_KINDS)[number];

export const atomSchema = z.object({
  on: z.enum(ATOM_KINDS),
  /** Index into `tables`; absent for anyOperation / noOperation. */
  table: z.number().int().nonnegative().optional(),
});
export type Atom = z.infer<typeof atomSchema>;

/** A range [from, to) of a whole number; either end may be open. */
const rangeSchema = z.object({ from: z.number().int().optional(), below: z.number().int().optional() });
export type Range = z.infer<typeof rangeSchema>;

export const ADRG_KINDS = ['surgical', 'non-or', 'medical'] as const;
export type AdrgKind = (typeof ADRG_KINDS)[number];

/**
 * A sorted list of code indices, stored as gaps (the first index, then each one's distance from the
 * one before): runs of neighbouring codes become runs of small numbers, which gzip packs several
 * times tighter than the indices themselves.
 */
const isIndexList = (v: unknown): v is number[] => {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) return false;
  }
  return true;
};
const isStringList = (v: unknown): v is string[] => {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  return true;
};
// The payload's big lists are checked by a plain loop, not a schema per element: the compiler
// validates every package it writes, and a schema per number would make that take seconds.
const indices = z.custom<number[]>(isIndexList, 'a list of whole numbers ≥ 0');
const codeList = z.custom<string[]>(isStringList, 'a list of codes');

export function encodeGaps(sorted: readonly number[]): number[] {
  return sorted.map((x, i) => (i === 0 ? x : x - sorted[i - 1]!));
}

export function decodeGaps(gaps: readonly number[]): number[] {
  const out = new Array<number>(gaps.length);
  let at = 0;
  for (let i = 0; i < gaps.length; i++) out[i] = at += gaps[i]!;
  return out;
}

export const packageDataSchema = z.object({
  version: z.enum(GROUPER_VERSIONS),
  codes: z.object({ diagnoses: codeList, procedures: codeList }),
  /** listed: 医保版 2.0 codes; grey: 灰码, never a principal diagnosis; notPrincipal: the version's own list of codes invalid as principal. */
  diagnosisSets: z.object({ listed: indices, grey: indices, notPrincipal: indices }),
  /** listed: 医保版 2.0 codes; grey: 灰码, never the principal procedure; operations: those that count as an operation (QY, 全部手术, 无手术). */
  /** operatingRoom: 手术室手术, the operations a surgical ADRG (A–J) of some MDC names; only these send a case to QY. */
  procedureSets: z.object({ listed: indices, grey: indices, operations: indices, operatingRoom: indices }),
  /** 国临版 → 医保版 (parallel lists; `to` plain indices), only the codes that change: an unchanged code maps to itself. */
  crosswalk: z.object({
    clinicalDiagnoses: z.object({ from: codeList, to: z.custom<number[]>(isIndexList) }),
    clinicalProcedures: z.object({ from: codeList, to: z.custom<number[]>(isIndexList) }),
  }),
  tables: z.array(z.object({ kind: z.enum(['dx', 'px']), codes: indices })),
  mdcs: z.array(
    z.object({
      code: z.string().regex(/^[A-Z]$/),
      name: z.string(),
      /** MDCM is for men, MDCN for women. */
      sex: z.enum(['M', 'F']).optional(),
      /** Principal diagnoses that open the MDC (absent for MDCA, which is opened by procedures). */
      table: z.number().int().nonnegative().optional(),
      /** 2.0 MDCY: any diagnosis, principal or secondary, opens it. */
      anyDiagnosis: z.boolean().optional(),
      /** MDCZ: the body regions; a case needs serious trauma in at least two. */
      regions: z.array(z.object({ name: z.string(), table: z.number().int().nonnegative() })).optional(),
    }),
  ),
  adrgs: z.array(
    z.object({
      code: z.string().regex(/^[A-Z]{2}\d$/),
      name: z.string(),
      mdc: z.string().regex(/^[A-Z]$/),
      kind: z.enum(ADRG_KINDS),
      /** Disjunctive normal form: the ADRG fits when every atom of some clause holds. */
      rule: z.array(z.array(atomSchema).min(1)).min(1),
      /** Conditions the ADRG's name states and its tables do not (MDCP: age in days, birth weight). */
      ageDays: rangeSchema.optional(),
      birthWeightGrams: rangeSchema.optional(),
      /** The DRG for each severity: [no CC, CC, MCC]; the three are equal for a "9" (unsplit) ADRG. */
      drgs: z.tuple([z.string(), z.string(), z.string()]),
      /** The wording the rule was compiled from, for the trace and for review. */
      wording: z.string(),
    }),
  ),
  drgs: z.array(z.object({ code: z.string().regex(/^[A-Z]{2}\d[1359]$/), name: z.string() })),
  /** Parallel arrays: diagnosis index (gap-encoded) → exclusion-table id. */
  severity: z.object({
    mcc: z.object({ codes: indices, tables: indices }),
    cc: z.object({ codes: indices, tables: indices }),
    exclusions: z.object({ codes: indices, tables: indices }),
  }),
});
export type PackageData = z.infer<typeof packageDataSchema>;

export const packageCountsSchema = z.object({
  mdc: z.number().int(),
  adrg: z.number().int(),
  drg: z.number().int(),
  cc: z.number().int(),
  mcc: z.number().int(),
  exclusionTables: z.number().int(),
  diagnoses: z.number().int(),
  procedures: z.number().int(),
  greyDiagnoses: z.number().int(),
  greyProcedures: z.number().int(),
  notPrincipalDiagnoses: z.number().int(),
  operationProcedures: z.number().int(),
  operatingRoomProcedures: z.number().int(),
  crosswalkDiagnoses: z.number().int(),
  crosswalkProcedures: z.number().int(),
});

export const packageEnvelopeSchema = z.object({
  format: z.literal(PACKAGE_FORMAT),
  version: z.enum(GROUPER_VERSIONS),
  title: z.string(),
  attribution: z.string(),
  counts: packageCountsSchema,
  compiledFrom: z.array(z.object({ path: z.string(), sha256: z.string() })),
  /** What the compiler met and decided (commented-out lines, codes outside the 医保版 lists …). */
  notes: z.array(z.string()),
  payload: z.object({
    encoding: z.literal('gzip+base64'),
    bytes: z.number().int().positive(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    data: z.string(),
  }),
});
export type PackageEnvelope = z.infer<typeof packageEnvelopeSchema>;
