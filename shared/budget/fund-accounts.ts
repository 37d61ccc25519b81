/**
 * Fund accounts per scheme (基金收支, 职工 and 城乡居民 kept apart): each scheme of a pooling region
 * keeps its own fund, so its income, payments, reserve and warnings are its own.
 *
 *   income            contributions booked to the scheme's fund, by month paid: residents' from
 *                     enrolment (individual, government subsidy, medical-assistance subsidy), employees'
 *                     employer part (单位缴费); an employee's individual part goes to the personal
 *                     account (个人账户) and is shown beside, not as fund income
 *   payments by layer what settled claims paid, by layer (basic, catastrophic, subsidy, assistance…),
 *                     by the claim's accounting month; reversals taken back. The scheme's fund pays
 *                     the basic and catastrophic layers (SCHEME_FUND_LAYERS); the others are paid by
 *                     other funds (civil-servant subsidy, medical assistance…) and are reported apart
 *   reserve           opening reserve (the budget's, for the scheme) + income − the fund's payments
 *   months of payment reserve ÷ the average monthly payment of the months elapsed (累计结余可支付月数)
 *   budget vs execution  the fund's payments against the scheme's budget and the calendar's pace
 *
 * Warnings per scheme use the region's lines (year-end policy `warnings`). Pure: months in, account out.
 */
import { divideRoundHalfUp, type Fen } from '../money/fen.ts';
import type { SettlementPolicy } from './policy.ts';
import { budgetExecution, executionLevel, reserveLevel, reserveMonthsCovered, type Execution, type Level } from './warnings.ts';

export const SCHEMES = ['employee', 'resident'] as const;
export type Scheme = (typeof SCHEMES)[number];

/** The layers a scheme's own fund pays; every other layer is paid by another fund. */
export const SCHEME_FUND_LAYERS: readonly string[] = ['basic', 'catastrophic'];

export const INCOME_SOURCES = ['individualFen', 'employerFen', 'governmentFen', 'assistanceFen'] as const;
export type IncomeSource = (typeof INCOME_SOURCES)[number];

/** One scheme's month (the projection's item). */
export interface FundMonth {
  month: string;
  income: Record<IncomeSource, Fen>;
  /** Employees' individual parts credited to personal accounts (not fund income). */
  personalAccountFen: Fen;
  contributions: number;
  claims: number;
  paidByLayer: Record<string, Fen>;
}

export const emptyFundMonth = (month: string): FundMonth => ({
  month,
  income: { individualFen: 0, employerFen: 0, governmentFen: 0, assistanceFen: 0 },
  personalAccountFen: 0,
  contributions: 0,
  claims: 0,
  paidByLayer: {},
});

export interface SchemeBudget {
  /** The scheme fund's payment budget for the year (基金支出预算). */
  budgetFen: Fen;
  /** Its accumulated reserve at the start (累计结余) and when it was counted. */
  reserve?: { balanceFen: Fen; asOf: string };
}

export interface SchemeAccount {
  scheme: Scheme;
  throughMonth: string;
  monthsElapsed: number;
  income: Record<IncomeSource, Fen> & { totalFen: Fen };
  personalAccountFen: Fen;
  contributions: number;
  claims: number;
  paidByLayer: Record<string, Fen>;
  /** What the scheme's fund paid (its layers), and what other funds paid on its members' claims. */
  fundPaidFen: Fen;
  otherFundsPaidFen: Fen;
  /** income − the fund's payments. */
  surplusFen: Fen;
  reserve: {
    openingFen: Fen | null;
    asOf: string | null;
    balanceFen: Fen | null;
    averageMonthlyPaymentFen: Fen | null;
    /** Hundredths of a month. */
    monthsCovered: number | null;
    level: Level;
  };
  budget: ({ budgetFen: Fen } & Execution & { level: Level }) | null;
  months: (FundMonth & { incomeFen: Fen; fundPaidFen: Fen })[];
}

const monthsElapsedIn = (year: number, throughMonth: string): number => {
  const y = Number(throughMonth.slice(0, 4));
  return y < year ? 0 : y > year ? 12 : Number(throughMonth.slice(5, 7));
};

export function schemeAccount(input: {
  scheme: Scheme;
  year: number;
  throughMonth: string;
  months: readonly FundMonth[];
  budget: SchemeBudget | undefined;
  policy: SettlementPolicy;
}): SchemeAccount {
  const months = input.months
    .filter((m) => m.month.startsWith(`${input.year}-`) && m.month <= input.throughMonth)
    .sort((a, b) => a.month.localeCompare(b.month))
    .map((m) => ({
      ...m,
      incomeFen: INCOME_SOURCES.reduce((a, s) => a + m.income[s], 0),
      fundPaidFen: SCHEME_FUND_LAYERS.reduce((a, l) => a + (m.paidByLayer[l] ?? 0), 0),
    }));
  const income = { individualFen: 0, employerFen: 0, governmentFen: 0, assistanceFen: 0, totalFen: 0 };
  const paidByLayer: Record<string, Fen> = {};
  let personalAccountFen = 0;
  let contributions = 0;
  let claims = 0;
  for (const m of months) {
    for (const s of INCOME_SOURCES) income[s] += m.income[s];
    income.totalFen += m.incomeFen;
    for (const [layer, fen] of Object.entries(m.paidByLayer)) paidByLayer[layer] = (paidByLayer[layer] ?? 0) + fen;
    personalAccountFen += m.personalAccountFen;
    contributions += m.contributions;
    claims += m.claims;
  }
  const fundPaidFen = months.reduce((a, m) => a + m.fundPaidFen, 0);
  const allPaidFen = Object.values(paidByLayer).reduce((a, f) => a + f, 0);
  const monthsElapsed = monthsElapsedIn(input.year, input.throughMonth);
  // Before any month has elapsed, the budget's own monthly figure stands in (as the region's warning does).
  const average =
    monthsElapsed > 0 ? divideRoundHalfUp(fundPaidFen, monthsElapsed) : input.budget ? divideRoundHalfUp(input.budget.budgetFen, 12) : null;
  const opening = input.budget?.reserve;
  const balanceFen = opening ? opening.balanceFen + income.totalFen - fundPaidFen : null;
  const monthsCovered = balanceFen !== null && average !== null ? reserveMonthsCovered(Math.max(0, balanceFen), average) : null;
  const execution = input.budget ? budgetExecution(fundPaidFen, input.budget.budgetFen, monthsElapsed) : null;
  return {
    scheme: input.scheme,
    throughMonth: input.throughMonth,
    monthsElapsed,
    income,
    personalAccountFen,
    contributions,
    claims,
    paidByLayer,
    fundPaidFen,
    otherFundsPaidFen: allPaidFen - fundPaidFen,
    surplusFen: income.totalFen - fundPaidFen,
    reserve: {
      openingFen: opening?.balanceFen ?? null,
      asOf: opening?.asOf ?? null,
      balanceFen,
      averageMonthlyPaymentFen: average,
      monthsCovered,
      // A reserve spent below zero covers no month: the most severe level.
      level: balanceFen !== null && balanceFen < 0 ? 'alert' : reserveLevel(monthsCovered, input.policy),
    },
    budget:
      input.budget && execution
        ? { budgetFen: input.budget.budgetFen, ...execution, level: executionLevel(execution, input.policy) }
        : null,
    months,
  };
}

/** The layer names a projection may store (what settlement names, letters only). */
export const isLayerName = (name: string): boolean => /^[a-zA-Z]{1,40}$/.test(name);
