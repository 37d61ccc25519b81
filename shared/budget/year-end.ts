/**
 * Year-end settlement (年终清算) of a region's year, from per-provider and per-community totals:
 *
 *   point value        = points budget ÷ the region's points of the year          (point-value.ts)
 *                        (points of the method the region-year pays by: DRG or DIP; none for items)
 *   points payment     = the provider's points × point value                     (largest remainder)
 *   item payments      = what the fund paid on its claims that are not stays paid by points: every
 *                        claim, less the stays whose case of the paying method counts (a stay with
 *                        no such case is paid by items, so every stay is paid exactly once)
 *                        (when the policy's yearEnd.includeItemPayments is on)
 *   global budget      = points + items against the provider's global budget: + the surplus share it
 *                        keeps, − the overrun it bears (globalBudget terms; budget-settlement below)
 *   capitation         = its share of its community's surplus (+) or overrun (−)  (capitation.ts)
 *   entitlement        = points payment + item payments + global budget + capitation
 *   recoveries         = confirmed fraud recoveries taken at this year-end (not already taken
 *                        from a prepayment): each its own ledger entry
 *   net                = entitlement − the year's prepayments − recoveries: > 0 to pay, < 0 to recover
 *   this version's entry = entitlement − prepayments − what earlier versions of the year-end moved
 *                        (recoveries move by their own entries, once)
 *
 * Pure: totals in, statements out. Every provider in a community appears, even with no totals.
 */
import { applyRatio, type Fen } from '../money/fen.ts';
import { sum } from './arith.ts';
import { settleCapitation, type CapitationStatement, type CommunityYear } from './capitation.ts';
import type { PaymentMethod, SettlementPolicy, Tier } from './policy.ts';
import { drgPayments, pointValue, type PointValue } from './point-value.ts';
import type { RecoveryTake } from './recoveries.ts';

export interface ProviderYear {
  providerCode: string;
  /**
   * Points of the year's cases of the method the region-year pays by (discharge date in the year),
   * readmission cuts netted; 0 where it pays by items.
   */
  centipoints: number;
  cases: number;
  /** Pooled fund paid on all its claims of the year, by discharge date. */
  fundPaidFen: Fen;
  /** Of which on stays whose case of the paying method counts: those are paid by points instead. */
  pointedFundPaidFen: Fen;
  /** Settled stays (inpatient and bed-day) standing at the year-end, and of which paid by points. */
  stays?: number;
  pointedStays?: number;
  /** Of `centipoints`, those of per-bed-day stays (床日 standards turned into points by the cost ratio). */
  bedDayCentipoints?: number;
  /** Its global budget line (总额预算) in the year's budget, when it has one. */
  globalBudgetFen?: Fen | null;
  /** Confirmed recoveries still outstanding: taken at this year-end (the takes, and their total). */
  recoveriesDueFen?: Fen;
  recoveryTakes?: RecoveryTake[];
  /** Recoveries taken at earlier versions of this year-end, and from the year's prepayments (for the report). */
  recoveredAtYearEndBeforeFen?: Fen;
  recoveredFromPrepaymentsFen?: Fen;
  /** Prepayment ledger entries of the year (every run version's differences). */
  prepaidFen: Fen;
  /** Year-end ledger entries of earlier versions of this year-end. */
  settledBeforeFen: Fen;
}

export interface YearEndInput {
  region: string;
  year: number;
  policy: SettlementPolicy;
  drgBudgetFen: Fen;
  providers: readonly ProviderYear[];
  communities: readonly CommunityYear[];
}

export interface ProviderStatement {
  providerCode: string;
  communityId: string | null;
  tier: Tier | null;
  centipoints: number;
  cases: number;
  /** Stays settled, paid by points, paid by items: byPoints + byItems = stays. */
  stays: { settled: number; byPoints: number; byItems: number };
  /** How the region-year pays stays by points (drg or dip), or items where it pays none by points. */
  method: PaymentMethod;
  /** Of `centipoints`, the points of per-bed-day stays. */
  bedDayCentipoints: number;
  /** Points payment (DRG or DIP, whichever the region-year pays by; the name kept from DRG-only years). */
  drgPaymentFen: Fen;
  itemPaymentFen: Fen;
  /** The provider's global budget settled: null without a budget line or terms. */
  globalBudget: BudgetSettlement | null;
  globalBudgetFen: Fen;
  capitationFen: Fen;
  entitlementFen: Fen;
  prepaidFen: Fen;
  /** Recoveries taken at this year-end (every version), and before it from prepayments (already netted there). */
  recoveryFen: Fen;
  recoveredFromPrepaymentsFen: Fen;
  /** entitlement − prepaid − recoveries taken at the year-end. */
  netFen: Fen;
  toPayFen: Fen;
  toRecoverFen: Fen;
  settledBeforeFen: Fen;
  /** The year-end entry this version writes: entitlement − prepaid − settled before. */
  ledgerFen: Fen;
  /** Recoveries this version takes, each by its own ledger entry. */
  recoveryNowFen: Fen;
  recoveries: RecoveryTake[];
  /** What this version moves in all: ledger entry − recoveries taken now. */
  movedFen: Fen;
}

