/**
 * Money is integer fen (分). Ratios are integer basis points (1/10,000: 85% = 8,500), so no float
 * ever touches money.
 *
 * The one rounding rule: a figure derived by a ratio is rounded half up to the fen, once, where it
 * is computed (`applyRatio`). Splits of a total into parts (`allocate`) hand out the remainder fen
 * by largest remainder, so the parts always add up to the total exactly.
 */
export type Fen = number;
export type BasisPoints = number;

export const BASIS_POINTS_PER_UNIT = 10_000;

export function isFen(value: unknown): value is Fen {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

export function assertFen(value: number, what = 'amount'): Fen {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a whole number of fen, got ${value}`);
  return value;
}

/** numerator / denominator rounded half up: at exactly .5 away from zero (a negative figure mirrors its positive). */
export function divideRoundHalfUp(numerator: number, denominator: number): number {
  if (denominator <= 0) throw new RangeError('denominator must be positive');
  if (numerator < 0) return -divideRoundHalfUp(-numerator, denominator);
  const quotient = Math.floor(numerator / denominator);
  const remainder = numerator - quotient * denominator;
  return remainder * 2 >= denominator ? quotient + 1 : quotient;
}

/** amount × ratio, rounded half up to the fen: the project's one rounding rule. */
export function applyRatio(amount: Fen, ratio: BasisPoints): Fen {
  assertFen(amount);
  if (!Number.isInteger(ratio) || ratio < 0) throw new RangeError(`ratio must be whole basis points ≥ 0, got ${ratio}`);
  const product = amount * ratio;
  if (!Number.isSafeInteger(product)) {
    return Number(roundBig(BigInt(amount) * BigInt(ratio), BigInt(BASIS_POINTS_PER_UNIT)));
  }
  return divideRoundHalfUp(product, BASIS_POINTS_PER_UNIT);
}

function roundBig(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const q = n / denominator;
  const r = n - q * denominator;
  const rounded = r * 2n >= denominator ? q + 1n : q;
  return negative ? -rounded : rounded;
}

/**
 * Splits a total by integer weights (e.g. county : township : village = 2 : 6 : 2). Each part is
 * the floor of its exact share; the fen left over go one each to the parts with the largest
 * remainders (earlier parts first on ties). The parts always sum to the total.
 */
export function allocate(total: Fen, weights: readonly number[]): Fen[] {
  assertFen(total, 'total');
  let weightSum = 0;
  let maxWeight = 0;
  for (const w of weights) {
    if (!Number.isInteger(w) || w < 0) throw new RangeError('weights must be whole numbers ≥ 0 with a positive sum');
    weightSum += w;
    if (w > maxWeight) maxWeight = w;
  }
  if (weightSum <= 0) throw new RangeError('weights must be whole numbers ≥ 0 with a positive sum');
  // Settlement shares every layer's payment over a bill's lines with this, millions of times in a
  // simulation: where every product |total| × weight is a safe integer, doubles compute the very
  // same floors and remainders as BigInt does (exact integer arithmetic), without allocating.
  if (Number.isSafeInteger(Math.abs(total) * maxWeight) && Number.isSafeInteger(weightSum)) return allocateSafe(total, weights, weightSum);
  return allocateBig(total, weights, weightSum);
}

/** allocate() in doubles: every product below 2^53, so each is exact. */
function allocateSafe(total: Fen, weights: readonly number[], weightSum: number): Fen[] {
  const sign = total < 0 ? -1 : 1;
  const magnitude = Math.abs(total);
  const n = weights.length;
  const parts = new Array<number>(n);
  const remainders = new Array<number>(n);
  let left = magnitude;
  for (let i = 0; i < n; i++) {
    const exact = magnitude * weights[i]!;
    const part = Math.floor(exact / weightSum);
    parts[i] = part;
    remainders[i] = exact - part * weightSum;
    left -= part;
  }
  // The left-over fen (fewer than the parts) go one each to the largest remainders, earlier first on ties.
  while (left > 0) {
    let best = -1;
    for (let i = 0; i < n; i++) if (remainders[i]! >= 0 && (best < 0 || remainders[i]! > remainders[best]!)) best = i;
    parts[best] = parts[best]! + 1;
    remainders[best] = -1;
    left -= 1;
  }
  // As the reference: sign × part (a negative total's zero part is -0 there too).
  for (let i = 0; i < n; i++) parts[i] = sign * parts[i]!;
  return parts;
}

/** allocate() in BigInt: any size (the reference the safe path is proven equal to). */
export function allocateBig(total: Fen, weights: readonly number[], weightSum = weights.reduce((a, b) => a + b, 0)): Fen[] {
  const sign = total < 0 ? -1 : 1;
  const magnitude = Math.abs(total);
  const exact = weights.map((w) => BigInt(magnitude) * BigInt(w));
  const sumBig = BigInt(weightSum);
  const parts = exact.map((e) => e / sumBig);
  let left = BigInt(magnitude) - parts.reduce((a, b) => a + b, 0n);
  const order = exact.map((e, i) => ({ i, r: e % sumBig })).sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of order) {
    if (left === 0n) break;
    parts[i] = parts[i]! + 1n;
    left -= 1n;
  }
  return parts.map((p) => sign * Number(p));
}

/** "3070" / "3070.5" / "3070.05" yuan → fen, exactly (no float on the way). */
export function yuanToFen(yuan: string | number): Fen {
  const text = typeof yuan === 'number' ? yuan.toFixed(2) : yuan.trim();
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) throw new RangeError(`not an amount in yuan with at most two decimals: ${yuan}`);
  const fen = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] ? -fen : fen;
}

export function fenToYuan(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A percentage as written in a policy (85, 72.5, 33.33) → basis points. */
export function percentToBasisPoints(percent: number): BasisPoints {
  const bp = Math.round(percent * 100);
  if (Math.abs(bp - percent * 100) > 1e-6) throw new RangeError(`percentages carry at most two decimals: ${percent}`);
  return bp;
}
