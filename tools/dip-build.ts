/**
 * `npm run -s dip:build -- --terms tools/dip-terms/532500-2025.json [--min-cases 15] [--out catalogue.json] < history.jsonl`
 *
 * Builds a region's DIP catalogue (kind `dip`) from its historical cases, one a JSON line:
 * `{ principalDiagnosis, procedures[], costFen, providerCode?, year? }` (null is an absent field, as
 * in the DRG batch). The terms file holds what is not derived from the cases: the header (region,
 * year, version, effective date, sources), the build parameters (minimum cases, diagnosis and
 * procedure levels, score scale) and the scoring terms (hospital coefficients, outliers, bed-day
 * standards); the tool adds the groups and the summary of the cases they came from, validates the
 * whole document as the registry will, and writes it (publish it with `POST /v1/policies`, or ship
 * it under policies/dip/<region>/<year>.json). A line that is not a case is counted and skipped.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import * as z from 'zod';
import { CatalogueBuilder, type BuildParameters, type HistoricalCase } from '../shared/dip/build.ts';
import { procedureClasses } from '../shared/dip/key.ts';
import { dipDocumentObject, dipPolicySchema, type DipPolicyDocument } from '../shared/dip/policy.ts';
import { unknownCitations } from '../shared/policy/citations.ts';

const absent = <T extends z.ZodType>(s: T) => s.nullish().transform((v) => v ?? undefined);
export const historicalCaseSchema = z.object({
  principalDiagnosis: z.string().trim().min(1).max(40),
  procedures: z
    .array(z.string().trim().max(40).nullable())
    .max(100)
    .nullish()
    .transform((l) => (l ?? []).filter((c): c is string => c !== null && c !== '')),
  costFen: z.number().int().nonnegative(),
  providerCode: absent(z.string().min(1).max(40)),
  year: absent(z.number().int().min(2000).max(2100)),
});

/** The terms file: the document less what the build derives (groups, and builtFrom but its basis). */
export const termsSchema = dipDocumentObject.omit({ groups: true, builtFrom: true }).extend({
  builtFrom: z.object({ basis: dipDocumentObject.shape.builtFrom.shape.basis }),
});
export type Terms = z.input<typeof termsSchema>;

export interface BuildOutcome {
  document: DipPolicyDocument;
  refusedLines: number;
  seconds: number;
}

/** Reads the lines, builds, and returns the validated document. */
export async function buildFromLines(input: Readable, terms: Terms): Promise<BuildOutcome> {
  const started = performance.now();
  const t = termsSchema.parse(terms);
  const parameters: BuildParameters = {
    minimumCases: t.parameters.minimumCases,
    diagnosisLevel: t.parameters.diagnosisLevel,
    procedureLevel: t.parameters.procedureLevel,
    ignoreProcedurePrefixes: t.parameters.ignoreProcedurePrefixes,
    maxProcedures: t.parameters.maxProcedures,
    scoreScale: t.parameters.scoreScale,
  };
  const builder = new CatalogueBuilder(parameters, procedureClasses(t.parameters.procedureClasses));
  const hash = createHash('sha256');
  input.on('data', (chunk: Buffer | string) => hash.update(chunk));
  let refusedLines = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    let parsed: HistoricalCase | undefined;
    try {
      const r = historicalCaseSchema.safeParse(JSON.parse(line));
      if (r.success) parsed = r.data;
    } catch {
      // not JSON: counted below
    }
    if (parsed) builder.add(parsed);
    else refusedLines++;
  }
  const { groups, summary } = builder.finish();
  const raw = {
    ...terms,
    builtFrom: { ...summary, refusedLines, inputSha256: hash.digest('hex'), basis: t.builtFrom.basis },
    groups: groups.map((g) => ({
      code: g.code,
      kind: g.kind,
      diagnosis: g.diagnosis,
      procedures: g.procedures,
      treatment: g.treatment,
      cases: g.cases,
      meanCostFen: g.meanCostFen,
      cvPercent: g.cvPercent,
      score: g.centipoints / 100,
    })),
  };
  // Validated as the registry will read it (citations included), so a built document always publishes.
  dipPolicySchema.parse(raw);
  const unknown = unknownCitations(raw)[0];
  if (unknown) throw new Error(`${unknown.path.join('.')} ${unknown.message}`);
  return { document: raw as DipPolicyDocument, refusedLines, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const termsPath = value('--terms');
  if (!termsPath) {
    process.stderr.write('usage: npm run -s dip:build -- --terms <terms.json> [--min-cases N] [--out catalogue.json] < history.jsonl\n');
    process.exit(2);
  }
  const terms = JSON.parse(readFileSync(termsPath, 'utf8')) as Terms & { parameters: { minimumCases: number } };
  const min = value('--min-cases');
  if (min !== undefined) terms.parameters.minimumCases = Number(min);
  const { document, refusedLines, seconds } = await buildFromLines(process.stdin, terms);
  const json = `${JSON.stringify(document, null, 1)}\n`;
  const out = value('--out');
  if (out) writeFileSync(out, json);
  else process.stdout.write(json);
  const b = document.builtFrom;
  process.stderr.write(
    `DIP ${document.region}/${document.year} v${document.version}: ${b.cases} cases (${b.fromYear}–${b.toYear}, ${b.providers} providers) → ` +
      `${b.coreGroups} core groups (${b.coreCases} cases) + ${b.comprehensiveGroups} comprehensive (${b.comprehensiveCases}); ` +
      `region mean ${(b.meanCostFen / 100).toFixed(2)} yuan = ${document.parameters.scoreScale} points; ${refusedLines} line(s) refused; ${seconds.toFixed(1)} s\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
