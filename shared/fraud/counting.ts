/**
 * What one claim adds to its provider's counters (month, DRG, running year), and the provider's
 * figures with that claim already in them: the provider rules judge the provider as it stands once
 * this claim is counted, which is what the transaction that scores the claim will write.
 */
import { countingMonth, countingYear, isStay, type FraudClaim, type HospitalLevel } from './claim.ts';
import type { ClaimScore } from './engine.ts';
import type { DrgStats, ProviderMonthStats, ProviderProfile } from './rules/define.ts';

export interface Counted {
  year: number;
  month: string;
  providerRegion: string;
  level?: HospitalLevel;
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

/**
 * What a grouped case adds to a claim already counted: the DRG result arrives after the claim was
 * scored (CaseGrouped follows ClaimSettled), so the claim's month count stays and only the grouped
 * case, its CC/MCC and its DRG's cost and stay are added. Only a case that grouped into a DRG counts;
 * an ambiguous (QY) or ungroupable one has no DRG to compare.
 */
export function withGrouping(counted: Counted, drg: NonNullable<FraudClaim['drg']>): Counted {
  return { ...counted, grouped: 1, ccMcc: drg.ccLevel !== 'none' ? 1 : 0, drg: drg.code };
}

/** How many claims a count adds to a month: a claim once when scored, nothing more when its case is grouped. */
export type ClaimsAdded = 0 | 1;

const addToMonth = (months: readonly ProviderMonthStats[], c: Counted, claims: ClaimsAdded): ProviderMonthStats[] => {
  const found = months.some((m) => m.month === c.month);
  const bump = (m: ProviderMonthStats) => ({
    ...m,
    claims: m.claims + claims,
    groupedCases: m.groupedCases + c.grouped,
    ccMccCases: m.ccMccCases + c.ccMcc,
  });
  return found
    ? months.map((m) => (m.month === c.month ? bump(m) : m))
    : [...months, bump({ month: c.month, claims: 0, groupedCases: 0, ccMccCases: 0 })];
};

const addToDrgs = (drgs: readonly DrgStats[], c: Counted): DrgStats[] => {
  if (!c.drg) return [...drgs];
  const bump = (d: DrgStats) => ({ ...d, cases: d.cases + 1, costFenSum: d.costFenSum + c.costFen, losDaysSum: d.losDaysSum + c.losDays });
  return drgs.some((d) => d.drg === c.drg)
    ? drgs.map((d) => (d.drg === c.drg ? bump(d) : d))
    : [...drgs, bump({ drg: c.drg, cases: 0, costFenSum: 0, losDaysSum: 0 })];
};

type StoredProfile = Pick<ProviderProfile, 'own' | 'peers' | 'ownDrgs' | 'regionDrgs'>;

/** The provider's profile as stored, plus one count: a newly scored claim, or a claim's grouped case. */
export function profileWith(
  stored: StoredProfile,
  provider: { code: string; asOf: string },
  counted: Counted,
  claims: ClaimsAdded,
): ProviderProfile {
  return {
    providerCode: provider.code,
    region: counted.providerRegion,
    ...(counted.level ? { level: counted.level } : {}),
    asOf: provider.asOf,
    own: addToMonth(stored.own, counted, claims),
    peers: addToMonth(stored.peers, counted, claims),
    ownDrgs: addToDrgs(stored.ownDrgs, counted),
    regionDrgs: addToDrgs(stored.regionDrgs, counted),
  };
}

/** The provider's profile as stored, plus this claim. */
export const profileWithClaim = (stored: StoredProfile, claim: FraudClaim, counted: Counted): ProviderProfile =>
  profileWith(stored, { code: claim.provider.code, asOf: claim.end }, counted, 1);

/** The provider's profile as stored, plus the grouped case of a claim it already counts. */
export const profileWithGroupedCase = (
  stored: StoredProfile,
  provider: { code: string; asOf: string },
  grouped: Counted,
): ProviderProfile => profileWith(stored, provider, grouped, 0);
