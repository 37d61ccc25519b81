/**
 * Fraud-rule catalogues (kind `fraud-rules`, 智能审核规则库): one document per pooling region and
 * version (policies/fraud-rules/<region>/v<n>.json), validated by shared/fraud/rule-catalogue.ts. The
 * national baseline (region 000000, marked `fallback`) judges the claims of a region that keeps no
 * catalogue of its own, so no settled claim escapes the rules.
 */
import f000000V1 from '../../policies/fraud-rules/000000/v1.json' with { type: 'json' };
import f330900V1 from '../../policies/fraud-rules/330900/v1.json' with { type: 'json' };
import f532500V1 from '../../policies/fraud-rules/532500/v1.json' with { type: 'json' };
import { catalogueSchema, type FraudCatalogue } from '../fraud/rule-catalogue.ts';
import { definePolicyKind, shippedFiles, shippedPolicies } from './registry.ts';

export const NATIONAL_BASELINE = '000000';

export const fraudRulesKind = definePolicyKind<FraudCatalogue>({
  kind: 'fraud-rules',
  schema: catalogueSchema,
  keyFields: [],
  keyOf: (c) => ({ region: c.region }),
  fileOf: (c) => `${c.region}/v${c.version}.json`,
  header: (c) => c,
  describe: (c) => ({ regionName: c.regionName, fallback: c.fallback, rules: c.rules.length }),
  refuse: (c) =>
    c.fallback && c.region !== NATIONAL_BASELINE
      ? { field: 'body.fallback', rule: 'baseline_only', message: `only region ${NATIONAL_BASELINE} may be the fallback` }
      : undefined,
  shipped: {
    'policies/fraud-rules/000000/v1.json': f000000V1,
    'policies/fraud-rules/330900/v1.json': f330900V1,
    'policies/fraud-rules/532500/v1.json': f532500V1,
  },
});

/** Every shipped catalogue, for listing and tests. */
export const allCatalogues = (): FraudCatalogue[] => shippedPolicies(fraudRulesKind);

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

/** The shipped documents by their path below policies/fraud-rules/ (tests). */
export const CATALOGUE_FILES = shippedFiles(fraudRulesKind);
