/**
 * `node tools/run.mjs <tool source> [args…]`: runs a command-line tool as one bundled JavaScript
 * file, not through tsx. Starting tsx (its loader, then TypeScript transformed module by module, the
 * AWS SDK resolved file by file) cost more than a second per run; a bundle starts in well under a
 * third of that. The bundle is built with esbuild (already here for aws-cdk and tsx) into
 * dist/tools/ the first time, and again whenever one of the source files it was built from (listed
 * in its metafile) or package-lock.json is newer than it, so it never runs stale code.
 *
 * Plain JavaScript on purpose: this file is what runs instead of tsx.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = resolve(ROOT, 'dist', 'tools');

const [source, ...args] = process.argv.slice(2);
if (!source) {
  process.stderr.write('usage: node tools/run.mjs <tools/name.ts> [args…]\n');
  process.exit(2);
}
const entry = resolve(ROOT, source);
const name = relative(ROOT, entry).replace(/\.ts$/, '').replaceAll(/[\\/]/g, '__');
const bundle = resolve(OUT_DIR, `${name}.mjs`);
const stamp = resolve(OUT_DIR, `${name}.inputs.json`);

/** True when the bundle exists and nothing it was built from changed since. */
function fresh() {
  let built;
  let inputs;
  try {
    built = statSync(bundle).mtimeMs;
    inputs = JSON.parse(readFileSync(stamp, 'utf8'));
  } catch {
    return false;
  }
  try {
    for (const file of [...inputs, 'package-lock.json', 'tools/run.mjs']) if (statSync(resolve(ROOT, file)).mtimeMs > built) return false;
  } catch {
    return false; // an input moved or was deleted
  }
  return true;
}

/**
 * Each source file's `import.meta.url` is replaced by that file's own URL, so code that finds files
 * next to itself (the repo root, a data folder) finds the same ones from the bundle; a tool's
 * "am I the main module" check compares it with process.argv[1], set below to the tool's source path.
 */
const keepOwnUrl = {
  name: 'keep-own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mjs)$/ }, async (args) => {
      if (args.path.includes(`${'/'}node_modules${'/'}`)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      return {
        contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
        loader: args.path.endsWith('.ts') ? 'ts' : 'js',
      };
    });
  },
};

async function build() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    process.stderr.write('tools/run.mjs: esbuild is not installed (npm install), and no up-to-date bundle exists in dist/tools\n');
    process.exit(1);
  }
  mkdirSync(OUT_DIR, { recursive: true });
  // Written beside and renamed into place: two runs building at once never load half a file.
  const temporary = `${bundle}.${process.pid}.tmp.mjs`;
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    metafile: true,
    logLevel: 'error',
    legalComments: 'none',
    plugins: [keepOwnUrl],
    // Some dependencies are CommonJS and call require(): give the ES module bundle one.
    banner: { js: "import { createRequire as __yibaoRequire } from 'node:module'; const require = __yibaoRequire(import.meta.url);" },
  });
  // Paths relative to ROOT (absWorkingDir); the dependencies are covered by package-lock.json.
  writeFileSync(stamp, JSON.stringify(Object.keys(result.metafile.inputs).filter((file) => !file.includes('node_modules/'))));
  renameSync(temporary, bundle);
}

if (!fresh()) await build();
process.argv = [process.argv[0], entry, ...args];
// A tool that starts worker threads runs them on its own bundle (tools/drg-batch.ts).
process.env.YIBAO_TOOL_BUNDLE = bundle;
await import(pathToFileURL(bundle).href);
