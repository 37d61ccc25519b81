/**
 * `npm run enrol:bulk -- members.csv`: the yearly campaign's file, enrolled through the API.
 *
 *   npm run enrol:bulk -- <file.csv|file.jsonl> [--kind enrolment|contribution] [--format csv|jsonl]
 *        [--dry-run] [--api http://127.0.0.1:3000] [--token JWT] [--chunk 250] [--concurrency 2]
 *        [--report rejected.jsonl]
 *
 * It streams the file (CSV through csv-parse, JSON-lines line by line, both read exactly as the
 * endpoint reads a file: shared/enrolment/bulk.ts), sends the rows in chunks to
 * POST /v1/members/bulk, shows a progress bar, and writes every rejected row (row number, field,
 * rule, message) to a JSON-lines report. Exit code: 0 all rows valid, 2 some rows rejected, 1 failed.
 *
 * Why through the API and not straight into DynamoDB: the rows then pass the very checks, the
 * role check and the transactions a single enrolment does, the function publishes MemberEnrolled
 * as it always does, and the command holds no table credentials and no ID-hash secret. Pointed at
 * the deployed API with a real staff token it works the same. Every row is idempotent, so a chunk
 * that failed in transit is simply sent again, and a whole file can be re-run safely.
 *
 * The token: --token, else YIBAO_TOKEN, else a staff token signed with the local cloud's key in
 * YIBAO_DATA_DIR (.yibao), as `npm run token` does. The API: --api, else YIBAO_API, else
 * http://127.0.0.1:3000.
 */
import { createReadStream, existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { parse } from 'csv-parse';
import {
  csvOptions,
  csvRowNumber,
  readJsonLine,
  type BulkFormat,
  type BulkKind,
  type BulkRow,
  type CsvRecord,
  type RejectedRow,
  type RowOutcome,
} from '../shared/enrolment/bulk.ts';
import type { BulkReport } from '../functions/enrolment/services/bulk.ts';
import { loadOrCreateSigningKey, mintToken } from '../infra/local/signing-key.ts';
import { retry } from '../shared/runtime/retry.ts';

export interface BulkFileOptions {
  file: string;
  kind: BulkKind;
  format: BulkFormat;
  apiUrl: string;
  token: string;
  dryRun?: boolean;
  /** Rows per request (the endpoint takes up to 1,000). */
  chunkSize?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Called after every chunk, for a progress bar. */
  onProgress?: (done: Summary) => void;
}

export interface Summary {
  rows: number;
  written: number;
  unchanged: number;
  valid: number;
  rejected: number;
  rejectedRows: Extract<RowOutcome, { outcome: 'rejected' }>[];
  /** Rows the API put off (out of time in that request) and that were sent again. */
  deferredRows: number;
  wallMs: number;
}

/** The file's rows, one at a time, read the way the endpoint reads a file. */
async function* readRows(file: string, format: BulkFormat, unreadable: RejectedRow[]): AsyncGenerator<BulkRow> {
  if (format === 'jsonl') {
    let rowNumber = 0;
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      rowNumber++;
      if (line.trim() === '') continue;
      const read = readJsonLine(line, rowNumber);
      if ('problems' in read) unreadable.push(read);
      else yield read;
    }
    return;
  }
  const parser = createReadStream(file).pipe(parse(csvOptions(unreadable)));
  for await (const r of parser as AsyncIterable<CsvRecord>) {
    yield { rowNumber: csvRowNumber(r.info.lines, r.raw), record: r.record };
  }
}

/** The endpoint's report of one chunk, less what the command knows already. */
type BulkAnswer = Omit<BulkReport, 'kind' | 'dryRun' | 'received'>;

