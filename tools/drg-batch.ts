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
import { createWriteStream, fstatSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Readable, Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import { drgCaseSchema, type GroupOptions, type Outcome } from '../shared/drg/case.ts';
import { GROUPER_VERSIONS, type GrouperVersion } from '../shared/drg/package.ts';
import { grouperFor } from '../shared/drg/rule-packages.ts';

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

const FLUSH_BYTES = 64 * 1024;

export async function runBatch(input: Readable, output: Writable, options: BatchOptions): Promise<BatchStats> {
  const grouper = grouperFor(options.version);
  const groupOptions: GroupOptions = { qy: options.qy ?? true, codes: options.codes ?? 'yibao' };
  const stats: BatchStats = { cases: 0, errors: 0, outcomes: { grouped: 0, qy: 0, ungroupable: 0 } };
  let bytesRead = 0;
  input.on('data', (chunk: Buffer | string) => {
    bytesRead += chunk.length;
  });

  let pending = '';
  const flush = async () => {
    if (pending.length === 0) return;
    const chunk = pending;
    pending = '';
    if (!output.write(chunk)) await once(output, 'drain');
  };

  let lineNo = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() === '') continue;
    let out: unknown;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
      const parsed = drgCaseSchema.safeParse(raw);
      if (parsed.success) {
        const result = grouper.group(parsed.data, groupOptions);
        stats.cases++;
        stats.outcomes[result.outcome]++;
        out = result;
      } else {
        stats.errors++;
        out = {
          ...idOf(raw),
          version: options.version,
          line: lineNo,
          error: parsed.error.issues.map((i) => `${i.path.join('.') || 'case'}: ${i.message}`).join('; '),
        };
      }
    } catch {
      stats.errors++;
      out = { version: options.version, line: lineNo, error: 'not valid JSON' };
    }
    pending += `${JSON.stringify(out)}\n`;
    if (pending.length >= FLUSH_BYTES) await flush();
    if ((lineNo & 4095) === 0) options.onProgress?.(bytesRead, stats.cases);
  }
  await flush();
  options.onProgress?.(bytesRead, stats.cases);
  return stats;
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
  const stats = await runBatch(process.stdin, output, {
    ...options,
    onProgress: (bytes, cases) => bar?.update(size > 0 ? Math.min(bytes, size) : 0, { cases }),
  });
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

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