/**
 * A provider's global budget (总额预算) settled against what its points and items came to:
 *   used ≤ budget: it keeps kept% of the surplus, at most cap% of the budget          (结余留用)
 *   used > budget: the fund bears bears% of the overrun within band% of the budget,
 *                  the provider the rest                                              (超支分担 / 自担)
 * adjustmentFen is what that adds to (+) or takes from (−) the entitlement.
 */
export interface BudgetSettlement {
  budgetFen: Fen;
  usedFen: Fen;
  outcome: 'surplus' | 'overrun' | 'on-budget';
  surplusFen: Fen;
  keptFen: Fen;
  overrunFen: Fen;
  fundBearsFen: Fen;
  providerBearsFen: Fen;
  adjustmentFen: Fen;
}

export function settleGlobalBudget(budgetFen: Fen, usedFen: Fen, terms: NonNullable<SettlementPolicy['globalBudget']>): BudgetSettlement {
  const base = { budgetFen, usedFen, surplusFen: 0, keptFen: 0, overrunFen: 0, fundBearsFen: 0, providerBearsFen: 0 };
  if (usedFen <= budgetFen) {
    const surplusFen = budgetFen - usedFen;
    const keptFen = Math.min(applyRatio(surplusFen, terms.keptShare), applyRatio(budgetFen, terms.keptCap));
    return { ...base, outcome: surplusFen > 0 ? 'surplus' : 'on-budget', surplusFen, keptFen, adjustmentFen: keptFen };
  }
  const overrunFen = usedFen - budgetFen;
  const fundBearsFen = applyRatio(Math.min(overrunFen, applyRatio(budgetFen, terms.bandShare)), terms.fundBearsShare);
  const providerBearsFen = overrunFen - fundBearsFen;
  return { ...base, outcome: 'overrun', overrunFen, fundBearsFen, providerBearsFen, adjustmentFen: -providerBearsFen };
}

export interface YearEndTotals {
  providers: number;
  centipoints: number;
  drgPaymentFen: Fen;
  itemPaymentFen: Fen;
  globalBudgetFen: Fen;
  capitationFen: Fen;
  entitlementFen: Fen;
  prepaidFen: Fen;
  recoveryFen: Fen;
  toPayFen: Fen;
  toRecoverFen: Fen;
  ledgerFen: Fen;
  recoveryNowFen: Fen;
  movedFen: Fen;
  stays: number;
  staysByPoints: number;
  staysByItems: number;
  capitationFundFen: Fen;
  capitationSpentFen: Fen;
  toGlobalSettlementFen: Fen;
  absorbedFen: Fen;
}

export interface YearEndResult {
  region: string;
  year: number;
  policy: { region: string; year: number; version: number };
  /** How the region-year paid its stays (the policy's yearEnd.payBy). */
  payBy: PaymentMethod;
  pointValue: PointValue;
  providers: ProviderStatement[];
  communities: CapitationStatement[];
  totals: YearEndTotals;
}

const emptyYear = (providerCode: string): ProviderYear => ({
  providerCode,
  centipoints: 0,
  cases: 0,
  fundPaidFen: 0,
  pointedFundPaidFen: 0,
  prepaidFen: 0,
  settledBeforeFen: 0,
});

