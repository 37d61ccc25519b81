/**
 * Replays a year's partitions across worker threads (node:worker_threads): the machine's cores each
 * take whole partitions (a member's claims never split), the compact columns move to them as
 * transferable buffers, and the partials come back to be merged. With one thread, or where the
 * worker's source is not at hand (a bundled Lambda, where the fan-out is one Lambda per partition
 * instead), the same replay runs on the calling thread.
 */
import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { emptyPartial, mergePartial, type Partial } from '../aggregate.ts';
import { compileBook, type BookSpec } from '../book.ts';
import { decodedYear, encodePartition, transferables, type EncodedPartition } from '../compact.ts';
import { partitionOf, SIMULATION_PARTITIONS } from '../partition.ts';
import { replay, type CompactYear } from '../replay.ts';
import type { FromWorker, ToWorker } from './worker.ts';

/** Threads are available where the worker runs from source (tsx, vitest); a bundle has no worker.ts beside it. */
export const threadsAvailable = (): boolean => import.meta.url.endsWith('.ts');

export const defaultThreads = (): number =>
  Number(process.env.SIMULATION_THREADS ?? 0) || (threadsAvailable() ? Math.max(1, availableParallelism()) : 1);

export interface PoolProgress {
  partitionsDone: number;
  partitions: number;
  claimsDone: number;
}

/**
 * The worker's code, bundled once per process by esbuild (a dev dependency, there wherever the
 * replay runs from source) into one plain ES module in the temp directory: each thread then loads
 * one file instead of registering a TypeScript loader and compiling every module again, and runs
 * code without the name-keeping wrappers tsx adds to every function (≈10% of the replay's CPU).
 * Where esbuild cannot be loaded, the threads run the source through tsx (worker-entry.mjs).
 */
let bundled: Promise<URL> | undefined;
const workerUrl = (): Promise<URL> =>
  (bundled ??= (async () => {
    const fallback = new URL('./worker-entry.mjs', import.meta.url);
    try {
      // A name, not a literal: a Lambda bundle (which never starts threads) must not try to bundle esbuild.
      const name = 'esbuild';
      const esbuild = (await import(name)) as typeof import('esbuild');
      const entry = fileURLToPath(new URL('./worker.ts', import.meta.url));
      const out = await esbuild.build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        write: false,
        logLevel: 'silent',
      });
      const code = out.outputFiles[0]!.contents;
      const file = join(tmpdir(), `yibao-simulation-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
      // Named by its content and put in place by a rename, so a parallel test never loads half a file.
      if (!existsSync(file)) {
        writeFileSync(`${file}.${process.pid}`, code);
        renameSync(`${file}.${process.pid}`, file);
      }
      return new URL(`file://${file}`);
    } catch {
      return fallback;
    }
  })());

/** The year's claim indices by member partition (the replay unit's partition). */
export function partitionIndices(year: CompactYear, partitions = SIMULATION_PARTITIONS): number[][] {
  const out: number[][] = Array.from({ length: partitions }, () => []);
  const cache = new Map<string, number>();
  year.claims.forEach((c, i) => {
    let p = cache.get(c.unit);
    if (p === undefined) {
      p = partitionOf(c.unit, partitions);
      cache.set(c.unit, p);
    }
    out[p]!.push(i);
  });
  return out;
}

/** Replays encoded partitions, on `threads` worker threads (1: on this thread), and merges the partials. */
export async function replayPartitions(
  encoded: readonly EncodedPartition[],
  spec: BookSpec,
  threads = defaultThreads(),
  onProgress?: (p: PoolProgress) => void,
  /** Replay in worker threads even with one (the benchmark's one-core figure runs the bundled worker too). */
  options: { workers?: boolean } = {},
): Promise<Partial> {
  const total = emptyPartial();
  const progress: PoolProgress = { partitionsDone: 0, partitions: encoded.length, claimsDone: 0 };
  if (!threadsAvailable() || (!options.workers && (threads <= 1 || encoded.length <= 1))) {
    const book = compileBook(spec);
    for (const e of encoded) {
      const before = progress.claimsDone;
      mergePartial(
        total,
        replay(decodedYear(e), book, undefined, (n) => {
          progress.claimsDone = before + n;
          onProgress?.(progress);
        }),
      );
      progress.claimsDone = before + e.claimNos.length;
      progress.partitionsDone += 1;
      onProgress?.(progress);
    }
    return total;
  }
  const queue = encoded.map((e, partition) => ({ partition, e }));
  const size = Math.max(1, Math.min(threads, encoded.length));
  const doneIn = new Map<number, number>();
  const url = await workerUrl();
  const run = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(url);
      const next = () => {
        const job = queue.shift();
        if (!job) {
          worker.postMessage({ done: true } satisfies ToWorker);
          void worker.terminate().then(() => resolve());
          return;
        }
        worker.postMessage({ partition: job.partition, encoded: job.e } satisfies ToWorker, transferables(job.e));
      };
      worker.on('message', (message: FromWorker) => {
        if ('error' in message) {
          void worker.terminate();
          reject(new Error(message.error));
        } else if ('progress' in message) {
          progress.claimsDone += message.progress - (doneIn.get(message.partition) ?? 0);
          doneIn.set(message.partition, message.progress);
          onProgress?.(progress);
        } else {
          mergePartial(total, message.partial);
          progress.claimsDone += encoded[message.partition]!.claimNos.length - (doneIn.get(message.partition) ?? 0);
          doneIn.set(message.partition, encoded[message.partition]!.claimNos.length);
          progress.partitionsDone += 1;
          onProgress?.(progress);
          next();
        }
      });
      worker.on('error', reject);
      worker.postMessage({ book: spec } satisfies ToWorker);
      next();
    });
  await Promise.all(Array.from({ length: size }, run));
  return total;
}

/** Reads a year once into the compact form, by member partition. */
export const encodeYear = (year: CompactYear, partitions = SIMULATION_PARTITIONS): EncodedPartition[] =>
  partitionIndices(year, partitions).map((indices) => encodePartition(year, indices));
