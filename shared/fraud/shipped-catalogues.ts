/**
 * The fraud-rule catalogues this build ships, from `policies/fraud/*.json`: each region's first
 * version (later versions are published into the policies table: store/catalogues.ts). Imported (not
 * read from disk) so a Lambda bundle carries them; validated when first asked for, so a bad document fails
 * loudly at the first claim rather than scoring anything with it. `test/unit/fraud-catalogue.test.ts`
 * proves every file in the folder is listed here and valid.
 *
 * A claim is scored with its region's newest version in force on its first day of care; a region
 * without a catalogue of its own is scored with the national baseline (the document marked
 * `fallback`), so no settled claim escapes the rules.
 */
import national1 from '../../policies/fraud/000000-national-v1.json' with { type: 'json' };
import zhoushan1 from '../../policies/fraud/330900-zhoushan-v1.json' with { type: 'json' };
import honghe1 from '../../policies/fraud/532500-honghe-v1.json' with { type: 'json' };
import { catalogueSchema, type FraudCatalogue } from './catalogue.ts';

export const CATALOGUE_FILES: Readonly<Record<string, unknown>> = {
  '000000-national-v1.json': national1,
  '330900-zhoushan-v1.json': zhoushan1,
  '532500-honghe-v1.json': honghe1,
};

let loaded: FraudCatalogue[] | undefined;

function all(): FraudCatalogue[] {
  if (!loaded) {
    loaded = Object.entries(CATALOGUE_FILES).map(([file, raw]) => {
      const parsed = catalogueSchema.safeParse(raw);
      if (!parsed.success) throw new Error(`policies/fraud/${file} is not a valid fraud-rule catalogue: ${parsed.error.message}`);
      return parsed.data;
    });
  }
  return loaded;
}

/** Every catalogue held, for listing and tests. */
export const allCatalogues = (): FraudCatalogue[] => [...all()];

/**
 * The newest version of `catalogues` for `region` in force on `date`, else the fallback's. A claim
 * from before any catalogue was in force (a late submission, a migrated claim from 2019) is judged by
 * the earliest baseline, retrospectively, as an audit looking back would: every claim is scored, and
 * a dead-letter queue holds only what truly failed. The score names the catalogue it was judged by.
 */
export function pickCatalogue<C extends Pick<FraudCatalogue, 'region' | 'version' | 'effectiveFrom' | 'fallback'>>(
  catalogues: readonly C[],
  region: string,
  date: string,
): C | undefined {
  const inForce = (c: C) => c.effectiveFrom <= date;
  const newest = (list: C[]) =>
    list.sort((a, b) => (a.effectiveFrom === b.effectiveFrom ? b.version - a.version : b.effectiveFrom.localeCompare(a.effectiveFrom)))[0];
  const fallbacks = catalogues.filter((c) => c.fallback);
  return (
    newest(catalogues.filter((c) => c.region === region && inForce(c))) ??
    newest(fallbacks.filter(inForce)) ??
    fallbacks.sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom) || a.version - b.version)[0]
  );
}

/** How the consumer asks for the catalogue in force: a function, so tests can hand in their own documents. */
export type CatalogueLookup = (region: string, date: string) => Promise<FraudCatalogue | undefined>;
