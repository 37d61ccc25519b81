/**
 * Chronic-disease capitation (慢特病按人头付费) of one health community for one year:
 *
 *   fund   = standard × capitated members                  (fixed when the budget is set)
 *   spent  = what the pooled fund paid for those members' claims, by discharge date 1 Jan–31 Dec,
 *            leaving out what the policy excludes (accidental injury, ordinary and 两病 outpatient)
 *   surplus (fund > spent):
 *     distributed = surplus × assessment score %   ("all" policies: the whole surplus)
 *     to the community's global settlement = surplus − distributed
 *     distributed split county : township : village (2 : 6 : 2), then by member weight
 *   overrun (spent > fund):
 *     rank ≤ policy limit (top six) → absorbed by the community's global settlement, members bear nothing
 *     otherwise → borne by the members, split county : township : village (4 : 5 : 1), then by weight
 *
 * Money: every split is `allocate` (largest remainder), so shares add up to the amount split, to
 * the fen; the score share is `applyRatio` (rounded half up once). A member's share is positive
 * (surplus it earns) or negative (overrun it bears). The underlying claims were already paid to
 * whoever treated the members (DRG points or fee for service); capitation only adds this adjustment.
 */
import { allocate, applyRatio, BASIS_POINTS_PER_UNIT, type BasisPoints, type Fen } from '../money/fen.ts';
import type { Assessment, CommunityMember } from './community.ts';
import { TIERS, type SettlementPolicy, type Tier, type TierWeights } from './policy.ts';
import { Refusal } from '../refusal/refusal.ts';

export interface CommunityYear {
  communityId: string;
  name: string;
  members: readonly CommunityMember[];
  capitatedMembers: number;
  spentFen: Fen;
  assessment: Assessment | undefined;
}

export interface MemberShare {
  providerCode: string;
  tier: Tier;
  amountFen: Fen;
}

export interface CapitationStatement {
  communityId: string;
  name: string;
  capitatedMembers: number;
  standardPerMemberFen: Fen;
  fundFen: Fen;
  spentFen: Fen;
  outcome: 'surplus' | 'overrun' | 'balanced';
  /** fund − spent when positive. */
  surplusFen: Fen;
  /** The part of the surplus the members receive. */
  distributedFen: Fen;
  /** The part of the surplus that goes to the community's global settlement (总额包干决算). */
  toGlobalSettlementFen: Fen;
  /** spent − fund when positive. */
  overrunFen: Fen;
  /** The part of the overrun the community's global settlement absorbs (top-ranked communities). */
  absorbedFen: Fen;
  /** The part the members bear (a negative total across the shares). */
  borneByMembersFen: Fen;
  scoreBasisPoints: BasisPoints | null;
  rank: number | null;
  rule: string;
  shares: MemberShare[];
}

/** A community the year cannot be settled for (e.g. its assessment is missing): a 409 naming it. */
export class CapitationRefusal extends Refusal {
  constructor(
    readonly communityId: string,
    message: string,
  ) {
    super(409, message, { communityId });
    this.name = 'CapitationRefusal';
  }
}

/**
 * Splits an amount between the tiers by the policy's weights, then within each tier by member
 * weight. A tier with no member drops out and the others share its part by their own weights (a
 * community without village clinics splits 2 : 6 between county and townships).
 */
export function splitByTiers(amountFen: Fen, members: readonly CommunityMember[], split: TierWeights): MemberShare[] {
  if (members.length === 0) throw new RangeError('a community without members cannot share an amount');
  const present = TIERS.map((t) => (members.some((m) => m.tier === t) ? split[t] : 0));
  // Only when every weighted tier is empty (e.g. a split 0:1:0 and no townships) do members share by weight alone.
  const perTier = present.some((w) => w > 0) ? allocate(amountFen, present) : undefined;
  const shares: MemberShare[] = [];
  if (!perTier) {
    const parts = allocate(
      amountFen,
      members.map((m) => m.weight),
    );
    members.forEach((m, i) => shares.push({ providerCode: m.providerCode, tier: m.tier, amountFen: parts[i]! }));
    return shares;
  }
  TIERS.forEach((tier, t) => {
    const inTier = members.filter((m) => m.tier === tier);
    if (inTier.length === 0) return;
    const parts = allocate(
      perTier[t]!,
      inTier.map((m) => m.weight),
    );
    inTier.forEach((m, i) => shares.push({ providerCode: m.providerCode, tier, amountFen: parts[i]! }));
  });
  return shares;
}

