/**
 * What one claim adds to its provider's counters (month, DRG, running year), and the provider's
 * figures with that claim already in them: the provider rules judge the provider as it stands once
 * this claim is counted, which is what the transaction that scores the claim will write.
 */
import { countingMonth, countingYear, isStay, type FraudClaim } from './claim.ts';
import type { ClaimScore } from './engine.ts';
import type { DrgStats, ProviderMonthStats, ProviderProfile } from './rules/define.ts';

export interface Counted {
  year: number;
  month: string;
  providerRegion: string;
  level?: string;
  score: number;
  flagged: 0 | 1;
  grouped: 0 | 1;
  ccMcc: 0 | 1;
  drg?: string;
  costFen: number;
  losDays: number;
}

export function countedFor(claim: FraudClaim, score: ClaimScore): Counted {
  const grouped = claim.drg && isStay(claim.visitType) ? 1 : 0;
  return {
    year: countingYear(claim),
    month: countingMonth(claim),
    providerRegion: claim.provider.region ?? claim.region,
    ...(claim.provider.level ? { level: claim.provider.level } : {}),
    score: score.score,
    flagged: score.hits.length > 0 ? 1 : 0,
    grouped,
    ccMcc: grouped && claim.drg && claim.drg.ccLevel !== 'none' ? 1 : 0,
    ...(grouped && claim.drg ? { drg: claim.drg.code } : {}),
    costFen: claim.totals.billedFen,
    losDays: claim.lengthOfStayDays ?? 0,
  };
}

const addToMonth = (months: readonly ProviderMonthStats[], c: Counted): ProviderMonthStats[] => {
  const found = months.some((m) => m.month === c.month);
  const bump = (m: ProviderMonthStats) => ({ ...m, claims: m.claims + 1, groupedCases: m.groupedCases + c.grouped, ccMccCases: m.ccMccCases + c.ccMcc });
  return found ? months.map((m) => (m.month === c.month ? bump(m) : m)) : [...months, bump({ month: c.month, claims: 0, groupedCases: 0, ccMccCases: 0 })];
};

const addToDrgs = (drgs: readonly DrgStats[], c: Counted): DrgStats[] => {
  if (!c.drg) return [...drgs];
  const bump = (d: DrgStats) => ({ ...d, cases: d.cases + 1, costFenSum: d.costFenSum + c.costFen, losDaysSum: d.losDaysSum + c.losDays });
  return drgs.some((d) => d.drg === c.drg) ? drgs.map((d) => (d.drg === c.drg ? bump(d) : d)) : [...drgs, bump({ drg: c.drg, cases: 0, costFenSum: 0, losDaysSum: 0 })];
};

/** The provider's profile as stored, plus this claim. */
export function profileWithClaim(
  stored: Pick<ProviderProfile, 'own' | 'peers' | 'ownDrgs' | 'regionDrgs'>,
  claim: FraudClaim,
  counted: Counted,
): ProviderProfile {
  return {
    providerCode: claim.provider.code,
    region: counted.providerRegion,
    ...(claim.provider.level ? { level: claim.provider.level } : {}),
    asOf: claim.end,
    own: addToMonth(stored.own, counted),
    peers: addToMonth(stored.peers, counted),
    ownDrgs: addToDrgs(stored.ownDrgs, counted),
    regionDrgs: addToDrgs(stored.regionDrgs, counted),
  };
}
