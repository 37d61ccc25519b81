/**
 * `npm run bench [-- name…]`: runs every bench/*.bench.ts (or those whose file name contains one of
 * the names) one after another and prints their figures, each with its change against the previous
 * run that measured it; the run is appended to bench/history.json (or the file BENCH_HISTORY names).
 * Each module exports a default function that takes a `report` callback.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { quietNodeVersionNotice } from '../infra/local/quiet.ts';
import { appendRun, change, figureKey, newRun, previousOf, readHistory } from './history.ts';
import { machineNote, machineSpeedMs } from './machine-speed.ts';
import type { Figure, Report } from './support.ts';

quietNodeVersionNotice();
const here = dirname(fileURLToPath(import.meta.url));
const historyFile = resolve(process.env.BENCH_HISTORY ?? join(here, 'history.json'));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((name) => f.includes(name)))
  .sort();

const history = readHistory(historyFile);
// The machine's own speed, measured first, before any bench loads it.
const run = newRun(machineSpeedMs());

const format = (f: Figure, was: string, machine: string) => {
  const value = f.value >= 100 ? Math.round(f.value).toLocaleString('en-US') : f.value.toFixed(2);
  const notes = [f.note, machine].filter(Boolean).join('; ');
  return `  ${f.name.padEnd(58)} ${value.padStart(12)} ${f.unit.padEnd(8)} ${was.padStart(8)}${notes ? `  (${notes})` : ''}`;
};

const previousRun = history.at(-1);
process.stdout.write(
  `yibao benchmarks on ${process.version}, ${process.platform}/${process.arch}, commit ${run.commit}, load ${run.load}, ` +
    `machine ${run.machineMs} ms for the fixed work (bench/machine-speed.ts)\n` +
    (previousRun
      ? `changes against the previous run of each figure (last: ${previousRun.at}, ${previousRun.commit}, load ${previousRun.load}` +
        `${previousRun.machineMs ? `, machine ${previousRun.machineMs} ms` : ''}); a change measured on a machine more than a tenth ` +
        'slower or faster says so: that much of it is the machine, not the code\n'
      : `no earlier run in ${historyFile}: this one starts the history\n`),
);
for (const file of files) {
  const bench = file.replace('.bench.ts', '');
  process.stdout.write(`\n${bench}\n`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: (report: Report) => Promise<void> };
  const report: Report = (figure) => {
    const key = figureKey(bench, figure);
    run.figures[key] = { value: figure.value, unit: figure.unit };
    const previous = previousOf(history, key);
    process.stdout.write(`${format(figure, change(previous?.value, figure.value), machineNote(previous?.run.machineMs, run.machineMs))}\n`);
  };
  await mod.default(report);
}
appendRun(historyFile, run);
process.stdout.write(`\n${Object.keys(run.figures).length} figures appended to ${historyFile}\n`);
process.exit(0);
