/**
 * Long-term care insurance policies (kind `long-term-care`): one document per pooling region and
 * year (policies/long-term-care/<region>/<year>.json), schema in shared/long-term-care/policy.ts.
 * Read by functions/long-term-care (assessment terms on the conclusion date, benefits on the care
 * month's first day, funding on the contribution month).
 */
import ltc5325002025 from '../../policies/long-term-care/532500/2025.json' with { type: 'json' };
import { longTermCarePolicySchema, type LongTermCarePolicy } from '../long-term-care/policy.ts';
import { definePolicyKind, shippedUnder } from './registry.ts';

export const longTermCareKind = definePolicyKind<LongTermCarePolicy>({
  kind: 'long-term-care',
  schema: longTermCarePolicySchema,
  keyFields: ['year'],
  keyOf: (p) => ({ region: p.region, year: p.year }),
  fileOf: (p) => `${p.region}/${p.year}.json`,
  header: (p) => p,
  describe: (p) => ({ regionName: p.regionName, qualifyingLevels: p.assessment.qualifyingLevels }),
  shipped: {
    'policies/long-term-care/532500/2025.json': ltc5325002025,
  },
});

/** The region's shipped policy for a year, its highest version (tests). */
export const shippedLongTermCarePolicy = (region: string, year: number): LongTermCarePolicy | undefined =>
  shippedUnder(longTermCareKind, { region, year }).sort((a, b) => b.summary.version - a.summary.version)[0]?.policy;
