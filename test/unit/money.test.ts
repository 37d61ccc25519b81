import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocate, applyRatio, divideRoundHalfUp, fenToYuan, percentToBasisPoints, yuanToFen } from '../../shared/money/fen.ts';

describe('money: integer fen, one rounding rule', () => {
  it('rounds a ratio half up to the fen', () => {
    expect(applyRatio(1_00, 8_500)).toBe(85);
    expect(applyRatio(1, 5_000)).toBe(1); // 0.5 fen → 1
    expect(applyRatio(3, 5_000)).toBe(2); // 1.5 → 2
    expect(applyRatio(1, 4_999)).toBe(0);
    expect(applyRatio(123_456_78, 6_500)).toBe(80_246_91); // 8,024,690.7 → 8,024,691
  });

  it('keeps a ratio result between floor and ceiling of the exact product, for any amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), fc.integer({ min: 0, max: 10_000 }), (amount, ratio) => {
        const got = applyRatio(amount, ratio);
        const exact = (BigInt(amount) * BigInt(ratio) * 2n + 10_000n) / 20_000n; // half up
        expect(BigInt(got)).toBe(exact);
        expect(got).toBeLessThanOrEqual(amount);
      }),
    );
  });

  it('splits a total by weights into parts that add up exactly', () => {
    expect(allocate(100, [2, 6, 2])).toEqual([20, 60, 20]);
    expect(allocate(101, [2, 6, 2])).toEqual([20, 61, 20]);
    expect(allocate(1, [1, 1, 1])).toEqual([1, 0, 0]);
    expect(allocate(-101, [4, 5, 1])).toEqual([-40, -51, -10]);
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 8 }).filter((w) => w.some((x) => x > 0)),
        (total, weights) => {
          const parts = allocate(total, weights);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          parts.forEach((p, i) => {
            const exact = (total * weights[i]!) / weights.reduce((a, b) => a + b, 0);
            expect(Math.abs(p - exact)).toBeLessThan(1 + 1e-6);
          });
        },
      ),
    );
  });

  it('converts yuan text to fen exactly and back', () => {
    expect(yuanToFen('3070')).toBe(307_000);
    expect(yuanToFen('0.1')).toBe(10);
    expect(yuanToFen('12.05')).toBe(1_205);
    expect(() => yuanToFen('1.005')).toThrow();
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (fen) => {
        expect(yuanToFen(fenToYuan(fen))).toBe(fen);
      }),
    );
  });

  it('reads policy percentages as basis points', () => {
    expect(percentToBasisPoints(85)).toBe(8_500);
    expect(percentToBasisPoints(72.5)).toBe(7_250);
    expect(percentToBasisPoints(33.33)).toBe(3_333);
    expect(() => percentToBasisPoints(33.333)).toThrow();
    expect(divideRoundHalfUp(-3, 2)).toBe(-2);
  });
});
