/**
 * The point value (点值) of a region's year: the DRG budget divided by every point the region's
 * providers earned that year. Points are whole centipoints (shared/drg/points.ts), money whole fen,
 * so the value of one point in yuan is exactly drgBudgetFen ÷ totalCentipoints (fen ÷ 100 over
 * centipoints ÷ 100): it is kept as that fraction, never as a rounded float.
 *
 * A provider's DRG payment is its points × the point value, i.e. its exact share
 * points × budget ÷ total points, rounded to the fen by largest remainder (`allocate`): the
 * payments add up to the DRG budget exactly, and each lies within one fen of the exact product.
 */
import { allocate, type Fen } from '../money/fen.ts';
import { decimalString, sum } from './arith.ts';

export interface PointValue {
  drgBudgetFen: Fen;
  totalCentipoints: number;
  /** Yuan per point to four decimals, for people: "98.7654". Null when the year has no points. */
  yuanPerPoint: string | null;
}

export function pointValue(drgBudgetFen: Fen, totalCentipoints: number): PointValue {
  return {
    drgBudgetFen,
    totalCentipoints,
    yuanPerPoint: totalCentipoints > 0 ? decimalString(drgBudgetFen, totalCentipoints, 4) : null,
  };
}

/**
 * Each provider's DRG payment, in the order given. A provider with no points (or negative ones,
 * which a year never nets to) is paid nothing; a year with no points pays nothing and leaves the
 * budget unspent.
 */
export function drgPayments(drgBudgetFen: Fen, centipoints: readonly number[]): Fen[] {
  const weights = centipoints.map((c) => Math.max(0, c));
  if (sum(weights) <= 0) return weights.map(() => 0);
  return allocate(drgBudgetFen, weights);
}
