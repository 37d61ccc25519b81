/**
 * Monthly prepayment (月度预拨): a provider's advance for one month under its agreement, and what a
 * run version moves on the ledger.
 *
 *   budget-share        the year's advance = global budget × advance share (rounded half up once),
 *                       spread over twelve months by `allocate`: the twelve advances add up to the
 *                       year's advance exactly (the first months carry the odd fen)
 *   last-month-points   value of last month's points = centipoints × provisional fen per point ÷ 100
 *                       (rounded half up), advance = value × share (rounded half up)
 *
 * A run is keyed by region and month. Running it again changes nothing; a corrected run (a new
 * version) computes every provider's amount afresh and moves only the difference from what the
 * earlier versions already issued for that month: amount − issued before (negative: recovered).
 */
import { allocate, applyRatio, fenToYuan, type Fen } from '../money/fen.ts';
import { mulDivRoundHalfUp } from './arith.ts';
import type { Agreement } from './policy.ts';

export interface AdvanceInput {
  /** The provider's annual global budget (0 when it has no budget line). */
  globalBudgetFen: Fen;
  /** 1–12: the month the advance is for. */
  month: number;
  /** Its points of the month before (centipoints). */
  lastMonthCentipoints: number;
}

export interface Advance {
  amountFen: Fen;
  /** How the amount was reached, for the run's report. */
  workings: string[];
}

export function monthlyAdvance(agreement: Agreement, input: AdvanceInput): Advance {
  if (!Number.isInteger(input.month) || input.month < 1 || input.month > 12) throw new RangeError(`month must be 1-12, got ${input.month}`);
  if (agreement.kind === 'budget-share') {
    const yearFen = applyRatio(input.globalBudgetFen, agreement.advanceShare);
    const amountFen = allocate(
      yearFen,
      Array.from({ length: agreement.months }, () => 1),
    )[input.month - 1]!;
    return {
      amountFen,
      workings: [
        `${agreement.name}: ${agreement.advanceShare / 100}% of the global budget ${fenToYuan(input.globalBudgetFen)} = ${fenToYuan(yearFen)} yuan a year`,
        `month ${input.month} of ${agreement.months}: ${fenToYuan(amountFen)} yuan`,
      ],
    };
  }
  const centipoints = Math.max(0, input.lastMonthCentipoints);
  const valueFen = mulDivRoundHalfUp(centipoints, agreement.provisionalFenPerPoint, 100);
  const amountFen = applyRatio(valueFen, agreement.share);
  return {
    amountFen,
    workings: [
      `${agreement.name}: last month's ${centipoints / 100} points × provisional ${fenToYuan(agreement.provisionalFenPerPoint)} yuan = ${fenToYuan(valueFen)} yuan`,
      `${agreement.share / 100}% of it: ${fenToYuan(amountFen)} yuan`,
    ],
  };
}

export interface RunLine {
  amountFen: Fen;
  issuedBeforeFen: Fen;
  /** What this version moves on the ledger. */
  differenceFen: Fen;
}

/** A version's line: the amount it computes, net of what earlier versions issued for the month. */
export function supersede(amountFen: Fen, issuedBeforeFen: Fen): RunLine {
  return { amountFen, issuedBeforeFen, differenceFen: amountFen - issuedBeforeFen };
}

/** The month before a yyyy-mm period: the month whose points and spending a run looks back on. */
export function previousMonth(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export const monthOf = (period: string): number => Number(period.slice(5, 7));
export const yearOf = (period: string): number => Number(period.slice(0, 4));