export function settleYear(input: YearEndInput): YearEndResult {
  const { policy } = input;
  const byCode = new Map(input.providers.map((p) => [p.providerCode, p]));
  const membership = new Map<string, { communityId: string; tier: Tier }>();
  for (const c of input.communities) {
    for (const m of c.members) {
      membership.set(m.providerCode, { communityId: c.communityId, tier: m.tier });
      if (!byCode.has(m.providerCode)) byCode.set(m.providerCode, emptyYear(m.providerCode));
    }
  }
  const years = [...byCode.values()].sort((a, b) => a.providerCode.localeCompare(b.providerCode));

  const pv = pointValue(input.drgBudgetFen, sum(years.map((p) => p.centipoints)));
  const drg = drgPayments(
    input.drgBudgetFen,
    years.map((p) => p.centipoints),
  );

  const communities = input.communities.map((c) => settleCapitation(c, policy));
  const capitationOf = new Map<string, Fen>();
  for (const c of communities)
    for (const s of c.shares) capitationOf.set(s.providerCode, (capitationOf.get(s.providerCode) ?? 0) + s.amountFen);

  const providers = years.map((p, i): ProviderStatement => {
    const drgPaymentFen = drg[i]!;
    const itemPaymentFen = policy.yearEnd.includeItemPayments ? p.fundPaidFen - p.pointedFundPaidFen : 0;
    const budgetFen = p.globalBudgetFen ?? 0;
    // A line of 0 is no budget to settle against (a provider listed for its agreement only).
    const globalBudget =
      policy.globalBudget && budgetFen > 0 ? settleGlobalBudget(budgetFen, drgPaymentFen + itemPaymentFen, policy.globalBudget) : null;
    const globalBudgetFen = globalBudget?.adjustmentFen ?? 0;
    const capitationFen = capitationOf.get(p.providerCode) ?? 0;
    const entitlementFen = drgPaymentFen + itemPaymentFen + globalBudgetFen + capitationFen;
    const recoveryNowFen = p.recoveriesDueFen ?? 0;
    const recoveryFen = (p.recoveredAtYearEndBeforeFen ?? 0) + recoveryNowFen;
    const netFen = entitlementFen - p.prepaidFen - recoveryFen;
    const ledgerFen = entitlementFen - p.prepaidFen - p.settledBeforeFen;
    const settled = p.stays ?? 0;
    const byPoints = Math.min(settled, p.pointedStays ?? 0);
    const m = membership.get(p.providerCode);
    return {
      providerCode: p.providerCode,
      communityId: m?.communityId ?? null,
      tier: m?.tier ?? null,
      centipoints: p.centipoints,
      cases: p.cases,
      stays: { settled, byPoints, byItems: settled - byPoints },
      method: policy.yearEnd.payBy,
      bedDayCentipoints: p.bedDayCentipoints ?? 0,
      drgPaymentFen,
      itemPaymentFen,
      globalBudget,
      globalBudgetFen,
      capitationFen,
      entitlementFen,
      prepaidFen: p.prepaidFen,
      recoveryFen,
      recoveredFromPrepaymentsFen: p.recoveredFromPrepaymentsFen ?? 0,
      netFen,
      toPayFen: Math.max(0, netFen),
      toRecoverFen: Math.max(0, -netFen),
      settledBeforeFen: p.settledBeforeFen,
      ledgerFen,
      recoveryNowFen,
      recoveries: p.recoveryTakes ?? [],
      movedFen: ledgerFen - recoveryNowFen,
    };
  });

  const total = (f: (p: ProviderStatement) => number) => sum(providers.map(f));
  return {
    region: input.region,
    year: input.year,
    policy: { region: policy.region, year: policy.year, version: policy.version },
    payBy: policy.yearEnd.payBy,
    pointValue: pv,
    providers,
    communities,
    totals: {
      providers: providers.length,
      centipoints: pv.totalCentipoints,
      drgPaymentFen: total((p) => p.drgPaymentFen),
      itemPaymentFen: total((p) => p.itemPaymentFen),
      globalBudgetFen: total((p) => p.globalBudgetFen),
      capitationFen: total((p) => p.capitationFen),
      entitlementFen: total((p) => p.entitlementFen),
      prepaidFen: total((p) => p.prepaidFen),
      recoveryFen: total((p) => p.recoveryFen),
      toPayFen: total((p) => p.toPayFen),
      toRecoverFen: total((p) => p.toRecoverFen),
      ledgerFen: total((p) => p.ledgerFen),
      recoveryNowFen: total((p) => p.recoveryNowFen),
      movedFen: total((p) => p.movedFen),
      stays: total((p) => p.stays.settled),
      staysByPoints: total((p) => p.stays.byPoints),
      staysByItems: total((p) => p.stays.byItems),
      capitationFundFen: sum(communities.map((c) => c.fundFen)),
      capitationSpentFen: sum(communities.map((c) => c.spentFen)),
      toGlobalSettlementFen: sum(communities.map((c) => c.toGlobalSettlementFen)),
      absorbedFen: sum(communities.map((c) => c.absorbedFen)),
    },
  };
}
