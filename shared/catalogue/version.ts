/**
 * Catalogue versions (pure): which regions' catalogues apply to a place, which version is in force
 * on a date, how an entry is resolved across them, and what a new version changes.
 *
 * A catalogue version has the lifecycle of every policy document (shared/policy): immutable once
 * published, in force from its `effectiveFrom` (the newest effective date on or before the day, then
 * the highest version: the registry's own `pickInForce`), above every earlier version of its
 * region, history kept. The entries of a version (up to ~100,000) live in the `catalogue` table, not
 * in one document (a DynamoDB item is at most 400 KB), so the header is kept beside them there.
 *
 * Layers: the national list (region 000000) and the additions of a province (330000) and of a
 * pooling region (330900). An item is read from the most local layer that lists it: a regional
 * entry overrides the national one (its class, first self-pay, limit, scope), or adds an item the
 * national list does not have.
 */
import { pickInForce } from '../policy/registry.ts';
import type { CatalogueEntry } from './entry.ts';

export const NATIONAL = '000000';

/** What names a version and where it comes from: the header an import is opened with and a published version keeps. */
export interface VersionHeader {
  region: string;
  version: number;
  effectiveFrom: string;
  effectiveTo?: string;
  title: string;
  /** The document that published it (文号), or why it is illustrative. */
  source: { documentNo?: string; illustrative?: string };
}

/** Just the header of `h` (an import job, a version), `effectiveTo` only where it has one. */
export const headerOf = (h: VersionHeader): VersionHeader => ({
  region: h.region,
  version: h.version,
  effectiveFrom: h.effectiveFrom,
  ...(h.effectiveTo ? { effectiveTo: h.effectiveTo } : {}),
  title: h.title,
  source: h.source,
});

export interface CatalogueVersion extends VersionHeader {
  importId: string;
  contentHash: string;
  entries: number;
  publishedAt: string;
  publishedBy: string;
  /** What it changed against the version in force on its effective date (counts; lists in the import). */
  diff: DiffCounts;
}

/** How a statement names a version it read. */
export interface VersionRef {
  region: string;
  version: number;
  effectiveFrom: string;
}
export const refOf = (v: CatalogueVersion): VersionRef => ({ region: v.region, version: v.version, effectiveFrom: v.effectiveFrom });

/** The catalogues that apply in a region, most local first: 330902 → 330902, 330900, 330000, 000000. */
export function regionChain(region: string): string[] {
  const chain = [region, `${region.slice(0, 4)}00`, `${region.slice(0, 2)}0000`, NATIONAL];
  return chain.filter((r, i) => chain.indexOf(r) === i);
}

/** The version in force on `date` (the policy registry's rule), or undefined. */
export function versionInForce<V extends Pick<CatalogueVersion, 'effectiveFrom' | 'version' | 'effectiveTo'>>(
  versions: readonly V[],
  date: string,
): V | undefined {
  return pickInForce(
    versions.map((v) => ({ summary: v, v })),
    date,
  )?.v;
}

/** An entry as settlement and the search answer it: the entry and the version it came from. */
export type ResolvedEntry = CatalogueEntry & { from: VersionRef };

/**
 * The catalogue as it stands in a place on a date, for the codes of a bill: the versions read (most
 * local first) and each code's entry from the most local layer that lists it. Plain data, so the
 * settlement engine can take it without reading a table.
 */
export interface CatalogueView {
  versions: VersionRef[];
  entries: Record<string, ResolvedEntry>;
}

/** Resolves codes across layers: `layers` most local first, each the entries found in that version. */
export function resolveView(layers: readonly { version: VersionRef; entries: ReadonlyMap<string, CatalogueEntry> }[]): CatalogueView {
  const entries: Record<string, ResolvedEntry> = {};
  for (const layer of [...layers].reverse()) {
    for (const [code, entry] of layer.entries) entries[code] = { ...entry, from: layer.version };
  }
  return { versions: layers.map((l) => l.version), entries };
}

export interface DiffCounts {
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
}

export interface Diff {
  counts: DiffCounts;
  added: string[];
  removed: string[];
  changed: string[];
}

/** What `next` (code → entry hash) adds, removes and changes against `previous` (codes in order). */
export function diffOf(previous: ReadonlyMap<string, string>, next: ReadonlyMap<string, string>): Diff {
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  let unchanged = 0;
  for (const [code, hash] of next) {
    const before = previous.get(code);
    if (before === undefined) added.push(code);
    else if (before !== hash) changed.push(code);
    else unchanged++;
  }
  for (const code of previous.keys()) if (!next.has(code)) removed.push(code);
  added.sort();
  removed.sort();
  changed.sort();
  return { counts: { added: added.length, removed: removed.length, changed: changed.length, unchanged }, added, removed, changed };
}
