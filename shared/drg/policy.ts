/**
 * A region's DRG payment policy as data: which grouper version and options it groups with, its
 * weights (RW), hospital coefficients (差异系数), outlier thresholds, readmission, bed-day and add-on
 * rules, for one pooling region and year. Every section names the document it comes from, and says
 * whether its figures are the region's own or illustrative.
 *
 * The documents are JSON under policies/drg/<region>/<year>.json; figures are written as people
 * read them (a weight 0.7107, a coefficient 0.95, a share in percent) and turned into integers here
 * (basis points, fen), once, so the points arithmetic never touches a float.
 */
import * as z from 'zod';
import { percentToBasisPoints, type BasisPoints, type Fen } from '../money/fen.ts';
import { GROUPER_VERSIONS, type GrouperVersion } from './package.ts';
import { unknownCitations } from '../policy/citations.ts';
import { basisSchema, policyHeader, policyYear } from '../policy/document-header.ts';

const fen = z.number().int().nonnegative();
const drgCode = z.string().regex(/^([A-Z]{2}\d[1359]|[A-Z]QY|0000)$/, 'a DRG code (FR13), a QY group (FQY) or 0000');
/** A decimal with at most 4 places (a weight, a coefficient, a multiple). */
const decimal4 = z
  .number()
  .nonnegative()
  .refine((x) => Math.abs(Math.round(x * 10_000) - x * 10_000) < 1e-6, 'at most 4 decimal places');
const percent = z
  .number()
  .nonnegative()
  .max(1000)
  .refine((x) => Math.abs(Math.round(x * 100) - x * 100) < 1e-6, 'at most 2 decimal places');
/** Every section says where its figures come from, in the one citation shape (document-header.ts). */
const cited = { basis: basisSchema };

export const hospitalLevels = ['primary', 'secondary', 'tertiary'] as const;
export type HospitalLevel = (typeof hospitalLevels)[number];

export const drgPolicySchema = z.strictObject({
  ...policyHeader('drg'),
  ...policyYear,
  grouping: z.strictObject({
    version: z.enum(GROUPER_VERSIONS),
    /** Whether the region uses the QY (歧义组) branch. */
    qy: z.boolean(),
    /** The code standard providers send: 医保版, or 国临版 to cross-walk first. */
    codes: z.enum(['yibao', 'clinical']),
    ...cited,
  }),
  weights: z.strictObject({
    /** Id of a compiled list in policies/drg/weights/. */
    list: z.string().min(1),
    /** The region's corrections or additions to that list. */
    overrides: z.record(drgCode, decimal4).default({}),
    ...cited,
  }),
  /** Average cost of a case, all DRGs (上年度住院均次费用): relative weights are relative to it. */
  averageCostPerCaseFen: z.strictObject({
    all: fen.positive(),
    byLevel: z.partialRecord(z.enum(hospitalLevels), fen.positive()).default({}),
    ...cited,
  }),
  hospitalCoefficients: z.strictObject({
    default: decimal4,
    byLevel: z.partialRecord(z.enum(hospitalLevels), decimal4).default({}),
    byProvider: z.record(z.string(), decimal4).default({}),
    ...cited,
  }),
  outliers: z.strictObject({
    /** High cost: above this multiple of the group's average cost, by size of the base points (ascending; the last has no bound). */
    highCostMultiples: z.array(z.strictObject({ basePointsUpTo: z.number().positive().optional(), multiple: decimal4 })).min(1),
    /** Low cost: below this share of the group's average cost, in percent. */
    lowCostSharePercent: percent,
    ...cited,
  }),
  readmission: z.strictObject({
    withinDays: z.number().int().positive(),
    /** The share of its points the earlier admission keeps, in percent (50: halved). */
    earlierAdmissionSharePercent: percent,
    /** Only readmissions to the same provider count. */
    sameProviderOnly: z.boolean(),
    ...cited,
  }),
  bedDay: z.strictObject({
    /** A stay settled per bed-day (it carries bed days) of one of these kinds converts to points by cost. */
    standards: z.array(
      z.strictObject({
        kind: z.string().min(1),
        label: z.string(),
        /**
         * Matched by the per-bed-day programme the stay was settled under (ClaimSettled
         * visit.bedDay.programme: hospice, home-sickbed…), else by MDC letter, ADRG or department.
         */
        programmes: z.array(z.string().min(1)).default([]),
        mdcs: z.array(z.string().regex(/^[A-Z]$/)).default([]),
        adrgs: z.array(z.string().regex(/^[A-Z]{2}\d$/)).default([]),
        departments: z.array(z.string()).default([]),
        dailyStandardFen: fen.positive(),
      }),
    ),
    ...cited,
  }),
  addOns: z.strictObject({
    newTechnology: z.strictObject({ percent, drgs: z.array(drgCode) }),
    gradeFourSurgery: z.strictObject({ percent, drgs: z.array(drgCode) }),
    /** 中治率 bands, any order: the highest band the share is strictly above applies. */
    tcmShare: z.array(z.strictObject({ abovePercent: percent, percent })),
    /** Claim-line categories that count as TCM (中药饮片, 中成药, 中医医疗服务). */
    tcmCategories: z.array(z.string().min(1)).min(1),
    ...cited,
  }),
  /** How a case with no DRG (0000) or a DRG without a weight is paid: by its cost, flagged for review. */
  ungrouped: z.literal('cost-based'),
});
export type DrgPolicyDocument = z.infer<typeof drgPolicySchema>;

