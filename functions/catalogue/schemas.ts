/**
 * The catalogue routes' request schemas (the handler parses with them, openapi.ts documents them).
 */
import * as z from 'zod';
import { MAX_ROWS_PER_CHUNK } from '../../shared/catalogue/import.ts';

export const regionParams = z.object({ region: z.string().regex(/^\d{6}$/, 'a 6-digit region code (000000: the national list)') });
export const importParams = z.object({ importId: z.uuid('an import id as POST /v1/catalogues/{region}/imports returned it') });
export const chunkParams = importParams.extend({ chunkNo: z.coerce.number().int().min(1).max(200) });
export const entryParams = regionParams.extend({ code: z.string().regex(/^[A-Za-z0-9._-]{1,50}$/, 'a catalogue code') });
/**
 * A page cursor of the catalogue is the last code of the previous page: a code, nothing else (it
 * names the CSV file the download answers, so anything else would reach a response header).
 */
const catalogueCursor = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,60}$/, 'the last catalogue code of the previous page')
  .optional();

export const startImportBody = z
  .strictObject({
    version: z.number().int().positive(),
    effectiveFrom: z.iso.date(),
    effectiveTo: z.iso.date().optional(),
    title: z.string().min(1).max(200),
    /** The document that publishes the catalogue (文号), or why the data is illustrative: one of them. */
    source: z
      .strictObject({ documentNo: z.string().min(1).max(100).optional(), illustrative: z.string().min(1).max(300).optional() })
      .refine(
        (s) => s.documentNo !== undefined || s.illustrative !== undefined,
        'name the documentNo (文号) or say why it is illustrative',
      ),
    /** The file's data rows: validation refuses the job if another number arrived (a chunk lost). */
    expectedRows: z.number().int().positive().max(400_000).optional(),
    fileName: z.string().max(200).optional(),
  })
  .refine((b) => !b.effectiveTo || b.effectiveTo >= b.effectiveFrom, { message: 'not before effectiveFrom', path: ['effectiveTo'] });

const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const chunkBody = z
  .strictObject({
    /** Rows already read from the file: cells by column (English names or the Chinese headings) and the row (line) number. */
    rows: z
      .array(z.record(z.string(), cell).and(z.object({ rowNumber: z.number().int().positive() })))
      .max(MAX_ROWS_PER_CHUNK)
      .optional(),
    /** Or CSV text: a header line then the chunk's records. */
    content: z.string().max(2_000_000).optional(),
    /** With content: the file line of the chunk's first record (2 for a file's first chunk). */
    firstLine: z.number().int().min(2).optional(),
  })
  .refine((b) => (b.rows === undefined) !== (b.content === undefined), { message: 'send rows or content, one of them', path: ['rows'] });

export const problemsQuery = z.object({
  problemsFrom: z.coerce.number().int().min(0).default(0),
  problemsLimit: z.coerce.number().int().min(1).max(2_000).default(200),
});

export const onQuery = z.object({ on: z.iso.date().optional() });

export const searchQuery = z.object({
  on: z.iso.date().optional(),
  /** Free text: a code prefix or pinyin initials (letters and digits), else a part of the name. */
  q: z.string().min(1).max(100).optional(),
  code: z.string().min(1).max(50).optional(),
  name: z.string().min(1).max(100).optional(),
  pinyin: z
    .string()
    .regex(/^[A-Za-z0-9]{1,30}$/, 'pinyin initials, like AMXL')
    .optional(),
  kind: z.enum(['western', 'patent', 'herbal', 'consumable', 'service']).optional(),
  class: z.enum(['A', 'B', 'C']).optional(),
  /** The last code of the previous page. */
  cursor: catalogueCursor,
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const downloadQuery = z.object({
  on: z.iso.date().optional(),
  format: z.enum(['csv', 'json']).default('csv'),
  cursor: catalogueCursor,
  /** Rows per page: a page stays well inside the 6 MB a Lambda may answer. */
  limit: z.coerce.number().int().min(1).max(10_000).default(10_000),
});
