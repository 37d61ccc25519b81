/**
 * The fund's months of reserve projected for the coming year (pure): a simple, stated actuarial
 * model, the same one for the policy in force and for the draft, so the difference is the draft's.
 *
 *   pooled payments P   = basic + catastrophic paid over the window (the pooled fund's layers:
 *                         大病保险 is bought from the basic fund; subsidies, assistance and
 *                         supplementary cover are other funds and do not draw on its reserve),
 *                         annualised: P = P_window × days of the year ÷ days of the window
 *   income I            = stated (annualIncome), else P in force (a fund that balanced this year)
 *   next year           I₁ = I × (1 + contribution growth) × (1 + enrolment change)
 *                       P₁ = P × (1 + cost trend) × (1 + enrolment change)
 *   reserve             R₁ = R₀ + I₁ − P₁        (R₀: the stated opening reserve, else the budget's)
 *   months of reserve   now: R₀ ÷ (P ÷ 12);  at the end of next year: R₁ ÷ (P₁ ÷ 12)
 *                       (累计结余可支付月数, the measure the Honghe plan reports), in hundredths
 * Every figure is integer fen or basis points, rounded half up once where it is made.
 */
import { applyRatio, BASIS_POINTS_PER_UNIT, type BasisPoints, type Fen } from '../money/fen.ts';
import { mulDivRoundHalfUp } from '../budget/arith.ts';

/** The defaults, stated: illustrative, not the agency's figures; a request states its own. */
export const DEFAULT_ASSUMPTIONS = {
  contributionGrowthBp: 500,
  costTrendBp: 800,
  enrolmentChangeBp: 0,
  /**
   * The catastrophic-expenditure line when neither the request nor the policy names one. The policy
   * names it as its 大病保险 deductible (起付线), which the national rule ties to the same measure
   * catastrophic expenditure is judged by (not above 50% of the region's per-capita disposable
   * income, 国办发〔2015〕57号): report.ts reads that first.
   */
  catastrophicLineFen: 2_000_000,
} as const;

export interface ProjectionInput {
  windowDays: number;
  yearDays: number;
  pooledInForceFen: Fen;
  pooledDraftFen: Fen;
  openingReserveFen: Fen | null;
  reserveSource: string;
  annualIncomeFen: Fen | null;
  contributionGrowthBp: BasisPoints;
  costTrendBp: BasisPoints;
  enrolmentChangeBp: BasisPoints;
}

export interface ProjectedSide {
  annualPaymentsFen: Fen;
  nextYearPaymentsFen: Fen;
  closingReserveFen: Fen | null;
  /** Months of payment the reserve covers, hundredths (9.88 months = 988); null without a reserve or payments. */
  monthsNow: number | null;
  monthsAtNextYearEnd: number | null;
}

export interface Projection {
  model: string;
  assumptions: {
    openingReserveFen: Fen | null;
    reserveSource: string;
    annualIncomeFen: Fen;
    incomeSource: string;
    contributionGrowthBp: BasisPoints;
    costTrendBp: BasisPoints;
    enrolmentChangeBp: BasisPoints;
    annualisedBy: string;
  };
  nextYearIncomeFen: Fen;
  inForce: ProjectedSide;
  draft: ProjectedSide;
  difference: { annualPaymentsFen: Fen; nextYearPaymentsFen: Fen; closingReserveFen: Fen | null; monthsAtNextYearEnd: number | null };
}

const grow = (amount: Fen, bp: BasisPoints): Fen => applyRatio(amount, BASIS_POINTS_PER_UNIT + bp);
const months = (reserve: Fen | null, annual: Fen): number | null =>
  reserve === null || annual <= 0 ? null : mulDivRoundHalfUp(reserve, 1_200, annual);

export const PROJECTION_MODEL =
  'P = (basic + catastrophic) over the window × days of the year ÷ days of the window; I₁ = I × (1+contribution growth) × (1+enrolment change); P₁ = P × (1+cost trend) × (1+enrolment change); R₁ = R₀ + I₁ − P₁; months = reserve ÷ (payments ÷ 12)';

export function project(input: ProjectionInput): Projection {
  const annual = (windowFen: Fen) => mulDivRoundHalfUp(windowFen, input.yearDays, input.windowDays);
  const pInForce = annual(input.pooledInForceFen);
  const pDraft = annual(input.pooledDraftFen);
  const income = input.annualIncomeFen ?? pInForce;
  const nextIncome = grow(grow(income, input.contributionGrowthBp), input.enrolmentChangeBp);
  const side = (p: Fen): ProjectedSide => {
    const p1 = grow(grow(p, input.costTrendBp), input.enrolmentChangeBp);
    const closing = input.openingReserveFen === null ? null : input.openingReserveFen + nextIncome - p1;
    return {
      annualPaymentsFen: p,
      nextYearPaymentsFen: p1,
      closingReserveFen: closing,
      monthsNow: months(input.openingReserveFen, p),
      monthsAtNextYearEnd: months(closing, p1),
    };
  };
  const a = side(pInForce);
  const b = side(pDraft);
  return {
    model: PROJECTION_MODEL,
    assumptions: {
      openingReserveFen: input.openingReserveFen,
      reserveSource: input.reserveSource,
      annualIncomeFen: income,
      incomeSource: input.annualIncomeFen === null ? 'the in-force payments annualised (a fund in balance)' : 'stated in the request',
      contributionGrowthBp: input.contributionGrowthBp,
      costTrendBp: input.costTrendBp,
      enrolmentChangeBp: input.enrolmentChangeBp,
      annualisedBy: `× ${input.yearDays} ÷ ${input.windowDays} days`,
    },
    nextYearIncomeFen: nextIncome,
    inForce: a,
    draft: b,
    difference: {
      annualPaymentsFen: b.annualPaymentsFen - a.annualPaymentsFen,
      nextYearPaymentsFen: b.nextYearPaymentsFen - a.nextYearPaymentsFen,
      closingReserveFen: a.closingReserveFen === null || b.closingReserveFen === null ? null : b.closingReserveFen - a.closingReserveFen,
      monthsAtNextYearEnd:
        a.monthsAtNextYearEnd === null || b.monthsAtNextYearEnd === null ? null : b.monthsAtNextYearEnd - a.monthsAtNextYearEnd,
    },
  };
}
