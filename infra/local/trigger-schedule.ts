/**
 * `npm run trigger -- monthlyPrepayment [--at 2026-12-01T02:00:00+08:00]` fires a schedule on the
 * running local cloud now (or as if at a given time), exactly as its timer would.
 */
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { at: { type: 'string' } } });
const base = process.env.YIBAO_API ?? `http://127.0.0.1:${process.env.YIBAO_PORT ?? 3000}`;
const name = positionals[0];
if (!name) {
  const listing = await fetch(`${base}/_local`).then(
    (r) => r.json() as Promise<{ schedules: { key: string; expression: string; nextRun: string }[] }>,
  );
  process.stdout.write(`Schedules:\n${listing.schedules.map((s) => `  ${s.key}  ${s.expression}  next ${s.nextRun}`).join('\n')}\n`);
  process.exit(0);
}
const query = values.at ? `?at=${encodeURIComponent(values.at)}` : '';
const res = await fetch(`${base}/_local/schedules/${name}${query}`, { method: 'POST' });
process.stdout.write(`${JSON.stringify(await res.json(), null, 2)}\n`);
process.exit(res.ok ? 0 : 1);
