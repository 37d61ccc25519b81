/**
 * The catalogue routes (医保目录), documented from the schemas the handler validates with.
 * `npm run openapi` collects this (tools/openapi.ts) into docs/openapi.json.
 */
import { routeDocsOf } from '../../tools/route-docs.ts';
import { COLUMNS } from '../../shared/catalogue/entry.ts';
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

const tags = ['catalogues'];
const job =
  '`{ importId, region, version, effectiveFrom, title, source, status (receiving | rejected | unchanged | validated | publishing | published), ' +
  'progress { rowsReceived, expectedRows?, percentReceived?, chunks, chunksPublished? }, rows { received, accepted, rejected, problems }, ' +
  'contentHash?, entries?, comparedWith?, diff? { counts { added, removed, changed, unchanged }, added[], removed[], changed[], truncated }, sameAs? }`';

export const routeDocs = routeDocsOf<'catalogue'>({
  startCatalogueImport: {
    tags,
    roles: ['staff'],
    summary: 'Start importing a new catalogue version of a region (000000: the national list) — needs catalogue:write',
    description:
      'Opens an import job for version `version`, in force from `effectiveFrom`. The version must be above every version of the region (409 `not_newer`). ' +
      'Then send the file in chunks (PUT …/chunks/{n}), validate, read the diff, publish. Nothing is visible to settlement or search until published. ' +
      `Columns (English, or the Chinese headings 编码, 名称, 甲乙类, 支付标准, 最高限价, 限定支付范围 …): ${COLUMNS.join(', ')}.`,
    request: { params: regionParams, body: startImportBody },
    responses: { 201: { description: `The job, ${job}` }, 409: { description: 'details.rule `not_newer`, details.newestVersion' } },
  },
  putCatalogueImportChunk: {
    tags,
    roles: ['staff'],
    summary: 'Send one chunk (≤ 2,000 rows) of the file — needs catalogue:write',
    description:
      'Rows already read (`rows`: cells by column and `rowNumber`, the line of the file) or CSV text (`content` with its header line, `firstLine` the file line of its first record). ' +
      'Each row is validated as it arrives: the answer lists every problem `{ row, column, rule, message }` (rules such as code_shape, required, unknown_class, percent, yuan, ' +
      'icd10_prefix, class_b_only, csv_syntax). The same chunk again is a replay (header `x-idempotent-replay: true`); other rows under a number received already are 409 `chunk_exists`; ' +
      'a job no longer receiving is 409 `not_receiving`.',
    request: { params: chunkParams, body: chunkBody },
    responses: {
      200: { description: '`{ chunkNo, rows, accepted, rejected, problems, job }`' },
      404: { description: 'No such import' },
      409: { description: 'details.rule `chunk_exists` or `not_receiving`' },
    },
  },
  validateCatalogueImport: {
    tags,
    roles: ['staff'],
    summary: 'Validate the whole file: codes unique, rows as announced, every row valid; hash it and diff it — needs catalogue:write',
    description:
      'A job with any problem becomes `rejected` (nothing will be published; the first 200 problems are listed, GET the job for the rest). ' +
      'A job whose entries equal the version in force (content hash, whatever the order of rows and columns) becomes `unchanged`: nothing to publish. ' +
      'Otherwise `validated`, with the diff against the version in force on its effective date: added, removed, changed codes.',
    request: { params: importParams },
    responses: { 200: { description: `The job, ${job}, and problems[]` }, 404: { description: 'No such import' } },
  },
  publishCatalogueImport: {
    tags,
    roles: ['staff'],
    summary: 'Publish a validated import as the version — needs catalogue:write',
    description:
      'Writes the entries for lookup by code, then the version header, in force from its effectiveFrom. A large version takes more than one call: ' +
      '202 with the progress (chunksPublished) means call again; 201 when published (with `published`, the version). An `unchanged` job answers 200 and changes nothing; ' +
      'a published one 200 (replay). A rejected or unvalidated job is 409; a version overtaken meanwhile 409 `not_newer`. ' +
      'Publishes CataloguePublished (region, version, effectiveFrom, entries, the diff counts), committed with the version.',
    request: { params: importParams },
    responses: {
      201: { description: 'Published' },
      202: { description: 'Writing the entries: call again' },
      200: { description: 'Already published, or unchanged (nothing to publish)' },
      409: { description: 'details.rule `rejected`, `not_validated` or `not_newer`' },
    },
  },
  getCatalogueImport: {
    tags,
    roles: ['staff'],
    summary: 'An import job: its progress, every rejected row, its diff',
    request: { params: importParams, query: problemsQuery },
    responses: {
      200: { description: `The job, ${job}, problems[] (paged: problemsFrom, nextProblemsFrom)` },
      404: { description: 'No such import' },
    },
  },
  listCatalogueVersions: {
    tags,
    roles: ['staff', 'provider', 'regulator'],
    summary: "A region's catalogue versions, the one in force on a date and the layers that settle its claims",
    request: { params: regionParams, query: onQuery },
    responses: {
      200: {
        description:
          '`{ region, on, versions[], inForce, layers[] }` (layers: the region, its province, the national list, most local first)',
      },
    },
  },
  searchCatalogue: {
    tags,
    roles: ['staff', 'provider', 'regulator'],
    summary: 'Search the catalogue in force in a region by code, name or pinyin initials (paged)',
    description:
      '`q`: letters and digits search code prefixes and pinyin initials (AMXL finds 阿莫西林…), other text a part of the name; or `code`, `name`, `pinyin` explicitly. ' +
      'The catalogue in force is the region’s addition over its province’s and the national list (each entry says `from`). Pages in code order: `nextCursor` → `cursor`.',
    request: { params: regionParams, query: searchQuery },
    responses: { 200: { description: '`{ region, on, layers, entries[], nextCursor? }`' } },
  },
  getCatalogueEntry: {
    tags,
    roles: ['staff', 'provider', 'regulator'],
    summary: 'One entry of the catalogue in force in a region, by code',
    request: { params: entryParams, query: onQuery },
    responses: { 200: { description: '`{ region, on, entry }`' }, 404: { description: 'In no catalogue in force (目录外)' } },
  },
  downloadCatalogue: {
    tags,
    roles: ['staff', 'provider', 'regulator'],
    summary: 'Download the catalogue in force in a region (for 对码): CSV or JSON, paged',
    description:
      'CSV (default) in the import columns plus fromRegion, fromVersion; up to 10,000 rows a page, header `x-next-cursor` for the next page (`cursor`), ' +
      '`x-total-entries`, `x-catalogue-versions`. `npm run catalogue -- download` fetches every page into one file.',
    request: { params: regionParams, query: downloadQuery },
    responses: { 200: { description: 'text/csv, or JSON `{ region, on, layers, total, entries[], nextCursor? }`' } },
  },
});
