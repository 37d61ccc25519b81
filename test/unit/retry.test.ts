/** The one retry helper (shared/runtime/retry.ts): jittered exponential backoff, attempt cap, time budget, predicates. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { retry } from '../../shared/runtime/retry.ts';

/** A fake clock the helper's pauses advance: no real waiting, every pause recorded. */
function fakeTime(random = () => 0.5) {
  let t = 0;
  const pauses: number[] = [];
  return {
    pauses,
    seams: {
      now: () => t,
      random,
      sleep: async (ms: number) => {
        pauses.push(ms);
        t += ms;
      },
    },
  };
}

class Raced extends Error {}

describe('retry', () => {
  it('returns the first value the predicate accepts, after as many attempts as it took', async () => {
    const time = fakeTime();
    const seen: number[] = [];
    const value = await retry(
      async (n) => {
        seen.push(n);
        if (n < 3) throw new Raced();
        return 'done';
      },
      { maxAttempts: 5, retryable: (e) => e instanceof Raced, ...time.seams },
    );
    expect(value).toBe('done');
    expect(seen).toEqual([1, 2, 3]);
    // Half of the cap each time (random = 0.5): caps 10, 20 → pauses 5, 10.
    expect(time.pauses).toEqual([5, 10]);
  });

  it('lets an error the predicate does not accept through at once', async () => {
    const time = fakeTime();
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new TypeError('a bug, not a race');
        },
        { maxAttempts: 5, retryable: (e) => e instanceof Raced, ...time.seams },
      ),
    ).rejects.toThrow(TypeError);
    expect(calls).toBe(1);
    expect(time.pauses).toEqual([]);
  });

  it('throws the last retryable error once the attempts run out', async () => {
    const time = fakeTime();
    let calls = 0;
    await expect(
      retry(
        async (n) => {
          calls++;
          throw new Raced(`attempt ${n}`);
        },
        { maxAttempts: 4, retryable: (e) => e instanceof Raced, ...time.seams },
      ),
    ).rejects.toThrow('attempt 4');
    expect(calls).toBe(4);
    expect(time.pauses).toHaveLength(3);
  });

  it('returns the last "not yet" value when attempts run out, for the caller to answer', async () => {
    const time = fakeTime();
    const value = await retry(async (n) => ({ retry: true, n }), { maxAttempts: 3, retryIf: (v) => v.retry, ...time.seams });
    expect(value).toEqual({ retry: true, n: 3 });
  });

  it('starts no attempt whose pause would end past the time budget', async () => {
    // random = 0.999: pauses just under the caps 100, 200, 400, 800 → 99, 199, 399 (sum 697), then 799 would pass 1000.
    const time = fakeTime(() => 0.999);
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new Raced();
        },
        { maxAttempts: 100, budgetMs: 1_000, baseDelayMs: 100, maxDelayMs: 10_000, retryable: () => true, ...time.seams },
      ),
    ).rejects.toBeInstanceOf(Raced);
    expect(time.pauses).toEqual([99, 199, 399]);
    expect(calls).toBe(4);
  });

  it('keeps every pause within [0, min(cap, base·2^(n-1))) whatever the random draw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 12, maxLength: 12 }),
        async (draws) => {
          let i = 0;
          const time = fakeTime(() => draws[i++ % draws.length]!);
          await retry(async () => ({ again: true }), {
            maxAttempts: 12,
            baseDelayMs: 10,
            maxDelayMs: 500,
            retryIf: (v) => v.again,
            ...time.seams,
          });
          return time.pauses.length === 11 && time.pauses.every((p, n) => p >= 0 && p < Math.min(500, 10 * 2 ** n));
        },
      ),
    );
  });

  it('tells onRetry why it pauses', async () => {
    const time = fakeTime();
    const why: unknown[] = [];
    await retry(async (n) => n, { maxAttempts: 3, retryIf: (n) => n < 2, onRetry: (w) => why.push(w), ...time.seams });
    expect(why).toEqual([{ attempt: 1, delayMs: 5, value: 1 }]);
  });
});
