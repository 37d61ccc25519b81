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
    // The listener goes when the work does: the signal may outlive it by far (middy hands every
    // invocation of a container the same signal until one times out), and listeners left on it piled
    // up, each claim's adding slower than the last (bench:profile: 0.6 ms a claim after some
    // thousands; Node's MaxListenersExceededWarning on an AbortSignal).
    const onAbandoned = () => release();
    if (abandoned?.aborted) release();
    else abandoned?.addEventListener('abort', onAbandoned, { once: true });
    const tail = before ? before.then(() => done) : done;
    tails.set(key, tail);
    try {
      if (before) await before;
      return await work();
    } finally {
      abandoned?.removeEventListener('abort', onAbandoned);
      release();
      // The last in line leaves nothing behind.
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
