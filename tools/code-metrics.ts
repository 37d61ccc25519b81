/**
 * `npx tsx tools/code-metrics.ts [--repo DIR] [--json]`: the figures issue 19's closing note compares
 * before and after the work: files and lines per top folder, the ten longest functions, pairs of
 * repeated code (the `duplicates` command), grants per function (from that checkout's
 * infra/topology.ts), and a few counted shapes (retry loops, "mark published" functions, PutEvents
 * callers, condition-failure checks, route keys written as strings).
 *
 * It reads the checkout given by --repo (default: this one) and writes nothing. Function lengths come
 * from the TypeScript parser, not from patterns, so a multi-line signature or a nested function is
 * measured as written. Lines depend on formatting (an unformatted tree has fewer, longer lines), so
 * each function also shows its statement count, which formatting does not change.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/** Top folders reported one by one; any other .ts file counts under "(other)". */
export const FOLDERS = ['functions', 'shared', 'infra', 'events', 'tools', 'bench', 'test'] as const;
/** Where the longest functions and the counted shapes are looked for: the shipped code, not tests or benchmarks. */
export const SOURCE_FOLDERS = ['functions', 'shared', 'infra', 'events', 'tools'] as const;
/** The line width Biome formats to (biome.jsonc); longer lines are counted. */
export const LINE_LIMIT = 140;
/** This file names the patterns it counts, so it is left out of the counting. */
const SELF = 'tools/code-metrics.ts';

export interface FunctionLength {
  /** How the code names it: `f`, `Class.method`, `handler = httpApi(…)`, `routes['GET /x']`. */
  name: string;
  /** 1-based line of its first token (after any doc comment). */
  line: number;
  /** Lines from its first token to its closing one, both included. */
  lines: number;
  /** Statements inside it, nested functions included; an expression-bodied arrow with none counts 1. */
  statements: number;
}

/** Lines of a text as an editor numbers them: a final newline does not start another line. */
export function countLines(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Lines longer than `limit` characters (code points, so a Chinese character counts one). */
export function countLongLines(text: string, limit = LINE_LIMIT): number {
  let n = 0;
  for (const line of text.split('\n')) if ([...line.replace(/\r$/, '')].length > limit) n++;
  return n;
}

function propertyNameText(name: ts.PropertyName, sf: ts.SourceFile): { text: string; plain: boolean } {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return { text: name.text, plain: true };
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return { text: `'${name.text}'`, plain: false };
  return { text: name.getText(sf), plain: false };
}

function member(container: string | undefined, name: ts.PropertyName, sf: ts.SourceFile): string {
  const { text, plain } = propertyNameText(name, sf);
  if (!container) return text;
  return plain ? `${container}.${text}` : `${container}[${text}]`;
}

function calleeText(call: ts.CallExpression, sf: ts.SourceFile): string {
  return oneLine(call.expression, sf);
}

/**
 * The name an expression (a function or an object literal) is given: the variable, property, class
 * field or assignment it is the value of, looking through parentheses, `as`, `satisfies`, `!` and
 * calls it is an argument of (`const handler = httpApi(logger, async () => …)` is `handler = httpApi(…)`).
 * Undefined when nothing names it (a callback passed to a call whose result is not kept).
 */
function nameOf(expr: ts.Node, sf: ts.SourceFile): string | undefined {
  let child: ts.Node = expr;
  let parent = expr.parent;
  const calls: string[] = [];
  for (;;) {
    if (
      ts.isParenthesizedExpression(parent) ||
      ts.isAsExpression(parent) ||
      ts.isSatisfiesExpression(parent) ||
      ts.isNonNullExpression(parent) ||
      ts.isTypeAssertionExpression(parent)
    ) {
      child = parent;
      parent = parent.parent;
      continue;
    }
    if (ts.isCallExpression(parent) && parent.arguments.some((a) => a === child) && !isIterationCallback(parent)) {
      calls.push(calleeText(parent, sf));
      child = parent;
      parent = parent.parent;
      continue;
    }
    // A fluent chain: `middy(fn).use(x)` names fn as much as `middy(fn)` does.
    if (
      calls.length > 0 &&
      ts.isPropertyAccessExpression(parent) &&
      parent.expression === child &&
      ts.isCallExpression(parent.parent) &&
      parent.parent.expression === parent
    ) {
      child = parent.parent;
      parent = parent.parent.parent;
      continue;
    }
    break;
  }
  let base: string | undefined;
  if (ts.isVariableDeclaration(parent) && parent.initializer === child) base = oneLine(parent.name, sf);
  else if (ts.isPropertyAssignment(parent) && parent.initializer === child) base = member(nameOf(parent.parent, sf), parent.name, sf);
  else if (ts.isPropertyDeclaration(parent) && parent.initializer === child)
    base = member(containerName(parent.parent, sf), parent.name, sf);
  else if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === child)
    base = oneLine(parent.left, sf);
  else if (ts.isExportAssignment(parent)) base = 'default';
  if (base === undefined) return undefined;
  if (calls.length === 0) return base;
  return `${base} = ${calls.reduce((inner, callee) => `${callee}(${inner})`, '…')}`;
}

