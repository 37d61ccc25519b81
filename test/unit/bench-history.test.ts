import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendRun, change, newRun, previousOf, readHistory, type BenchRun } from '../../bench/history.ts';
import { machineNote, machineSpeedMs } from '../../bench/machine-speed.ts';

const run = (machineMs: number | undefined, figures: BenchRun['figures']): BenchRun => ({
  ...newRun(machineMs),
  figures,
});

describe('the benchmarks’ history', () => {
  it('compares a figure with the last earlier run that measured it, whatever ran in between', () => {
    const history = [
      run(100, { 'claims-api: throughput': { value: 150, unit: 'claims/s' } }),
      run(100, { 'drg: lines': { value: 200_000, unit: 'lines/s' } }),
    ];
    expect(previousOf(history, 'claims-api: throughput')?.value).toBe(150);
    expect(change(150, 120)).toBe('−20.0%');
    expect(change(150, 150)).toBe('=');
    expect(previousOf(history, 'never measured')).toBeUndefined();
  });

  it('keeps every run, the machine’s speed with it, and starts afresh from a damaged file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bench-history-')), 'history.json');
    appendRun(file, run(117, { a: { value: 1, unit: 'x' } }));
    appendRun(file, run(190, { a: { value: 2, unit: 'x' } }));
    expect(readHistory(file).map((r) => [r.machineMs, r.figures.a?.value])).toEqual([
      [117, 1],
      [190, 2],
    ]);
    writeFileSync(file, '[{"at":');
    expect(readHistory(file)).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe('[{"at":');
  });
});

describe('the machine’s speed beside each run', () => {
  it('says how much of a change is the machine once the two machines differ by more than a tenth', () => {
    expect(machineNote(100, 109)).toBe('');
    expect(machineNote(100, 92)).toBe('');
    expect(machineNote(100, 162)).toBe('machine ×1.62 slower');
    expect(machineNote(162, 100)).toBe('machine ×1.62 faster');
    // Runs from before the speed was kept say nothing either way.
    expect(machineNote(undefined, 100)).toBe('');
    expect(machineNote(100, undefined)).toBe('');
  });

  it('measures the fixed work as a whole number of tenths of a millisecond', () => {
    // Its repeatability is the machine's, not the code's (three runs here: 115.6, 117 and 124.3 ms), so
    // it is not asserted: tests share the cores with other test files.
    const ms = machineSpeedMs();
    expect(ms).toBeGreaterThan(0);
    expect(Number.isFinite(ms)).toBe(true);
    expect(Math.round(ms * 10)).toBeCloseTo(ms * 10, 6);
  });
});