const zeroShares = (members: readonly CommunityMember[]): MemberShare[] =>
  members.map((m) => ({ providerCode: m.providerCode, tier: m.tier, amountFen: 0 }));

const ratio = (w: TierWeights) => `${w.county} : ${w.township} : ${w.village}`;

export function settleCapitation(c: CommunityYear, policy: SettlementPolicy): CapitationStatement {
  const standard = policy.capitation.standardPerMemberFen;
  const fundFen = standard * c.capitatedMembers;
  const base = {
    communityId: c.communityId,
    name: c.name,
    capitatedMembers: c.capitatedMembers,
    standardPerMemberFen: standard,
    fundFen,
    spentFen: c.spentFen,
    surplusFen: 0,
    distributedFen: 0,
    toGlobalSettlementFen: 0,
    overrunFen: 0,
    absorbedFen: 0,
    borneByMembersFen: 0,
    scoreBasisPoints: c.assessment?.scoreBasisPoints ?? null,
    rank: c.assessment?.rank ?? null,
  };

  if (c.spentFen === fundFen) {
    return { ...base, outcome: 'balanced', rule: 'spent equals the fund: nothing to distribute or share', shares: zeroShares(c.members) };
  }

  if (c.spentFen < fundFen) {
    const surplusFen = fundFen - c.spentFen;
    let distributedFen = surplusFen;
    let rule = `surplus kept in full (结余留用), split ${ratio(policy.surplus.split)}`;
    if (policy.surplus.distributed === 'assessment-score') {
      if (!c.assessment)
        throw new CapitationRefusal(
          c.communityId,
          `community ${c.communityId} has a surplus but no annual assessment: its score decides the share distributed`,
        );
      distributedFen = applyRatio(surplusFen, c.assessment.scoreBasisPoints);
      rule = `surplus × assessment score ${c.assessment.scoreBasisPoints / 100}% to the units, split ${ratio(policy.surplus.split)}; the rest to the community's global settlement`;
    }
    return {
      ...base,
      outcome: 'surplus',
      surplusFen,
      distributedFen,
      toGlobalSettlementFen: surplusFen - distributedFen,
      rule,
      shares: splitByTiers(distributedFen, c.members, policy.surplus.split),
    };
  }

  const overrunFen = c.spentFen - fundFen;
  const limit = policy.overrun.absorbedWhenRankAtMost;
  if (limit !== null) {
    if (!c.assessment)
      throw new CapitationRefusal(
        c.communityId,
        `community ${c.communityId} has an overrun but no annual assessment: its rank decides who bears it`,
      );
    if (c.assessment.rank <= limit) {
      return {
        ...base,
        outcome: 'overrun',
        overrunFen,
        absorbedFen: overrunFen,
        rule: `overrun absorbed by the community's global settlement: ranked ${c.assessment.rank}, within the top ${limit}`,
        shares: zeroShares(c.members),
      };
    }
  }
  const shares = splitByTiers(-overrunFen, c.members, policy.overrun.split);
  return {
    ...base,
    outcome: 'overrun',
    overrunFen,
    borneByMembersFen: overrunFen,
    rule:
      limit === null
        ? `overrun borne by the units (超支自担), split ${ratio(policy.overrun.split)}`
        : `overrun shared by the units ${ratio(policy.overrun.split)}: ranked ${c.assessment!.rank}, outside the top ${limit}`,
    shares,
  };
}

/** The score share as a fraction, for reports: 9,250 → "92.50%". */
export const scorePercent = (bp: BasisPoints): string => `${(bp / (BASIS_POINTS_PER_UNIT / 100)).toFixed(2)}%`;