/** Array and promise methods: a function passed to one is a callback, not a function the code names. */
const ITERATION_METHODS = new Set([
  'map',
  'flatMap',
  'filter',
  'reduce',
  'reduceRight',
  'forEach',
  'some',
  'every',
  'find',
  'findIndex',
  'findLast',
  'sort',
  'toSorted',
  'then',
  'catch',
  'finally',
  'replace',
  'replaceAll',
  'from',
]);

function isIterationCallback(call: ts.CallExpression): boolean {
  return ts.isPropertyAccessExpression(call.expression) && ITERATION_METHODS.has(call.expression.name.text);
}

/** Source text on one line, cut to `max` characters. */
function oneLine(node: ts.Node, sf: ts.SourceFile, max = 40): string {
  const text = node.getText(sf).replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The name of a class or object literal, for qualifying its members. */
function containerName(node: ts.Node, sf: ts.SourceFile): string | undefined {
  if ((ts.isClassDeclaration(node) || ts.isClassExpression(node)) && node.name) return node.name.text;
  if (ts.isClassExpression(node) || ts.isObjectLiteralExpression(node)) return nameOf(node, sf);
  return undefined;
}

function countStatements(fn: ts.FunctionLikeDeclaration): number {
  let n = 0;
  const visit = (node: ts.Node): void => {
    if (node.kind >= ts.SyntaxKind.FirstStatement && node.kind <= ts.SyntaxKind.LastStatement) n++;
    ts.forEachChild(node, visit);
  };
  if (fn.body) ts.forEachChild(fn.body, visit);
  if (n === 0 && fn.body && !ts.isBlock(fn.body)) n = 1;
  return n;
}

/**
 * Every named function of a TypeScript source: function declarations, methods, constructors and
 * accessors of classes and object literals, and arrow functions and function expressions given a
 * name (see nameOf). Overload signatures and declarations without a body are not functions here.
 */
export function measureFunctions(fileName: string, text: string): FunctionLength[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: FunctionLength[] = [];
  const record = (fn: ts.FunctionLikeDeclaration, name: string): void => {
    const start = sf.getLineAndCharacterOfPosition(fn.getStart(sf)).line;
    const end = sf.getLineAndCharacterOfPosition(fn.getEnd()).line;
    found.push({ name, line: start + 1, lines: end - start + 1, statements: countStatements(fn) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node) && node.body) record(node, node.name?.text ?? 'default');
    else if ((ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) && node.body) {
      const prefix = ts.isGetAccessorDeclaration(node) ? 'get ' : ts.isSetAccessorDeclaration(node) ? 'set ' : '';
      record(node, prefix + member(containerName(node.parent, sf), node.name, sf));
    } else if (ts.isConstructorDeclaration(node) && node.body) record(node, `${containerName(node.parent, sf) ?? '(class)'}.constructor`);
    else if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
      const name = nameOf(node, sf) ?? (ts.isFunctionExpression(node) && node.name ? node.name.text : undefined);
      if (name !== undefined) record(node, name);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** The first line of `duplicates` and its rows, counted. */
export interface DuplicatesSummary {
  /** Pairs it found (from its first line; 0 for "no duplicates"). */
  pairs: number;
  filesRead: number | null;
  /** Pairs marked boilerplate (from its first line when it says, else counted among the rows). */
  boilerplate: number;
  notBoilerplate: number;
  /** Rows printed (--most caps them). */
  rows: number;
  headline: string;
  /** Its `left out:` and `incomplete:` lines. */
  notes: string[];
}

export function parseDuplicates(output: string): DuplicatesSummary {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  const headline = lines[0] ?? '';
  const rowLines = lines.filter((l) => /^D\d+ /.test(l));
  const notes = lines.filter((l) => /^(left out|incomplete):/.test(l));
  const pairsMatch = /^(\d+) pairs? of places/.exec(headline);
  const filesMatch = /\((\d+) files? read\)/.exec(headline);
  const boilerMatch = /(\d+) of those marked boilerplate/.exec(headline);
  const pairs = pairsMatch ? Number(pairsMatch[1]) : /^no duplicates/.test(headline) ? 0 : rowLines.length;
  const boilerplate = boilerMatch ? Number(boilerMatch[1]) : rowLines.filter((l) => /\bboilerplate\b/.test(l)).length;
  return {
    pairs,
    filesRead: filesMatch ? Number(filesMatch[1]) : null,
    boilerplate,
    notBoilerplate: pairs - boilerplate,
    rows: rowLines.length,
    headline,
    notes,
  };
}

/** One counted shape: a pattern over some folders, the lines it matched. */
export interface ShapeCount {
  what: string;
  pattern: RegExp;
  folders: readonly string[];
  /** What the count is: matching lines, files with a match, or distinct matched texts. */
  counts: 'lines' | 'files' | 'definitions';
}

export const SHAPES: ShapeCount[] = [
  { what: 'hand-written retry loops', pattern: /\b(for|while) \((let |const )?attempt\b/, folders: SOURCE_FOLDERS, counts: 'lines' },
  {
    what: '"mark published" functions defined',
    pattern: /\b(function\s+|const\s+|let\s+)(markPublished|mark\w*Published)\b/,
    folders: SOURCE_FOLDERS,
    counts: 'definitions',
  },
  {
    what: '"mark published" mentions (definitions, imports, calls)',
    pattern: /\bmark\w*Published\b/,
    folders: SOURCE_FOLDERS,
    counts: 'lines',
  },
  { what: 'modules that call PutEventsCommand', pattern: /new PutEventsCommand\(/, folders: SOURCE_FOLDERS, counts: 'files' },
  { what: 'condition-failure checks', pattern: /ConditionalCheckFailed/, folders: SOURCE_FOLDERS, counts: 'lines' },
  { what: 'route-key strings in functions/', pattern: /'(GET|POST|PUT|PATCH|DELETE) \//, folders: ['functions'], counts: 'lines' },
  {
    what: "route paths written as strings in functions/ (e.g. OpenAPI docs' path: '/v1/…')",
    pattern: /'\/v1\//,
    folders: ['functions'],
    counts: 'lines',
  },
];

export interface ShapeResult {
  what: string;
  grep: string;
  count: number;
  files: number;
  hits: string[];
}

function grepCommand(shape: ShapeCount): string {
  const base = `git grep -nE "${shape.pattern.source}" -- ${shape.folders.map((f) => `${f}/`).join(' ')} ':!*.test.ts' ':!${SELF}'`;
  return shape.counts === 'files' ? base.replace('-nE', '-lE') : base;
}

export function countShape(shape: ShapeCount, files: { path: string; text: string }[]): ShapeResult {
  const hits: string[] = [];
  const matchedFiles = new Set<string>();
  const definitions = new Set<string>();
  for (const file of files) {
    if (!shape.folders.some((f) => file.path.startsWith(`${f}/`))) continue;
    file.text.split('\n').forEach((line, i) => {
      const m = shape.pattern.exec(line);
      if (!m) return;
      hits.push(`${file.path}:${i + 1}`);
      matchedFiles.add(file.path);
      if (shape.counts === 'definitions') definitions.add(`${file.path}:${m[2]}`);
    });
  }
  const count = shape.counts === 'lines' ? hits.length : shape.counts === 'files' ? matchedFiles.size : definitions.size;
  return { what: shape.what, grep: grepCommand(shape), count, files: matchedFiles.size, hits };
}

/** Route keys written as strings in functions/, each with how often it is written. */
export function routeKeyStrings(files: { path: string; text: string }[]): Map<string, number> {
  const keys = new Map<string, number>();
  for (const file of files) {
    if (!file.path.startsWith('functions/')) continue;
    for (const m of file.text.matchAll(/'((GET|POST|PUT|PATCH|DELETE) \/[^']*)'/g)) keys.set(m[1]!, (keys.get(m[1]!) ?? 0) + 1);
  }
  return keys;
}

// ---------------------------------------------------------------------------------------------
// Reading a checkout.
// ---------------------------------------------------------------------------------------------

function trackedTsFiles(repo: string): string[] {
  try {
    const out = execFileSync('git', ['-C', repo, 'ls-files', '-z', '--', '*.ts'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return out
      .split('\0')
      .filter((p) => p !== '')
      .sort();
  } catch {
    // Not a git checkout: every .ts file below it, without node_modules and build output.
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir)) {
        if (entry === 'node_modules' || entry === 'cdk.out' || entry.startsWith('.')) continue;
        const full = join(dir, entry);
        const stat = statSync(full);
        if (stat.isDirectory()) walk(full);
        else if (entry.endsWith('.ts')) found.push(relative(repo, full));
      }
    };
    walk(repo);
    return found.sort();
  }
}

interface FolderRow {
  folder: string;
  files: number;
  lines: number;
  longLines: number;
}

interface Grants {
  function: string;
  tables: Record<string, string>;
  publishes: unknown;
  sendsTo: string[];
  grants: number;
}

/** Grants of one topology entry: one per table, one for publishing to the bus, one per queue it sends to. */
export function grantsOf(name: string, spec: { tables?: Record<string, string>; publishes?: unknown; sendsTo?: unknown }): Grants {
  const tables = spec.tables ?? {};
  const sendsTo = Array.isArray(spec.sendsTo) ? spec.sendsTo.map(String) : [];
  const publishCount = Array.isArray(spec.publishes) ? spec.publishes.length : spec.publishes ? 1 : 0;
  return {
    function: name,
    tables,
    publishes: spec.publishes ?? false,
    sendsTo,
    grants: Object.keys(tables).length + publishCount + sendsTo.length,
  };
}

async function readGrants(repo: string): Promise<Grants[]> {
  const topology = (await import(pathToFileURL(join(repo, 'infra/topology.ts')).href)) as { functions: Record<string, object> };
  return Object.entries(topology.functions).map(([name, spec]) => grantsOf(name, spec));
}

function runDuplicates(repo: string): { summary: DuplicatesSummary | null; command: string; error?: string } {
  const args = ['--repo', repo, '--most', '200', '--seconds', '120'];
  const command = `duplicates ${args.join(' ')}`;
  try {
    const out = execFileSync('duplicates', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
    return { summary: parseDuplicates(out), command };
  } catch (err) {
    return { summary: null, command, error: (err as Error).message.split('\n')[0] ?? String(err) };
  }
}

export async function collect(repo: string) {
  const paths = trackedTsFiles(repo);
  const files = paths.filter((p) => existsSync(join(repo, p))).map((path) => ({ path, text: readFileSync(join(repo, path), 'utf8') }));

  const rows = new Map<string, FolderRow>();
  for (const folder of [...FOLDERS, '(other)']) rows.set(folder, { folder, files: 0, lines: 0, longLines: 0 });
  for (const file of files) {
    const top = file.path.split('/')[0]!;
    const row = rows.get((FOLDERS as readonly string[]).includes(top) ? top : '(other)')!;
    row.files++;
    row.lines += countLines(file.text);
    row.longLines += countLongLines(file.text);
  }
  const folders = [...rows.values()];
  const total = folders.reduce((t, r) => ({ files: t.files + r.files, lines: t.lines + r.lines, longLines: t.longLines + r.longLines }), {
    files: 0,
    lines: 0,
    longLines: 0,
  });

  const source = files.filter((f) => SOURCE_FOLDERS.some((d) => f.path.startsWith(`${d}/`)) && !f.path.endsWith('.test.ts'));
  const functions = source.flatMap((f) => measureFunctions(f.path, f.text).map((fn) => ({ file: f.path, ...fn })));
  const longest = [...functions].sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file) || a.line - b.line).slice(0, 10);

  const grants = await readGrants(repo);
  const duplicates = runDuplicates(repo);
  const counted = source.filter((f) => f.path !== SELF);
  const shapes = SHAPES.map((s) => countShape(s, counted));
  const routeKeys = routeKeyStrings(counted);

  return {
    repo,
    commit: gitHead(repo),
    folders,
    total,
    functionsMeasured: functions.length,
    longest,
    grants,
    totalGrants: grants.reduce((n, g) => n + g.grants, 0),
    duplicates,
    shapes,
    routeKeys: {
      distinct: routeKeys.size,
      writtenMoreThanOnce: [...routeKeys.values()].filter((n) => n > 1).length,
      occurrences: [...routeKeys.values()].reduce((a, b) => a + b, 0),
    },
  };
}

function gitHead(repo: string): string | null {
  try {
    return execFileSync('git', ['-C', repo, 'log', '-1', '--format=%h %s'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

function access(tables: Record<string, string>): string {
  const entries = Object.entries(tables);
  return entries.length === 0 ? '-' : entries.map(([t, a]) => `${t}:${a === 'readwrite' ? 'rw' : a}`).join(' ');
}

export function render(m: Awaited<ReturnType<typeof collect>>): string {
  const out: string[] = [];
  const pad = (s: string | number, n: number): string => String(s).padStart(n);
  out.push(`code metrics of ${m.repo}${m.commit ? ` (${m.commit})` : ''}`);
  out.push('');
  out.push(`## Files: tracked .ts files (git ls-files '*.ts'), lines, lines over ${LINE_LIMIT} characters`);
  out.push(`${'folder'.padEnd(10)} ${pad('files', 6)} ${pad('lines', 7)} ${pad(`>${LINE_LIMIT}`, 6)}`);
  for (const r of m.folders)
    if (r.files > 0 || r.folder !== '(other)')
      out.push(`${r.folder.padEnd(10)} ${pad(r.files, 6)} ${pad(r.lines, 7)} ${pad(r.longLines, 6)}`);
  out.push(`${'total'.padEnd(10)} ${pad(m.total.files, 6)} ${pad(m.total.lines, 7)} ${pad(m.total.longLines, 6)}`);
  out.push('');
  out.push(
    `## The ten longest functions in ${SOURCE_FOLDERS.map((f) => `${f}/`).join(' ')} (tests left out; ${m.functionsMeasured} functions measured)`,
  );
  out.push('Function declarations, methods, and arrow functions / function expressions given a name (directly, or as an');
  out.push('argument of the call whose result is named). lines = first token to closing one; stmts = statements inside,');
  out.push('which formatting does not change.');
  out.push(`${pad('lines', 5)} ${pad('stmts', 5)}  where  name`);
  for (const f of m.longest) out.push(`${pad(f.lines, 5)} ${pad(f.statements, 5)}  ${f.file}:${f.line}  ${f.name}`);
  out.push('');
  out.push('## Pairs of repeated code');
  const d = m.duplicates;
  if (d.summary) {
    out.push(
      `\`${d.command}\` found ${d.summary.pairs} pairs (${d.summary.filesRead ?? '?'} files read): ${d.summary.boilerplate} boilerplate, ${d.summary.notBoilerplate} not boilerplate.`,
    );
    out.push(`its first line: ${d.summary.headline}`);
    for (const note of d.summary.notes) out.push(`its note: ${note}`);
  } else out.push(`\`${d.command}\` did not run: ${d.error}`);
  out.push('');
  out.push(
    '## Grants per function (infra/topology.ts `functions`: one grant per table, one for publishing to the bus, one per queue sent to)',
  );
  const width = Math.max(...m.grants.map((g) => g.function.length), 8);
  const sendsWidth = Math.max(...m.grants.map((g) => g.sendsTo.join(',').length), 7);
  out.push(`${'function'.padEnd(width)} ${pad('grants', 6)}  publishes  ${'sendsTo'.padEnd(sendsWidth)} | tables`);
  for (const g of m.grants) {
    const publishes = Array.isArray(g.publishes) ? g.publishes.join(',') || '-' : g.publishes ? 'yes' : 'no';
    const sends = (g.sendsTo.join(',') || '-').padEnd(sendsWidth);
    out.push(`${g.function.padEnd(width)} ${pad(g.grants, 6)}  ${publishes.padEnd(9)}  ${sends} | ${access(g.tables)}`);
  }
  out.push(`${'total'.padEnd(width)} ${pad(m.totalGrants, 6)}  (${m.grants.length} functions)`);
  out.push('');
  out.push(`## Counted shapes (non-test code in ${SOURCE_FOLDERS.map((f) => `${f}/`).join(' ')}; ${SELF} itself left out)`);
  for (const s of m.shapes) {
    out.push(`${pad(s.count, 4)}  ${s.what} (${s.files} files)`);
    out.push(`      ${s.grep}`);
    if (s.hits.length <= 12) out.push(`      ${s.hits.join(' ')}`);
  }
  out.push(
    `      route keys in functions/: ${m.routeKeys.distinct} distinct, ${m.routeKeys.writtenMoreThanOnce} of them written more than once, ${m.routeKeys.occurrences} occurrences`,
  );
  return `${out.join('\n')}\n`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const repoAt = args.indexOf('--repo');
  const repo = resolve(repoAt >= 0 && args[repoAt + 1] ? args[repoAt + 1]! : '.');
  if (!existsSync(join(repo, 'infra/topology.ts'))) {
    console.error(`${repo} has no infra/topology.ts: give --repo a yibao checkout`);
    process.exit(2);
  }
  const metrics = await collect(repo);
  process.stdout.write(args.includes('--json') ? `${JSON.stringify(metrics, null, 2)}\n` : render(metrics));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
