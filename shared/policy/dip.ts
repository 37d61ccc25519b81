/**
 * DIP catalogues (kind `dip`): one document per pooling region and year
 * (policies/dip/<region>/<year>.json), built from the region's historical cases by `npm run dip:build`
 * (tools/dip-build.ts), validated and compiled by shared/dip/policy.ts. A region pays a year's stays by
 * DIP where its year-end terms say so (year-end `yearEnd.payBy: dip`); DIP cases are recorded for every
 * region-year that holds a catalogue, beside DRG ones where it holds both.
 */
import d5325002025 from '../../policies/dip/532500/2025.json' with { type: 'json' };
import { compileDipPolicy, dipPolicySchema, type DipPolicy } from '../dip/policy.ts';
import { definePolicyKind, shippedPolicies, shippedUnder } from './registry.ts';

export const dipKind = definePolicyKind<DipPolicy>({
  kind: 'dip',
  schema: dipPolicySchema.transform(compileDipPolicy),
  keyFields: ['year'],
  keyOf: (p) => ({ region: p.region, year: p.year }),
  fileOf: (p) => `${p.region}/${p.year}.json`,
  header: (p) => p.document,
  describe: (p) => ({
    regionName: p.document.regionName,
    groups: p.document.groups.length,
    builtFromCases: p.document.builtFrom.cases,
    minimumCases: p.document.parameters.minimumCases,
  }),
  shipped: {
    'policies/dip/532500/2025.json': d5325002025,
  },
});

/** The region's shipped DIP catalogue for a year, its highest version (tests, benchmarks). */
export const dipPolicyFor = (region: string, year: number): DipPolicy | undefined =>
  shippedUnder(dipKind, { region, year }).sort((a, b) => b.summary.version - a.summary.version)[0]?.policy;

export const dipPolicies = (): DipPolicy[] => shippedPolicies(dipKind);
