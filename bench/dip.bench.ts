/**
 * DIP and the batch commands at scale (issue 14): the DIP catalogue built from 1,000,000 historical
 * cases (in process, and through `npm run dip:build`'s line path), DIP grouping + scoring on one core
 * beside CHS-DRG grouping of the same stays, and `npm run drg` end to end on 1,000,000 lines (a real
 * child process reading a file and writing one: lines/s and its startup time).
 *
 * The history is tools/dip-history.ts's illustrative one (seeded): real CHS-DRG 2.0 codes, a skewed
 * case mix, costs scattered around each kind's level.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogueBuilder, type HistoricalCase } from '../shared/dip/build.ts';
import { procedureClasses } from '../shared/dip/key.ts';
import { compileDipPolicy, dipPolicySchema } from '../shared/dip/policy.ts';
import { scoreDipCase, type DipCaseInput } from '../shared/dip/score.ts';
import { drgCaseSchema, type DrgCase } from '../shared/drg/case.ts';
import { grouperFor } from '../shared/drg/rule-packages.ts';
import { buildFromLines, type Terms } from '../tools/dip-build.ts';
import { historicalCases } from '../tools/dip-history.ts';
import type { Report } from './support.ts';

const HISTORY = 1_000_000;
const LINES = 1_000_000;
const RUN_MS = 2_000;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function throughput<T>(items: T[], fn: (item: T) => unknown): { perCpuSecond: number; perWallSecond: number } {
  let sink = 0;
  for (let i = 0; i < Math.min(items.length, 20_000); i++) sink += fn(items[i]!) ? 1 : 0;
  let done = 0;
  const cpu0 = cpuMs();
  const wall0 = performance.now();
  while (cpuMs() - cpu0 < RUN_MS) {
    for (let i = 0; i < 1_000; i++) sink += fn(items[(done + i) % items.length]!) ? 1 : 0;
    done += 1_000;
  }
  if (sink < 0) throw new Error('unreachable');
  return { perCpuSecond: done / ((cpuMs() - cpu0) / 1000), perWallSecond: done / ((performance.now() - wall0) / 1000) };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  let pending = '';
  for (const l of lines) {
    pending += `${l}\n`;
    if (pending.length > 1 << 20) {
      if (!out.write(pending)) await once(out, 'drain');
      pending = '';
    }
  }
  out.end(pending);
  await once(out, 'finish');
}

export default async function dipBench(report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dip-bench-'));
  try {
    const terms = JSON.parse(readFileSync(new URL('../tools/dip-terms/532500-2025.json', import.meta.url), 'utf8')) as Terms;
    const p = terms.parameters;
    // 60,000 kinds of case: a long tail, as a real region's, so comprehensive groups take thousands of rare cases.
    const history: HistoricalCase[] = [...historicalCases({ cases: HISTORY, seed: 532_500, kinds: 60_000 })];

    // 1. The build, in process: keys, tallies, groups, scores.
    const classes = procedureClasses(p.procedureClasses);
    let cpu = cpuMs();
    let wall = performance.now();
    const builder = new CatalogueBuilder(
      {
        minimumCases: p.minimumCases,
        diagnosisLevel: p.diagnosisLevel,
        procedureLevel: p.procedureLevel,
        ignoreProcedurePrefixes: p.ignoreProcedurePrefixes ?? [],
        maxProcedures: p.maxProcedures,
        scoreScale: p.scoreScale,
      },
      classes,
    );
    for (const c of history) builder.add(c);
    const built = builder.finish();
    report({
      name: `DIP catalogue build, ${fmt(HISTORY)} cases, in process`,
      value: (cpuMs() - cpu) / 1000,
      unit: 's CPU',
      note: `${built.summary.coreGroups} core groups (${fmt(built.summary.coreCases)} cases) + ${built.summary.comprehensiveGroups} comprehensive (${fmt(built.summary.comprehensiveCases)}); wall ${((performance.now() - wall) / 1000).toFixed(1)} s`,
    });

    // 2. The same through the command's line path: JSON.parse + validate + build + document checks.
    const historyFile = join(dir, 'history.jsonl');
    await writeLines(
      historyFile,
      (function* () {
        for (const c of history) yield JSON.stringify(c);
      })(),
    );
    cpu = cpuMs();
    wall = performance.now();
    const { document } = await buildFromLines(createReadStream(historyFile), terms);
    report({
      name: `DIP catalogue build, ${fmt(HISTORY)} JSON lines (dip:build path)`,
      value: (cpuMs() - cpu) / 1000,
      unit: 's CPU',
      note: `${(statSync(historyFile).size / 1e6).toFixed(0)} MB in; ${document.groups.length} groups out; wall ${((performance.now() - wall) / 1000).toFixed(1)} s`,
    });

    // 3. Grouping + scoring a stay by that catalogue, beside CHS-DRG 2.0 grouping of the same stays.
    const policy = compileDipPolicy(dipPolicySchema.parse(document));
    const levels = ['primary', 'secondary', 'tertiary'] as const;
    const stays: DipCaseInput[] = history.slice(0, 50_000).map((c, i) => ({
      principalDiagnosis: c.principalDiagnosis,
      procedures: c.procedures,
      costFen: c.costFen,
      providerCode: c.providerCode ?? 'X',
      providerLevel: levels[i % 3],
    }));
    const pricing: Record<string, number> = {};
    for (const s of stays) {
      const r = scoreDipCase(policy, s).pricing;
      pricing[r] = (pricing[r] ?? 0) + 1;
    }
    const dip = throughput(stays, (s) => scoreDipCase(policy, s));
    report({
      name: 'DIP grouping + scoring, one core',
      value: dip.perCpuSecond,
      unit: 'cases/s',
      note: `${Object.entries(pricing)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}; wall ${fmt(dip.perWallSecond)}/s`,
    });
    const grouper = grouperFor('2.0');
    const drgCases: DrgCase[] = stays.map((s, i) =>
      drgCaseSchema.parse({ sex: i % 2 ? 'M' : 'F', ageYears: 60, principalDiagnosis: s.principalDiagnosis, procedures: s.procedures }),
    );
    const drg = throughput(drgCases, (c) => grouper.group(c));
    report({
      name: 'CHS-DRG 2.0 grouping of the same stays, one core',
      value: drg.perCpuSecond,
      unit: 'cases/s',
      note: `with trace; wall ${fmt(drg.perWallSecond)}/s`,
    });

    // 4. `npm run drg` end to end on a million lines, as an analyst runs it.
    const linesFile = join(dir, 'cases.jsonl');
    await writeLines(
      linesFile,
      (function* () {
        for (let n = 0; n < LINES; n++) {
          const c = history[n]!;
          yield JSON.stringify({
            id: `c${n}`,
            sex: n % 2 ? '1' : '2',
            ageYears: 20 + (n % 70),
            principalDiagnosis: c.principalDiagnosis,
            secondaryDiagnoses: [],
            procedures: c.procedures,
          });
        }
      })(),
    );
    const emptyFile = join(dir, 'empty.jsonl');
    await writeLines(emptyFile, []);
    const run = (input: string) => {
      const t0 = performance.now();
      const res = spawnSync('npm', ['run', '-s', 'drg', '--', '--version', '2.0', '--no-progress', '--out', join(dir, 'groups.jsonl')], {
        stdio: ['pipe', 'ignore', 'pipe'],
        input: readFileSync(input),
        maxBuffer: 1 << 30,
        encoding: 'buffer',
      });
      if (res.status !== 0) throw new Error(`npm run drg failed: ${res.stderr?.toString()}`);
      return { ms: performance.now() - t0, stderr: res.stderr.toString().trim() };
    };
    const startup = run(emptyFile);
    const full = run(linesFile);
    report({
      name: 'npm run drg: startup (npm + tsx + package load, 0 lines)',
      value: startup.ms,
      unit: 'ms wall',
    });
    report({
      name: `npm run drg end to end, ${fmt(LINES)} lines (2.0)`,
      value: LINES / (full.ms / 1000),
      unit: 'lines/s',
      note: `${(full.ms / 1000).toFixed(1)} s wall incl. startup; ${fmt(LINES / ((full.ms - startup.ms) / 1000))} lines/s after it; ${(statSync(linesFile).size / 1e6).toFixed(0)} MB in, ${(statSync(join(dir, 'groups.jsonl')).size / 1e6).toFixed(0)} MB out; "${full.stderr.split('\n').at(-1)}"`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
