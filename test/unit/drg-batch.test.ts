/**
 * The analysts' batch command: one case a JSON line in, one group a line out, in order; a bad line
 * gets its own error line and the run goes on.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseArgs, runBatch } from '../../tools/drg-batch.ts';

const lines = [
  { id: 'pneumonia', sex: 'M', ageYears: 67, principalDiagnosis: 'J18.900', secondaryDiagnoses: ['J96.000'], procedures: [] },
  { id: 'incomplete', sex: 'F' },
  'not json',
  { id: 'no-code', sex: '2', ageYears: 30, principalDiagnosis: 'X99.999x999' },
].map((l) => (typeof l === 'string' ? l : JSON.stringify(l)));

async function run(input: string[], version: '1.1' | '2.0', extra: { qy?: boolean } = {}) {
  const chunks: string[] = [];
  const output = new Writable({
    write(chunk, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const stats = await runBatch(Readable.from(input.map((l) => `${l}\n`)), output, { version, ...extra });
  return {
    stats,
    out: chunks
      .join('')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l)),
  };
}

describe('npm run drg', () => {
  it('writes id, version, mdc, adrg, drg, ccLevel, outcome and trace a line, in input order, and an error line for a bad one', async () => {
    const { stats, out } = await run(lines, '1.1');
    expect(stats).toEqual({ cases: 2, errors: 2, outcomes: { grouped: 1, qy: 0, ungroupable: 1 } });
    expect(out).toHaveLength(4);
    expect(Object.keys(out[0])).toEqual(['id', 'version', 'mdc', 'adrg', 'drg', 'ccLevel', 'outcome', 'trace']);
    expect(out[0]).toMatchObject({
      id: 'pneumonia',
      version: '1.1',
      mdc: 'MDCE',
      adrg: 'ES3',
      drg: 'ES31',
      ccLevel: 'MCC',
      outcome: 'grouped',
    });
    expect(out[1]).toMatchObject({ id: 'incomplete', line: 2 });
    expect(out[1].error).toContain('principalDiagnosis');
    expect(out[2]).toEqual({ version: '1.1', line: 3, error: 'not valid JSON' });
    expect(out[3]).toMatchObject({ id: 'no-code', drg: '0000', outcome: 'ungroupable' });
  });

  it("groups an analyst's export in OpenDRG's convention (null as absent, total ageDays), refusing only the inconsistent line", async () => {
    const exported = [
      {
        id: 'od-1',
        sex: '1',
        ageYears: 67,
        ageDays: 24_500,
        birthWeightGrams: null,
        principalDiagnosis: 'J18.900',
        secondaryDiagnoses: ['J96.000', null],
        procedures: null,
        ventilationHours: null,
      },
      { id: 'od-2', sex: '1', ageYears: null, ageDays: 24_500, principalDiagnosis: 'J18.900', secondaryDiagnoses: ['J96.000'] },
      { id: 'od-3', sex: '1', ageYears: 30, ageDays: 24_500, principalDiagnosis: 'J18.900' },
    ].map((l) => JSON.stringify(l));
    const { stats, out } = await run(exported, '1.1');
    expect(stats).toEqual({ cases: 2, errors: 1, outcomes: { grouped: 2, qy: 0, ungroupable: 0 } });
    expect(out.slice(0, 2).map((o) => [o.id, o.drg])).toEqual([
      ['od-1', 'ES31'],
      ['od-2', 'ES31'],
    ]);
    expect(out[2]).toMatchObject({ id: 'od-3', line: 3 });
    expect(out[2].error).toContain('ageDays: ageDays 24500 does not agree with ageYears 30');
  });

  it('groups with the version asked for', async () => {
    const { out } = await run([lines[0]!], '2.0');
    expect(out[0]).toMatchObject({ version: '2.0', mdc: 'MDCE' });
  });

  it('reads its options', () => {
    expect(parseArgs(['--version', '2.0'])).toMatchObject({ version: '2.0', qy: true, codes: 'yibao', progress: true, out: undefined });
    expect(parseArgs(['--version', '1.1', '--no-qy', '--codes', 'clinical', '--no-progress', '--out', 'g.jsonl'])).toMatchObject({
      version: '1.1',
      qy: false,
      codes: 'clinical',
      progress: false,
      out: 'g.jsonl',
    });
  });

  it('runs as the npm script, reading stdin and writing stdout (or --out), with its summary on stderr', () => {
    const res = spawnSync('npm', ['run', '-s', 'drg', '--', '--version', '1.1'], {
      input: `${lines[0]}\n`,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout.trim())).toMatchObject({ id: 'pneumonia', drg: 'ES31' });
    expect(res.stderr).toContain('1 cases grouped with CHS-DRG 1.1');
    // Without -s npm puts its banner on stdout; --out keeps the file clean anyway.
    const out = join(mkdtempSync(join(tmpdir(), 'drg-batch-')), 'groups.jsonl');
    const viaOut = spawnSync('npm', ['run', 'drg', '--', '--version', '2.0', '--out', out], {
      input: `${lines[0]}\n`,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(viaOut.status).toBe(0);
    expect(
      readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).drg),
    ).toEqual(['ES31']);
  });
});
