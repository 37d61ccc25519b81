/**
 * `npm run -s drg -- --version 1.1|2.0 [--no-qy] [--codes clinical] < cases.jsonl > groups.jsonl`
 * (`-s`: without it npm prints its "> yibao drg" banner on stdout, into the file; or give
 * `--out groups.jsonl`, which writes the file itself)
 *
 * Groups one case per JSON line (`id, sex ("M"/"F" or "1"/"2"), ageYears, ageDays, birthWeightGrams,
 * principalDiagnosis, secondaryDiagnoses[], procedures[] (first = principal), ventilationHours,
 * lengthOfStayDays, dischargeStatus`) and writes `id, version, mdc, adrg, drg, ccLevel, outcome,
 * trace` a line, in input order. Lines in OpenDRG's convention are read as they mean it: `null` for
 * an absent field, `ageDays` of an adult as the total age in days (it must agree with `ageYears`). A line that is not a valid case gets `{ id?, line, error }` and the
 * run goes on. A progress bar on stderr follows the bytes read when the input is a file.
 */
import { once } from 'node:events';
import { createWriteStream, fstatSync, read } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import cliProgress from 'cli-progress';
import { parseDrgCase, type GroupOptions, type Outcome } from '../shared/drg/case.ts';
import { GROUPER_VERSIONS, type GrouperVersion } from '../shared/drg/package.ts';
import { grouperFor } from '../shared/drg/rule-packages.ts';
import { JsonLines } from '../shared/drg/json-lines.ts';

export interface BatchOptions extends GroupOptions {
  version: GrouperVersion;
  /** Called every few thousand lines with the bytes read so far and the cases done. */
  onProgress?: (bytesRead: number, cases: number) => void;
}

export interface BatchStats {
  cases: number;
  errors: number;
  outcomes: Record<Outcome, number>;
}

const emptyStats = (): BatchStats => ({ cases: 0, errors: 0, outcomes: { grouped: 0, qy: 0, ungroupable: 0 } });

/**
 * Groups the lines of a block of text (whole lines; `firstLine` is the number of its first) and
 * writes their results to `out`, a JSON line each, in order; blank lines give none. The one per-line
 * path, on the main thread or in a worker.
 */
function groupBlock(text: string, firstLine: number, options: BatchOptions, stats: BatchStats, out: JsonLines): void {
  const grouper = grouperFor(options.version);
  const groupOptions: GroupOptions = { qy: options.qy ?? true, codes: options.codes ?? 'yibao' };
  let lineNo = firstLine - 1;
  let at = 0;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    // A CRLF file's lines end in \r: not part of the line.
    const line = text.charCodeAt(end - 1) === 13 && end > at ? text.slice(at, end - 1) : text.slice(at, end);
    at = end + 1;
    lineNo++;
    if (line.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
      const parsed = parseDrgCase(raw);
      if (parsed.success) {
        const grouped = grouper.group(parsed.data, groupOptions);
        stats.cases++;
        stats.outcomes[grouped.outcome]++;
        out.result(grouped);
      } else {
        stats.errors++;
        out.error({
          ...idOf(raw),
          version: options.version,
          line: lineNo,
          error: parsed.error.issues.map((i) => `${i.path.join('.') || 'case'}: ${i.message}`).join('; '),
        });
      }
    } catch {
      stats.errors++;
      out.error({ version: options.version, line: lineNo, error: 'not valid JSON' });
    }
  }
}

/** Room for a block's results: a result line is several times its case's line (its trace). */
const OUTPUT_PER_INPUT_BYTE = 8;

/** Lines at most this many bytes at a time go to one block (a worker's unit of work). */
const BLOCK_BYTES = 512 * 1024;
/** What a read asks for at most. */
const READ_BYTES = 128 * 1024;

/**
 * Assembles whole-line blocks of bytes from what is read: each block runs up to the last newline once
 * BLOCK_BYTES are in, the rest starts the next; with the number of each block's first line. Bytes,
 * not text: a block moves to a worker thread without a copy and is decoded there (a newline never
 * splits a UTF-8 character). The buffers come back from the workers and are filled again: a batch
 * reads and writes hundreds of megabytes, and fresh memory for each block cost page faults and
 * garbage collections.
 */
