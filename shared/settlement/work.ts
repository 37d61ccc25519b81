import { fenToYuan, type BasisPoints, type Fen } from '../money/fen.ts';
import type { Bill } from './bill.ts';
import type { LineCells } from './cells.ts';
import type { ClaimFacts } from './conditions.ts';
import type { MemberState } from './member.ts';
import type { BasePart, BenefitPolicy, CostAxis } from './policy.ts';
import type { LayerKey, StatementStep } from './statement.ts';
import type { YearToDate } from './year-to-date.ts';

/** One settlement in progress: what every layer reads, and where it writes its figures. */
export interface Work {
  bill: Bill;
  member: MemberState;
  policy: BenefitPolicy;
  facts: ClaimFacts;
  cells: LineCells;
  ytd: YearToDate;
  /** The household's year (its counters the policy keeps per household), when the member belongs to one. */
  household?: { householdId: string; ytd: YearToDate };
  steps: StatementStep[];
  /** Per layer, what it paid on each line. */
  paid: Record<LayerKey, Fen[]>;
  /** Per line: the part of the covered amount under the basic deductible. */
  deductible: Fen[];
  /** Per line: cost above a bed-day standard, borne by the institution. */
  institution: Fen[];
  /** The policy rules behind each layer's figure (and the deductible's, the institution's): for every line's `rules`. */
  rules: Record<string, string[]>;
  /** Per line: the item's own fund ratio (12.5a), outside the claim's deductible and coinsurance; undefined for most lines. */
  fundRatios: (BasisPoints | undefined)[];
  /** Per line: the rule behind that fund ratio. */
  scopedRules: (string | undefined)[];
  /** Per line: rules that replace the claim-wide ones for this line (an item paid at its own ratio). */
  lineRules: (Partial<Record<LayerKey, string>> | undefined)[];
  /** This claim's amounts on basic's cost axes (12.5c), set by basic for the layers after it. */
  axes: ClaimAxes;
}

/** The claim's cost on the axes basic measures (see `costAxes` in policy.ts); they add up to the covered amount. */
export interface ClaimAxes {
  /** The policy-covered amount, deductible included. */
  covered: Fen;
  /** Deductible + the patient's coinsurance on the cost inside basic's caps. */
  burdenWithinCap: Fen;
  /** Covered cost beyond the point where basic's caps stopped paying. */
  aboveCap: Fen;
  /** 乙类先行自付 of the claim (for an axis that counts it). */
  firstSelfPay: Fen;
}

export const axisText: Record<CostAxis, string> = {
  'self-pay': 'covered self-pay',
  'basic-covered': "basic's covered amount",
  'basic-burden-within-cap': "the personal burden inside basic's caps",
  'basic-above-cap': "the covered cost beyond basic's caps",
};

/** A claim's amount on a cost axis; `self-pay` is what the patient still owes in `parts` now. */
export function axisAmount(work: Work, axis: CostAxis, includeFirstSelfPay: boolean): Fen {
  const first = includeFirstSelfPay ? work.axes.firstSelfPay : 0;
  switch (axis) {
    case 'self-pay':
      return work.cells.total(includeFirstSelfPay ? ['covered', 'firstSelfPay'] : ['covered']);
    case 'basic-covered':
      return work.axes.covered + first;
    case 'basic-burden-within-cap':
      return work.axes.burdenWithinCap + first;
    case 'basic-above-cap':
      return work.axes.aboveCap;
  }
}

/** Notes a rule behind a figure (once). */
export function because(work: Work, figure: string, rule: string): void {
  const list = (work.rules[figure] ??= []);
  if (!list.includes(rule)) list.push(rule);
}

/** Records a layer's payment: out of the cells of its base, onto the layer's per-line figures. */
export function pay(work: Work, layer: LayerKey, amount: Fen, parts: readonly BasePart[], rule?: string): void {
  if (rule && amount > 0) because(work, layer, rule);
  const perLine = work.cells.take(amount, parts);
  const into = work.paid[layer];
  perLine.forEach((v, i) => {
    into[i] = into[i]! + v;
  });
}

export const yuan = (fen: Fen): string => fenToYuan(fen);
export const pct = (bp: BasisPoints): string => `${bp / 100}%`;
export const clampRatio = (bp: BasisPoints): BasisPoints => Math.min(10_000, Math.max(0, bp));

/** The remaining room under an annual limit: never negative, even if a mid-year policy lowered it. */
export const room = (limit: Fen, used: Fen): Fen => Math.max(0, limit - used);

export const partsText = (parts: readonly BasePart[]): string =>
  parts
    .map(
      (p) =>
        ({
          covered: 'covered self-pay',
          firstSelfPay: '先行自付',
          overLimit: '超限价',
          outOfCatalogue: '目录外',
        })[p],
    )
    .join(' + ');
