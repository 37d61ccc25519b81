/**
 * Maternity policies (kind `maternity`, 生育保险): one document per pooling region and year
 * (policies/maternity/<region>/<year>.json), validated by shared/maternity/policy.ts. Adjudication
 * reads it for a delivery or antenatal bill, the maternity function for eligibility and allowances.
 */
import m5325002025 from '../../policies/maternity/532500/2025.json' with { type: 'json' };
import { maternityPolicySchema, type MaternityPolicy } from '../maternity/policy.ts';
import { definePolicyKind, shippedUnder } from './registry.ts';

export const maternityKind = definePolicyKind<MaternityPolicy>({
  kind: 'maternity',
  schema: maternityPolicySchema,
  keyFields: ['year'],
  keyOf: (p) => ({ region: p.region, year: p.year }),
  fileOf: (p) => `${p.region}/${p.year}.json`,
  header: (p) => p,
  describe: (p) => ({ regionName: p.regionName }),
  shipped: {
    'policies/maternity/532500/2025.json': m5325002025,
  },
});

/** A region's shipped maternity policy for a year, its highest version (tests: no table). */
export const maternityPolicyFor = (region: string, year: number): MaternityPolicy | undefined =>
  shippedUnder(maternityKind, { region, year }).sort((a, b) => b.summary.version - a.summary.version)[0]?.policy;
