/**
 * Bulk files (the yearly campaign, the tax side's contribution lists), pure: reading CSV or
 * JSON-lines into numbered rows, and turning a row's text cells into the request the single
 * routes take. The staff endpoint and the `enrol:bulk` command both read files through here, and
 * every row then goes through the same checks as a single request (enrol.ts, contributions.ts).
 *
 * Row numbers are the file's line numbers (a CSV header is line 1, so the first member is row 2),
 * because that is what a clerk sees in a spreadsheet or an editor.
 *
 * CSV header (enrolment): idNumber,name,year,region,scheme,employeeKind,employerCode,monthlyBaseFen,validFrom,categories
 *   categories: code:validFrom[:validTo] separated by ';', e.g. dibao:2025-01-01:2025-12-31;tekun:2025-03-01
 * CSV header (contribution): idNumber,year,contributionId,amountFen,paidOn,channel
 */
import { parse } from 'csv-parse/sync';
import type { Options } from 'csv-parse';
import * as z from 'zod';
import type { Problem, Refused } from './problems.ts';

export const BULK_KINDS = ['enrolment', 'contribution'] as const;
export type BulkKind = (typeof BULK_KINDS)[number];
export const BULK_FORMATS = ['csv', 'jsonl'] as const;
export type BulkFormat = (typeof BULK_FORMATS)[number];

/** Rows one request may carry: enough to keep a Lambda well inside its 29 s and 6 MB. */
export const MAX_ROWS_PER_REQUEST = 1000;

/** One row of a file: its line number and its cells as read (text for CSV, any JSON for JSON-lines). */
export interface BulkRow {
  rowNumber: number;
  record: Record<string, unknown>;
}

export interface RejectedRow {
  rowNumber: number;
  problems: Problem[];
}

/** The csv-parse options both the endpoint and the command use, so a file reads the same in both. */
export const CSV_OPTIONS = {
  columns: true,
  bom: true,
  trim: true,
  skip_empty_lines: true,
  raw: true,
  info: true,
  skip_records_with_error: true,
} as const satisfies Options;

/** A record as csv-parse hands it over with CSV_OPTIONS (`raw` and `info` on). */
export interface CsvRecord {
  record: Record<string, string>;
  raw: string;
  info: { lines: number };
}

/**
 * CSV_OPTIONS with the handler for a record csv-parse cannot read: it becomes a rejected row in
 * `unreadable`, so the report accounts for every line of the file.
 */
export function csvOptions(unreadable: RejectedRow[]) {
  return {
    ...CSV_OPTIONS,
    on_skip: (error: { lines?: number; message?: string } | undefined) => {
      unreadable.push({
        rowNumber: typeof error?.lines === 'number' ? error.lines : 0,
        problems: [{ field: 'row', rule: 'csv_syntax', message: error?.message ?? 'unreadable CSV record' }],
      });
      return undefined;
    },
  } satisfies Options;
}

/** The first line of a CSV record: csv-parse reports the line it ends on; a quoted line break moves that. */
export function csvRowNumber(endLine: number, raw: string): number {
  // The raw text may carry the line break that ends it and any blank lines skipped before it.
  const breaks = raw.replace(/^[\r\n]+|[\r\n]+$/g, '').split('\n').length - 1;
  return endLine - breaks;
}

/** Reads a whole file's text into rows; lines that cannot be read at all become rejected rows. */
export function readBulkText(text: string, format: BulkFormat): { rows: BulkRow[]; unreadable: RejectedRow[] } {
  const rows: BulkRow[] = [];
  const unreadable: RejectedRow[] = [];
  if (format === 'jsonl') {
    text.split('\n').forEach((line, i) => {
      const rowNumber = i + 1;
      if (line.trim() === '') return;
      const read = readJsonLine(line, rowNumber);
      if ('problems' in read) unreadable.push(read);
      else rows.push(read);
    });
    return { rows, unreadable };
  }
  const records = parse(text, csvOptions(unreadable)) as unknown as CsvRecord[];
  for (const r of records) rows.push({ rowNumber: csvRowNumber(r.info.lines, r.raw), record: r.record });
  return { rows, unreadable };
}