/** Sends one chunk; a network failure, a 429 or a 5xx is retried (every row is idempotent). */
async function sendChunk(options: BulkFileOptions, rows: BulkRow[]): Promise<BulkAnswer> {
  const body = JSON.stringify({
    kind: options.kind,
    dryRun: Boolean(options.dryRun),
    rows: rows.map((r) => ({ ...r.record, rowNumber: r.rowNumber })),
  });
  // A network failure, a 429 or a 5xx may pass; any other answer is the API refusing the chunk.
  const transient = (error: unknown) => !(error instanceof ChunkRefused);
  try {
    return await retry(
      async () => {
        const res = await fetch(`${options.apiUrl}/v1/members/bulk`, {
          method: 'POST',
          headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
          body,
        });
        const text = await res.text();
        if (res.status === 200) return JSON.parse(text) as BulkAnswer;
        const failure = `HTTP ${res.status}: ${text.slice(0, 300)}`;
        if (res.status !== 429 && res.status < 500)
          throw new ChunkRefused(`the API refused the chunk from row ${rows[0]?.rowNumber}: ${failure}`);
        throw new Error(failure);
      },
      { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 4_000, retryable: transient },
    );
  } catch (error) {
    if (error instanceof ChunkRefused) throw error;
    throw new Error(`chunk from row ${rows[0]?.rowNumber} failed 4 times: ${error instanceof Error ? error.message : String(error)}`);
  }
}

class ChunkRefused extends Error {}

