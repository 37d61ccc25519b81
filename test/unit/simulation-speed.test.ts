/**
 * The simulation's fast paths give what the reference paths give, to the fen: the allocation in
 * doubles against the one in BigInt (every share of every layer of every line goes through it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, allocateBig } from '../../shared/money/fen.ts';

describe('fast paths equal their references', () => {
  it('allocate in doubles gives the BigInt shares, sign of zero included, whatever the sizes (fast-check)', () => {
    const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER })),
        fc
          .array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 2 ** 52 })), {
            minLength: 1,
            maxLength: 40,
          })
          .filter((w) => w.some((x) => x > 0)),
        (total, weights) => {
          expect(same(allocate(total, weights), allocateBig(total, weights))).toBe(true);
        },
      ),
      { numRuns: 3_000 },
    );
    // Worked: ties go to the earlier part; a negative total's zero part is -0, as BigInt's is.
    expect(allocate(2, [1, 1, 1])).toEqual([1, 1, 0]);
    expect(Object.is(allocate(-1, [1, 1])[1], -0)).toBe(true);
    expect(allocate(7, [0, 3, 0, 4])).toEqual([0, 3, 0, 4]);
  });
});
