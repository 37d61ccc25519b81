/**
 * The demo year's seeded randomness. Everything the demo generates (people, their year of care, the
 * injected fraud) is drawn from streams seeded by a number and a name, so the same seed and scale give
 * the same year on every machine and every run, whatever order the API calls finish in: a member's
 * claims come from that member's own stream, not from a shared one the concurrency would reorder.
 *
 * Each stream is the project's one seeded generator (shared/runtime/seeded-random.ts, mulberry32):
 * cryptographic quality is not wanted here, reproducibility is.
 */
import { seededRandom } from '../../../shared/runtime/seeded-random.ts';

/** FNV-1a of a string: turns a stream's name into a seed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export interface Random {
  /** [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One of the items, each as likely as its weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  /** A roughly bell-shaped value around `mean` (sum of three uniforms), never below `min`. */
  around(mean: number, spread: number, min?: number): number;
}

/** A stream named `name` under the demo's `seed`. */
export function randomStream(seed: number, name: string): Random {
  const next = seededRandom((hash(name) ^ Math.imul(seed, 0x9e3779b1)) >>> 0);
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted: (items) => {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [item, w] of items) {
        r -= w;
        if (r < 0) return item;
      }
      return items[items.length - 1]![0];
    },
    around: (mean, spread, min = 0) => Math.max(min, mean + spread * (next() + next() + next() - 1.5) * (2 / 1.5)),
  };
  return random;
}
