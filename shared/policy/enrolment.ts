/**
 * Contribution policies (kind `enrolment`): one document per pooling region and year
 * (policies/enrolment/<region>/<year>.json), validated by shared/enrolment/policy.ts. A member is
 * enrolled for a year under that year's version in force on the later of its first day and today.
 */
import e2109002019 from '../../policies/enrolment/210900/2019.json' with { type: 'json' };
import e2109002020 from '../../policies/enrolment/210900/2020.json' with { type: 'json' };
import e3309002024 from '../../policies/enrolment/330900/2024.json' with { type: 'json' };
import e3309002025 from '../../policies/enrolment/330900/2025.json' with { type: 'json' };
import e3309002026 from '../../policies/enrolment/330900/2026.json' with { type: 'json' };
import e5325002021 from '../../policies/enrolment/532500/2021.json' with { type: 'json' };
import e5325002022 from '../../policies/enrolment/532500/2022.json' with { type: 'json' };
import e5325002023 from '../../policies/enrolment/532500/2023.json' with { type: 'json' };
import e5325002024 from '../../policies/enrolment/532500/2024.json' with { type: 'json' };
import e5325002025 from '../../policies/enrolment/532500/2025.json' with { type: 'json' };
import { contributionPolicySchema, type ContributionPolicy } from '../enrolment/policy.ts';
import { definePolicyKind, shippedFiles, shippedPolicies, shippedUnder } from './registry.ts';

export const enrolmentKind = definePolicyKind<ContributionPolicy>({
  kind: 'enrolment',
  schema: contributionPolicySchema,
  keyFields: ['year'],
  keyOf: (p) => ({ region: p.region, year: p.year }),
  fileOf: (p) => `${p.region}/${p.year}.json`,
  header: (p) => p,
  describe: (p) => ({ regionName: p.regionName }),
  shipped: {
    'policies/enrolment/210900/2019.json': e2109002019,
    'policies/enrolment/210900/2020.json': e2109002020,
    'policies/enrolment/330900/2024.json': e3309002024,
    'policies/enrolment/330900/2025.json': e3309002025,
    'policies/enrolment/330900/2026.json': e3309002026,
    'policies/enrolment/532500/2021.json': e5325002021,
    'policies/enrolment/532500/2022.json': e5325002022,
    'policies/enrolment/532500/2023.json': e5325002023,
    'policies/enrolment/532500/2024.json': e5325002024,
    'policies/enrolment/532500/2025.json': e5325002025,
  },
});

/** A region's shipped policy for a year, its highest version (tests and tools: no table). */
export const contributionPolicy = (region: string, year: number): ContributionPolicy | undefined =>
  shippedUnder(enrolmentKind, { region, year }).sort((a, b) => b.summary.version - a.summary.version)[0]?.policy;

export const allContributionPolicies = (): ContributionPolicy[] => shippedPolicies(enrolmentKind);

/** The shipped documents by their path below policies/enrolment/ (tests). */
export const POLICY_FILES = shippedFiles(enrolmentKind);
