/**
 * A region's DIP catalogue as a policy document (kind `dip`, policies/dip/<region>/<year>.json): the
 * groups built from its historical cases with their scores (build.ts), the cases they were built
 * from summarised, and the terms cases are scored by: hospital-level coefficients, high- and low-cost
 * outliers, bed-day standards. Figures are written as people read them (a score 123.45, a coefficient
 * 0.95, a percent) and turned into integers here, once.
 */
import * as z from 'zod';
import { percentToBasisPoints, type BasisPoints, type Fen } from '../money/fen.ts';
import { GROUPER_VERSIONS, type GrouperVersion } from '../drg/package.ts';
import { hospitalLevels, type HospitalLevel } from '../drg/policy.ts';
import { basisSchema, policyHeader, policyYear } from '../policy/document-header.ts';
import { TREATMENTS, type KeyParameters, type Treatment } from './key.ts';

const fen = z.number().int().nonnegative();
const decimal = (places: number) =>
  z
    .number()
    .nonnegative()
    .refine((x) => Math.abs(Math.round(x * 10 ** places) - x * 10 ** places) < 1e-6, `at most ${places} decimal places`);
const percent = decimal(2).pipe(z.number().max(1000));
const cited = { basis: basisSchema };

export const dipGroupSchema = z.strictObject({
  /** "K80|51.22+51.23" (core), "K80|operation", "K|procedure" or "*|conservative" (comprehensive). */
  code: z.string().min(2).max(200),
  kind: z.enum(['core', 'comprehensive']),
  /** The diagnosis key (K80, K80.1), the chapter letter (K) or "*". */
  diagnosis: z.string().min(1).max(10),
  procedures: z.array(z.string().min(1).max(20)).max(20),
  treatment: z.enum(TREATMENTS),
  /** Historical cases the group was built from. */
  cases: z.number().int().nonnegative(),
  meanCostFen: fen,
  cvPercent: z.number().nonnegative(),
  /** 分值: mean cost ÷ the region's mean cost × the scale, two decimals. */
  score: decimal(2),
});
export type DipGroupDocument = z.infer<typeof dipGroupSchema>;

/** The document's fields, before the checks across them (dipPolicySchema). */
export const dipDocumentObject = z.strictObject({
  ...policyHeader('dip'),
  ...policyYear,
  parameters: z.strictObject({
    minimumCases: z.number().int().min(1).max(10_000),
    diagnosisLevel: z.enum(['category', 'subcategory']),
    procedureLevel: z.enum(['subcategory', 'code']),
    ignoreProcedurePrefixes: z.array(z.string().min(1)).default([]),
    maxProcedures: z.number().int().min(1).max(10),
    /** Points of a case of the region's mean cost: 100 or 1000. */
    scoreScale: z.union([z.literal(100), z.literal(1000)]),
    /** The CHS-DRG tables that tell an operating-room operation (treatment kind). */
    procedureClasses: z.enum(GROUPER_VERSIONS),
    ...cited,
  }),
  /** The historical cases the catalogue was built from, summarised (no case itself). */
  builtFrom: z.strictObject({
    cases: z.number().int().positive(),
    fromYear: z.number().int().nullable(),
    toYear: z.number().int().nullable(),
    providers: z.number().int().nonnegative(),
    totalCostFen: fen,
    /** The region's mean cost of a case: a score of `scoreScale` points. */
    meanCostFen: fen.positive(),
    byTreatment: z.strictObject({ conservative: z.number().int(), procedure: z.number().int(), operation: z.number().int() }),
    coreGroups: z.number().int().nonnegative(),
    coreCases: z.number().int().nonnegative(),
    comprehensiveGroups: z.number().int().nonnegative(),
    comprehensiveCases: z.number().int().nonnegative(),
    /** Lines of the input that were not a case, and why (counted, not kept). */
    refusedLines: z.number().int().nonnegative(),
    /** SHA-256 of the input file, so the build can be repeated and checked. */
    inputSha256: z.string().regex(/^[0-9a-f]{64}$/),
    ...cited,
  }),
  hospitalCoefficients: z.strictObject({
    default: decimal(4),
    byLevel: z.partialRecord(z.enum(hospitalLevels), decimal(4)).default({}),
    byProvider: z.record(z.string(), decimal(4)).default({}),
    ...cited,
  }),
  outliers: z.strictObject({
    /** 高倍率: cost above this multiple of the group's mean. */
    highCostMultiple: decimal(4).pipe(z.number().min(1)),
    /** 低倍率: cost below this share of the group's mean, in percent. */
    lowCostSharePercent: percent,
    ...cited,
  }),
  bedDay: z.strictObject({
    /** A stay settled per bed-day converts to points by cost: days × standard ÷ mean cost × scale. */
    standards: z.array(z.strictObject({ programme: z.string().min(1), label: z.string(), dailyStandardFen: fen.positive() })),
    ...cited,
  }),
  groups: z.array(dipGroupSchema).min(3),
});

