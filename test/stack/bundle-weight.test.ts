/**
 * What a cold start loads: zod imported by name (`import { z } from 'zod'`, ours or a library's)
 * keeps every one of zod's ~60 locales in the bundle, about 400 KB. The lint rule stops our own code
 * doing it; this catches a library doing it for us (Powertools' batch parser helper did: the queue
 * consumers use a schema-only parser hook instead, shared/middleware/batch.ts). Each handler is
 * bundled as the stack bundles it and the locales' bytes in the output are counted.
 */
import { describe, expect, it } from 'vitest';
import { functions, type FunctionKey, type FunctionSpec } from '../../infra/topology.ts';
import { bundleHandler } from '../support/bundle.ts';

/** The zod locale files that survive tree-shaking in a handler's bundle. */
async function zodLocalesIn(spec: FunctionSpec): Promise<string[]> {
  // The Lambda runtime provides the AWS SDK; the stack leaves it out too.
  const out = await bundleHandler(spec, { external: ['@aws-sdk/*'] });
  const inputs = Object.values(out.metafile.outputs)[0]!.inputs;
  return Object.entries(inputs)
    .filter(([path, input]) => path.includes('zod/v4/locales/') && input.bytesInOutput > 0)
    .map(([path]) => path.replace(/^.*locales\//, ''));
}

describe('bundles carry zod without its locales', () => {
  for (const [key, spec] of Object.entries(functions) as [FunctionKey, FunctionSpec][]) {
    it(`${key}: no locale but the English zod configures by default`, async () => {
      expect((await zodLocalesIn(spec)).filter((locale) => locale !== 'en.js')).toEqual([]);
    }, 30_000);
  }
});
