/**
 * The fraud consumer's lookup: the region's and the national baseline's catalogues (shipped and
 * published, through the registry) and the one that judges a claim of a date (pickCatalogue).
 */
import { NATIONAL_BASELINE, fraudRulesKind, pickCatalogue, type CatalogueLookup } from '../fraud-rules.ts';
import { policies, type PolicyRegistry } from './registry.ts';

export function catalogueLookup(registry: PolicyRegistry = policies): CatalogueLookup {
  return async (region, date) => {
    const [own, baseline] = await Promise.all([
      registry.versions(fraudRulesKind, { region }),
      region === NATIONAL_BASELINE ? [] : registry.versions(fraudRulesKind, { region: NATIONAL_BASELINE }),
    ]);
    return pickCatalogue(
      [...own, ...baseline].map((v) => v.policy),
      region,
      date,
    );
  };
}
