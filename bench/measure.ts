/**
 * `tsx bench/measure.ts <out.json> [bench…]`: runs the named benchmark modules (default: claims-api)
 * and writes their figures as JSON, for bench/compare.ts, which runs this same file in a checkout
 * of an older commit and in this one.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { quietNodeVersionNotice } from '../infra/local/quiet.ts';
import type { Figure, Report } from './support.ts';

quietNodeVersionNotice();
const [out, ...names] = process.argv.slice(2);
if (!out) throw new Error('usage: tsx bench/measure.ts <out.json> [bench…]');
const figures: Figure[] = [];
for (const name of names.length ? names : ['claims-api']) {
  const mod = (await import(pathToFileURL(resolve(import.meta.dirname, `${name}.bench.ts`)).href)) as {
    default: (report: Report) => Promise<void>;
  };
  await mod.default((f) => {
    figures.push(f);
    process.stderr.write(`  ${f.name}: ${f.value.toFixed(2)} ${f.unit}${f.note ? ` (${f.note})` : ''}\n`);
  });
}
writeFileSync(out, JSON.stringify(figures, null, 1));
process.exit(0);
