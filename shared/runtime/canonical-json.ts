/**
 * JSON with every object's keys sorted, at every depth: the same data gives the same text whatever
 * order it was written in. Used where content is compared or fingerprinted (a bill's idempotency
 * hash, a republished policy version).
 */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
