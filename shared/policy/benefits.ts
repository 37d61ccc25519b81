/**
 * Benefit policies (kind `benefits`): one document per pooling region, scheme and insurance year
 * (policies/benefits/<region>/<year>-<scheme>.json), validated by shared/settlement/policy.ts. A claim
 * is settled under the version in force on its settlement date (discharge date for stays).
 */
import b2109002019Resident from '../../policies/benefits/210900/2019-resident.json' with { type: 'json' };
import b2109002020Resident from '../../policies/benefits/210900/2020-resident.json' with { type: 'json' };
import b3309002023Resident from '../../policies/benefits/330900/2023-resident.json' with { type: 'json' };
import b3309002024Resident from '../../policies/benefits/330900/2024-resident.json' with { type: 'json' };
import b3309002025Employee from '../../policies/benefits/330900/2025-employee.json' with { type: 'json' };
import b3309002025Resident from '../../policies/benefits/330900/2025-resident.json' with { type: 'json' };
import b3309002026Employee from '../../policies/benefits/330900/2026-employee.json' with { type: 'json' };
import b3309002026Resident from '../../policies/benefits/330900/2026-resident.json' with { type: 'json' };
import b3415022023Resident from '../../policies/benefits/341502/2023-resident.json' with { type: 'json' };
import b5325002025Employee from '../../policies/benefits/532500/2025-employee.json' with { type: 'json' };
import { benefitPolicySchema, type BenefitPolicy, type BenefitPolicyDocument } from '../settlement/policy.ts';
import { definePolicyKind, shippedVersions } from './registry.ts';

export const benefitsKind = definePolicyKind<BenefitPolicy>({
  kind: 'benefits',
  schema: benefitPolicySchema,
  keyFields: ['scheme', 'year'],
  keyOf: (p) => ({ region: p.region, scheme: p.scheme, year: p.year }),
  fileOf: (p) => `${p.region}/${p.year}-${p.scheme}.json`,
  header: (p) => p,
  describe: (p) => ({ id: p.id, title: p.title }),
  shipped: {
    'policies/benefits/210900/2019-resident.json': b2109002019Resident,
    'policies/benefits/210900/2020-resident.json': b2109002020Resident,
    'policies/benefits/330900/2023-resident.json': b3309002023Resident,
    'policies/benefits/330900/2024-resident.json': b3309002024Resident,
    'policies/benefits/330900/2025-resident.json': b3309002025Resident,
    'policies/benefits/341502/2023-resident.json': b3415022023Resident,
    'policies/benefits/330900/2025-employee.json': b3309002025Employee,
    'policies/benefits/330900/2026-resident.json': b3309002026Resident,
    'policies/benefits/330900/2026-employee.json': b3309002026Employee,
    'policies/benefits/532500/2025-employee.json': b5325002025Employee,
  },
});

/** One shipped policy by its id and year (tests and benchmarks). */
export function shippedPolicy(id: string, year: number): BenefitPolicy {
  const found = shippedVersions(benefitsKind).find((v) => v.policy.id === id && v.policy.year === year);
  if (!found) throw new Error(`no shipped policy ${id} ${year}`);
  return found.policy;
}

/** Every shipped document with its file and parsed form (tests and benchmarks). */
export const loadShippedPolicies = (): { file: string; document: BenefitPolicyDocument; policy: BenefitPolicy }[] =>
  Object.entries(benefitsKind.shipped).map(([path, document], i) => ({
    file: path.replace('policies/benefits/', ''),
    document: document as BenefitPolicyDocument,
    policy: shippedVersions(benefitsKind)[i]!.policy,
  }));
