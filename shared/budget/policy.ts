/**
 * A region's settlement policy as data: the capitation standard, how a capitation surplus is
 * distributed and an overrun shared, the prepayment agreements, what the year-end settles, and the
 * fund early-warning thresholds, for one pooling region and year. Every section names the document
 * it comes from and says whether its figures are the region's own or illustrative stand-ins.
 *
 * Documents live in policies/year-end/<region>/<year>.json, figures written as people read them
 * (yuan as strings, shares in percent, splits as the paper writes them: 2 : 6 : 2) and turned into
 * integers here, once, so the arithmetic in this folder never touches a float.
 *
 * Regions differ in mechanism, not only in figures; the mechanisms are named options:
 *  - surplus.distributed: "assessment-score" (Jin'an: score % of the surplus goes to the units, the
 *    rest to the community's global settlement) or "all" (Honghe's 结余留用: the units keep it all);
 *  - overrun.absorbedWhenRankAtMost: 6 (Jin'an: a unit ranked in the top six has its overrun absorbed
 *    by the community's global settlement) or null (Honghe's 超支自担: always shared by the units).
 */
import * as z from 'zod';
import { percentToBasisPoints, yuanToFen, type BasisPoints, type Fen } from '../money/fen.ts';
import { visitTypes } from '../../events/claims.ts';
import { checkCitations } from '../policy/citations.ts';
import { basisSchema, policyHeader, policyYear } from '../policy/document-header.ts';

const yuan = z.string().regex(/^\d+(\.\d{1,2})?$/, 'an amount in yuan with at most two decimals, as a string ("3070", "95.50")');
const percent = z
  .number()
  .nonnegative()
  .max(100)
  .refine((x) => Math.abs(Math.round(x * 100) - x * 100) < 1e-6, 'at most 2 decimal places');
const weight = z.number().int().nonnegative();
/** Every section says where its figures come from, in the one citation shape (document-header.ts). */
const cited = { basis: basisSchema };

/** How a region-year pays its stays at the year-end (year-end terms; shared/drg and shared/dip record cases by method). */
export const PAYMENT_METHODS = ['drg', 'dip', 'items'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** The three tiers of a county health community (医共体): county hospital, township centres, village clinics. */
export const TIERS = ['county', 'township', 'village'] as const;
export type Tier = (typeof TIERS)[number];

const tierSplit = z
  .strictObject({ county: weight, township: weight, village: weight })
  .refine((s) => s.county + s.township + s.village > 0, 'a split needs at least one positive part');

const agreementSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('budget-share'),
    label: z.string(),
    /** Share of the provider's annual global budget advanced over the year, in percent (the rest waits for the year-end). */
    advancePercent: percent,
    /** The advanced share is spread evenly over these months (12: monthly). */
    months: z.literal(12),
  }),
  z.strictObject({
    kind: z.literal('last-month-points'),
    label: z.string(),
    /** Share of the value of last month's points advanced, in percent. */
    sharePercent: percent,
    /** Provisional value of one point (预估点值) until the year-end fixes the real one. */
    provisionalPointValueYuan: yuan,
  }),
]);

export const settlementPolicySchema = z
  .strictObject({
    ...policyHeader('year-end'),
    ...policyYear,
    capitation: z.strictObject({
      /** 人均包干基金指导标准: per capitated member per year. */
      standardPerMemberYuan: yuan,
      /** Claims of capitated members counted against the fund by discharge date (service date when there is none). */
      accountedBy: z.literal('discharge-date'),
      /** What the package leaves out (Jin'an 六(一): 意外伤害, 普通门诊, 两病门诊). */
      excluded: z.strictObject({
        visitTypes: z.array(z.enum(visitTypes)),
        /** Principal diagnoses that mark accidental injury: ICD-10 chapter XIX (S, T). */
        principalDiagnosisPrefixes: z.array(z.string().regex(/^[A-Z][0-9A-Z.]*$/)),
      }),
      ...cited,
    }),
    surplus: z.strictObject({
      distributed: z.enum(['assessment-score', 'all']),
      split: tierSplit,
      ...cited,
    }),
    overrun: z.strictObject({
      /** A community ranked at or above this place in the annual assessment has its overrun absorbed; null: never. */
      absorbedWhenRankAtMost: z.number().int().positive().nullable(),
      split: tierSplit,
      ...cited,
    }),
    prepayment: z.strictObject({
      /** The agreement of a provider whose budget line names none. */
      defaultAgreement: z.string().min(1),
      agreements: z.record(z.string().regex(/^[a-z0-9-]+$/), agreementSchema),
      ...cited,
    }),
    yearEnd: z.strictObject({
      /**
       * Which method's points pay this region-year's stays (住院): the CHS-DRG points (drg), the DIP
       * scores (dip), or none (items: every stay is paid by the fund's share of its claims). A stay
       * is paid by points only when its case of this method was grouped and counts; any other stay
       * falls back to items, so each stay is paid exactly once. Absent in documents written before
       * the field existed: drg, what those years paid by.
       */
      payBy: z.enum(PAYMENT_METHODS).default('drg'),
      /**
       * Whether the year-end also settles the fund's fee-for-service payments (every claim that is not
       * an inpatient DRG case). True where, as here, the platform pays providers only by advances and
       * the year-end; false where those claims are paid monthly elsewhere.
       */
      includeItemPayments: z.boolean(),
      ...cited,
    }),
    /**
     * Each provider's global budget (总额预算) settled at the year-end: what its points and items
     * came to, against its budget line. Below the budget it keeps a share of the surplus (结余留用),
     * capped at a share of the budget; above it the fund bears a share of the overrun (合理超支分担)
     * up to a band, the rest borne by the provider (超支自担). Absent: entitlements are not capped.
     */
    globalBudget: z
      .strictObject({
        surplus: z.strictObject({ keptPercent: percent, capPercentOfBudget: percent }),
        overrun: z.strictObject({ fundBearsPercent: percent, withinPercentOfBudget: percent }),
        ...cited,
      })
      .optional(),
    warnings: z.strictObject({
      /** 累计结余可支付月数: warn when the reserve covers fewer months of payment than this. */
      reserveMonths: z
        .strictObject({ watchBelow: z.number().positive(), alertBelow: z.number().positive() })
        .refine((r) => r.alertBelow <= r.watchBelow, 'alertBelow must not exceed watchBelow'),
      /** Budget execution against the calendar: spent ÷ (budget × months elapsed ÷ 12), in percent. */
      budgetExecution: z
        .strictObject({ watchAtPercentOfPace: z.number().positive(), alertAtPercentOfPace: z.number().positive() })
        .refine((b) => b.alertAtPercentOfPace >= b.watchAtPercentOfPace, 'alertAtPercentOfPace must not be below watchAtPercentOfPace'),
      ...cited,
    }),
  })
  .superRefine((doc, ctx) => {
    checkCitations(doc, ctx);
    if (!(doc.prepayment.defaultAgreement in doc.prepayment.agreements)) {
      ctx.addIssue({ code: 'custom', path: ['prepayment', 'defaultAgreement'], message: `names no agreement in prepayment.agreements` });
    }
  });
