/**
 * Policy simulation on a generated year of 1,000,000 settled claims (Zhoushan residents, 2025: 200,000
 * members, two in five in households, 6% poor; 93% five-line outpatient visits, 7% thirty-line stays),
 * re-settled both ways (the policy in force and a draft raising the secondary hospitals' inpatient
 * ratio): the compact form it is read into once, then the replay on one worker thread (claims per
 * CPU-second: "one core", whatever else the machine runs) and on every core (worker threads, wall
 * time, and the CPU-seconds it took, so the figure on an idle machine can be inferred under load).
 * BENCH_SIMULATION_CLAIMS sets the size (default 1,000,000).
 */
import { availableParallelism, loadavg } from 'node:os';
import { benefitsKind } from '../shared/policy/benefits.ts';
import type { BookSpec } from '../shared/simulation/book.ts';
import { generatedYear } from '../shared/simulation/examples.ts';
import { encodeYear, replayPartitions } from '../shared/simulation/threads/pool.ts';
import type { Report } from './support.ts';

export default async function simulationBench(report: Report): Promise<void> {
  const claims = Number(process.env.BENCH_SIMULATION_CLAIMS ?? 1_000_000);
  const raw = benefitsKind.shipped['policies/benefits/330900/2025-resident.json'] as Record<string, any>;
  const draft = structuredClone(raw);
  draft.version = raw.version + 1;
  draft.basic.ratios[0].set.secondary = '80%';
  const spec: BookSpec = {
    window: { region: '330900', scheme: 'resident', from: '2025-01-01', to: '2025-12-31' },
    benefits: { resident: [{ version: raw.version, effectiveFrom: raw.effectiveFrom, raw }] },
    drg: [],
    draft: { kind: 'benefits', raw: draft },
  };
  const year = generatedYear({ claims, region: '330900', scheme: 'resident', year: 2025 });
  const lines = year.claims.reduce((s, c) => s + c.bill.lines.length, 0);

  const heapBefore = process.memoryUsage();
  let t = performance.now();
  const encode = () => encodeYear(year);
  const encodeCpu = process.cpuUsage();
  let encoded = encode();
  const encodeMs = performance.now() - t;
  const encodeUsed = process.cpuUsage(encodeCpu);
  const after = process.memoryUsage();
  report({
    name: 'read once into the compact form (16 partitions)',
    value: encodeMs / 1000,
    unit: 's',
    note: `${claims.toLocaleString('en-US')} claims, ${lines.toLocaleString('en-US')} lines; ${((encodeUsed.user + encodeUsed.system) / 1e6).toFixed(1)} CPU-s`,
  });
  report({
    name: 'compact form: memory',
    value: (after.heapUsed + after.arrayBuffers - heapBefore.heapUsed - heapBefore.arrayBuffers) / 1e6,
    unit: 'MB',
    note: 'typed line columns + bill headers, beside the generated objects',
  });

  // One core: the replay on one worker thread (the bundled worker, as a run uses it), claims per
  // second of this process's CPU time (every thread's, the collector's included).
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  const cpu = process.cpuUsage();
  t = performance.now();
  const one = await replayPartitions(encoded, spec, 1, undefined, { workers: true });
  const oneWall = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  report({
    name: 'replay both ways, one core',
    value: one.claimsInWindow / cpuSeconds,
    unit: 'claims/s',
    note: `per CPU-second; ${((2 * one.claimsInWindow) / cpuSeconds).toFixed(0)} settlements/s`,
  });
  report({
    name: 'replay both ways, one core: wall time',
    value: oneWall,
    unit: 's',
    note: `${cpuSeconds.toFixed(1)} CPU-s; load ${load()}`,
  });

  // Every core: worker threads, the partitions' buffers transferred.
  encoded = encode();
  const threads = availableParallelism();
  const cpuAll = process.cpuUsage();
  t = performance.now();
  const all = await replayPartitions(encoded, spec, threads);
  const allWall = (performance.now() - t) / 1000;
  const usedAll = process.cpuUsage(cpuAll);
  const allCpuSeconds = (usedAll.user + usedAll.system) / 1e6;
  report({
    name: `replay both ways, ${threads} worker threads`,
    value: all.claimsInWindow / allWall,
    unit: 'claims/s',
    note: 'wall clock',
  });
  report({
    name: `replay both ways, ${threads} worker threads: wall time`,
    value: allWall,
    unit: 's',
    note: `${allCpuSeconds.toFixed(1)} CPU-s, so ≥ ${(allCpuSeconds / threads).toFixed(1)} s on ${threads} idle cores; load ${load()}`,
  });
  report({
    name: 'read + replay on every core: wall time',
    value: encodeMs / 1000 + allWall,
    unit: 's',
    note: `fund difference ${((all.draft.all.fundPaidFen - all.inForce.all.fundPaidFen) / 100).toFixed(2)} yuan`,
  });
  if (all.draft.all.fundPaidFen !== one.draft.all.fundPaidFen || all.inForce.all.fundPaidFen !== one.inForce.all.fundPaidFen)
    throw new Error('threads and one thread disagree');
}
