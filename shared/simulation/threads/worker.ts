/**
 * A replay worker thread: receives partitions in compact form (its buffers transferred, not
 * copied) and the policy book as raw documents, compiles the book once, replays each partition and
 * posts its partial back, with progress as it goes. No store, no clock: pure work on a thread.
 */
import { parentPort } from 'node:worker_threads';
import { compileBook, type BookSpec, type PolicyBook } from '../book.ts';
import { decodedYear, type EncodedPartition } from '../compact.ts';
import { replay } from '../replay.ts';

export type ToWorker = { book: BookSpec } | { partition: number; encoded: EncodedPartition } | { done: true };
export type FromWorker =
  | { partition: number; partial: ReturnType<typeof replay> }
  | { progress: number; partition: number }
  | { error: string };

let book: PolicyBook | undefined;
const port = parentPort!;
port.on('message', (message: ToWorker) => {
  try {
    if ('book' in message) book = compileBook(message.book);
    else if ('partition' in message) {
      if (!book) throw new Error('a partition before its policy book');
      const { partition } = message;
      const partial = replay(decodedYear(message.encoded), book, undefined, (progress) =>
        port.postMessage({ progress, partition } satisfies FromWorker),
      );
      port.postMessage({ partition, partial } satisfies FromWorker);
    } else port.close();
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies FromWorker);
  }
});
