/**
 * `npm run -s dip -- (--region 532500 --year 2025 | --catalogue catalogue.json) [--out scores.jsonl] < cases.jsonl`
 *
 * Groups and scores one case a JSON line by a region's DIP catalogue (the shipped one of a region and
 * year, or a catalogue file `npm run dip:build` wrote): `id, principalDiagnosis, procedures[],
 * costFen, providerCode, providerLevel (primary|secondary|tertiary), bedDays, programme` in (null is
 * an absent field), `id, group, kind, treatment, outcome, pricing, centipoints, points, workings` out,
 * a line each, in order. A line that is not a case gets `{ id?, line, error }` and the run goes on.
 */
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import * as z from 'zod';
import { formatPoints } from '../shared/drg/points.ts';
import { hospitalLevels } from '../shared/drg/policy.ts';
import { compileDipPolicy, dipPolicySchema, type DipPolicy } from '../shared/dip/policy.ts';
import { scoreDipCase, type DipPricing } from '../shared/dip/score.ts';
import { dipPolicyFor } from '../shared/policy/dip.ts';

const absent = <T extends z.ZodType>(s: T) => s.nullish().transform((v) => v ?? undefined);
export const dipCaseLineSchema = z.object({
  id: absent(z.string().min(1).max(100)),
  principalDiagnosis: absent(z.string().trim().min(1).max(40)),
  procedures: z
    .array(z.string().trim().max(40).nullable())
    .max(100)
    .nullish()
    .transform((l) => (l ?? []).filter((c): c is string => c !== null && c !== '')),
  costFen: z.number().int().nonnegative(),
  providerCode: absent(z.string().min(1).max(40)),
  providerLevel: absent(z.enum(hospitalLevels)),
  bedDays: absent(z.number().int().positive().max(3660)),
  programme: absent(z.string().min(1).max(40)),
});

export interface DipBatchStats {
  cases: number;
  errors: number;
  pricing: Record<DipPricing, number>;
  centipoints: number;
}

export async function runDipBatch(input: Readable, output: Writable, policy: DipPolicy): Promise<DipBatchStats> {
  const stats: DipBatchStats = {
    cases: 0,
    errors: 0,
    pricing: { dip: 0, 'high-cost': 0, 'low-cost': 0, 'bed-day': 0, 'cost-based': 0 },
    centipoints: 0,
  };
  let pending = '';
  let lineNo = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() === '') continue;
    let out: unknown;
    try {
      const raw: unknown = JSON.parse(line);
      const parsed = dipCaseLineSchema.safeParse(raw);
      if (parsed.success) {
        const c = parsed.data;
        const r = scoreDipCase(policy, {
          principalDiagnosis: c.principalDiagnosis,
          procedures: c.procedures,
          costFen: c.costFen,
          providerCode: c.providerCode ?? '',
          providerLevel: c.providerLevel,
          bedDays: c.bedDays,
          programme: c.programme,
        });
        stats.cases++;
        stats.pricing[r.pricing]++;
        stats.centipoints += r.centipoints;
        out = {
          ...(c.id !== undefined ? { id: c.id } : {}),
          group: r.group,
          kind: r.kind,
          treatment: r.treatment,
          outcome: r.outcome,
          pricing: r.pricing,
          centipoints: r.centipoints,
          points: formatPoints(r.centipoints),
          workings: r.workings,
        };
      } else {
        stats.errors++;
        const id = (raw as { id?: unknown } | null)?.id;
        out = {
          ...(typeof id === 'string' ? { id } : {}),
          line: lineNo,
          error: parsed.error.issues.map((i) => `${i.path.join('.') || 'case'}: ${i.message}`).join('; '),
        };
      }
    } catch {
      stats.errors++;
      out = { line: lineNo, error: 'not valid JSON' };
    }
    pending += `${JSON.stringify(out)}\n`;
    if (pending.length >= 64 * 1024) {
      const chunk = pending;
      pending = '';
      if (!output.write(chunk)) await once(output, 'drain');
    }
  }
  if (pending && !output.write(pending)) await once(output, 'drain');
  return stats;
}

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: npm run -s dip -- (--region <code> --year <yyyy> | --catalogue <file.json>) [--out scores.jsonl] < cases.jsonl\n`,
  );
  process.exit(2);
}

export function catalogueFrom(args: string[]): DipPolicy {
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const file = value('--catalogue');
  if (file) return compileDipPolicy(dipPolicySchema.parse(JSON.parse(readFileSync(file, 'utf8'))));
  const region = value('--region');
  const year = Number(value('--year'));
  if (!region || !Number.isInteger(year)) usage('give --catalogue, or --region and --year of a shipped catalogue');
  const policy = dipPolicyFor(region, year);
  if (!policy) usage(`no shipped DIP catalogue for ${region} ${year} (policies/dip/${region}/${year}.json)`);
  return policy;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const started = performance.now();
  const policy = catalogueFrom(args);
  const at = args.indexOf('--out');
  const output = at >= 0 && args[at + 1] ? createWriteStream(args[at + 1]!) : process.stdout;
  const stats = await runDipBatch(process.stdin, output, policy);
  if (output !== process.stdout) await new Promise<void>((ok, ko) => output.end((e?: Error | null) => (e ? ko(e) : ok())));
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(
    `${stats.cases} cases scored with DIP ${policy.region}/${policy.year} v${policy.version} in ${seconds.toFixed(1)} s: ${formatPoints(stats.centipoints)} points ` +
      `(${Object.entries(stats.pricing)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')})${stats.errors ? `; ${stats.errors} line(s) not a valid case (see their "error")` : ''}\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
