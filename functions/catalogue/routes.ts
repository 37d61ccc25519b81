/**
 * Catalogue routes (医保目录). Staff holding `catalogue:write` import and publish a version in steps
 * (a file of 100,000 rows fits no single request):
 *
 *   POST /v1/catalogues/{region}/imports                   header: version, effectiveFrom, title, source, expectedRows
 *   PUT  /v1/catalogue-imports/{id}/chunks/{n}             ≤ 2,000 rows each, validated as they arrive
 *   GET  /v1/catalogue-imports/{id}                        progress, every rejected row (row, column, rule), the diff
 *   POST /v1/catalogue-imports/{id}/validation             the whole file: duplicates, count, content hash, diff
 *   POST /v1/catalogue-imports/{id}/publication            writes the entries, then the version (202 while writing)
 *
 * Staff, providers and regulators read: versions, search (code, name, pinyin initials), one entry,
 * and the download of the catalogue in force (paged CSV or JSON) a provider maps its items to (对码).
 */
import { createHash } from 'node:crypto';
import { requireRole } from '../../shared/auth/principal.ts';
import { csvResponse } from '../../shared/budget/http-text.ts';
import { csvHeader, csvLine } from '../../shared/catalogue/entry.ts';
import { readChunkRows, readCsvChunk, type ChunkRead } from '../../shared/catalogue/import.ts';
import { pinyinInitials } from '../../shared/catalogue/pinyin.ts';
import {
  createImport,
  deliverPublishedEvent,
  importProblems,
  layersInForce,
  loadImportEntries,
  publishImport,
  putChunk,
  readImport,
  regionVersions,
  validateImport,
  type ImportJob,
} from '../../shared/catalogue/store/catalogue.ts';
import { headerOf, refOf, versionInForce, type CatalogueVersion, type ResolvedEntry } from '../../shared/catalogue/version.ts';
import type { ApiRequest, ApiResponse, RouteHandler } from '../../shared/http/api.ts';
import { badRequest, conflict, notFound } from '../../shared/http/errors.ts';
import {
  chunkBody,
  chunkParams,
  downloadQuery,
  entryParams,
  importParams,
  onQuery,
  problemsQuery,
  regionParams,
  searchQuery,
  startImportBody,
} from './schemas.ts';

/** A publish writes entries this long, then answers 202 and the next call carries on (inside the 29 s timeout). */
const PUBLISH_BUDGET_MS = 15_000;

const today = () => new Date().toISOString().slice(0, 10);
const readers = (request: ApiRequest) => requireRole(request.principal(), 'staff', 'provider', 'regulator');

/** How far a job is: what a progress bar shows. */
function progress(job: ImportJob) {
  const total = job.expectedRows;
  return {
    rowsReceived: job.rowsReceived,
    ...(total ? { expectedRows: total, percentReceived: Math.min(100, Math.floor((job.rowsReceived * 100) / total)) } : {}),
    chunks: job.chunks,
    ...(job.publishedChunks !== undefined ? { chunksPublished: job.publishedChunks } : {}),
  };
}

function jobView(job: ImportJob) {
  return {
    importId: job.importId,
    ...headerOf(job),
    status: job.status,
    progress: progress(job),
    rows: { received: job.rowsReceived, accepted: job.rowsAccepted, rejected: job.rowsRejected, problems: job.problemsCount },
    ...(job.contentHash ? { contentHash: job.contentHash } : {}),
    ...(job.entries !== undefined ? { entries: job.entries } : {}),
    ...(job.comparedWith ? { comparedWith: job.comparedWith } : {}),
    ...(job.diff ? { diff: job.diff } : {}),
    ...(job.sameAs ? { sameAs: job.sameAs } : {}),
    createdAt: job.createdAt,
    createdBy: job.createdBy,
    ...(job.publishedAt ? { publishedAt: job.publishedAt, publishedBy: job.publishedBy } : {}),
  };
}

async function jobOr404(importId: string): Promise<ImportJob> {
  const job = await readImport(importId);
  if (!job) throw notFound(`no catalogue import ${importId}`, { field: 'path.importId' });
  return job;
}

