import { setTimeout as sleepFor } from 'node:timers/promises';

/**
 * The one retry helper: every "try again" in yibao (a transaction that lost a race, a batch write
 * that left items unprocessed, a chunk the API answered 429) goes through it, so backoff, jitter and
 * the time budget are decided once.
 *
 * Full-jitter exponential backoff: before retry n (1-based) it waits a random time in
 * [0, min(maxDelayMs, baseDelayMs · 2^(n-1))), so racers spread out instead of colliding again in
 * step. It stops after `maxAttempts` attempts, or when the next pause would end past the time budget,
 * whichever comes first: a request under contention gets a clear answer well inside its timeout.
 */
export interface RetryOptions<T> {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Wall-clock milliseconds, from the first attempt, after which no further attempt starts. */
  budgetMs?: number;
  /** Upper bound of the first pause (default 10 ms); doubles each retry up to `maxDelayMs`. */
  baseDelayMs?: number;
  /** Upper bound of any pause (default 1 s). */
  maxDelayMs?: number;
  /** A thrown error worth another attempt; any other propagates at once (default: none is). */
  retryable?: (error: unknown) => boolean;
  /** A returned value that says "not yet" (a lost race reported as a value); default: none does. */
  retryIf?: (value: T) => boolean;
  /** Called before each pause, e.g. to log why. */
  onRetry?: (why: { attempt: number; delayMs: number; error?: unknown; value?: T }) => void;
  /** Seams for tests: the pause, the random source in [0, 1), the clock. */
  sleep?: (ms: number) => Promise<unknown>;
  random?: () => number;
  now?: () => number;
}

/**
 * Runs `attempt` (given its 1-based number) until it returns a value `retryIf` does not reject or
 * throws an error `retryable` does not accept. When attempts or the budget run out, the last
 * outcome stands: its error is thrown, or its value (still "not yet") returned for the caller to
 * turn into its own answer (a 409, a 503, an error SQS retries).
 */
export async function retry<T>(attempt: (n: number) => Promise<T>, options: RetryOptions<T>): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepFor;
  const random = options.random ?? Math.random;
  const base = options.baseDelayMs ?? 10;
  const cap = options.maxDelayMs ?? 1_000;
  const deadline = options.budgetMs === undefined ? Number.POSITIVE_INFINITY : now() + options.budgetMs;
  for (let n = 1; ; n++) {
    let outcome: { value: T } | { error: unknown };
    try {
      outcome = { value: await attempt(n) };
    } catch (error) {
      if (!options.retryable?.(error)) throw error;
      outcome = { error };
    }
    if ('value' in outcome && !options.retryIf?.(outcome.value)) return outcome.value;
    const delayMs = Math.floor(random() * Math.min(cap, base * 2 ** (n - 1)));
    if (n >= options.maxAttempts || now() + delayMs >= deadline) {
      if ('error' in outcome) throw outcome.error;
      return outcome.value;
    }
    options.onRetry?.({ attempt: n, delayMs, ...outcome });
    await sleep(delayMs);
  }
}
