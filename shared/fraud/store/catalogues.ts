/**
 * Fraud-rule catalogues as versioned policies, in the policies table like every policy kind:
 *
 *   pk = POLICY#fraud-rules#<region>     sk = V#<effectiveFrom>#<version, 4 digits>
 *
 * The catalogues this build ships (policies/fraud/*.json) are each region's first versions and are in
 * force without being published, so a fresh deployment scores claims from its first minute. Staff
 * publish later versions through POST /v1/policies; a version is never changed, and the newest
 * version in force on a claim's first day of care judges it (pickCatalogue, shared/fraud/shipped-catalogues.ts).
 *
 * The consumer reads a region's versions once a minute at most: a version takes effect on its own
 * effective date, which staff set ahead, so a minute's delay in seeing it changes no claim's fate.
 */
import type { FraudCatalogue } from '../catalogue.ts';
import { catalogueSchema } from '../catalogue.ts';
import { allCatalogues, CATALOGUE_FILES, pickCatalogue, type CatalogueLookup } from '../shipped-catalogues.ts';
import {
  listVersions,
  policiesTable,
  publishVersion,
  readVersionDocument,
  versionSk,
  type PolicyTable,
  type PublishOutcome,
  type VersionSummary,
} from '../../policy/store/versions.ts';
import { canonicalJson } from '../../runtime/canonical-json.ts';

export const CATALOGUE_KIND = 'fraud-rules';
export const NATIONAL_BASELINE = '000000';
export const cataloguePk = (region: string) => `POLICY#${CATALOGUE_KIND}#${region}`;

export interface CatalogueVersionSummary extends VersionSummary {
  regionName: string;
  fallback: boolean;
  rules: number;
  /** Shipped with this build (in force without publishing), or published by staff. */
  source: 'shipped' | 'published';
}

const summaryOf = (
  c: FraudCatalogue,
  source: CatalogueVersionSummary['source'],
  publishedAt: string,
  publishedBy: string,
): CatalogueVersionSummary => ({
  kind: CATALOGUE_KIND,
  region: c.region,
  regionName: c.regionName,
  version: c.version,
  effectiveFrom: c.effectiveFrom,
  fallback: c.fallback,
  rules: c.rules.length,
  source,
  publishedAt,
  publishedBy,
});

const shippedOf = (region: string) => allCatalogues().filter((c) => c.region === region);
const shippedSummary = (c: FraudCatalogue) => summaryOf(c, 'shipped', 'build', 'policies/fraud');
const shippedDocument = (c: FraudCatalogue): unknown =>
  Object.values(CATALOGUE_FILES).find(
    (raw) => (raw as { region?: string; version?: number }).region === c.region && (raw as { version?: number }).version === c.version,
  );

/** Every version of a region's catalogue, shipped and published, oldest first. */
export async function listCatalogueVersions(region: string, at: PolicyTable = policiesTable()): Promise<CatalogueVersionSummary[]> {
  const published = await listVersions<CatalogueVersionSummary>(cataloguePk(region), at);
  return [...shippedOf(region).map(shippedSummary), ...published].sort(
    (a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom) || a.version - b.version,
  );
}

/** One version's document as published or shipped, or undefined. */
export async function readCatalogueDocument(
  region: string,
  effectiveFrom: string,
  version: number,
  at: PolicyTable = policiesTable(),
): Promise<unknown> {
  const shipped = shippedOf(region).find((c) => c.version === version && c.effectiveFrom === effectiveFrom);
  return shipped ? shippedDocument(shipped) : readVersionDocument(cataloguePk(region), effectiveFrom, version, at);
}

/**
 * Publishes a validated catalogue as a new version: refused (nothing written) when the version is
 * not above every version of the region, shipped ones included; the same version again is a replay
 * only if it is the same document.
 */
export async function publishCatalogue(
  document: unknown,
  catalogue: FraudCatalogue,
  by: string,
  publishedAt: string,
  at: PolicyTable = policiesTable(),
): Promise<PublishOutcome<CatalogueVersionSummary> | { outcome: 'different-content' }> {
  const shipped = shippedOf(catalogue.region);
  const sameShipped = shipped.find((c) => c.version === catalogue.version && c.effectiveFrom === catalogue.effectiveFrom);
  if (sameShipped) {
    return canonicalJson(shippedDocument(sameShipped)) === canonicalJson(document)
      ? { outcome: 'exists', summary: shippedSummary(sameShipped) }
      : { outcome: 'different-content' };
  }
  const newestShipped = Math.max(0, ...shipped.map((c) => c.version));
  if (catalogue.version <= newestShipped) return { outcome: 'stale-version', newestVersion: newestShipped };
  const result = await publishVersion(cataloguePk(catalogue.region), summaryOf(catalogue, 'published', publishedAt, by), document, at);
  if (result.outcome !== 'exists') return result;
  const stored = await readVersionDocument(cataloguePk(catalogue.region), catalogue.effectiveFrom, catalogue.version, at);
  return canonicalJson(stored) === canonicalJson(document) ? result : { outcome: 'different-content' };
}

interface CachedRegion {
  readAt: number;
  catalogues: FraudCatalogue[];
}

/**
 * The consumer's lookup: the region's and the national baseline's versions, shipped and published,
 * and the newest in force on the date (pickCatalogue). Published versions are parsed once each (a
 * version never changes); a region's list is read again after `ttlMs`.
 */
export function catalogueLookup(options: { at?: () => PolicyTable; ttlMs?: number; clock?: () => number } = {}): CatalogueLookup {
  const at = options.at ?? policiesTable;
  const ttlMs = options.ttlMs ?? 60_000;
  const clock = options.clock ?? Date.now;
  const regions = new Map<string, CachedRegion>();
  const parsed = new Map<string, FraudCatalogue>();

  async function versionsOf(region: string): Promise<FraudCatalogue[]> {
    const cached = regions.get(region);
    if (cached && clock() - cached.readAt < ttlMs) return cached.catalogues;
    const table = at();
    const items = await listVersions<CatalogueVersionSummary>(cataloguePk(region), table);
    const published: FraudCatalogue[] = [];
    for (const v of items) {
      if (v.kind !== CATALOGUE_KIND) continue;
      const key = `${region}|${versionSk(v.effectiveFrom, v.version)}`;
      let catalogue = parsed.get(key);
      if (!catalogue) {
        // Validated when published; a stored version that no longer parses is a fault to see, not to skip.
        catalogue = catalogueSchema.parse(await readVersionDocument(cataloguePk(region), v.effectiveFrom, v.version, table));
        parsed.set(key, catalogue);
      }
      published.push(catalogue);
    }
    const catalogues = [...shippedOf(region), ...published];
    regions.set(region, { readAt: clock(), catalogues });
    return catalogues;
  }

  return async (region, date) => {
    const [own, baseline] = await Promise.all([versionsOf(region), region === NATIONAL_BASELINE ? [] : versionsOf(NATIONAL_BASELINE)]);
    return pickCatalogue([...own, ...baseline], region, date);
  };
}
