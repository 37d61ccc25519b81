/**
 * Fund early warning (基金运行风险预警):
 *
 *  - months of payment the reserve covers (累计结余可支付月数, the measure the Honghe plan reports:
 *    residents 9.88 months at the end of 2020) = reserve ÷ average monthly fund payment, in
 *    hundredths of a month, rounded half up; a warning when it falls below the policy's lines;
 *  - budget execution per provider: spent ÷ global budget, and against the calendar,
 *    spent ÷ (budget × months elapsed ÷ 12) — 100% is on pace; a warning above the policy's lines.
 *
 * Levels are ordered none < watch < alert. A warning is raised when a subject's level rises above
 * the level last recorded for it (a crossing), so a provider that stays over the line is not
 * warned every month, and one that falls back and crosses again is warned again.
 */
import { BASIS_POINTS_PER_UNIT, divideRoundHalfUp, type BasisPoints, type Fen } from '../money/fen.ts';
import { mulDivRoundHalfUp } from './arith.ts';
import type { SettlementPolicy } from './policy.ts';

export const LEVELS = ['none', 'watch', 'alert'] as const;
export type Level = (typeof LEVELS)[number];

const severity = (level: Level): number => LEVELS.indexOf(level);

/** True when `current` is more severe than `previous`: the moment to raise a warning. */
export function crossed(previous: Level, current: Level): boolean {
  return severity(current) > severity(previous);
}

/** Average monthly payment over the months elapsed, rounded half up; null with no month elapsed. */
export function averageMonthlyPayment(paidFen: Fen, months: number): Fen | null {
  return months > 0 ? divideRoundHalfUp(paidFen, months) : null;
}

/** Months of payment the reserve covers, in hundredths (9.88 months = 988); null when nothing is paid. */
export function reserveMonthsCovered(reserveFen: Fen, monthlyPaymentFen: Fen): number | null {
  if (monthlyPaymentFen <= 0) return null;
  return mulDivRoundHalfUp(reserveFen, 100, monthlyPaymentFen);
}

export function reserveLevel(monthsHundredths: number | null, policy: SettlementPolicy): Level {
  if (monthsHundredths === null) return 'none';
  const t = policy.warnings.reserveMonths;
  if (monthsHundredths < t.alertBelow) return 'alert';
  if (monthsHundredths < t.watchBelow) return 'watch';
  return 'none';
}

export interface Execution {
  /** spent ÷ annual budget, basis points; null without a budget. */
  ofBudget: BasisPoints | null;
  /** spent ÷ (budget × months ÷ 12), basis points; null without a budget or an elapsed month. */
  ofPace: BasisPoints | null;
}

export function budgetExecution(spentFen: Fen, budgetFen: Fen, monthsElapsed: number): Execution {
  if (budgetFen <= 0) return { ofBudget: null, ofPace: null };
  return {
    ofBudget: mulDivRoundHalfUp(spentFen, BASIS_POINTS_PER_UNIT, budgetFen),
    ofPace: monthsElapsed > 0 ? mulDivRoundHalfUp(spentFen, BASIS_POINTS_PER_UNIT * 12, budgetFen * monthsElapsed) : null,
  };
}

export function executionLevel(execution: Execution, policy: SettlementPolicy): Level {
  if (execution.ofPace === null) return 'none';
  const t = policy.warnings.budgetExecution;
  if (execution.ofPace >= t.alertAt) return 'alert';
  if (execution.ofPace >= t.watchAt) return 'watch';
  return 'none';
}

export interface ProviderExecutionInput {
  providerCode: string;
  globalBudgetFen: Fen;
  spentFen: Fen;
}

export interface FundStatus {
  region: string;
  year: number;
  /** The last month counted (yyyy-mm) and how many months of the year that is. */
  throughMonth: string;
  monthsElapsed: number;
  reserve: {
    balanceFen: Fen | null;
    asOf: string | null;
    paidFen: Fen;
    averageMonthlyPaymentFen: Fen | null;
    /** Hundredths of a month. */
    monthsCovered: number | null;
    level: Level;
  };
  providers: (ProviderExecutionInput & Execution & { level: Level })[];
}

/**
 * The fund's state through a month: reserve cover and each provider's execution. The average
 * monthly payment is the region's fund payments of the elapsed months; before any month has
 * elapsed, the budget's own monthly figure (total ÷ 12) stands in.
 */
export function fundStatus(input: {
  region: string;
  year: number;
  throughMonth: string;
  policy: SettlementPolicy;
  totalBudgetFen: Fen;
  reserve: { balanceFen: Fen; asOf: string } | undefined;
  providers: readonly ProviderExecutionInput[];
}): FundStatus {
  const monthsElapsed =
    Number(input.throughMonth.slice(0, 4)) < input.year
      ? 0
      : Number(input.throughMonth.slice(0, 4)) > input.year
        ? 12
        : Number(input.throughMonth.slice(5, 7));
  const paidFen = input.providers.reduce((a, p) => a + p.spentFen, 0);
  const average = averageMonthlyPayment(paidFen, monthsElapsed) ?? divideRoundHalfUp(input.totalBudgetFen, 12);
  const monthsCovered = input.reserve ? reserveMonthsCovered(input.reserve.balanceFen, average) : null;
  return {
    region: input.region,
    year: input.year,
    throughMonth: input.throughMonth,
    monthsElapsed,
    reserve: {
      balanceFen: input.reserve?.balanceFen ?? null,
      asOf: input.reserve?.asOf ?? null,
      paidFen,
      averageMonthlyPaymentFen: average,
      monthsCovered,
      level: reserveLevel(monthsCovered, input.policy),
    },
    providers: input.providers.map((p) => {
      const execution = budgetExecution(p.spentFen, p.globalBudgetFen, monthsElapsed);
      return { ...p, ...execution, level: executionLevel(execution, input.policy) };
    }),
  };
}
