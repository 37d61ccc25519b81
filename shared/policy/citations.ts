/**
 * The one check of per-figure citations, for every kind: each `basis` that names a `source` names
 * the `id` of an entry in the document's own `sources`. It reads the document as written (before a
 * kind's schema compiles it), so the registry applies it to every kind alike (registry.ts), and a
 * kind's schema may call it too, for callers that parse without the registry. Pure.
 */
import type * as z from 'zod';
import type { Basis } from './document-header.ts';

export type CitationPath = (string | number)[];

/** Every `basis` object in a document with its path (arrays and objects walked; `sources` skipped). */
export function forEachBasis(value: unknown, visit: (basis: Basis, path: CitationPath) => void, path: CitationPath = []): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => forEachBasis(v, visit, [...path, i]));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    if (path.length === 0 && key === 'sources') continue;
    if (key === 'basis' && v && typeof v === 'object' && !Array.isArray(v)) visit(v as Basis, [...path, key]);
    else forEachBasis(v, visit, [...path, key]);
  }
}

/** Citations naming a source the document does not list: path and message each. */
export function unknownCitations(document: unknown): { path: CitationPath; message: string }[] {
  if (document === null || typeof document !== 'object') return [];
  const sources = (document as { sources?: unknown }).sources;
  if (!Array.isArray(sources)) return [];
  const ids = new Set(
    sources.map((s) => (s && typeof s === 'object' ? (s as { id?: unknown }).id : undefined)).filter((id) => typeof id === 'string'),
  );
  const problems: { path: CitationPath; message: string }[] = [];
  forEachBasis(document, (basis, path) => {
    const source = (basis as { source?: unknown }).source;
    if (typeof source === 'string' && !ids.has(source))
      problems.push({ path: [...path, 'source'], message: `cites "${source}", which is not in sources` });
  });
  return problems;
}

/** The check as zod issues, for a schema's superRefine. */
export function checkCitations(document: unknown, ctx: z.RefinementCtx): void {
  for (const { path, message } of unknownCitations(document)) ctx.addIssue({ code: 'custom', path, message });
}
