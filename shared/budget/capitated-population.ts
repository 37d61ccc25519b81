/**
 * The capitated population of the chronic-disease capitation (慢特病按人头付费, the Jin'an pilot
 * groups) from the approvals register (门诊慢特病认定) instead of a count typed in: a member is in a
 * health community's capitated population for a year when an approval of a chronic-outpatient
 * disease group holds on some day of that year, certified by one of the community's providers. Pure:
 * the projection (store/capitated-population.ts) feeds it the approval facts RegisterEntryChanged
 * carries and writes what it answers.
 *
 * A member counts once per community and year (the capitation standard is per member), and once
 * in each approved group (the per-group figures a report shows); the community is that of the
 * earliest approval holding in the year, so a second approval elsewhere does not move the member.
 */

/** One approval as the projection keeps it: the latest version it has seen. */
export interface ApprovalFact {
  entryId: string;
  version: number;
  status: 'active' | 'ended' | 'revoked';
  validFrom: string;
  validTo: string;
  diseaseGroup: string;
  /** The certifying provider's health community that year, or null when it belongs to none. */
  communityId: string | null;
}

/** Where a member stands in a year: its community and approved groups (none: not capitated). */
export interface Standing {
  communityId: string | null;
  groups: string[];
}

/** The insurance years an approval's period touches (a revoked one touches none). */
export function yearsOf(fact: Pick<ApprovalFact, 'status' | 'validFrom' | 'validTo'>): number[] {
  if (fact.status === 'revoked') return [];
  const years: number[] = [];
  for (let y = Number(fact.validFrom.slice(0, 4)); y <= Number(fact.validTo.slice(0, 4)); y++) years.push(y);
  return years;
}

const holdsIn = (fact: ApprovalFact, year: number) => yearsOf(fact).includes(year);

/** The member's standing in a year from the approvals it holds. */
export function standingIn(facts: readonly ApprovalFact[], year: number): Standing {
  const holding = facts.filter((f) => holdsIn(f, year) && f.communityId !== null).sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  const first = holding[0];
  if (!first) return { communityId: null, groups: [] };
  const groups = [...new Set(holding.filter((f) => f.communityId === first.communityId).map((f) => f.diseaseGroup))].sort();
  return { communityId: first.communityId, groups };
}

/** What one community's counters move by when a member's standing changes: members ±1, each group ±1. */
export interface CountDelta {
  communityId: string;
  members: number;
  groups: Record<string, number>;
}

export function countDeltas(before: Standing, after: Standing): CountDelta[] {
  const deltas = new Map<string, CountDelta>();
  const at = (communityId: string) => {
    const found = deltas.get(communityId) ?? { communityId, members: 0, groups: {} };
    deltas.set(communityId, found);
    return found;
  };
  if (before.communityId) {
    const d = at(before.communityId);
    d.members -= 1;
    for (const g of before.groups) d.groups[g] = (d.groups[g] ?? 0) - 1;
  }
  if (after.communityId) {
    const d = at(after.communityId);
    d.members += 1;
    for (const g of after.groups) d.groups[g] = (d.groups[g] ?? 0) + 1;
  }
  return [...deltas.values()]
    .map((d) => ({ ...d, groups: Object.fromEntries(Object.entries(d.groups).filter(([, n]) => n !== 0)) }))
    .filter((d) => d.members !== 0 || Object.keys(d.groups).length > 0);
}

/**
 * A member's family-doctor standing in a year: the provider of the latest contract holding some day
 * of it (where the member is contracted as the year ends), carried in `communityId` so the same
 * counters serve; a member counts once a year, with one provider.
 */
export function contractStandingIn(facts: readonly ApprovalFact[], year: number): Standing {
  const holding = facts.filter((f) => holdsIn(f, year) && f.communityId !== null).sort((a, b) => b.validFrom.localeCompare(a.validFrom));
  const last = holding[0];
  return last ? { communityId: last.communityId, groups: [] } : { communityId: null, groups: [] };
}

/**
 * A community's members weighted by their contracted members (the per-capita basis). A tier where no
 * provider has a contract keeps equal weights, so its share is still divided (and never by zero).
 */
export function weightsByContracts<M extends { providerCode: string; tier: string; weight: number }>(
  members: readonly M[],
  contracted: ReadonlyMap<string, number>,
): M[] {
  const tierHas = new Set(members.filter((m) => (contracted.get(m.providerCode) ?? 0) > 0).map((m) => m.tier));
  return members.map((m) => ({ ...m, weight: tierHas.has(m.tier) ? (contracted.get(m.providerCode) ?? 0) : 1 }));
}