class BlockReader {
  private readonly spare: ArrayBuffer[] = [];
  private buffer: Uint8Array;
  private used = 0;
  private nextLine = 1;

  constructor() {
    this.buffer = this.fresh(BLOCK_BYTES + READ_BYTES);
  }

  /** A buffer handed back, to be filled again. */
  recycle(buffer: ArrayBuffer): void {
    this.spare.push(buffer);
  }

  /** Free bytes to read into, at least `n` (the buffer grows for a line longer than a block). */
  room(n = READ_BYTES): Uint8Array {
    if (this.buffer.length - this.used < n) {
      const grown = this.fresh(this.used + n);
      grown.set(this.buffer.subarray(0, this.used));
      this.buffer = grown;
    }
    return this.buffer.subarray(this.used);
  }

  /** `n` bytes were put into room(). */
  filled(n: number): void {
    this.used += n;
  }

  /** Copies a chunk in. */
  push(chunk: Uint8Array): void {
    this.room(chunk.length).set(chunk);
    this.used += chunk.length;
  }

  /** The next block if BLOCK_BYTES are in and they hold a newline; at the end, whatever is left. */
  take(end = false): { bytes: Uint8Array; firstLine: number } | undefined {
    if (this.used === 0 || (!end && this.used < BLOCK_BYTES)) return undefined;
    const cut = end ? this.used : this.buffer.lastIndexOf(10, this.used - 1) + 1;
    if (cut === 0) return undefined;
    const bytes = this.buffer.subarray(0, cut);
    const rest = this.buffer.subarray(cut, this.used);
    this.buffer = this.fresh(Math.max(BLOCK_BYTES + READ_BYTES, rest.length + READ_BYTES));
    this.buffer.set(rest);
    this.used = rest.length;
    const block = { bytes, firstLine: this.nextLine };
    for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) this.nextLine++;
    return block;
  }

  private fresh(size: number): Uint8Array {
    const at = this.spare.findIndex((b) => b.byteLength >= size);
    return at >= 0 ? new Uint8Array(this.spare.splice(at, 1)[0]!) : new Uint8Array(size);
  }
}

/** Blocks of whole lines from a stream. */
async function* streamBlocks(input: Readable, reader: BlockReader, onBytes: (n: number) => void) {
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    onBytes(bytes.length);
    reader.push(bytes);
    for (let block = reader.take(); block; block = reader.take()) yield block;
  }
  const last = reader.take(true);
  if (last) yield last;
}

const readAt = promisify(read);

/** Blocks of whole lines read from a file descriptor straight into the reader's buffers (no stream's chunks in between). */
async function* fdBlocks(fd: number, reader: BlockReader, onBytes: (n: number) => void) {
  for (;;) {
    const room = reader.room();
    const { bytesRead } = await readAt(fd, room, 0, room.length, null);
    if (bytesRead === 0) break;
    onBytes(bytesRead);
    reader.filled(bytesRead);
    for (let block = reader.take(); block; block = reader.take()) yield block;
  }
  const last = reader.take(true);
  if (last) yield last;
}

/** Writes `data`; `written` is called once the stream is done with it (its memory may then be reused). */
async function write(output: Writable, data: Uint8Array, written?: () => void): Promise<void> {
  if (data.length === 0) {
    written?.();
    return;
  }
  if (!output.write(data, written && (() => written()))) await once(output, 'drain');
}

/** Groups every line of `input` on this thread, writing each result as a JSON line to `output` in input order. */
export async function runBatch(input: Readable, output: Writable, options: BatchOptions): Promise<BatchStats> {
  const stats = emptyStats();
  let bytesRead = 0;
  const reader = new BlockReader();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  for await (const block of streamBlocks(input, reader, (n) => (bytesRead += n))) {
    const out = new JsonLines(block.bytes.length * OUTPUT_PER_INPUT_BYTE);
    groupBlock(decoder.decode(block.bytes), block.firstLine, options, stats, out);
    await write(output, out.take());
    options.onProgress?.(bytesRead, stats.cases);
  }
  options.onProgress?.(bytesRead, stats.cases);
  return stats;
}