export const startCatalogueImport: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'staff');
  const { region } = request.params(regionParams);
  const header = request.body(startImportBody);
  // Refused now rather than after an hour of upload; checked again when it is published.
  const newest = Math.max(0, ...(await regionVersions(region)).map((v) => v.version));
  if (header.version <= newest)
    throw conflict(`version ${header.version} is not above version ${newest}, already published for region ${region}`, {
      field: 'body.version',
      rule: 'not_newer',
      newestVersion: newest,
    });
  const job = await createImport({ region, ...header }, principal.sub, new Date().toISOString());
  request.logger.info('Catalogue import started', { importId: job.importId, region, version: job.version });
  return { statusCode: 201, body: jobView(job) };
};

export const putCatalogueImportChunk: RouteHandler = async (request) => {
  requireRole(request.principal(), 'staff');
  const { importId, chunkNo } = request.params(chunkParams);
  const body = request.body(chunkBody);
  let read: ChunkRead;
  if (body.rows) {
    read = readChunkRows(
      body.rows.map(({ rowNumber, ...cells }) => ({ rowNumber, cells })),
      pinyinInitials,
    );
  } else {
    const csv = readCsvChunk(body.content!, body.firstLine ?? 2);
    if (csv.rows.length + csv.unreadable.length > 2_000)
      throw badRequest('body.content: at most 2,000 rows a chunk', {
        problems: [{ field: 'body.content', rule: 'too_many_rows', message: 'at most 2,000 rows a chunk: send the file in chunks' }],
      });
    read = readChunkRows(csv.rows, pinyinInitials);
    read.problems.push(...csv.unreadable);
    read.rows += new Set(csv.unreadable.map((u) => u.row)).size;
  }
  const rowsHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  const outcome = await putChunk(importId, chunkNo, rowsHash, read);
  if (outcome.outcome === 'no-job') throw notFound(`no catalogue import ${importId}`, { field: 'path.importId' });
  if (outcome.outcome === 'different')
    throw conflict(`chunk ${chunkNo} of import ${importId} was received already with other rows`, {
      field: 'path.chunkNo',
      rule: 'chunk_exists',
    });
  if (outcome.outcome === 'closed') {
    throw conflict(`import ${importId} is ${outcome.job.status}: it takes no more chunks; start a new import`, {
      field: 'path.importId',
      rule: 'not_receiving',
    });
  }
  return {
    statusCode: 200,
    ...(outcome.outcome === 'replayed' ? { headers: { 'x-idempotent-replay': 'true' } } : {}),
    body: {
      chunkNo,
      rows: read.rows,
      accepted: read.entries.length,
      rejected: new Set(read.problems.map((p) => p.row)).size,
      problems: read.problems,
      job: jobView(outcome.job),
    },
  };
};

export const getCatalogueImport: RouteHandler = async (request) => {
  requireRole(request.principal(), 'staff');
  const { importId } = request.params(importParams);
  const { problemsFrom, problemsLimit } = request.query(problemsQuery);
  const job = await jobOr404(importId);
  const problems = job.problemsCount > 0 ? await importProblems(job) : [];
  return {
    statusCode: 200,
    body: {
      ...jobView(job),
      problems: problems.slice(problemsFrom, problemsFrom + problemsLimit),
      ...(problemsFrom + problemsLimit < problems.length ? { nextProblemsFrom: problemsFrom + problemsLimit } : {}),
    },
  };
};

export const validateCatalogueImport: RouteHandler = async (request) => {
  requireRole(request.principal(), 'staff');
  const { importId } = request.params(importParams);
  let job = await jobOr404(importId);
  if (job.status === 'receiving') job = await validateImport(job);
  const problems = job.status === 'rejected' ? await importProblems(job) : [];
  request.logger.info('Catalogue import validated', { importId, status: job.status, problems: job.problemsCount });
  return {
    statusCode: 200,
    body: { ...jobView(job), problems: problems.slice(0, 200), ...(problems.length > 200 ? { nextProblemsFrom: 200 } : {}) },
  };
};

