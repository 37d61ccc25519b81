/**
 * The contribution policies in force, one per pooling region and year, read from
 * `policies/enrolment/*.json`. They are imported (not read from disk) so a Lambda bundle carries
 * them; each is validated by its schema when first asked for, so a bad document fails loudly and
 * never reaches a member's figures. `test/unit/enrolment-policy.test.ts` proves every file in the
 * folder is listed here.
 *
 * When the admin function starts keeping policy versions in the policies table, this registry is
 * the fallback for years it does not hold; the lookup's signature stays the same.
 */
import fuxin2019 from '../../policies/enrolment/210900-fuxin-2019.json' with { type: 'json' };
import fuxin2020 from '../../policies/enrolment/210900-fuxin-2020.json' with { type: 'json' };
import zhoushan2024 from '../../policies/enrolment/330900-zhoushan-2024.json' with { type: 'json' };
import zhoushan2025 from '../../policies/enrolment/330900-zhoushan-2025.json' with { type: 'json' };
import honghe2021 from '../../policies/enrolment/532500-honghe-2021.json' with { type: 'json' };
import honghe2022 from '../../policies/enrolment/532500-honghe-2022.json' with { type: 'json' };
import honghe2023 from '../../policies/enrolment/532500-honghe-2023.json' with { type: 'json' };
import honghe2024 from '../../policies/enrolment/532500-honghe-2024.json' with { type: 'json' };
import honghe2025 from '../../policies/enrolment/532500-honghe-2025.json' with { type: 'json' };
import { contributionPolicySchema, type ContributionPolicy } from './policy.ts';

/** File name (without folder) → its raw document, as shipped. */
export const POLICY_FILES: Readonly<Record<string, unknown>> = {
  '210900-fuxin-2019.json': fuxin2019,
  '210900-fuxin-2020.json': fuxin2020,
  '330900-zhoushan-2024.json': zhoushan2024,
  '330900-zhoushan-2025.json': zhoushan2025,
  '532500-honghe-2021.json': honghe2021,
  '532500-honghe-2022.json': honghe2022,
  '532500-honghe-2023.json': honghe2023,
  '532500-honghe-2024.json': honghe2024,
  '532500-honghe-2025.json': honghe2025,
};

let byRegionYear: Map<string, ContributionPolicy> | undefined;

function registry(): Map<string, ContributionPolicy> {
  if (!byRegionYear) {
    const map = new Map<string, ContributionPolicy>();
    for (const [file, raw] of Object.entries(POLICY_FILES)) {
      const parsed = contributionPolicySchema.safeParse(raw);
      if (!parsed.success) throw new Error(`policies/enrolment/${file} is not a valid contribution policy: ${parsed.error.message}`);
      const key = `${parsed.data.region}#${parsed.data.year}`;
      const existing = map.get(key);
      // Several versions of one region-year: the highest version wins.
      if (!existing || existing.version < parsed.data.version) map.set(key, parsed.data);
    }
    byRegionYear = map;
  }
  return byRegionYear;
}

/** A region's policy for a year, or undefined when the agency holds none (the request is refused). */
export function contributionPolicy(region: string, year: number): ContributionPolicy | undefined {
  return registry().get(`${region}#${year}`);
}

/** Every policy held, for listing and tests. */
export function allContributionPolicies(): ContributionPolicy[] {
  return [...registry().values()];
}

/** How the domain asks for a policy: a function, so tests can hand in their own documents. */
export type PolicyLookup = (region: string, year: number) => ContributionPolicy | undefined;
