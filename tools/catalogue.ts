/**
 * `npm run catalogue -- …`: catalogue (医保目录) files through the API.
 *
 *   npm run catalogue -- import <file.csv> [--manifest file.json] [--region 330900 --version 2 --effective-from 2026-01-01
 *        --title "…" (--document-no 浙医保发〔2026〕1号 | --illustrative "why")] [--publish] [--api URL] [--token JWT]
 *        [--concurrency 3] [--report problems.jsonl]
 *   npm run catalogue -- download <region> [--on 2026-05-06] [--out catalogue.csv] [--api URL] [--token JWT]
 *
 * import: reads the file as UTF-8, or as GBK/GB18030 if it is not (a CSV saved by Excel on a Chinese
 * Windows; a spreadsheet is imported by saving it as CSV), cuts it into chunks of at most 2,000 rows at record boundaries (a quoted field may
 * hold a line break), sends them (a few at a time, each retried on a network error or a 5xx: a
 * chunk is idempotent), shows a progress bar, validates the whole, writes every rejected row (row,
 * column, rule, message) to a JSON-lines report, prints the diff against the version in force and,
 * with --publish, publishes (a large version takes several calls: the bar shows them). Exit code:
 * 0 published, validated or unchanged; 2 rejected rows; 1 failed. The manifest next to a starter
 * catalogue (catalogues/<region>/v1.json) gives region, version, effectiveFrom, title and source.
 *
 * The token: --token, else YIBAO_TOKEN, else a staff token with catalogue:write signed with the
 * local cloud's key in YIBAO_DATA_DIR (.yibao). The API: --api, else YIBAO_API, else http://127.0.0.1:3000.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { MAX_ROWS_PER_CHUNK } from '../shared/catalogue/import.ts';
import type { RowProblem } from '../shared/catalogue/entry.ts';
import type { VersionHeader } from '../shared/catalogue/version.ts';
import { loadOrCreateSigningKey, mintToken } from '../infra/local/signing-key.ts';
import { retry } from '../shared/runtime/retry.ts';

/** The header a catalogue file is imported under (region, version, effectiveFrom, title, source). */
export type ImportHeader = VersionHeader;

export interface ImportOptions {
  file: string;
  header: ImportHeader;
  apiUrl: string;
  token: string;
  publish?: boolean;
  concurrency?: number;
  onProgress?: (p: { phase: 'upload' | 'publish'; done: number; total: number }) => void;
}

export interface ImportResult {
  importId: string;
  status: string;
  rows: number;
  problems: RowProblem[];
  diff?: { counts: Record<string, number>; added: string[]; removed: string[]; changed: string[]; truncated: boolean };
  sameAs?: { region: string; version: number };
  published?: { region: string; version: number; entries: number };
  timings: { uploadMs: number; validateMs: number; publishMs: number; wallMs: number };
  publishCalls: number;
}

/**
 * A file's text: UTF-8 (with or without a BOM), else GB18030, the superset of the GBK that Excel on a
 * Chinese Windows saves a CSV in. Only text that is not valid UTF-8 is read as GB18030.
 */
export function decodeFile(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/**
 * The file's data records as line ranges: a cut between lines is safe only outside a quoted field
 * (an even number of quotes so far). Blank lines are left out, as csv-parse skips them.
 */
export function recordRanges(lines: readonly string[]): { first: number; last: number }[] {
  const ranges: { first: number; last: number }[] = [];
  let start = -1;
  let quotes = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (start < 0) {
      if (line.trim() === '') continue;
      start = i;
    }
    for (const ch of line) if (ch === '"') quotes++;
    if (quotes % 2 === 0) {
      ranges.push({ first: start, last: i });
      start = -1;
      quotes = 0;
    }
  }
  if (start >= 0) ranges.push({ first: start, last: lines.length - 1 });
  return ranges;
}

