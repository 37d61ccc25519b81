import { allocate, type Fen } from '../money/fen.ts';
import type { BasePart } from './policy.ts';

/**
 * What the patient still owes on each line, by part: out-of-catalogue, over the price limit, first
 * self-pay, and the policy-covered amount no layer has paid yet. Every layer takes its payment
 * out of the cells of its base, shared over them by `allocate` (largest remainder), so a line's
 * figures always add up to the line and no cell ever goes below zero: a share of an amount no
 * larger than the base is never larger than the cell it comes from.
 */
export class LineCells {
  private readonly cells: Record<BasePart, Fen[]>;

  constructor(
    readonly lineCount: number,
    initial: Record<BasePart, Fen[]>,
  ) {
    this.cells = {
      covered: [...initial.covered],
      firstSelfPay: [...initial.firstSelfPay],
      overLimit: [...initial.overLimit],
      outOfCatalogue: [...initial.outOfCatalogue],
    };
  }

  total(parts: readonly BasePart[]): Fen {
    let sum = 0;
    for (const part of parts) for (const v of this.cells[part]) sum += v;
    return sum;
  }

  line(part: BasePart, index: number): Fen {
    return this.cells[part][index]!;
  }

  /** The patient's remaining amount on each line (all parts). */
  owedPerLine(): Fen[] {
    return Array.from(
      { length: this.lineCount },
      (_, i) => this.cells.covered[i]! + this.cells.firstSelfPay[i]! + this.cells.overLimit[i]! + this.cells.outOfCatalogue[i]!,
    );
  }

  /** Takes `amount` out of the cells of `parts`, in proportion to what they hold; returns what each line gave. */
  take(amount: Fen, parts: readonly BasePart[]): Fen[] {
    const perLine = new Array<Fen>(this.lineCount).fill(0);
    if (amount === 0) return perLine;
    const weights = parts.flatMap((part) => this.cells[part]);
    const shares = allocate(amount, weights);
    parts.forEach((part, p) => {
      const cells = this.cells[part];
      for (let i = 0; i < this.lineCount; i++) {
        const share = shares[p * this.lineCount + i]!;
        cells[i] = cells[i]! - share;
        perLine[i] = perLine[i]! + share;
      }
    });
    return perLine;
  }

  /** Takes `amount` out of one part with weights of the caller's choosing (each weight ≤ the cell). */
  takeByWeights(amount: Fen, part: BasePart, weights: readonly Fen[]): Fen[] {
    if (amount === 0) return new Array<Fen>(this.lineCount).fill(0);
    const shares = allocate(amount, weights);
    const cells = this.cells[part];
    shares.forEach((share, i) => {
      cells[i] = cells[i]! - share;
    });
    return shares;
  }
}

/** allocate() over weights that may all be zero (then nothing is shared). */
export function shareOut(amount: Fen, weights: readonly Fen[]): Fen[] {
  if (amount === 0 || weights.every((w) => w === 0)) return weights.map(() => 0);
  return allocate(amount, weights);
}
