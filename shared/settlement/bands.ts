import { applyRatio, type BasisPoints, type Fen } from '../money/fen.ts';

export interface Band {
  /** Upper limit of the band on the measuring axis; the last band has none. */
  upTo?: Fen;
  ratio: BasisPoints;
}

export interface BandPortion {
  /** Where the portion lies on the year's cumulative axis. */
  from: Fen;
  to: Fen;
  ratio: BasisPoints;
  /** (to − from) × ratio, rounded half up: each portion is rounded once, where it is computed. */
  pay: Fen;
}

/**
 * Pays a claim's share of a banded benefit. The year's base accumulates along one axis: this claim
 * occupies [start, start + amount). Only what lies at or above `threshold` (the annual deductible)
 * is paid, band by band. Band limits are measured from `origin`: 0 when the bands are read on the
 * gross base, the deductible when they are read on the part above it. Measuring the claim on the
 * year's axis is what makes the second claim of a year continue in the band the first one reached.
 */
export function payByBands(input: { start: Fen; amount: Fen; threshold: Fen; origin: Fen; bands: readonly Band[] }): {
  pay: Fen;
  portions: BandPortion[];
} {
  const { start, amount, threshold, origin, bands } = input;
  const low = Math.max(start, threshold);
  const high = start + amount;
  const portions: BandPortion[] = [];
  let bandLow = origin;
  for (const band of bands) {
    const bandHigh = band.upTo === undefined ? Number.POSITIVE_INFINITY : origin + band.upTo;
    const from = Math.max(low, bandLow);
    const to = Math.min(high, bandHigh);
    if (to > from) portions.push({ from, to, ratio: band.ratio, pay: applyRatio(to - from, band.ratio) });
    bandLow = bandHigh;
    if (bandLow >= high) break;
  }
  return { pay: portions.reduce((a, p) => a + p.pay, 0), portions };
}