/** A block to group, and an output buffer of this worker's handed back for reuse. */
type ToWorker = { seq: number; bytes: Uint8Array; firstLine: number; spare: ArrayBuffer | undefined };
/** A block's results, and its input buffer handed back. */
type FromWorker = { seq: number; out: Uint8Array; input: ArrayBuffer; stats: BatchStats };

/**
 * The same, with the grouping spread over worker threads running `script` (the tool's own bundle):
 * this thread reads blocks of whole lines (from a stream, or straight from a file descriptor) and
 * hands them out, at most two per worker in flight, and writes the results back in input order.
 * Buffers go back and forth without copies: a block's input returns with its results, and the
 * results' buffer returns to its worker once written. Same output, byte for byte, as runBatch.
 */
export async function runBatchParallel(
  input: Readable | number,
  output: Writable,
  options: BatchOptions & { threads: number; script: string },
): Promise<BatchStats> {
  const { onProgress, threads, script, ...shared } = options;
  const stats = emptyStats();
  // A young generation larger than V8's default: every case makes short-lived objects (the parsed
  // line, the trace), and fewer scavenges cost about a tenth less CPU on 1,000,000 lines.
  const workers = Array.from(
    { length: threads },
    () => new Worker(script, { workerData: { drgBatch: shared }, resourceLimits: { maxYoungGenerationSizeMb: 192 } }),
  );
  const spareOutputs = workers.map((): ArrayBuffer[] => []);
  const reader = new BlockReader();
  const done = new Map<number, FromWorker>();
  let wake: (() => void) | undefined;
  let failure: unknown;
  for (const w of workers) {
    w.on('message', (m: FromWorker) => {
      done.set(m.seq, m);
      reader.recycle(m.input);
      wake?.();
    });
    w.on('error', (error) => {
      failure = error;
      wake?.();
    });
  }
  const settled = () => new Promise<void>((r) => (wake = r));
  let nextToWrite = 0;
  let sent = 0;
  let bytesRead = 0;
  const drain = async (untilInFlight: number) => {
    while (sent - nextToWrite > untilInFlight) {
      if (failure) throw failure;
      const ready = done.get(nextToWrite);
      if (!ready) {
        await settled();
        continue;
      }
      const spare = spareOutputs[nextToWrite % threads]!;
      done.delete(nextToWrite++);
      stats.cases += ready.stats.cases;
      stats.errors += ready.stats.errors;
      for (const k of Object.keys(stats.outcomes) as Outcome[]) stats.outcomes[k] += ready.stats.outcomes[k];
      await write(output, ready.out, () => spare.push(ready.out.buffer as ArrayBuffer));
      onProgress?.(bytesRead, stats.cases);
    }
  };
  const onBytes = (n: number) => (bytesRead += n);
  try {
    for await (const block of typeof input === 'number' ? fdBlocks(input, reader, onBytes) : streamBlocks(input, reader, onBytes)) {
      await drain(threads * 2 - 1);
      const spare = spareOutputs[sent % threads]!.pop();
      const transfer = [block.bytes.buffer as ArrayBuffer, ...(spare ? [spare] : [])];
      workers[sent % threads]!.postMessage({ seq: sent, ...block, spare } satisfies ToWorker, transfer);
      sent++;
    }
    await drain(0);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  onProgress?.(bytesRead, stats.cases);
  return stats;
}

/** A worker thread of runBatchParallel: groups each block it is handed. */
function serveAsWorker(options: BatchOptions): void {
  // ignoreBOM: a BOM is kept as a character, as Buffer's toString keeps it, wherever a block starts.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const spare: ArrayBuffer[] = [];
  parentPort!.on('message', (m: ToWorker) => {
    if (m.spare) spare.push(m.spare);
    const stats = emptyStats();
    const need = m.bytes.length * OUTPUT_PER_INPUT_BYTE;
    const reuse = spare.findIndex((b) => b.byteLength >= need);
    const lines = new JsonLines(reuse >= 0 ? Buffer.from(spare.splice(reuse, 1)[0]!) : need);
    groupBlock(decoder.decode(m.bytes), m.firstLine, options, stats, lines);
    // Encoded here, handed over whole (the buffer is the writer's own): the main thread only writes bytes.
    const out = lines.take();
    const input = m.bytes.buffer as ArrayBuffer;
    parentPort!.postMessage({ seq: m.seq, out, input, stats } satisfies FromWorker, [out.buffer as ArrayBuffer, input]);
  });
}

function idOf(raw: unknown): { id?: string } {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? { id } : {};
}

// ---------------------------------------------------------------------------------------------

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: npm run -s drg -- --version ${GROUPER_VERSIONS.join('|')} [--no-qy] [--codes yibao|clinical] [--no-progress] [--out groups.jsonl] < cases.jsonl [> groups.jsonl]\n`,
  );
  process.exit(2);
}

export function parseArgs(args: string[]): BatchOptions & { progress: boolean; out: string | undefined } {
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const version = value('--version');
  if (!version || !(GROUPER_VERSIONS as readonly string[]).includes(version))
    usage(`--version must be one of ${GROUPER_VERSIONS.join(', ')}`);
  const codes = value('--codes') ?? 'yibao';
  if (codes !== 'yibao' && codes !== 'clinical') usage('--codes must be yibao or clinical (国临版, cross-walked to 医保版)');
  return {
    version: version as GrouperVersion,
    qy: !args.includes('--no-qy'),
    codes,
    progress: !args.includes('--no-progress'),
    out: value('--out'),
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const stat = fstatSync(0);
  const size = stat.isFile() ? stat.size : 0;
  // A bar by bytes when the input is a file of known size; a running count when it is a pipe.
  const bar = options.progress
    ? new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format:
            size > 0
              ? `CHS-DRG ${options.version} [{bar}] {percentage}% | {cases} cases | ETA {eta_formatted}`
              : `CHS-DRG ${options.version} | {cases} cases`,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(size || 1, 0, { cases: 0 });
  const output = options.out ? createWriteStream(options.out) : process.stdout;
  const batch: BatchOptions = {
    version: options.version,
    qy: options.qy,
    codes: options.codes,
    onProgress: (bytes, cases) => bar?.update(size > 0 ? Math.min(bytes, size) : 0, { cases }),
  };
  // Run bundled (tools/run.mjs names the bundle), the grouping spreads over the machine's cores;
  // from source (tsx), it stays on this thread.
  const script = process.env.YIBAO_TOOL_BUNDLE;
  const threads = Math.min(8, availableParallelism());
  const stats =
    script && threads > 1
      ? // A file is read straight from its descriptor; a pipe or terminal through the stream, which
        // waits for data however the descriptor was opened (a non-blocking one would fail a plain read).
        await runBatchParallel(stat.isFile() ? 0 : process.stdin, output, { ...batch, threads, script })
      : await runBatch(process.stdin, output, batch);
  if (output !== process.stdout)
    await new Promise<void>((resolve, reject) => output.end((error?: Error | null) => (error ? reject(error) : resolve())));
  bar?.stop();
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(
    `${stats.cases} cases grouped with CHS-DRG ${options.version} in ${seconds.toFixed(1)} s ` +
      `(grouped ${stats.outcomes.grouped}, QY ${stats.outcomes.qy}, 0000 ${stats.outcomes.ungroupable})` +
      `${stats.errors ? `; ${stats.errors} line(s) not a valid case (see their "error")` : ''}\n`,
  );
}

const asWorker = (isMainThread ? undefined : (workerData as { drgBatch?: BatchOptions } | undefined))?.drgBatch;
if (asWorker) serveAsWorker(asWorker);
else if (isMainThread && process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