/** One JSON line as a row, or the reason it is not one. */
export function readJsonLine(line: string, rowNumber: number): BulkRow | RejectedRow {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { rowNumber, problems: [{ field: 'row', rule: 'json_object', message: 'each line must be one JSON object' }] };
    }
    return { rowNumber, record: value as Record<string, unknown> };
  } catch {
    return { rowNumber, problems: [{ field: 'row', rule: 'json', message: 'not valid JSON' }] };
  }
}

// ---------------------------------------------------------------------------------------------
// From cells to requests. CSV cells are text: an empty cell is "not given", a whole number is a
// number; anything else is left as it is so the request schema names the field and the rule.
// ---------------------------------------------------------------------------------------------

export const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
export const toInteger = (v: unknown) => {
  const value = blankToUndefined(v);
  return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
};

/** A cell of items separated by ';' → each item read by `item` (a blank cell is not given; a JSON array passes through). */
export function parseListCell(v: unknown, item: (text: string) => unknown): unknown {
  const value = blankToUndefined(v);
  if (typeof value !== 'string') return value;
  return value
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((text) => item(text));
}

/** "dibao:2025-01-01:2025-12-31;tekun:2025-03-01" → category periods (a JSON array passes through). */
export function parseCategoryCell(v: unknown): unknown {
  return parseListCell(v, (item) => {
    const [code, validFrom, validTo] = item.split(':').map((p) => p.trim());
    return { code, validFrom, ...(validTo ? { validTo } : {}) };
  });
}

export function convertCells(record: Record<string, unknown>, convert: Record<string, (v: unknown) => unknown>) {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(record)) {
    // Unknown columns are kept, so the request schema (strict) names them instead of ignoring a typo.
    const value = (convert[key] ?? blankToUndefined)(raw);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

export const ENROLMENT_COLUMNS = [
  'idNumber',
  'name',
  'year',
  'region',
  'scheme',
  'employeeKind',
  'employerCode',
  'monthlyBaseFen',
  'validFrom',
  'categories',
] as const;
export const CONTRIBUTION_COLUMNS = ['idNumber', 'year', 'contributionId', 'amountFen', 'paidOn', 'channel'] as const;

export const enrolmentRowInput = (record: Record<string, unknown>) =>
  convertCells(record, { year: toInteger, monthlyBaseFen: toInteger, categories: parseCategoryCell });

export const contributionRowInput = (record: Record<string, unknown>) => convertCells(record, { year: toInteger, amountFen: toInteger });

/** A contribution row names the person by ID number: the tax side does not know member ids. */
export const contributionRowSchema = z
  .object({
    idNumber: z.string().min(1).max(40),
    year: z.number().int().min(2000).max(2100),
    contributionId: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, '1-64 letters, digits or . _ : -'),
    amountFen: z.number().int().nonnegative(),
    paidOn: z.iso.date(),
    channel: z.enum(['tax', 'counter', 'employer', 'subsidy']).default('tax'),
  })
  .strict();
export type ContributionRow = z.infer<typeof contributionRowSchema>;

/**
 * What a bulk request reports for each row. `deferred`: the request ran out of its time budget
 * before starting the row, which wrote nothing and should be sent again (the command does).
 */
/** A row a bulk file could not apply: the status and problems a single request would have answered. */
export type RejectedOutcome = {
  rowNumber: number;
  outcome: 'rejected';
  status: number;
  problems: Problem[];
  details?: Record<string, unknown> | undefined;
};

/** The outcome of a row refused with `r` (a Refused, or the 400 of a row that does not read or parse). */
export const rejectedRow = (rowNumber: number, r: Pick<Refused, 'status' | 'problems' | 'details'>): RejectedOutcome => ({
  rowNumber,
  outcome: 'rejected',
  status: r.status,
  problems: r.problems,
  ...(r.details ? { details: r.details } : {}),
});

export type RowOutcome =
  | { rowNumber: number; outcome: 'enrolled' | 'recorded' | 'unchanged' | 'valid'; memberId: string; enrolmentId?: string | undefined }
  | RejectedOutcome
  | { rowNumber: number; outcome: 'deferred' };
