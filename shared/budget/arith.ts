/**
 * a × b ÷ c on integers, exact, rounded half up (away from zero at .5) — the project's one
 * rounding rule (shared/money) applied to a product that can outgrow 2^53: a year's points in
 * centipoints (≈10^10) times a budget in fen (≈10^11) does. BigInt inside, a safe number out.
 */
export function mulDivRoundHalfUp(a: number, b: number, c: number): number {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || !Number.isSafeInteger(c))
    throw new RangeError(`integers expected: ${a} × ${b} ÷ ${c}`);
  if (c <= 0) throw new RangeError('divisor must be positive');
  const n = BigInt(a) * BigInt(b);
  const negative = n < 0n;
  const m = negative ? -n : n;
  const d = BigInt(c);
  const q = m / d;
  const rounded = (m - q * d) * 2n >= d ? q + 1n : q;
  const out = Number(negative ? -rounded : rounded);
  if (!Number.isSafeInteger(out)) throw new RangeError(`result out of range: ${a} × ${b} ÷ ${c}`);
  return out;
}

/** a ÷ c as a decimal string with `places` decimals, rounded half up (for showing a point value). */
export function decimalString(a: number, c: number, places: number): string {
  if (c <= 0) throw new RangeError('divisor must be positive');
  const scale = 10 ** places;
  const scaled = mulDivRoundHalfUp(a, scale, c);
  const sign = scaled < 0 ? '-' : '';
  const abs = Math.abs(scaled);
  const whole = Math.floor(abs / scale);
  return places === 0 ? `${sign}${whole}` : `${sign}${whole}.${String(abs % scale).padStart(places, '0')}`;
}

export const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
