/**
 * A catalogue import (pure): the rules an import job follows, whatever carries the file.
 *
 * A file of up to ~100,000 rows cannot go through one API request (6 MB, 29 s), so it comes in
 * chunks of at most MAX_ROWS_PER_CHUNK rows, each validated row by row as it arrives; the whole is
 * then validated (codes unique across chunks, the count the uploader announced), hashed and
 * compared with the version in force, and only then published. Until it is published, nothing of it
 * is visible: a rejected import changes nothing.
 */
import { readBulkText } from '../enrolment/bulk.ts';
import { readRow, type CatalogueEntry, type RowProblem } from './entry.ts';

/** Rows one chunk may carry: its entries, gzipped, stay far below DynamoDB's 400 KB item limit. */
export const MAX_ROWS_PER_CHUNK = 2_000;

/** Chunks one import may have (×2,000 rows: up to 400,000 rows). */
export const MAX_CHUNKS = 200;

export const IMPORT_STATUSES = ['receiving', 'rejected', 'unchanged', 'validated', 'publishing', 'published'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** A chunk read: its valid entries with their row numbers, and every problem of its rows. */
export interface ChunkRead {
  rows: number;
  entries: { row: number; entry: CatalogueEntry }[];
  problems: RowProblem[];
}

/** Rows already read (cells by column, with the file's row number) → entries and problems. */
export function readChunkRows(
  rows: readonly { rowNumber: number; cells: Readonly<Record<string, unknown>> }[],
  pinyin: (name: string) => string,
): ChunkRead {
  const read: ChunkRead = { rows: rows.length, entries: [], problems: [] };
  for (const { rowNumber, cells } of rows) {
    const result = readRow(rowNumber, cells, pinyin);
    if ('entry' in result) read.entries.push({ row: rowNumber, entry: result.entry });
    else read.problems.push(...result.problems);
  }
  return read;
}

/**
 * CSV text of a chunk (with its header line) → rows numbered as lines of the whole file: the chunk's
 * header is line `firstLine - 1`, so its first record is `firstLine` (a file's first chunk: 2).
 */
export function readCsvChunk(
  content: string,
  firstLine: number,
): { rows: { rowNumber: number; cells: Record<string, unknown> }[]; unreadable: RowProblem[] } {
  const read = readBulkText(content, 'csv');
  const shift = firstLine - 2;
  return {
    rows: read.rows.map((r) => ({ rowNumber: r.rowNumber + shift, cells: r.record })),
    unreadable: read.unreadable.flatMap((u) =>
      u.problems.map((p) => ({ row: u.rowNumber + shift, column: p.field, rule: p.rule, message: p.message })),
    ),
  };
}

/** Codes listed twice across a file: each later row is a problem naming the first. */
export function duplicateCodes(rowsByCode: Iterable<{ code: string; row: number }>): RowProblem[] {
  const first = new Map<string, number>();
  const problems: RowProblem[] = [];
  for (const { code, row } of rowsByCode) {
    const seen = first.get(code);
    if (seen === undefined) first.set(code, row);
    else problems.push({ row, column: 'code', rule: 'duplicate_code', message: `${code} is listed already, at row ${seen}` });
  }
  return problems;
}