/** Streams a file through the bulk endpoint and adds up the row-by-row reports. */
export async function enrolFile(options: BulkFileOptions): Promise<Summary> {
  const started = performance.now();
  const chunkSize = options.chunkSize ?? 250;
  const concurrency = options.concurrency ?? 2;
  const summary: Summary = { rows: 0, written: 0, unchanged: 0, valid: 0, rejected: 0, rejectedRows: [], deferredRows: 0, wallMs: 0 };
  const unreadable: RejectedRow[] = [];
  const inFlight = new Set<Promise<void>>();

  const take = (answer: BulkAnswer) => {
    summary.rows += answer.rows.length - answer.deferred;
    summary.written += answer.written;
    summary.unchanged += answer.unchanged;
    summary.valid += answer.valid;
    summary.rejected += answer.rejected;
    for (const row of answer.rows) if (row.outcome === 'rejected') summary.rejectedRows.push(row);
    options.onProgress?.(summary);
  };
  /** A chunk to the end: rows the API deferred (its time budget ran out first) are sent again. */
  const sendWhole = async (chunk: BulkRow[]) => {
    let rows = chunk;
    while (rows.length > 0) {
      const answer = await sendChunk(options, rows);
      take(answer);
      const deferred = new Set(answer.rows.filter((r) => r.outcome === 'deferred').map((r) => r.rowNumber));
      summary.deferredRows += deferred.size;
      rows = rows.filter((r) => deferred.has(r.rowNumber));
    }
  };
  const dispatch = async (chunk: BulkRow[]) => {
    const sent = sendWhole(chunk);
    const tracked = sent.finally(() => inFlight.delete(tracked));
    // A failed chunk stops the run through the race below; the others must not be unhandled.
    tracked.catch(() => undefined);
    inFlight.add(tracked);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  };

  let chunk: BulkRow[] = [];
  for await (const row of readRows(options.file, options.format, unreadable)) {
    chunk.push(row);
    if (chunk.length >= chunkSize) {
      await dispatch(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) await dispatch(chunk);
  await Promise.all(inFlight);

  for (const u of unreadable) summary.rejectedRows.push({ rowNumber: u.rowNumber, outcome: 'rejected', status: 400, problems: u.problems });
  summary.rows += unreadable.length;
  summary.rejected += unreadable.length;
  summary.rejectedRows.sort((a, b) => a.rowNumber - b.rowNumber);
  summary.wallMs = performance.now() - started;
  options.onProgress?.(summary);
  return summary;
}

/** Lines in the file (less a CSV header): the progress bar's total. */
async function countRows(file: string, format: BulkFormat): Promise<number> {
  let lines = 0;
  let last = 10;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (const byte of chunk) if (byte === 10) lines++;
    last = chunk.at(-1) ?? last;
  }
  if (last !== 10) lines++;
  return Math.max(0, format === 'csv' ? lines - 1 : lines);
}

async function defaultToken(): Promise<string> {
  if (process.env.YIBAO_TOKEN) return process.env.YIBAO_TOKEN;
  const dataDir = process.env.YIBAO_DATA_DIR ?? '.yibao';
  if (!existsSync(join(dataDir, 'keys', 'signing-key.json'))) {
    throw new Error(`no signing key in ${dataDir}/keys: start the local cloud (npm start) or pass --token`);
  }
  const key = await loadOrCreateSigningKey(dataDir);
  return mintToken(key, { sub: 'bulk-enrol', role: 'staff', permissions: ['members:write'] }, 3600);
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      kind: { type: 'string', default: 'enrolment' },
      format: { type: 'string' },
      api: { type: 'string' },
      token: { type: 'string' },
      chunk: { type: 'string', default: '250' },
      concurrency: { type: 'string', default: '2' },
      'dry-run': { type: 'boolean', default: false },
      report: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file || !existsSync(file)) {
    process.stderr.write(
      'usage: npm run enrol:bulk -- <file.csv|file.jsonl> [--kind enrolment|contribution] [--dry-run] [--api URL] [--token JWT] [--chunk 250] [--concurrency 2] [--report rejected.jsonl]\n',
    );
    return 1;
  }
  const format = (values.format ?? (/\.(jsonl|ndjson)$/i.test(file) ? 'jsonl' : 'csv')) as BulkFormat;
  const kind = values.kind as BulkKind;
  if (!['csv', 'jsonl'].includes(format) || !['enrolment', 'contribution'].includes(kind)) {
    process.stderr.write('--format is csv or jsonl; --kind is enrolment or contribution\n');
    return 1;
  }
  const apiUrl = (values.api ?? process.env.YIBAO_API ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
  const token = values.token ?? (await defaultToken());
  const reportFile = values.report ?? `${file}.rejected.jsonl`;

  const total = await countRows(file, format);
  const bar = new cliProgress.SingleBar(
    {
      format:
        ' {bar} {percentage}% | {value}/{total} rows | {speed} rows/s | written {written} · unchanged {unchanged} · rejected {rejected} | ETA {eta_formatted}',
      hideCursor: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { speed: 0, written: 0, unchanged: 0, rejected: 0 });
  const started = performance.now();
  const summary = await enrolFile({
    file,
    kind,
    format,
    apiUrl,
    token,
    dryRun: values['dry-run'],
    chunkSize: Math.min(1000, Math.max(1, Number(values.chunk))),
    concurrency: Math.max(1, Number(values.concurrency)),
    onProgress: (s) => {
      const seconds = (performance.now() - started) / 1000;
      bar.setTotal(Math.max(total, s.rows));
      bar.update(s.rows, {
        speed: Math.round(s.rows / Math.max(seconds, 0.001)),
        written: s.written,
        unchanged: s.unchanged,
        rejected: s.rejected,
      });
    },
  }).finally(() => bar.stop());

  writeFileSync(reportFile, summary.rejectedRows.map((r) => JSON.stringify(r)).join('\n') + (summary.rejectedRows.length ? '\n' : ''));
  const verb = kind === 'enrolment' ? 'enrolled' : 'recorded';
  process.stdout.write(
    [
      `${resolve(file)}: ${summary.rows} rows in ${(summary.wallMs / 1000).toFixed(1)} s (${Math.round(summary.rows / (summary.wallMs / 1000))} rows/s)${values['dry-run'] ? ' — dry run, nothing written' : ''}`,
      `  ${values['dry-run'] ? 'valid' : verb} ${values['dry-run'] ? summary.valid : summary.written} · unchanged (already done) ${summary.unchanged} · rejected ${summary.rejected}`,
      ...(summary.deferredRows > 0 ? [`  (${summary.deferredRows} rows were put off by a busy API and sent again)`] : []),
      ...summary.rejectedRows
        .slice(0, 10)
        .map((r) => `  row ${r.rowNumber}: ${r.problems.map((p) => `${p.field} [${p.rule}] ${p.message}`).join('; ')}`),
      ...(summary.rejected > 10 ? [`  … ${summary.rejected - 10} more`] : []),
      `  rejected rows: ${resolve(reportFile)}`,
      '',
    ].join('\n'),
  );
  return summary.rejected > 0 ? 2 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`enrol:bulk failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