export const publishCatalogueImport: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'staff');
  const { importId } = request.params(importParams);
  const job = await jobOr404(importId);
  const warn = (message: string, extra: Record<string, unknown>) => request.logger.warn(message, extra);
  if (job.status === 'published') {
    await deliverPublishedEvent(job, warn);
    return { statusCode: 200, headers: { 'x-idempotent-replay': 'true' }, body: jobView(job) };
  }
  if (job.status === 'unchanged')
    return {
      statusCode: 200,
      body: { ...jobView(job), message: `identical to ${job.sameAs!.region} v${job.sameAs!.version}: nothing to publish, nothing changed` },
    };
  if (job.status !== 'validated' && job.status !== 'publishing')
    throw conflict(
      job.status === 'rejected'
        ? `import ${importId} was rejected (${job.problemsCount} problems): fix the file and import it again`
        : `import ${importId} is ${job.status}: validate it first (POST …/validation)`,
      { field: 'path.importId', rule: job.status === 'rejected' ? 'rejected' : 'not_validated' },
    );
  const result = await publishImport(
    job,
    principal.sub,
    new Date().toISOString(),
    Date.now() + PUBLISH_BUDGET_MS,
    request.correlationId,
    warn,
  );
  switch (result.outcome) {
    case 'in-progress':
      return { statusCode: 202, body: jobView(result.job) };
    case 'stale-version':
      throw conflict(`version ${job.version} is not above version ${result.newestVersion}, published meanwhile for region ${job.region}`, {
        field: 'version',
        rule: 'not_newer',
        newestVersion: result.newestVersion,
      });
    case 'not-ready':
      throw conflict(`import ${importId} is ${result.job.status}`, { field: 'path.importId', rule: 'not_validated' });
    case 'published':
      request.logger.info('Catalogue version published', {
        importId,
        region: job.region,
        version: job.version,
        entries: result.version.entries,
      });
      return { statusCode: 201, body: { ...jobView(result.job), published: result.version } };
  }
};

const versionView = (v: CatalogueVersion) => ({
  region: v.region,
  version: v.version,
  effectiveFrom: v.effectiveFrom,
  ...(v.effectiveTo ? { effectiveTo: v.effectiveTo } : {}),
  title: v.title,
  source: v.source,
  entries: v.entries,
  contentHash: v.contentHash,
  diff: v.diff,
  importId: v.importId,
  publishedAt: v.publishedAt,
  publishedBy: v.publishedBy,
});

export const listCatalogueVersions: RouteHandler = async (request) => {
  readers(request);
  const { region } = request.params(regionParams);
  const on = request.query(onQuery).on ?? today();
  const versions = (await regionVersions(region)).sort((a, b) => a.version - b.version);
  const own = versionInForce(versions, on);
  const layers = await layersInForce(region, on);
  return {
    statusCode: 200,
    body: {
      region,
      on,
      versions: versions.map(versionView),
      inForce: own ? refOf(own) : null,
      // What settles a claim of the region that day: its own addition over the province's and the national list.
      layers: layers.map(refOf),
    },
  };
};

// ---------------------------------------------------------------------------------------------
// The catalogue in force in a region, merged across its layers, in code order (cached: immutable).
// ---------------------------------------------------------------------------------------------

const merged = new Map<string, Promise<ResolvedEntry[]>>();

