/**
 * `tsx bench/drg-lines.ts <n> <file>`: writes n cases, one JSON line each, for timing `npm run drg`
 * end to end: the bench's CHS-DRG 2.0 case mix (every ADRG's routes, CC/MCC secondaries, a few
 * codes that are not 医保版 and cases that fit nothing), repeated with fresh ids.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { decodePackage, packageEnvelope } from '../shared/drg/rule-packages.ts';
import { caseMix } from './drg.bench.ts';

export async function writeDrgLines(n: number, file: string): Promise<void> {
  const mix = caseMix(decodePackage(packageEnvelope('2.0')));
  const out = createWriteStream(file);
  let chunk = '';
  for (let i = 0; i < n; i++) {
    chunk += `${JSON.stringify({ ...mix[i % mix.length]!, id: `L${i}` })}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

if (process.argv[1]?.endsWith('drg-lines.ts'))
  await writeDrgLines(Number(process.argv[2] ?? 1_000_000), process.argv[3] ?? '/tmp/drg-1m.jsonl');
