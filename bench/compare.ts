/**
 * `npm run bench:compare [-- --base <commit>] [--lines 1000000]`: before and after, in one run on
 * one machine. Checks the base commit (default b905e44, before issue 17) out into a temporary git
 * worktree sharing this checkout's node_modules, copies this checkout's measuring code into it, and
 * measures both, one after the other, the same way:
 *   - the settlement API on the local cloud (bench/claims-api.bench.ts through bench/measure.ts):
 *     DynamoDB requests and capacity per claim, p50/p99 and claims/s with 32 concurrent providers,
 *     the hot member's p95, the emulator's ceiling;
 *   - the analysts' commands' start (each npm script's own command, with arguments that make it
 *     exit at once: every module is still loaded), median wall time of 3 runs after a warm-up, and CPU;
 *   - `npm run drg` on a file of 1,000,000 cases, end to end (reading, validating, grouping, writing).
 * Prints a before/after table, writes it to bench/compare.json, and removes the worktree.
 * Takes about 5 minutes on a quiet two-core machine (each side starts its own local cloud).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { quietNodeVersionNotice } from '../infra/local/quiet.ts';
import { writeDrgLines } from './drg-lines.ts';
import { machineSpeedMs } from './machine-speed.ts';
import type { Figure } from './support.ts';

quietNodeVersionNotice();
const HEAD_DIR = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    base: { type: 'string', default: 'b905e44' },
    lines: { type: 'string', default: '1000000' },
    keep: { type: 'boolean', default: false },
  },
});
const LINES = Number(values.lines);
const base = execFileSync('git', ['rev-parse', '--short', values.base!], { cwd: HEAD_DIR, encoding: 'utf8' }).trim();
const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: HEAD_DIR, encoding: 'utf8' }).trim();
const work = join(tmpdir(), `yibao-compare-${process.pid}`);
const BASE_DIR = join(work, 'base');
mkdirSync(work, { recursive: true });

/** The files that measure, copied into the base checkout so both sides are measured by the same code. */
const HARNESS = [
  'bench/support.ts',
  'bench/claims-api.bench.ts',
  'bench/claims-load.ts',
  'bench/measure.ts',
  'infra/local/dynamo-meter.ts',
];

/** Each tool, with arguments that make it exit at once (a usage line or an empty input): its start, not its work. */
const TOOLS: { script: string; args: string }[] = [
  { script: 'drg', args: '--version 2.0 --no-progress < /dev/null' },
  { script: 'dip', args: '--region 532500 --year 2025 < /dev/null' },
  { script: 'catalogue', args: '< /dev/null' },
  { script: 'knowledge', args: '< /dev/null' },
  { script: 'enrol:bulk', args: '< /dev/null' },
  { script: 'token', args: '--role staff' },
];

const say = (line: string) => process.stderr.write(`${line}\n`);
const started = performance.now();

function setUpBase(): void {
  say(`checking out ${base} into ${BASE_DIR}`);
  execFileSync('git', ['worktree', 'add', '--detach', '--force', BASE_DIR, base], { cwd: HEAD_DIR, stdio: 'ignore' });
  symlinkSync(realpathSync(join(HEAD_DIR, 'node_modules')), join(BASE_DIR, 'node_modules'));
  for (const file of HARNESS) {
    mkdirSync(dirname(join(BASE_DIR, file)), { recursive: true });
    copyFileSync(join(HEAD_DIR, file), join(BASE_DIR, file));
  }
}

