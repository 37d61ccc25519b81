/**
 * A knowledge-base layer as a spreadsheet (one row an entry, a `section` column saying which), the way
 * an agency keeps and hands over its 知识库, and back. Pure: rows come already read (the CSV reader of
 * shared/enrolment/bulk.ts, as the catalogue's import uses); each row is checked against its section's
 * schema on its own, so a file's problems come back as { row, column, rule, message }, every one at
 * once, before the whole layer is validated and published (tools/knowledge.ts).
 *
 * Lists (diagnoses, codes, items…) are separated by `;`. A price is in yuan (`maxUnitPrice`), as the
 * price list prints it. The basis of an entry: `basisSource` + `basisClause`, or `basisIllustrative`.
 */
import type * as z from 'zod';
import { yuanToFen } from '../money/fen.ts';
import {
  bundleSchema,
  diseaseGroupSchema,
  exclusionSchema,
  frequentTreatmentSchema,
  indicationSchema,
  levelSchema,
  longPrescriptionSchema,
  priceLimitSchema,
  quantityLimitSchema,
  sexAgeSchema,
  type KnowledgeDocument,
  type SectionName,
} from './document.ts';

export const CSV_COLUMNS = [
  'section',
  'id',
  'code',
  'bundleCode',
  'on',
  'name',
  'diagnoses',
  'contraindications',
  'text',
  'sex',
  'minAgeYears',
  'maxAgeYears',
  'minLevel',
  'level',
  'maxUnitPrice',
  'maxPerDay',
  'maxPerStay',
  'codes',
  'componentCodes',
  'minComponentsWithoutBundle',
  'items',
  'drugs',
  'maxSessions',
  'windowDays',
  'plannedStays',
  'maxSupplyDays',
  'basisSource',
  'basisClause',
  'basisIllustrative',
] as const;
type Column = (typeof CSV_COLUMNS)[number];

/** Sections whose entries are bare codes, one a row. */
const CODE_SECTIONS = ['outpatientTreatable', 'transferDischargeModes'] as const;
type CodeSection = (typeof CODE_SECTIONS)[number];

const SCHEMAS: Record<SectionName, z.ZodType> = {
  indications: indicationSchema,
  sexAge: sexAgeSchema,
  levels: levelSchema,
  priceLimits: priceLimitSchema,
  quantityLimits: quantityLimitSchema,
  exclusions: exclusionSchema,
  bundles: bundleSchema,
  frequentTreatments: frequentTreatmentSchema,
  longPrescriptions: longPrescriptionSchema,
  diseaseGroups: diseaseGroupSchema,
};

const LISTS: Column[] = ['diagnoses', 'contraindications', 'codes', 'componentCodes', 'items', 'drugs'];
const NUMBERS: Column[] = [
  'minAgeYears',
  'maxAgeYears',
  'maxPerDay',
  'minComponentsWithoutBundle',
  'maxSessions',
  'windowDays',
  'maxSupplyDays',
];

export interface RowProblem {
  row: number;
  column: string;
  rule: string;
  message: string;
}

export type Sections = Pick<KnowledgeDocument, SectionName | CodeSection>;

const text = (v: unknown): string | undefined => {
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s;
};

/** Rows (cells by column, with the file's row number) → the layer's sections, or every problem. */
export function readKnowledgeRows(rows: readonly { rowNumber: number; cells: Readonly<Record<string, unknown>> }[]): {
  sections: Sections;
  problems: RowProblem[];
} {
  const sections = Object.fromEntries([...Object.keys(SCHEMAS), ...CODE_SECTIONS].map((s) => [s, [] as unknown[]])) as Record<
    string,
    unknown[]
  >;
  const problems: RowProblem[] = [];
  for (const { rowNumber, cells } of rows) {
    const section = text(cells.section);
    if (section && (CODE_SECTIONS as readonly string[]).includes(section)) {
      const code = text(cells.code);
      if (code) sections[section]!.push(code);
      else problems.push({ row: rowNumber, column: 'code', rule: 'required', message: `a ${section} row names a code` });
      continue;
    }
    if (!section || !(section in SCHEMAS)) {
      problems.push({
        row: rowNumber,
        column: 'section',
        rule: 'unknown_section',
        message: `section is one of ${[...Object.keys(SCHEMAS), ...CODE_SECTIONS].join(', ')}`,
      });
      continue;
    }
    const entry: Record<string, unknown> = {};
    for (const column of CSV_COLUMNS) {
      const value = text(cells[column]);
      if (value === undefined || column === 'section' || column.startsWith('basis')) continue;
      if (LISTS.includes(column))
        entry[column] = value
          .split(';')
          .map((x) => x.trim())
          .filter(Boolean);
      else if (NUMBERS.includes(column)) entry[column] = Number(value);
      else if (column === 'maxPerStay') entry[column] = value === 'length-of-stay' ? value : Number(value);
      else if (column === 'plannedStays') entry[column] = value === 'true' || value === '1' || value === '是';
      else if (column === 'maxUnitPrice') {
        try {
          entry.maxUnitPriceFen = yuanToFen(value);
        } catch {
          problems.push({ row: rowNumber, column, rule: 'yuan', message: 'a price in yuan, at most two decimals' });
        }
      } else entry[column] = value;
    }
    const source = text(cells.basisSource);
    const clause = text(cells.basisClause);
    const illustrative = text(cells.basisIllustrative);
    if (illustrative) entry.basis = { illustrative, ...(source ? { source } : {}) };
    else if (source || clause) entry.basis = { source, clause };
    const parsed = SCHEMAS[section as SectionName].safeParse(entry);
    if (parsed.success) sections[section]!.push(entry);
    else
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? 'row');
        problems.push({
          row: rowNumber,
          column: field === 'maxUnitPriceFen' ? 'maxUnitPrice' : field === 'basis' ? 'basisSource' : field,
          rule: issue.code,
          message: issue.message,
        });
      }
  }
  return { sections: sections as unknown as Sections, problems };
}

/** A layer's sections as rows, in CSV_COLUMNS order (the download; importing it again gives the same layer). */
export function knowledgeRows(doc: Sections): Record<Column, string>[] {
  const rows: Record<Column, string>[] = [];
  const blank = () => Object.fromEntries(CSV_COLUMNS.map((c) => [c, ''])) as Record<Column, string>;
  for (const section of Object.keys(SCHEMAS) as SectionName[]) {
    for (const e of doc[section] as Record<string, unknown>[]) {
      const row = blank();
      row.section = section;
      for (const [k, v] of Object.entries(e)) {
        if (k === 'basis') {
          const b = v as { source?: string; clause?: string; illustrative?: string };
          row.basisSource = b.source ?? '';
          row.basisClause = b.clause ?? '';
          row.basisIllustrative = b.illustrative ?? '';
        } else if (k === 'maxUnitPriceFen') row.maxUnitPrice = (Number(v) / 100).toFixed(2);
        else if (Array.isArray(v)) row[k as Column] = v.join(';');
        else row[k as Column] = String(v);
      }
      rows.push(row);
    }
  }
  for (const section of CODE_SECTIONS) for (const code of doc[section]) rows.push({ ...blank(), section, code });
  return rows;
}

/** One CSV line (RFC 4180 quoting). */
export const csvLineOf = (cells: readonly string[]): string =>
  cells.map((c) => (/[",\n\r]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
