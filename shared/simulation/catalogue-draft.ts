/**
 * A catalogue draft (pure): the changes a region means to make to its catalogue (医保目录调整) before
 * it publishes them, as the rows it would import (the import's own columns, English or the Chinese
 * headings, each read by `readRow`, so a bad cell is refused as the import refuses it) and the codes
 * it would take out (调出目录). The simulation settles the window's claims again with the catalogue
 * in force as each claim was settled, changed by the draft where the draft's region covers the
 * provider: a changed entry re-classes or re-prices the line (class, first self-pay, payment standard,
 * price limit, scope, own fund ratio), a new one brings an item into the list, a removed one leaves it
 * out (目录外, the patient's), as the published version would from the window's start.
 */
import * as z from 'zod';
import { readRow, type CatalogueEntry } from '../catalogue/entry.ts';
import type { CatalogueView, ResolvedEntry, VersionRef } from '../catalogue/version.ts';

const isoDate = z.iso.date();

export const catalogueDraftSchema = z
  .strictObject({
    /** The layer the draft changes: the national list (000000), a province's (330000) or a pooling region's (330900). */
    region: z.string().regex(/^\d{6}$/, 'a region code is the 6-digit administrative division code'),
    version: z.number().int().positive(),
    effectiveFrom: isoDate,
    title: z.string().min(1).max(200),
    /** Entries added or changed, as import rows (column → cell text). */
    rows: z.array(z.record(z.string(), z.unknown())).max(20_000).default([]),
    /** Codes taken out of the region's list. */
    removed: z.array(z.string().min(1).max(60)).max(20_000).default([]),
  })
  .refine((d) => d.rows.length + d.removed.length > 0, { message: 'a catalogue draft changes at least one entry', path: ['rows'] });
export type CatalogueDraftDocument = z.infer<typeof catalogueDraftSchema>;

export interface CatalogueDraft {
  region: string;
  version: number;
  effectiveFrom: string;
  title: string;
  /** Code → the entry as the draft would publish it. */
  entries: Map<string, CatalogueEntry>;
  removed: Set<string>;
}

export interface DraftProblem {
  field: string;
  rule: string;
  message: string;
}

/** The draft's rows read as entries, or every problem by `rows.<i>.<column>` / `removed.<i>`. */
export function readCatalogueDraft(document: CatalogueDraftDocument): { draft: CatalogueDraft } | { problems: DraftProblem[] } {
  const problems: DraftProblem[] = [];
  const entries = new Map<string, CatalogueEntry>();
  document.rows.forEach((cells, i) => {
    // Pinyin initials serve the search only; a draft is never searched.
    const read = readRow(i, cells, () => '');
    if ('problems' in read) {
      for (const p of read.problems) problems.push({ field: `rows.${i}.${p.column}`, rule: p.rule, message: p.message });
      return;
    }
    if (entries.has(read.entry.code))
      problems.push({ field: `rows.${i}.code`, rule: 'duplicate_code', message: `${read.entry.code} is changed twice in the draft` });
    entries.set(read.entry.code, read.entry);
  });
  const removed = new Set<string>();
  document.removed.forEach((code, i) => {
    if (entries.has(code))
      problems.push({ field: `removed.${i}`, rule: 'changed_and_removed', message: `${code} is both changed and removed by the draft` });
    removed.add(code);
  });
  if (problems.length > 0) return { problems };
  const { region, version, effectiveFrom, title } = document;
  return { draft: { region, version, effectiveFrom, title, entries, removed } };
}

/**
 * A claim's catalogue as the draft would make it: each date's view with the draft's entries for the
 * bill's codes put in (named by the draft's version) and the removed codes taken out. Undefined
 * where the draft changes none of the codes the claim's views hold or would hold.
 */
export function draftCatalogue(
  draft: CatalogueDraft,
  catalogue: { byDate: Readonly<Record<string, CatalogueView>> },
  codes: readonly string[],
): { byDate: Record<string, CatalogueView> } | undefined {
  const touched = codes.some((c) => draft.entries.has(c) || draft.removed.has(c));
  if (!touched) return undefined;
  const ref: VersionRef = { region: draft.region, version: draft.version, effectiveFrom: draft.effectiveFrom };
  const byDate: Record<string, CatalogueView> = {};
  for (const [date, view] of Object.entries(catalogue.byDate)) {
    const entries: Record<string, ResolvedEntry> = { ...view.entries };
    for (const code of codes) {
      const entry = draft.entries.get(code);
      if (entry) entries[code] = { ...entry, from: ref };
      else if (draft.removed.has(code)) delete entries[code];
    }
    const versions = view.versions.some((v) => v.region === ref.region && v.version === ref.version)
      ? view.versions
      : [ref, ...view.versions];
    byDate[date] = { versions, entries };
  }
  return { byDate };
}
