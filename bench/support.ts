/**
 * Small helpers every benchmark uses: timing, percentiles, a fixed pool of concurrent callers,
 * and one way to print a figure. Benchmarks print; they never assert.
 */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export type Report = (figure: Figure) => void;

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const index = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[index]!;
}

/** Runs `task` `total` times with `concurrency` callers at once; returns each call's latency and the wall time. */
export async function runConcurrently(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<{ latenciesMs: number[]; wallMs: number }> {
  const latenciesMs: number[] = [];
  let next = 0;
  const started = performance.now();
  const caller = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const t0 = performance.now();
      await task(i);
      latenciesMs.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return { latenciesMs: latenciesMs.sort((a, b) => a - b), wallMs: performance.now() - started };
}

/**
 * Calls `step(done)` in rounds of 200 for about `ms` on this one thread (`done` counts the calls
 * before it); how many calls it made and how many per second of this process's own CPU time: "one
 * core", and not depressed by whatever else the machine is running.
 */
export function cpuThroughput(ms: number, step: (done: number) => void): { perSecond: number; done: number } {
  let done = 0;
  const cpu = process.cpuUsage();
  const began = performance.now();
  while (performance.now() - began < ms) {
    for (let i = 0; i < 200; i++) step(done++);
  }
  const used = process.cpuUsage(cpu);
  return { perSecond: done / ((used.user + used.system) / 1e6), done };
}

/** Reports throughput and p50/p99 latency of a concurrent run under one name. */
export function reportLatencies(report: Report, name: string, run: { latenciesMs: number[]; wallMs: number }, unit = 'req/s'): void {
  report({ name: `${name}: throughput`, value: run.latenciesMs.length / (run.wallMs / 1000), unit });
  report({ name: `${name}: p50 latency`, value: percentile(run.latenciesMs, 50), unit: 'ms' });
  report({ name: `${name}: p99 latency`, value: percentile(run.latenciesMs, 99), unit: 'ms' });
}

export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
