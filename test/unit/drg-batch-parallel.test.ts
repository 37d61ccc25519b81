/**
 * The batch command's parallel path (worker threads on the tool's bundle, blocks of whole lines read
 * straight from a file or through a pipe, buffers handed back and forth for reuse) writes exactly
 * what the one-thread path writes, byte for byte, over many blocks: CRLF and blank lines, bad lines,
 * and a line longer than a block.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { caseMix } from '../../bench/drg.bench.ts';
import { decodePackage, packageEnvelope } from '../../shared/drg/rule-packages.ts';
import { runBatch } from '../../tools/drg-batch.ts';

const dir = mkdtempSync(join(tmpdir(), 'drg-parallel-'));

/** ≈ 6 MB: a dozen 512 KB blocks, with the awkward lines spread through them. */
function input(): Buffer {
  const cases = caseMix(decodePackage(packageEnvelope('2.0')));
  const lines: string[] = [];
  for (let round = 0; round < 2; round++)
    cases.forEach((c, n) => {
      lines.push(JSON.stringify({ ...c, id: `r${round}-${n}` }));
      if (n % 997 === 0) lines.push('');
      if (n % 1499 === 0) lines.push('{"id":"broken",');
      if (n % 1999 === 0) lines.push(JSON.stringify({ id: `no-sex-${n}`, ageYears: 40, principalDiagnosis: 'J18.900' }));
    });
  // A line longer than a block (its dischargeStatus is refused, naming the field), in the middle.
  lines.splice(lines.length >> 1, 0, JSON.stringify({ ...cases[0], id: 'long', dischargeStatus: 'x'.repeat(700_000) }));
  // Some lines end in CRLF, as a Windows export does.
  return Buffer.from(lines.map((l, i) => (i % 5 === 0 ? `${l}\r\n` : `${l}\n`)).join(''));
}

async function oneThread(bytes: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  await runBatch(Readable.from([bytes]), output, { version: '2.0' });
  return Buffer.concat(chunks);
}

describe('npm run drg over worker threads', () => {
  const bytes = input();
  const file = join(dir, 'cases.jsonl');
  writeFileSync(file, bytes);

  it('writes, from a file and through a pipe, byte for byte what one thread writes', async () => {
    const expected = await oneThread(bytes);
    expect(expected.toString().split('\n').length).toBeGreaterThan(40_000);
    // From the file: stdin is the file itself, read from its descriptor.
    const fromFile = spawnSync('sh', ['-c', `node tools/run.mjs tools/drg-batch.ts --version 2.0 --no-progress < ${file}`], {
      maxBuffer: 1 << 30,
      timeout: 120_000,
    });
    expect(fromFile.status).toBe(0);
    expect(fromFile.stderr.toString()).toContain('line(s) not a valid case');
    expect(fromFile.stdout.equals(expected)).toBe(true);
    // Through a pipe, written to a file with --out.
    const out = join(dir, 'groups.jsonl');
    const piped = spawnSync('node', ['tools/run.mjs', 'tools/drg-batch.ts', '--version', '2.0', '--no-progress', '--out', out], {
      input: bytes,
      maxBuffer: 1 << 30,
      timeout: 120_000,
    });
    expect(piped.status).toBe(0);
    expect(readFileSync(out).equals(expected)).toBe(true);
    // The long line is refused on its own line, naming the field.
    const long = expected
      .toString()
      .split('\n')
      .find((l) => l.startsWith('{"id":"long"'));
    expect(long).toContain('dischargeStatus');
  }, 180_000);
});
