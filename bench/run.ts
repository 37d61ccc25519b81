/**
 * `npm run bench [-- name…]`: runs every bench/*.bench.ts (or those whose file name contains one of
 * the names) one after another and prints their figures. Each module exports a default function
 * that takes a `report` callback.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { quietNodeVersionNotice } from '../infra/local/quiet.ts';
import type { Figure, Report } from './support.ts';

quietNodeVersionNotice();
const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((name) => f.includes(name)))
  .sort();

const format = (f: Figure) => {
  const value = f.value >= 100 ? Math.round(f.value).toLocaleString('en-US') : f.value.toFixed(2);
  return `  ${f.name.padEnd(58)} ${value.padStart(12)} ${f.unit}${f.note ? `  (${f.note})` : ''}`;
};

process.stdout.write(`yibao benchmarks on ${process.version}, ${process.platform}/${process.arch}\n`);
for (const file of files) {
  process.stdout.write(`\n${file.replace('.bench.ts', '')}\n`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: (report: Report) => Promise<void> };
  await mod.default((figure) => process.stdout.write(`${format(figure)}\n`));
}
process.exit(0);
