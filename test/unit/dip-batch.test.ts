/**
 * The DIP batch command (`npm run dip`): one case a JSON line in, its group and points a line out,
 * in order; a bad line gets its own error line and the run goes on; null is an absent field.
 */
import { spawnSync } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { dipPolicyFor } from '../../shared/policy/dip.ts';
import { catalogueFrom, runDipBatch } from '../../tools/dip-batch.ts';

const lines = [
  { id: 'core', principalDiagnosis: 'J84.100x006', procedures: ['34.5101'], costFen: 8_346_160, providerLevel: 'secondary' },
  {
    id: 'hospice',
    principalDiagnosis: 'C34.900',
    procedures: null,
    costFen: 450_000,
    bedDays: 10,
    programme: 'hospice',
    providerLevel: null,
  },
  { id: 'no-cost', principalDiagnosis: 'J84.100x006' },
  'not json',
  { id: 'no-dx', principalDiagnosis: null, costFen: 315_860 },
].map((l) => (typeof l === 'string' ? l : JSON.stringify(l)));

async function run(input: string[]) {
  const chunks: string[] = [];
  const output = new Writable({
    write(chunk, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const stats = await runDipBatch(Readable.from(input.map((l) => `${l}\n`)), output, dipPolicyFor('532500', 2025)!);
  return {
    stats,
    out: chunks
      .join('')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l)),
  };
}

describe('npm run dip', () => {
  it('writes group, kind, treatment, outcome, pricing and points a line, in order, and an error line for a bad one', async () => {
    const { stats, out } = await run(lines);
    expect(stats).toMatchObject({ cases: 3, errors: 2, pricing: { dip: 1, 'bed-day': 1, 'cost-based': 1 } });
    expect(out).toHaveLength(5);
    // 238.16 × 0.92 = 219.11; 10 × 400 yuan ÷ 31,585.96 × 100 = 12.66; 3,158.60 yuan = 10.00 cost points.
    expect(out[0]).toMatchObject({
      id: 'core',
      group: 'J84|34.51',
      kind: 'core',
      treatment: 'operation',
      pricing: 'dip',
      centipoints: 21_911,
      points: '219.11',
    });
    expect(out[1]).toMatchObject({ id: 'hospice', pricing: 'bed-day', centipoints: 1_266 });
    expect(out[2]).toMatchObject({ id: 'no-cost', line: 3 });
    expect(out[2].error).toContain('costFen');
    expect(out[3]).toEqual({ line: 4, error: 'not valid JSON' });
    expect(out[4]).toMatchObject({ id: 'no-dx', group: null, outcome: 'ungroupable', pricing: 'cost-based', centipoints: 1_000 });
    expect(stats.centipoints).toBe(21_911 + 1_266 + 1_000);
  });

  it('finds the catalogue by region and year, or reads a file', () => {
    expect(catalogueFrom(['--region', '532500', '--year', '2025']).version).toBe(1);
    expect(catalogueFrom(['--catalogue', 'policies/dip/532500/2025.json']).core.size).toBe(507);
  });

  it('runs as the npm script, with its summary on stderr', () => {
    const res = spawnSync('npm', ['run', '-s', 'dip', '--', '--region', '532500', '--year', '2025'], {
      input: `${lines[0]}\n`,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout.trim())).toMatchObject({ id: 'core', centipoints: 21_911 });
    expect(res.stderr).toContain('1 cases scored with DIP 532500/2025 v1');
  });
});