export type SettlementPolicyDocument = z.infer<typeof settlementPolicySchema>;

export type Agreement =
  | { name: string; kind: 'budget-share'; advanceShare: BasisPoints; months: 12 }
  | { name: string; kind: 'last-month-points'; share: BasisPoints; provisionalFenPerPoint: Fen };

export type TierWeights = Readonly<Record<Tier, number>>;

/** A policy with its figures as integers, ready for the arithmetic. */
export interface SettlementPolicy {
  document: SettlementPolicyDocument;
  region: string;
  year: number;
  version: number;
  capitation: {
    standardPerMemberFen: Fen;
    excludedVisitTypes: ReadonlySet<string>;
    excludedDiagnosisPrefixes: readonly string[];
  };
  surplus: { distributed: 'assessment-score' | 'all'; split: TierWeights };
  overrun: { absorbedWhenRankAtMost: number | null; split: TierWeights };
  prepayment: { defaultAgreement: string; agreements: ReadonlyMap<string, Agreement> };
  yearEnd: { includeItemPayments: boolean; payBy: PaymentMethod };
  /** Basis points of the surplus kept / of the budget it is capped at; of the overrun the fund bears / the band it bears it in. */
  globalBudget: { keptShare: BasisPoints; keptCap: BasisPoints; fundBearsShare: BasisPoints; bandShare: BasisPoints } | null;
  warnings: {
    /** Hundredths of a month (9.88 months = 988). */
    reserveMonths: { watchBelow: number; alertBelow: number };
    /** Basis points of pace (110% = 11,000). */
    budgetExecution: { watchAt: BasisPoints; alertAt: BasisPoints };
  };
}

const hundredths = (x: number): number => Math.round(x * 100);

export function compileSettlementPolicy(document: SettlementPolicyDocument): SettlementPolicy {
  const agreements = new Map<string, Agreement>();
  for (const [name, a] of Object.entries(document.prepayment.agreements)) {
    agreements.set(
      name,
      a.kind === 'budget-share'
        ? { name, kind: a.kind, advanceShare: percentToBasisPoints(a.advancePercent), months: a.months }
        : {
            name,
            kind: a.kind,
            share: percentToBasisPoints(a.sharePercent),
            provisionalFenPerPoint: yuanToFen(a.provisionalPointValueYuan),
          },
    );
  }
  const w = document.warnings;
  return {
    document,
    region: document.region,
    year: document.year,
    version: document.version,
    capitation: {
      standardPerMemberFen: yuanToFen(document.capitation.standardPerMemberYuan),
      excludedVisitTypes: new Set(document.capitation.excluded.visitTypes),
      excludedDiagnosisPrefixes: document.capitation.excluded.principalDiagnosisPrefixes,
    },
    surplus: { distributed: document.surplus.distributed, split: document.surplus.split },
    overrun: { absorbedWhenRankAtMost: document.overrun.absorbedWhenRankAtMost, split: document.overrun.split },
    prepayment: { defaultAgreement: document.prepayment.defaultAgreement, agreements },
    yearEnd: { includeItemPayments: document.yearEnd.includeItemPayments, payBy: document.yearEnd.payBy },
    globalBudget: document.globalBudget
      ? {
          keptShare: percentToBasisPoints(document.globalBudget.surplus.keptPercent),
          keptCap: percentToBasisPoints(document.globalBudget.surplus.capPercentOfBudget),
          fundBearsShare: percentToBasisPoints(document.globalBudget.overrun.fundBearsPercent),
          bandShare: percentToBasisPoints(document.globalBudget.overrun.withinPercentOfBudget),
        }
      : null,
    warnings: {
      reserveMonths: { watchBelow: hundredths(w.reserveMonths.watchBelow), alertBelow: hundredths(w.reserveMonths.alertBelow) },
      budgetExecution: {
        watchAt: percentToBasisPoints(w.budgetExecution.watchAtPercentOfPace),
        alertAt: percentToBasisPoints(w.budgetExecution.alertAtPercentOfPace),
      },
    },
  };
}

/** Parses and compiles a document; a document that does not parse throws zod's error. */
export function parseSettlementPolicy(raw: unknown): SettlementPolicy {
  return compileSettlementPolicy(settlementPolicySchema.parse(raw));
}
