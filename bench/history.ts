/**
 * The benchmarks' memory: every `npm run bench` appends its figures to a JSON file (bench/history.json,
 * or BENCH_HISTORY) with the commit, the machine and its load, and each figure is printed with its
 * change against the last earlier run that measured it, so a regression shows on the line where it happens.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Figure } from './support.ts';

export interface BenchRun {
  at: string;
  commit: string;
  node: string;
  cpus: number;
  /** The 1-minute load average when the run began: figures from a loaded machine are read as such. */
  load: number;
  /** Milliseconds the machine took for the fixed work of bench/machine-speed.ts (absent in runs before it was kept). */
  machineMs?: number;
  /** Figures by "<bench>: <name>". */
  figures: Record<string, { value: number; unit: string }>;
}

export function currentCommit(cwd = process.cwd()): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8' }).trim();
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}

export function newRun(machineMs?: number): BenchRun {
  return {
    at: new Date().toISOString(),
    commit: currentCommit(),
    node: process.version,
    cpus: cpus().length,
    load: Number(loadavg()[0]!.toFixed(2)),
    ...(machineMs !== undefined ? { machineMs } : {}),
    figures: {},
  };
}

export function readHistory(file: string): BenchRun[] {
  if (!existsSync(file)) return [];
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return Array.isArray(parsed) ? (parsed as BenchRun[]) : [];
  } catch {
    return []; // a damaged file is started afresh rather than failing the run
  }
}

/** Appends a run (written beside, then renamed: an interrupted write never loses the history). */
export function appendRun(file: string, run: BenchRun): void {
  const history = readHistory(file);
  history.push(run);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(history, null, 1)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** The last earlier run that measured this figure. */
export function previousOf(history: BenchRun[], key: string): { run: BenchRun; value: number } | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const figure = history[i]!.figures[key];
    if (figure) return { run: history[i]!, value: figure.value };
  }
  return undefined;
}

/** "+12.3%" / "−4.0%" / "=" against the previous value; empty without one. */
export function change(previous: number | undefined, value: number): string {
  if (previous === undefined || !Number.isFinite(previous) || !Number.isFinite(value)) return '';
  if (previous === 0) return value === 0 ? '=' : 'new';
  const pct = ((value - previous) / Math.abs(previous)) * 100;
  if (Math.abs(pct) < 0.05) return '=';
  return `${pct > 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)}%`;
}

export const figureKey = (bench: string, f: Pick<Figure, 'name'>) => `${bench}: ${f.name}`;
