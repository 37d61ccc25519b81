/**
 * Reports for staff: the year-end per provider and per health community as CSV, and a readable
 * summary of a year-end run. Money is shown in yuan with two decimals (exact: fen ÷ 100), points
 * with two decimals (exact: centipoints ÷ 100). Pure: rows in, text out.
 */
import { fenToYuan } from '../money/fen.ts';
import type { CapitationStatement } from './capitation.ts';
import type { ProviderStatement, YearEndTotals } from './year-end.ts';
import type { PointValue } from './point-value.ts';
import type { PaymentMethod } from './policy.ts';

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv<T>(columns: readonly (readonly [string, (row: T) => string | number | null])[], rows: readonly T[]): string {
  const lines = [columns.map(([name]) => csvField(name)).join(',')];
  for (const row of rows) lines.push(columns.map(([, get]) => csvField(get(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

const yuan = (fen: number) => fenToYuan(fen);
const points = (centipoints: number) => {
  const sign = centipoints < 0 ? '-' : '';
  const abs = Math.abs(centipoints);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

export const providerColumns = [
  ['provider_code', (p: ProviderStatement) => p.providerCode],
  ['community_id', (p: ProviderStatement) => p.communityId],
  ['tier', (p: ProviderStatement) => p.tier],
  ['cases', (p: ProviderStatement) => p.cases],
  ['points', (p: ProviderStatement) => points(p.centipoints)],
  ['drg_payment_yuan', (p: ProviderStatement) => yuan(p.drgPaymentFen)],
  ['item_payment_yuan', (p: ProviderStatement) => yuan(p.itemPaymentFen)],
  ['capitation_yuan', (p: ProviderStatement) => yuan(p.capitationFen)],
  ['entitlement_yuan', (p: ProviderStatement) => yuan(p.entitlementFen)],
  ['prepaid_yuan', (p: ProviderStatement) => yuan(p.prepaidFen)],
  ['net_yuan', (p: ProviderStatement) => yuan(p.netFen)],
  ['to_pay_yuan', (p: ProviderStatement) => yuan(p.toPayFen)],
  ['to_recover_yuan', (p: ProviderStatement) => yuan(p.toRecoverFen)],
  ['settled_before_yuan', (p: ProviderStatement) => yuan(p.settledBeforeFen)],
  ['this_version_yuan', (p: ProviderStatement) => yuan(p.ledgerFen)],
  // Issue 14: how each stay was paid, the global budget settled, recoveries (appended: every earlier column keeps its place).
  ['method', (p: ProviderStatement) => p.method],
  ['stays_settled', (p: ProviderStatement) => p.stays.settled],
  ['stays_by_points', (p: ProviderStatement) => p.stays.byPoints],
  ['stays_by_items', (p: ProviderStatement) => p.stays.byItems],
  ['bed_day_points', (p: ProviderStatement) => points(p.bedDayCentipoints)],
  ['global_budget_yuan', (p: ProviderStatement) => (p.globalBudget ? yuan(p.globalBudget.budgetFen) : null)],
  ['global_budget_used_yuan', (p: ProviderStatement) => (p.globalBudget ? yuan(p.globalBudget.usedFen) : null)],
  ['global_budget_outcome', (p: ProviderStatement) => p.globalBudget?.outcome ?? null],
  ['global_budget_adjustment_yuan', (p: ProviderStatement) => yuan(p.globalBudgetFen)],
  ['recoveries_yuan', (p: ProviderStatement) => yuan(p.recoveryFen)],
  ['recovered_from_prepayments_yuan', (p: ProviderStatement) => yuan(p.recoveredFromPrepaymentsFen)],
] as const;

export const communityColumns = [
  ['community_id', (c: CapitationStatement) => c.communityId],
  ['name', (c: CapitationStatement) => c.name],
  ['capitated_members', (c: CapitationStatement) => c.capitatedMembers],
  ['standard_yuan', (c: CapitationStatement) => yuan(c.standardPerMemberFen)],
  ['fund_yuan', (c: CapitationStatement) => yuan(c.fundFen)],
  ['spent_yuan', (c: CapitationStatement) => yuan(c.spentFen)],
  ['outcome', (c: CapitationStatement) => c.outcome],
  ['score', (c: CapitationStatement) => (c.scoreBasisPoints === null ? null : (c.scoreBasisPoints / 100).toFixed(2))],
  ['rank', (c: CapitationStatement) => c.rank],
  ['surplus_yuan', (c: CapitationStatement) => yuan(c.surplusFen)],
  ['distributed_yuan', (c: CapitationStatement) => yuan(c.distributedFen)],
  ['to_global_settlement_yuan', (c: CapitationStatement) => yuan(c.toGlobalSettlementFen)],
  ['overrun_yuan', (c: CapitationStatement) => yuan(c.overrunFen)],
  ['absorbed_yuan', (c: CapitationStatement) => yuan(c.absorbedFen)],
  ['borne_by_members_yuan', (c: CapitationStatement) => yuan(c.borneByMembersFen)],
  ['shares', (c: CapitationStatement) => c.shares.map((s) => `${s.providerCode}(${s.tier}) ${yuan(s.amountFen)}`).join('; ')],
  ['rule', (c: CapitationStatement) => c.rule],
] as const;

export interface SummaryInput {
  region: string;
  year: number;
  version: number;
  policy: { region: string; year: number; version: number };
  payBy?: PaymentMethod;
  pointValue: PointValue;
  totals: YearEndTotals;
  providers: readonly ProviderStatement[];
  communities: readonly CapitationStatement[];
}

/** A year-end run in a dozen lines a person can read: what `npm start`'s demo prints. */
export function yearEndSummary(r: SummaryInput, options: { largest?: number } = {}): string[] {
  const t = r.totals;
  const lines = [
    `Year-end settlement ${r.region} ${r.year}, version ${r.version} (settlement policy ${r.policy.region}/${r.policy.year} v${r.policy.version})`,
    `  point value: ${r.payBy === 'dip' ? 'DIP' : 'DRG'} budget ${yuan(r.pointValue.drgBudgetFen)} yuan ÷ ${points(r.pointValue.totalCentipoints)} points = ${r.pointValue.yuanPerPoint ?? '—'} yuan a point`,
    `  ${t.providers} providers: ${r.payBy === 'dip' ? 'DIP' : r.payBy === 'items' ? 'points (none: paid by items)' : 'DRG'} ${yuan(t.drgPaymentFen)} + items ${yuan(t.itemPaymentFen)} + capitation ${yuan(t.capitationFen)}${t.globalBudgetFen ? ` + global budgets ${yuan(t.globalBudgetFen)}` : ''} = ${yuan(t.entitlementFen)} yuan`,
    ...(t.stays !== undefined
      ? [`  stays: ${t.stays} settled, ${t.staysByPoints} paid by points, ${t.staysByItems} by items (each once)`]
      : []),
    `  advanced during the year ${yuan(t.prepaidFen)} yuan → to pay ${yuan(t.toPayFen)}, to recover ${yuan(t.toRecoverFen)} yuan`,
  ];
  for (const c of r.communities) {
    const outcome =
      c.outcome === 'surplus'
        ? `surplus ${yuan(c.surplusFen)}: ${yuan(c.distributedFen)} to the units, ${yuan(c.toGlobalSettlementFen)} to the global settlement`
        : c.outcome === 'overrun'
          ? `overrun ${yuan(c.overrunFen)}: ${c.absorbedFen > 0 ? `${yuan(c.absorbedFen)} absorbed by the global settlement` : `${yuan(c.borneByMembersFen)} borne by the units`}`
          : 'balanced';
    lines.push(
      `  ${c.communityId} ${c.name}: capitation ${c.capitatedMembers} × ${yuan(c.standardPerMemberFen)} = ${yuan(c.fundFen)}, spent ${yuan(c.spentFen)} → ${outcome}`,
    );
  }
  const largest = [...r.providers].sort((a, b) => Math.abs(b.netFen) - Math.abs(a.netFen)).slice(0, options.largest ?? 5);
  for (const p of largest) {
    lines.push(
      `  ${p.providerCode.padEnd(14)} ${points(p.centipoints).padStart(12)} pts  entitled ${yuan(p.entitlementFen).padStart(14)}  advanced ${yuan(p.prepaidFen).padStart(14)}  ${p.netFen >= 0 ? 'pay    ' : 'recover'} ${yuan(Math.abs(p.netFen)).padStart(14)}`,
    );
  }
  if (r.providers.length > largest.length)
    lines.push(
      `  … and ${r.providers.length - largest.length} more providers (GET /v1/reports/year-end/${r.region}/${r.year}/providers?format=csv)`,
    );
  return lines;
}
