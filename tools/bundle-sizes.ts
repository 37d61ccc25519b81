/**
 * `npm run bundle-sizes` (after `npm run synth`): the size of each function's bundle, as Lambda
 * will load it at a cold start, read from the synthesised cloud assembly in cdk.out/.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const outDir = process.argv[2] ?? 'cdk.out';
type Resource = { Type: string; Properties?: { Tags?: { Key: string; Value: string }[] }; Metadata?: Record<string, string> };
const template = JSON.parse(readFileSync(join(outDir, 'Yibao.template.json'), 'utf8')) as { Resources: Record<string, Resource> };

const rows = Object.values(template.Resources)
  .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['aws:asset:path'])
  .map((r) => {
    const key = r.Properties?.Tags?.find((t) => t.Key === 'yibao:key')?.Value ?? '(unnamed)';
    const bundle = join(outDir, r.Metadata!['aws:asset:path']!, 'index.mjs');
    return { key, kb: statSync(bundle).size / 1024 };
  })
  .sort((a, b) => a.key.localeCompare(b.key));

for (const row of rows) process.stdout.write(`${row.key.padEnd(20)} ${row.kb.toFixed(1).padStart(8)} KB\n`);
