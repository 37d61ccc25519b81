/**
 * The long-term care fund's income (筹资) by the region's policy, and its fund report.
 *
 *   employees, per paid month:  employer = wage base × employerRate, individual = wage base × individualRate
 *                               (each rounded once, half up), + the transfer from the employees' basic
 *                               fund and the government's subsidy per member-month
 *   residents, per year:        individual + the transfer from the residents' basic fund + the subsidy,
 *                               each the policy's yearly figure × covered months ÷ 12 (rounded once)
 *                               when cover begins within the year (residentsFrom), once the year's basic
 *                               contribution is complete
 *
 * The fund's ledger is append-only: one entry per source of each fact (a paid month, a resident's year),
 * and one per setting of each care claim settled (negative on its reversal). The report adds them up.
 *
 * Pure: no I/O, no clock.
 */
import { divideRoundHalfUp } from '../money/fen.ts';
import { applyRatio, type Fen } from '../money/fen.ts';
import { coveredFrom, type CareSetting, CARE_SETTINGS, type LongTermCarePolicy } from './policy.ts';

export const FUNDING_SOURCES = ['employer', 'individual', 'basic-fund-transfer', 'government-subsidy'] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];
export type CareScheme = 'employee' | 'resident';

export interface FundingParts {
  employerFen: Fen;
  individualFen: Fen;
  basicFundTransferFen: Fen;
  governmentSubsidyFen: Fen;
}

export const partsBySource = (p: FundingParts): Record<FundingSource, Fen> => ({
  employer: p.employerFen,
  individual: p.individualFen,
  'basic-fund-transfer': p.basicFundTransferFen,
  'government-subsidy': p.governmentSubsidyFen,
});

/** An employee's paid month: undefined when the policy does not cover employees that month. */
export function employeeMonthFunding(policy: LongTermCarePolicy, month: string, wageBaseFen: Fen): FundingParts | undefined {
  const from = coveredFrom(policy, 'employee');
  if (!from || `${month}-31` < from) return undefined;
  return {
    employerFen: applyRatio(wageBaseFen, policy.funding.employerRate),
    individualFen: applyRatio(wageBaseFen, policy.funding.individualRate),
    basicFundTransferFen: policy.funding.basicFundTransferPerMemberMonth,
    governmentSubsidyFen: policy.funding.governmentSubsidyPerMemberMonth,
  };
}

/** Months of `year` on or after the month of `from` (12 when cover began before the year). */
export function coveredMonthsOfYear(year: number, from: string): number {
  const fromYear = Number(from.slice(0, 4));
  if (fromYear < year) return 12;
  if (fromYear > year) return 0;
  return 13 - Number(from.slice(5, 7));
}

/** A resident's year: undefined when the policy does not cover residents in that year. */
export function residentYearFunding(policy: LongTermCarePolicy, year: number): (FundingParts & { coveredMonths: number }) | undefined {
  const from = coveredFrom(policy, 'resident');
  const r = policy.funding.residents;
  if (!from || !r) return undefined;
  const months = coveredMonthsOfYear(year, from);
  if (months === 0) return undefined;
  const share = (fen: Fen) => (months === 12 ? fen : divideRoundHalfUp(fen * months, 12));
  return {
    employerFen: 0,
    individualFen: share(r.individualPerYear),
    basicFundTransferFen: share(r.basicFundTransferPerYear),
    governmentSubsidyFen: share(r.governmentSubsidyPerYear),
    coveredMonths: months,
  };
}

/** One entry of the fund's ledger, as the report reads it. */
export type FundEntry =
  | { kind: 'income'; month: string; scheme: CareScheme; source: FundingSource; amountFen: Fen }
  | { kind: 'spending'; month: string; setting: CareSetting; amountFen: Fen };

export interface FundReport {
  income: {
    totalFen: Fen;
    bySource: Record<FundingSource, Fen>;
    byScheme: Record<CareScheme, Record<FundingSource, Fen> & { totalFen: Fen }>;
  };
  spending: { totalFen: Fen; bySetting: Record<CareSetting, Fen> };
  balanceFen: Fen;
  months: { month: string; incomeFen: Fen; spendingFen: Fen; bySource: Record<FundingSource, Fen>; bySetting: Record<CareSetting, Fen> }[];
}

const zeroSources = (): Record<FundingSource, Fen> => Object.fromEntries(FUNDING_SOURCES.map((s) => [s, 0])) as Record<FundingSource, Fen>;
const zeroSettings = (): Record<CareSetting, Fen> => Object.fromEntries(CARE_SETTINGS.map((s) => [s, 0])) as Record<CareSetting, Fen>;

/** The fund's income by source and scheme and its spending by setting, in total and month by month. */
export function fundReport(entries: readonly FundEntry[]): FundReport {
  const bySource = zeroSources();
  const byScheme = { employee: { ...zeroSources(), totalFen: 0 }, resident: { ...zeroSources(), totalFen: 0 } };
  const bySetting = zeroSettings();
  const months = new Map<string, FundReport['months'][number]>();
  const monthOf = (m: string) => {
    let row = months.get(m);
    if (!row) months.set(m, (row = { month: m, incomeFen: 0, spendingFen: 0, bySource: zeroSources(), bySetting: zeroSettings() }));
    return row;
  };
  for (const e of entries) {
    const row = monthOf(e.month);
    if (e.kind === 'income') {
      bySource[e.source] += e.amountFen;
      byScheme[e.scheme][e.source] += e.amountFen;
      byScheme[e.scheme].totalFen += e.amountFen;
      row.bySource[e.source] += e.amountFen;
      row.incomeFen += e.amountFen;
    } else {
      bySetting[e.setting] += e.amountFen;
      row.bySetting[e.setting] += e.amountFen;
      row.spendingFen += e.amountFen;
    }
  }
  const incomeFen = Object.values(bySource).reduce((a, b) => a + b, 0);
  const spendingFen = Object.values(bySetting).reduce((a, b) => a + b, 0);
  return {
    income: { totalFen: incomeFen, bySource, byScheme },
    spending: { totalFen: spendingFen, bySetting },
    balanceFen: incomeFen - spendingFen,
    months: [...months.values()].sort((a, b) => a.month.localeCompare(b.month)),
  };
}
