/**
 * Year-end settlement (年终清算) of a region's year, from per-provider and per-community totals:
 *
 *   point value        = DRG budget ÷ the region's points of the year           (point-value.ts)
 *   DRG payment        = the provider's points × point value                     (largest remainder)
 *   item payments      = what the fund paid on its claims that are not inpatient DRG cases
 *                        (when the policy's yearEnd.includeItemPayments is on)
 *   capitation         = its share of its community's surplus (+) or overrun (−)  (capitation.ts)
 *   entitlement        = DRG payment + item payments + capitation
 *   net of advances    = entitlement − the year's prepayments: > 0 to pay, < 0 to recover
 *   this version's entry = net − what earlier versions of the year-end already moved
 *
 * Pure: totals in, statements out. Every provider in a community appears, even with no totals.
 */
import type { Fen } from '../money/fen.ts';
import { sum } from './arith.ts';
import { settleCapitation, type CapitationStatement, type CommunityYear } from './capitation.ts';
import type { Tier, SettlementPolicy } from './policy.ts';
import { drgPayments, pointValue, type PointValue } from './point-value.ts';

export interface ProviderYear {
  providerCode: string;
  /** DRG points of the year's cases (discharge date in the year), readmission cuts netted. */
  centipoints: number;
  cases: number;
  /** Pooled fund paid on all its claims of the year, by discharge date. */
  fundPaidFen: Fen;
  /** Of which on inpatient claims: those are paid by points instead. */
  inpatientFundPaidFen: Fen;
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
  drgPaymentFen: Fen;
  itemPaymentFen: Fen;
  capitationFen: Fen;
  entitlementFen: Fen;
  prepaidFen: Fen;
  /** entitlement − prepaid. */
  netFen: Fen;
  toPayFen: Fen;
  toRecoverFen: Fen;
  settledBeforeFen: Fen;
  /** What this version moves on the ledger: net − settled before. */
  ledgerFen: Fen;
}

export interface YearEndTotals {
  providers: number;
  centipoints: number;
  drgPaymentFen: Fen;
  itemPaymentFen: Fen;
  capitationFen: Fen;
  entitlementFen: Fen;
  prepaidFen: Fen;
  toPayFen: Fen;
  toRecoverFen: Fen;
  ledgerFen: Fen;
  capitationFundFen: Fen;
  capitationSpentFen: Fen;
  toGlobalSettlementFen: Fen;
  absorbedFen: Fen;
}

export interface YearEndResult {
  region: string;
  year: number;
  policy: { region: string; year: number; version: number };
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
  inpatientFundPaidFen: 0,
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
    const itemPaymentFen = policy.yearEnd.includeItemPayments ? p.fundPaidFen - p.inpatientFundPaidFen : 0;
    const capitationFen = capitationOf.get(p.providerCode) ?? 0;
    const entitlementFen = drgPaymentFen + itemPaymentFen + capitationFen;
    const netFen = entitlementFen - p.prepaidFen;
    const m = membership.get(p.providerCode);
    return {
      providerCode: p.providerCode,
      communityId: m?.communityId ?? null,
      tier: m?.tier ?? null,
      centipoints: p.centipoints,
      cases: p.cases,
      drgPaymentFen,
      itemPaymentFen,
      capitationFen,
      entitlementFen,
      prepaidFen: p.prepaidFen,
      netFen,
      toPayFen: Math.max(0, netFen),
      toRecoverFen: Math.max(0, -netFen),
      settledBeforeFen: p.settledBeforeFen,
      ledgerFen: netFen - p.settledBeforeFen,
    };
  });

  const total = (f: (p: ProviderStatement) => number) => sum(providers.map(f));
  return {
    region: input.region,
    year: input.year,
    policy: { region: policy.region, year: policy.year, version: policy.version },
    pointValue: pv,
    providers,
    communities,
    totals: {
      providers: providers.length,
      centipoints: pv.totalCentipoints,
      drgPaymentFen: total((p) => p.drgPaymentFen),
      itemPaymentFen: total((p) => p.itemPaymentFen),
      capitationFen: total((p) => p.capitationFen),
      entitlementFen: total((p) => p.entitlementFen),
      prepaidFen: total((p) => p.prepaidFen),
      toPayFen: total((p) => p.toPayFen),
      toRecoverFen: total((p) => p.toRecoverFen),
      ledgerFen: total((p) => p.ledgerFen),
      capitationFundFen: sum(communities.map((c) => c.fundFen)),
      capitationSpentFen: sum(communities.map((c) => c.spentFen)),
      toGlobalSettlementFen: sum(communities.map((c) => c.toGlobalSettlementFen)),
      absorbedFen: sum(communities.map((c) => c.absorbedFen)),
    },
  };
}