async function call(options: Pick<ImportOptions, 'apiUrl' | 'token'>, method: string, path: string, body?: unknown) {
  return retry(
    async () => {
      const res = await fetch(`${options.apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (res.status >= 500 || res.status === 429) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
      const parsed = text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
      if (res.status >= 400) throw new Refused(`${method} ${path}: HTTP ${res.status}: ${text.slice(0, 500)}`, res.status, parsed);
      return { status: res.status, body: parsed, headers: res.headers };
    },
    { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 4_000, retryable: (e) => !(e instanceof Refused) },
  );
}

export class Refused extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
  }
}

/** Imports a catalogue file through the API: start, chunks, validation, and publication if asked. */
export async function importCatalogueFile(options: ImportOptions): Promise<ImportResult> {
  const started = performance.now();
  const text = decodeFile(readFileSync(options.file));
  const lines = text.split(/\r?\n/);
  const headerLine = lines[0]!;
  const ranges = recordRanges(lines);
  const chunks: { firstLine: number; content: string }[] = [];
  for (let i = 0; i < ranges.length; i += MAX_ROWS_PER_CHUNK) {
    const part = ranges.slice(i, i + MAX_ROWS_PER_CHUNK);
    const body = lines.slice(part[0]!.first, part[part.length - 1]!.last + 1);
    chunks.push({ firstLine: part[0]!.first + 1, content: `${headerLine}\n${body.join('\n')}\n` });
  }
  const { region, ...header } = options.header;
  const job = await call(options, 'POST', `/v1/catalogues/${region}/imports`, {
    ...header,
    expectedRows: Math.max(1, ranges.length),
    fileName: options.file.split(/[\\/]/).pop(),
  });
  const importId = job.body.importId as string;

  let sent = 0;
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const n = next++;
      await call(options, 'PUT', `/v1/catalogue-imports/${importId}/chunks/${n + 1}`, chunks[n]);
      sent += Math.min(MAX_ROWS_PER_CHUNK, ranges.length - n * MAX_ROWS_PER_CHUNK);
      options.onProgress?.({ phase: 'upload', done: sent, total: ranges.length });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 3) }, worker));
  const uploaded = performance.now();

  const validated = (await call(options, 'POST', `/v1/catalogue-imports/${importId}/validation`)).body;
  let problems: RowProblem[] = validated.problems ?? [];
  let from = validated.nextProblemsFrom as number | undefined;
  while (from !== undefined) {
    const page = (await call(options, 'GET', `/v1/catalogue-imports/${importId}?problemsFrom=${from}&problemsLimit=2000`)).body;
    problems = problems.concat(page.problems);
    from = page.nextProblemsFrom;
  }
  const checked = performance.now();

  let status = validated.status as string;
  let published: ImportResult['published'];
  let publishCalls = 0;
  if (options.publish && status === 'validated') {
    for (;;) {
      publishCalls++;
      const res = await call(options, 'POST', `/v1/catalogue-imports/${importId}/publication`);
      options.onProgress?.({ phase: 'publish', done: res.body.progress?.chunksPublished ?? chunks.length, total: chunks.length });
      if (res.status === 202) continue;
      status = res.body.status;
      if (res.body.published)
        published = { region: res.body.published.region, version: res.body.published.version, entries: res.body.published.entries };
      break;
    }
  }
  const done = performance.now();
  return {
    importId,
    status,
    rows: ranges.length,
    problems,
    ...(validated.diff ? { diff: validated.diff } : {}),
    ...(validated.sameAs ? { sameAs: validated.sameAs } : {}),
    ...(published ? { published } : {}),
    timings: { uploadMs: uploaded - started, validateMs: checked - uploaded, publishMs: done - checked, wallMs: done - started },
    publishCalls,
  };
}

/** Every page of the catalogue in force in a region, as one CSV text. */
export async function downloadCatalogueCsv(options: { apiUrl: string; token: string; region: string; on?: string }): Promise<string> {
  let cursor: string | undefined;
  let out = '';
  do {
    const query = new URLSearchParams({ format: 'csv', ...(options.on ? { on: options.on } : {}), ...(cursor ? { cursor } : {}) });
    const res = await call(options, 'GET', `/v1/catalogues/${options.region}/download?${query}`);
    const text = res.body as string;
    out += out === '' ? text : text.slice(text.indexOf('\n') + 1);
    cursor = res.headers.get('x-next-cursor') ?? undefined;
  } while (cursor);
  return out;
}

async function defaultToken(): Promise<string> {
  if (process.env.YIBAO_TOKEN) return process.env.YIBAO_TOKEN;
  const dataDir = process.env.YIBAO_DATA_DIR ?? '.yibao';
  if (!existsSync(join(dataDir, 'keys', 'signing-key.json')))
    throw new Error(`no signing key in ${dataDir}/keys: start the local cloud (npm start) or pass --token`);
  const key = await loadOrCreateSigningKey(dataDir);
  return mintToken(key, { sub: 'catalogue-import', role: 'staff', permissions: ['catalogue:write'] }, 3600);
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      manifest: { type: 'string' },
      region: { type: 'string' },
      version: { type: 'string' },
      'effective-from': { type: 'string' },
      'effective-to': { type: 'string' },
      title: { type: 'string' },
      'document-no': { type: 'string' },
      illustrative: { type: 'string' },
      publish: { type: 'boolean', default: false },
      on: { type: 'string' },
      out: { type: 'string' },
      api: { type: 'string' },
      token: { type: 'string' },
      concurrency: { type: 'string', default: '3' },
      report: { type: 'string' },
    },
  });
  const [command, target] = positionals;
  const apiUrl = (values.api ?? process.env.YIBAO_API ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
  if (command === 'download' && target) {
    const token = values.token ?? (await defaultToken());
    const csv = await downloadCatalogueCsv({ apiUrl, token, region: target, ...(values.on ? { on: values.on } : {}) });
    const out = values.out ?? `catalogue-${target}.csv`;
    writeFileSync(out, csv);
    process.stdout.write(`${out}: ${csv.split('\n').length - 2} entries\n`);
    return 0;
  }
  if (command !== 'import' || !target || !existsSync(target)) {
    process.stderr.write(
      'usage: npm run catalogue -- import <file.csv> [--manifest m.json | --region R --version N --effective-from D --title T (--document-no X | --illustrative why)] [--publish]\n' +
        '       npm run catalogue -- download <region> [--on D] [--out file.csv]\n',
    );
    return 1;
  }
  const manifestFile = values.manifest ?? target.replace(/\.csv$/i, '.json');
  const manifest = existsSync(manifestFile) ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as Partial<ImportHeader>) : {};
  const header: ImportHeader = {
    region: values.region ?? manifest.region ?? '',
    version: Number(values.version ?? manifest.version),
    effectiveFrom: values['effective-from'] ?? manifest.effectiveFrom ?? '',
    ...((values['effective-to'] ?? manifest.effectiveTo) ? { effectiveTo: values['effective-to'] ?? manifest.effectiveTo } : {}),
    title: values.title ?? manifest.title ?? target,
    source: values['document-no']
      ? { documentNo: values['document-no'] }
      : values.illustrative
        ? { illustrative: values.illustrative }
        : (manifest.source ?? {}),
  };
  const token = values.token ?? (await defaultToken());
  const bar = new cliProgress.SingleBar(
    { format: ' {phase} {bar} {percentage}% | {value}/{total} | ETA {eta_formatted}', hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let phase = '';
  try {
    const result = await importCatalogueFile({
      file: target,
      header,
      apiUrl,
      token,
      publish: values.publish,
      concurrency: Math.max(1, Number(values.concurrency)),
      onProgress: (p) => {
        if (p.phase !== phase) {
          if (phase) bar.stop();
          phase = p.phase;
          bar.start(p.total, 0, { phase: p.phase === 'upload' ? 'rows  ' : 'chunks' });
        }
        bar.update(p.done);
      },
    });
    if (phase) bar.stop();
    const report = values.report ?? `${target}.problems.jsonl`;
    process.stdout.write(`import ${result.importId}: ${result.rows} rows, ${result.status}\n`);
    if (result.problems.length > 0) {
      writeFileSync(report, `${result.problems.map((p) => JSON.stringify(p)).join('\n')}\n`);
      for (const p of result.problems.slice(0, 20)) process.stdout.write(`  row ${p.row} ${p.column}: ${p.rule} — ${p.message}\n`);
      process.stdout.write(`${result.problems.length} problems, every one in ${report}; nothing was imported\n`);
      return 2;
    }
    if (result.sameAs) process.stdout.write(`identical to ${result.sameAs.region} v${result.sameAs.version}: nothing changed\n`);
    if (result.diff) process.stdout.write(`diff against the version in force: ${JSON.stringify(result.diff.counts)}\n`);
    if (result.published)
      process.stdout.write(`published ${result.published.region} v${result.published.version}: ${result.published.entries} entries\n`);
    else if (result.status === 'validated') process.stdout.write('validated; add --publish to publish it\n');
    return 0;
  } catch (error) {
    if (phase) bar.stop();
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) process.exit(await main());