/** A policy with its figures as integers, ready for the points arithmetic. */
export interface DrgPolicy {
  document: DrgPolicyDocument;
  region: string;
  year: number;
  grouperVersion: GrouperVersion;
  qy: boolean;
  codes: 'yibao' | 'clinical';
  /** DRG → weight in basis points (RW 0.7107 = 7,107). */
  weights: ReadonlyMap<string, BasisPoints>;
  averageCostFen(level: HospitalLevel | undefined): Fen;
  coefficient(providerCode: string, level: HospitalLevel | undefined): BasisPoints;
  /** [base points upper bound in centipoints or Infinity, multiple in basis points], ascending. */
  highCostMultiples: readonly (readonly [number, BasisPoints])[];
  lowCostShare: BasisPoints;
  readmission: { withinDays: number; earlierShare: BasisPoints; sameProviderOnly: boolean };
  bedDayStandards: DrgPolicyDocument['bedDay']['standards'];
  newTechnology: { share: BasisPoints; drgs: ReadonlySet<string> };
  gradeFourSurgery: { share: BasisPoints; drgs: ReadonlySet<string> };
  /** Descending by threshold. */
  tcmBands: readonly { above: BasisPoints; share: BasisPoints }[];
  tcmCategories: ReadonlySet<string>;
}

export const decimalToBasisPoints = (x: number): BasisPoints => Math.round(x * 10_000);

/** Weight lists as compiled into policies/drg/weights/ by tools/drg-compile.ts. */
export const weightListSchema = z.object({
  id: z.string(),
  city: z.string(),
  year: z.number().int(),
  grouperVersion: z.enum(GROUPER_VERSIONS),
  source: z.object({ path: z.string(), sha256: z.string() }),
  attribution: z.string(),
  weights: z.record(z.string(), decimal4),
});
export type WeightListDocument = z.infer<typeof weightListSchema>;

export function compilePolicy(document: DrgPolicyDocument, list: WeightListDocument): DrgPolicy {
  if (list.id !== document.weights.list)
    throw new Error(`DRG policy ${document.region}/${document.year} names weight list ${document.weights.list}, given ${list.id}`);
  if (list.grouperVersion !== document.grouping.version) {
    throw new Error(
      `DRG policy ${document.region}/${document.year} groups with CHS-DRG ${document.grouping.version} but weight list ${list.id} is for ${list.grouperVersion}`,
    );
  }
  const unknown = unknownCitations(document)[0];
  if (unknown) throw new Error(`DRG policy ${unknown.path.join('.')} ${unknown.message}`);
  const weights = new Map<string, BasisPoints>();
  for (const [drg, rw] of Object.entries({ ...list.weights, ...document.weights.overrides })) weights.set(drg, decimalToBasisPoints(rw));

  const avg = document.averageCostPerCaseFen;
  const coef = document.hospitalCoefficients;
  return {
    document,
    region: document.region,
    year: document.year,
    grouperVersion: document.grouping.version,
    qy: document.grouping.qy,
    codes: document.grouping.codes,
    weights,
    averageCostFen: (level) => (level && avg.byLevel[level]) || avg.all,
    coefficient: (provider, level) =>
      decimalToBasisPoints(coef.byProvider[provider] ?? (level !== undefined ? coef.byLevel[level] : undefined) ?? coef.default),
    highCostMultiples: document.outliers.highCostMultiples
      .map(
        (m) =>
          [m.basePointsUpTo === undefined ? Number.POSITIVE_INFINITY : m.basePointsUpTo * 100, decimalToBasisPoints(m.multiple)] as const,
      )
      .sort((a, b) => a[0] - b[0]),
    lowCostShare: percentToBasisPoints(document.outliers.lowCostSharePercent),
    readmission: {
      withinDays: document.readmission.withinDays,
      earlierShare: percentToBasisPoints(document.readmission.earlierAdmissionSharePercent),
      sameProviderOnly: document.readmission.sameProviderOnly,
    },
    bedDayStandards: document.bedDay.standards,
    newTechnology: {
      share: percentToBasisPoints(document.addOns.newTechnology.percent),
      drgs: new Set(document.addOns.newTechnology.drgs),
    },
    gradeFourSurgery: {
      share: percentToBasisPoints(document.addOns.gradeFourSurgery.percent),
      drgs: new Set(document.addOns.gradeFourSurgery.drgs),
    },
    tcmBands: document.addOns.tcmShare
      .map((b) => ({ above: percentToBasisPoints(b.abovePercent), share: percentToBasisPoints(b.percent) }))
      .sort((a, b) => b.above - a.above),
    tcmCategories: new Set(document.addOns.tcmCategories),
  };
}
