/**
 * Settlement policies for prepayment and year-end (kind `year-end`): one document per pooling region
 * and year (policies/year-end/<region>/<year>.json), validated and compiled by shared/budget/policy.ts.
 * A run pins the region, year and version it computed under, so a report can say which policy made
 * its figures.
 */
import y3415022023 from '../../policies/year-end/341502/2023.json' with { type: 'json' };
import y5325002025 from '../../policies/year-end/532500/2025.json' with { type: 'json' };
import y3309002026 from '../../policies/year-end/330900/2026.json' with { type: 'json' };
import { compileSettlementPolicy, settlementPolicySchema, type SettlementPolicy } from '../budget/policy.ts';
import { definePolicyKind, shippedPolicies, shippedUnder } from './registry.ts';

export const yearEndKind = definePolicyKind<SettlementPolicy>({
  kind: 'year-end',
  schema: settlementPolicySchema.transform(compileSettlementPolicy),
  keyFields: ['year'],
  keyOf: (p) => ({ region: p.region, year: p.year }),
  fileOf: (p) => `${p.region}/${p.year}.json`,
  header: (p) => p.document,
  describe: (p) => ({ regionName: p.document.regionName }),
  shipped: {
    'policies/year-end/341502/2023.json': y3415022023,
    'policies/year-end/532500/2025.json': y5325002025,
    'policies/year-end/330900/2026.json': y3309002026,
  },
});

/** The region's shipped policy for a year, its highest version (tests, benchmarks). */
export const settlementPolicyFor = (region: string, year: number): SettlementPolicy | undefined =>
  shippedUnder(yearEndKind, { region, year }).sort((a, b) => b.summary.version - a.summary.version)[0]?.policy;

export const settlementPolicies = (): SettlementPolicy[] => shippedPolicies(yearEndKind);
