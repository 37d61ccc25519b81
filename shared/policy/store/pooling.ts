/**
 * The pooling region of a place, from the policies the registry holds (shipped or published): the
 * most local of the place's codes with a benefit, contribution, DRG or settlement policy
 * (shared/policy/pooling.ts). Resolved when a provider is registered and kept on its profile, so
 * grouping, budgets and the year-end pool it with its region whatever code level it was registered at.
 */
import { benefitsKind } from '../benefits.ts';
import { drgKind } from '../drg.ts';
import { enrolmentKind } from '../enrolment.ts';
import { poolingRegionAmong, regionLevels } from '../pooling.ts';
import type { PolicyKind } from '../registry.ts';
import { yearEndKind } from '../year-end.ts';
import { policies } from './registry.ts';

const POOLING_KINDS = [benefitsKind, enrolmentKind, drgKind, yearEndKind] as unknown as PolicyKind<unknown>[];

export async function poolingRegionOf(place: string): Promise<string> {
  const held = new Set<string>();
  for (const region of regionLevels(place)) {
    const keys = await Promise.all(POOLING_KINDS.map((kind) => policies.keys(kind, region)));
    if (keys.some((k) => k.length > 0)) held.add(region);
  }
  return poolingRegionAmong(place, (r) => held.has(r));
}
