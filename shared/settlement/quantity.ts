import { divideRoundHalfUp, type Fen } from '../money/fen.ts';

const QUANTITY_SCALE = 10_000;

/**
 * Unit price × quantity, rounded half up to the fen (the one rounding rule). Quantities carry at
 * most four decimals, so the product is computed on integers (ten-thousandths), with BigInt when
 * it would leave the safe-integer range: no float ever decides a fen.
 */
export function lineAmount(unitFen: Fen, quantity: number): Fen {
  const scaled = Math.round(quantity * QUANTITY_SCALE);
  const product = unitFen * scaled;
  if (Number.isSafeInteger(product)) return divideRoundHalfUp(product, QUANTITY_SCALE);
  const big = BigInt(unitFen) * BigInt(scaled);
  const q = big / BigInt(QUANTITY_SCALE);
  const r = big - q * BigInt(QUANTITY_SCALE);
  return Number(r * 2n >= BigInt(QUANTITY_SCALE) ? q + 1n : q);
}
