/** Bounded concurrency for stores that fan out reads or writes without flooding DynamoDB. */

/** Runs `task` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The releases waiting on each signal, under the signal's one abort listener. */
const waitingOn = new WeakMap<AbortSignal, { releases: Set<() => void>; onAbort: () => void }>();

/**
 * Calls `release` if `signal` aborts; the returned function takes it back. A signal gets one
 * listener however much work waits on it, and loses it with the last: middy hands every invocation
 * of a container the same signal until one times out, and on the local cloud 32 claims share it.
 * A listener per claim piled up when left behind (0.6 ms a claim after some thousands) and, even
 * removed, set off Node's MaxListenersExceededWarning ("possible memory leak") past ten at once.
 */
function whenAborted(signal: AbortSignal, release: () => void): () => void {
  let waiting = waitingOn.get(signal);
  if (!waiting) {
    const releases = new Set<() => void>();
    waiting = { releases, onAbort: () => releases.forEach((r) => r()) };
    waitingOn.set(signal, waiting);
    signal.addEventListener('abort', waiting.onAbort, { once: true });
  }
  const { releases, onAbort } = waiting;
  releases.add(release);
  return () => {
    releases.delete(release);
    if (releases.size > 0) return;
    signal.removeEventListener('abort', onAbort);
    waitingOn.delete(signal);
  };
}

/**
 * One lane per key: work for a key runs after the work queued before it for that key has finished
 * (first come, first served), while work for other keys runs at once. Settlement queues the claims of
 * one member's year this way in a container that serves several requests at a time (the local cloud,
 * a multi-concurrency runtime), so they follow each other instead of racing on the same counters.
 */
export function keyedLane(): <T>(key: string, work: () => Promise<T>, abandoned?: AbortSignal) => Promise<T> {
  const tails = new Map<string, Promise<void>>();
  return async (key, work, abandoned) => {
    const before = tails.get(key);
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Work whose request was already answered (its route timed out: `abandoned` aborted) no longer
    // holds up the work behind it, which would otherwise time out in turn (the client's retry among
    // them). The lane only spares a race; each write's own condition still keeps them apart.
    let forget: (() => void) | undefined;
    if (abandoned?.aborted) release();
    else if (abandoned) forget = whenAborted(abandoned, release);
    const tail = before ? before.then(() => done) : done;
    tails.set(key, tail);
    try {
      if (before) await before;
      return await work();
    } finally {
      forget?.();
      release();
      // The last in line leaves nothing behind.
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