async function catalogueInForce(region: string, on: string): Promise<{ layers: CatalogueVersion[]; entries: ResolvedEntry[] }> {
  const layers = await layersInForce(region, on);
  const key = layers.map((l) => l.importId).join('+');
  let hit = merged.get(key);
  if (!hit) {
    hit = (async () => {
      const byCode = new Map<string, ResolvedEntry>();
      // National first, the most local last: a local entry overrides.
      for (const layer of [...layers].reverse()) {
        const { entries } = await loadImportEntries(layer.importId);
        const from = refOf(layer);
        for (const e of entries) byCode.set(e.code, { ...e, from });
      }
      return [...byCode.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    })();
    hit.catch(() => merged.delete(key));
    merged.set(key, hit);
    if (merged.size > 6) merged.delete(merged.keys().next().value!);
  }
  return { layers, entries: await hit };
}

/** The first index whose code is above `cursor` (entries are in code order). */
function after(entries: readonly { code: string }[], cursor: string | undefined): number {
  if (!cursor) return 0;
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid]!.code <= cursor) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const searchCatalogue: RouteHandler = async (request) => {
  readers(request);
  const { region } = request.params(regionParams);
  const query = request.query(searchQuery);
  const on = query.on ?? today();
  const { layers, entries } = await catalogueInForce(region, on);
  const code = query.code?.toUpperCase();
  const pinyin = query.pinyin?.toUpperCase();
  const q = query.q?.trim();
  // Free text: letters and digits are a code prefix or pinyin initials; anything else a part of the name.
  const latin = q !== undefined && /^[A-Za-z0-9.-]+$/.test(q);
  const Q = q?.toUpperCase();
  const match = (e: ResolvedEntry) =>
    (code === undefined || e.code.toUpperCase().startsWith(code)) &&
    (pinyin === undefined || e.pinyin.startsWith(pinyin)) &&
    (query.name === undefined || e.name.includes(query.name)) &&
    (query.kind === undefined || e.kind === query.kind) &&
    (query.class === undefined || e.class === query.class) &&
    (Q === undefined || (latin ? e.code.toUpperCase().startsWith(Q) || e.pinyin.startsWith(Q) : e.name.includes(q!)));
  const found: ResolvedEntry[] = [];
  let next: string | undefined;
  for (let i = after(entries, query.cursor); i < entries.length; i++) {
    const e = entries[i]!;
    if (!match(e)) continue;
    if (found.length === query.limit) {
      next = found[found.length - 1]!.code;
      break;
    }
    found.push(e);
  }
  return {
    statusCode: 200,
    body: { region, on, layers: layers.map(refOf), entries: found, ...(next ? { nextCursor: next } : {}) },
  };
};

export const getCatalogueEntry: RouteHandler = async (request) => {
  readers(request);
  const { region, code } = request.params(entryParams);
  const on = request.query(onQuery).on ?? today();
  const { layers, entries } = await catalogueInForce(region, on);
  const i = after(entries, code) - 1;
  const entry = i >= 0 && entries[i]!.code === code ? entries[i] : undefined;
  if (!entry)
    throw notFound(
      `${code} is in no catalogue in force in ${region} on ${on} (${layers.map((l) => `${l.region} v${l.version}`).join(', ') || 'none'})`,
      {
        field: 'path.code',
      },
    );
  return { statusCode: 200, body: { region, on, entry } };
};

export const downloadCatalogue: RouteHandler = async (request): Promise<ApiResponse> => {
  readers(request);
  const { region } = request.params(regionParams);
  const query = request.query(downloadQuery);
  const on = query.on ?? today();
  const { layers, entries } = await catalogueInForce(region, on);
  const start = after(entries, query.cursor);
  const page = entries.slice(start, start + query.limit);
  const next = start + query.limit < entries.length ? page[page.length - 1]!.code : undefined;
  const versions = layers.map((l) => `${l.region}-v${l.version}`).join('+') || 'none';
  const paging = {
    'x-catalogue-versions': versions,
    'x-total-entries': String(entries.length),
    ...(next ? { 'x-next-cursor': next } : {}),
  };
  if (query.format === 'json')
    return {
      statusCode: 200,
      headers: paging,
      body: { region, on, layers: layers.map(refOf), total: entries.length, entries: page, ...(next ? { nextCursor: next } : {}) },
    };
  // The import's own columns (so the file can be imported again) plus the layer each entry comes from.
  const lines = [`${csvHeader()},fromRegion,fromVersion`, ...page.map((e) => `${csvLine(e)},${e.from.region},${e.from.version}`)];
  const csv = csvResponse(`${lines.join('\n')}\n`, `catalogue-${region}-${on}${query.cursor ? `-after-${query.cursor}` : ''}.csv`);
  return { ...csv, headers: { ...csv.headers, ...paging } };
};
