/**
 * `npm run knowledge -- …`: knowledge-base layers (知识库) as spreadsheets, through the API.
 *
 *   npm run knowledge -- export <region> [--out kb.csv] [--manifest kb.json]   the shipped layer as CSV + its header
 *   npm run knowledge -- import <file.csv> --manifest kb.json [--publish] [--api URL] [--token JWT] [--report problems.jsonl]
 *
 * import: reads the file as UTF-8 or GB18030 (a CSV saved by Excel on a Chinese Windows, as the
 * catalogue's import does), checks every row against its section (row, column, rule, message: all at
 * once, written to --report), builds the layer under the manifest's header (kind, region, regionName,
 * version, effectiveFrom, title, sources), validates it whole, and with --publish publishes it with
 * `POST /v1/policies` (kind knowledge-base): the registry's lifecycle, immutable, effective-dated,
 * above every earlier version of the region, replayable. Exit code: 0 valid or published, 2 rejected
 * rows, 1 failed.
 *
 * The token: --token, else YIBAO_TOKEN, else a staff token signed with the local cloud's key in
 * YIBAO_DATA_DIR (.yibao). The API: --api, else YIBAO_API, else http://127.0.0.1:3000.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadOrCreateSigningKey, mintToken } from '../infra/local/signing-key.ts';
import { readBulkText } from '../shared/enrolment/bulk.ts';
import { CSV_COLUMNS, csvLineOf, knowledgeRows, readKnowledgeRows, type RowProblem } from '../shared/knowledge/csv.ts';
import { knowledgeDocumentSchema } from '../shared/knowledge/document.ts';
import { shippedKnowledge } from '../shared/policy/knowledge-base.ts';
import { decodeFile } from './catalogue.ts';

export interface KnowledgeImport {
  document?: Record<string, unknown>;
  problems: RowProblem[];
}

/** A CSV file's text and a manifest (the header) → the layer document, or every problem. */
export function buildLayer(csv: string, manifest: Record<string, unknown>): KnowledgeImport {
  const read = readBulkText(csv, 'csv');
  const problems: RowProblem[] = read.unreadable.flatMap((u) =>
    u.problems.map((p) => ({ row: u.rowNumber, column: p.field, rule: p.rule, message: p.message })),
  );
  const { sections, problems: rowProblems } = readKnowledgeRows(read.rows.map((r) => ({ rowNumber: r.rowNumber, cells: r.record })));
  problems.push(...rowProblems);
  if (problems.length > 0) return { problems };
  const document = { ...manifest, kind: 'knowledge-base', ...sections };
  const whole = knowledgeDocumentSchema.safeParse(document);
  if (!whole.success)
    return {
      problems: whole.error.issues.map((i) => ({ row: 0, column: i.path.join('.'), rule: i.code, message: i.message })),
    };
  return { document, problems: [] };
}

/** The shipped layer of a region as CSV text and its header. */
export function exportLayer(region: string): { csv: string; manifest: Record<string, unknown> } {
  const layer = shippedKnowledge().find((d) => d.region === region);
  if (!layer) throw new Error(`no shipped knowledge-base layer for region ${region}`);
  const { kind, region: r, regionName, version, effectiveFrom, effectiveTo, summary, sources, title } = layer;
  const rows = knowledgeRows(layer);
  const csv = [csvLineOf(CSV_COLUMNS), ...rows.map((row) => csvLineOf(CSV_COLUMNS.map((c) => row[c])))].join('\n');
  return {
    csv: `${csv}\n`,
    manifest: {
      kind,
      region: r,
      regionName,
      version,
      effectiveFrom,
      ...(effectiveTo ? { effectiveTo } : {}),
      ...(summary ? { summary } : {}),
      title,
      sources,
    },
  };
}

async function publish(document: Record<string, unknown>, apiUrl: string, token: string) {
  const res = await fetch(`${apiUrl}/v1/policies`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(document),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function main(argv: string[]): Promise<number> {
  const [command, target] = argv;
  const { values } = parseArgs({
    args: argv.slice(2),
    options: {
      out: { type: 'string' },
      manifest: { type: 'string' },
      publish: { type: 'boolean', default: false },
      api: { type: 'string' },
      token: { type: 'string' },
      report: { type: 'string' },
    },
  });
  if (command === 'export' && target) {
    const { csv, manifest } = exportLayer(target);
    if (values.out) writeFileSync(values.out, csv);
    else process.stdout.write(csv);
    if (values.manifest) writeFileSync(values.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
    return 0;
  }
  if (command === 'import' && target && values.manifest) {
    const manifest = JSON.parse(readFileSync(values.manifest, 'utf8')) as Record<string, unknown>;
    const built = buildLayer(decodeFile(readFileSync(resolve(target))), manifest);
    if (built.problems.length > 0) {
      const lines = built.problems.map((p) => JSON.stringify(p));
      if (values.report) writeFileSync(values.report, `${lines.join('\n')}\n`);
      process.stderr.write(`${built.problems.length} problems:\n${lines.slice(0, 20).join('\n')}\n`);
      return 2;
    }
    const doc = built.document!;
    process.stdout.write(`valid: knowledge-base ${String(doc.region)} v${String(doc.version)} from ${String(doc.effectiveFrom)}\n`);
    if (!values.publish) return 0;
    const apiUrl = values.api ?? process.env.YIBAO_API ?? 'http://127.0.0.1:3000';
    const token =
      values.token ??
      process.env.YIBAO_TOKEN ??
      (await mintToken(
        await loadOrCreateSigningKey(process.env.YIBAO_DATA_DIR ?? '.yibao'),
        { sub: 'knowledge-import', role: 'staff', permissions: ['policies:publish'] },
        3600,
      ));
    const out = await publish(doc, apiUrl, token);
    process.stdout.write(`${out.status} ${JSON.stringify(out.body.published ?? out.body)}\n`);
    return out.status === 200 || out.status === 201 ? 0 : 1;
  }
  process.stderr.write(
    'usage: npm run knowledge -- export <region> [--out f.csv] [--manifest m.json] | import <f.csv> --manifest m.json [--publish]\n',
  );
  return 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