function removeBase(): void {
  if (values.keep) return;
  spawnSync('git', ['worktree', 'remove', '--force', BASE_DIR], { cwd: HEAD_DIR, stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
}

/** The settlement API figures of one side, measured in its own process with its own local cloud. */
function measureApi(dir: string, label: string): Figure[] {
  const out = join(work, `${label}-api.json`);
  say(`\n[${label}] settlement API on the local cloud…`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/measure.ts', out], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 8 * 60_000,
  });
  if (run.status !== 0 || !existsSync(out)) {
    say(`[${label}] the API measurement failed (exit ${run.status ?? run.signal})`);
    return [];
  }
  return JSON.parse(readFileSync(out, 'utf8')) as Figure[];
}

/** Runs a shell command with /usr/bin/time: wall and CPU seconds. */
function timed(dir: string, command: string): { wall: number; cpu: number; ok: boolean } {
  const t0 = performance.now();
  const run = spawnSync('/bin/sh', ['-c', `/usr/bin/time -f '%U %S' ${command} > /dev/null 2> ${join(work, 'stderr.txt')}`], {
    cwd: dir,
    env: { ...process.env, PATH: `${join(dir, 'node_modules', '.bin')}:${process.env.PATH}`, YIBAO_DATA_DIR: join(work, 'data') },
    timeout: 5 * 60_000,
  });
  const wall = (performance.now() - t0) / 1000;
  const lines = readFileSync(join(work, 'stderr.txt'), 'utf8').trim().split('\n');
  const [user, system] = (lines.at(-1) ?? '').split(' ').map(Number);
  return { wall, cpu: (user ?? Number.NaN) + (system ?? Number.NaN), ok: run.status !== null };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function measureTools(dir: string, label: string, linesFile: string): Figure[] {
  const scripts = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const figures: Figure[] = [];
  say(`\n[${label}] analysts' commands…`);
  for (const tool of TOOLS) {
    const command = `${scripts[tool.script]} ${tool.args}`;
    timed(dir, command); // warm-up: a first run may build the bundle or fill tsx's cache
    const runs = [timed(dir, command), timed(dir, command), timed(dir, command)];
    const wall = median(runs.map((r) => r.wall)) * 1000;
    const cpu = median(runs.map((r) => r.cpu)) * 1000;
    figures.push({
      name: `npm run ${tool.script}: start to exit`,
      value: wall,
      unit: 'ms',
      note: `CPU ${cpu.toFixed(0)} ms; ${scripts[tool.script]}`,
    });
    say(`  ${tool.script}: ${wall.toFixed(0)} ms (CPU ${cpu.toFixed(0)} ms)`);
  }
  say(`[${label}] npm run drg on ${LINES.toLocaleString('en-US')} lines…`);
  const drg = timed(dir, `${scripts.drg} --version 2.0 --no-progress < ${linesFile}`);
  figures.push({
    name: `npm run drg, ${LINES.toLocaleString('en-US')} lines end to end`,
    value: LINES / drg.wall,
    unit: 'lines/s',
    note: `${drg.wall.toFixed(1)} s wall, ${drg.cpu.toFixed(1)} s CPU`,
  });
  say(`  ${Math.round(LINES / drg.wall).toLocaleString('en-US')} lines/s (${drg.wall.toFixed(1)} s wall, CPU ${drg.cpu.toFixed(1)} s)`);
  return figures;
}

/** Figures where more is better (the rest: less is better). */
const higherIsBetter = (f: Figure) => /\/s$/.test(f.unit);

function table(before: Figure[], after: Figure[]): string {
  const names = [...new Set([...before, ...after].map((f) => f.name))];
  const fmt = (v: number | undefined) => (v === undefined ? '—' : v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2));
  const rows = names.map((name) => {
    const b = before.find((f) => f.name === name);
    const a = after.find((f) => f.name === name);
    let verdict = '';
    if (a && b && a.value > 0 && b.value > 0) {
      const gain = higherIsBetter(a) ? a.value / b.value : b.value / a.value;
      verdict = gain >= 1 ? `×${gain.toFixed(2)} better` : `×${(1 / gain).toFixed(2)} worse`;
    }
    return `  ${name.padEnd(66)} ${fmt(b?.value).padStart(10)} ${fmt(a?.value).padStart(10)}  ${(a ?? b)!.unit.padEnd(15)} ${verdict}`;
  });
  return [`  ${'figure'.padEnd(66)} ${base.padStart(10)} ${head.padStart(10)}`, ...rows].join('\n');
}

// Interrupted (Ctrl-C), the temporary worktree still goes: it is registered in this repository.
process.once('SIGINT', () => {
  removeBase();
  process.exit(130);
});

try {
  setUpBase();
  const linesFile = join(work, 'drg-lines.jsonl');
  say(`writing ${LINES.toLocaleString('en-US')} DRG cases to ${linesFile}`);
  await writeDrgLines(LINES, linesFile);
  say(`(${(statSync(linesFile).size / 1e6).toFixed(0)} MB)`);
  const load = loadavg()[0]!.toFixed(2);
  const machineMs = machineSpeedMs();
  const before = [...measureApi(BASE_DIR, 'before'), ...measureTools(BASE_DIR, 'before', linesFile)];
  const after = [...measureApi(HEAD_DIR, 'after'), ...measureTools(HEAD_DIR, 'after', linesFile)];
  const minutes = ((performance.now() - started) / 60_000).toFixed(1);
  const text = `\nbefore (${base}) and after (${head}), one run on this machine (load ${load} at the start, ${loadavg()[0]!.toFixed(2)} at the end; ${minutes} min; machine ${machineMs} ms for bench/machine-speed.ts's fixed work, then ${machineSpeedMs()} ms)\n${table(before, after)}\n`;
  process.stdout.write(text);
  writeFileSync(
    join(HEAD_DIR, 'bench', 'compare.json'),
    JSON.stringify({ at: new Date().toISOString(), base, head, load, machineMs, before, after }, null, 1),
  );
} finally {
  removeBase();
}
