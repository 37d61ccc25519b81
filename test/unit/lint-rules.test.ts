/**
 * The house rules are lint errors (biome.jsonc), not advice: this plants offending files in a scratch
 * copy of the tree's layout, lints them with the repository's own configuration, and expects Biome to
 * refuse each one (and to accept the same import where the rules allow it).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const biome = join(repo, 'node_modules/.bin/biome');
const scratch = mkdtempSync(join(tmpdir(), 'yibao-lint-'));

// The repository's configuration, minus what ties it to this checkout (git ignore file, local schema path).
const config = readFileSync(join(repo, 'biome.jsonc'), 'utf8')
  .replace(/"vcs": \{[^}]*\},/, '')
  .replace(/"\$schema": "[^"]*",/, '');
writeFileSync(join(scratch, 'biome.jsonc'), config);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Diagnostic {
  category: string;
  message: string;
  location: { path: string };
}

/** Lints one planted file with the house configuration; returns its diagnostics. */
function lintPlanted(path: string, source: string): Diagnostic[] {
  const file = join(scratch, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, source);
  let out: string;
  try {
    out = execFileSync(biome, ['lint', '--reporter=json', path], { cwd: scratch, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    // Biome exits 1 when it reports an error; the report is still on stdout.
    out = (error as { stdout: string }).stdout;
  } finally {
    rmSync(file);
  }
  return (JSON.parse(out) as { diagnostics: Diagnostic[] }).diagnostics;
}

const categories = (d: Diagnostic[]) => d.map((x) => x.category);

describe('the purity rule: a pure domain file imports no AWS SDK, store or runtime adapter', () => {
  it('refuses an AWS SDK import planted in a pure settlement file', () => {
    const found = lintPlanted(
      'shared/settlement/planted.ts',
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const client = DynamoDBClient;\n",
    );
    expect(categories(found)).toEqual(['lint/style/noRestrictedImports']);
    expect(found[0]!.message).toMatch(/pure domain file may not import the AWS SDK or a store module/);
  });

  it('refuses a store module and a runtime adapter imported by a pure file', () => {
    expect(
      categories(lintPlanted('shared/drg/planted.ts', "import { getCase } from './store/case.ts';\nexport const read = getCase;\n")),
    ).toEqual(['lint/style/noRestrictedImports']);
    expect(
      categories(
        lintPlanted(
          'shared/fraud/rules/planted.ts',
          "import { tableName } from '../../runtime/resource-names.ts';\nexport const name = tableName;\n",
        ),
      ),
    ).toEqual(['lint/style/noRestrictedImports']);
  });

  it('accepts the same AWS SDK import in the domain store and in a handler', () => {
    const source = "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const client = DynamoDBClient;\n";
    expect(lintPlanted('shared/settlement/store/planted.ts', source)).toEqual([]);
    expect(lintPlanted('functions/adjudication/planted.ts', source)).toEqual([]);
  });
});

describe('the other house rules', () => {
  it('refuses zod imported by name anywhere (it drags every locale into a bundle)', () => {
    const found = lintPlanted('functions/enrolment/planted.ts', "import { z } from 'zod';\nexport const id = z.string();\n");
    expect(categories(found)).toEqual(['lint/style/noRestrictedImports']);
    expect(found[0]!.message).toMatch(/namespace/);
    expect(lintPlanted('functions/enrolment/planted.ts', "import * as z from 'zod';\nexport const id = z.string();\n")).toEqual([]);
  });

  it('refuses an unused import', () => {
    const found = lintPlanted('shared/money/planted.ts', "import { readFileSync } from 'node:fs';\nexport const one = 1;\n");
    expect(categories(found)).toContain('lint/correctness/noUnusedImports');
  });
});
