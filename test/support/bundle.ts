import { resolve } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import type { FunctionSpec } from '../../infra/topology.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * A handler bundled in memory as the stack bundles it (esbuild, ESM, tree-shaken), with its metafile,
 * for tests that read the bundle; `options` says which packages stay outside it.
 */
export function bundleHandler(spec: FunctionSpec, options: Pick<BuildOptions, 'external' | 'packages'> = {}) {
  return build({
    entryPoints: [resolve(ROOT, spec.entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    treeShaking: true,
    logLevel: 'silent',
    outfile: 'bundle.js',
    ...options,
  });
}