export const dipPolicySchema = dipDocumentObject.superRefine((d, ctx) => {
  const seen = new Set<string>();
  d.groups.forEach((g, i) => {
    if (seen.has(g.code)) ctx.addIssue({ code: 'custom', path: ['groups', i, 'code'], message: `group ${g.code} appears twice` });
    seen.add(g.code);
    if (g.kind === 'core' && g.cases < d.parameters.minimumCases)
      ctx.addIssue({
        code: 'custom',
        path: ['groups', i, 'cases'],
        message: `a core group needs at least ${d.parameters.minimumCases} cases (parameters.minimumCases); ${g.code} has ${g.cases}`,
      });
  });
  for (const t of TREATMENTS)
    if (!seen.has(`*|${t}`))
      ctx.addIssue({
        code: 'custom',
        path: ['groups'],
        message: `the catch-all comprehensive group *|${t} is missing: every case needs a group`,
      });
});
export type DipPolicyDocument = z.infer<typeof dipPolicySchema>;

export interface DipGroup {
  code: string;
  kind: 'core' | 'comprehensive';
  treatment: Treatment;
  meanCostFen: Fen;
  /** The score in centipoints (123.45 points = 12,345). */
  centipoints: number;
}

/** A catalogue compiled for scoring: groups by code, figures as integers. */
export interface DipPolicy {
  document: DipPolicyDocument;
  region: string;
  year: number;
  version: number;
  keys: KeyParameters;
  procedureClasses: GrouperVersion;
  scoreScale: number;
  meanCostFen: Fen;
  core: ReadonlyMap<string, DipGroup>;
  comprehensive: ReadonlyMap<string, DipGroup>;
  coefficient(providerCode: string, level: HospitalLevel | undefined): BasisPoints;
  highCostMultiple: BasisPoints;
  lowCostShare: BasisPoints;
  bedDayStandards: DipPolicyDocument['bedDay']['standards'];
}

const toBasisPoints = (x: number): BasisPoints => Math.round(x * 10_000);

export function compileDipPolicy(document: DipPolicyDocument): DipPolicy {
  const core = new Map<string, DipGroup>();
  const comprehensive = new Map<string, DipGroup>();
  for (const g of document.groups) {
    const group: DipGroup = {
      code: g.code,
      kind: g.kind,
      treatment: g.treatment,
      meanCostFen: g.meanCostFen,
      centipoints: Math.round(g.score * 100),
    };
    (g.kind === 'core' ? core : comprehensive).set(g.code, group);
  }
  const p = document.parameters;
  const coef = document.hospitalCoefficients;
  return {
    document,
    region: document.region,
    year: document.year,
    version: document.version,
    keys: {
      diagnosisLevel: p.diagnosisLevel,
      procedureLevel: p.procedureLevel,
      ignoreProcedurePrefixes: p.ignoreProcedurePrefixes,
      maxProcedures: p.maxProcedures,
    },
    procedureClasses: p.procedureClasses,
    scoreScale: p.scoreScale,
    meanCostFen: document.builtFrom.meanCostFen,
    core,
    comprehensive,
    coefficient: (provider, level) =>
      toBasisPoints(coef.byProvider[provider] ?? (level !== undefined ? coef.byLevel[level] : undefined) ?? coef.default),
    highCostMultiple: toBasisPoints(document.outliers.highCostMultiple),
    lowCostShare: percentToBasisPoints(document.outliers.lowCostSharePercent),
    bedDayStandards: document.bedDay.standards,
  };
}
