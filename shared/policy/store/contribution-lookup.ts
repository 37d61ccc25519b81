/**
 * The enrolment domain asks for a region's contribution policy synchronously (shared/enrolment/
 * policy.ts PolicyLookup): a handler first reads, through the registry, the region-years a request
 * may touch, and hands the domain a lookup over what it read.
 */
import type { ContributionPolicy, PolicyLookup } from '../../enrolment/policy.ts';
import { enrolmentKind } from '../enrolment.ts';
import { policies, type PolicyRegistry } from './registry.ts';

export async function contributionLookup(
  wanted: Iterable<{ region: string; year: number }>,
  today: string,
  registry: PolicyRegistry = policies,
): Promise<PolicyLookup> {
  const keys = new Map<string, { region: string; year: number }>();
  for (const { region, year } of wanted) keys.set(`${region}#${year}`, { region, year });
  const found = new Map<string, ContributionPolicy | undefined>();
  await Promise.all(
    [...keys].map(async ([k, { region, year }]) => found.set(k, await registry.forYear(enrolmentKind, region, year, today))),
  );
  return (region, year) => found.get(`${region}#${year}`);
}
