/**
 * Fund early warning for a region through a month: the reserve's months of payment and each
 * provider's budget execution (shared/budget/warnings.ts), read from the budget and the monthly
 * totals. The monthly run evaluates the month before the one it advances, records each subject's
 * level and raises FundWarningRaised where a level rose; the report route shows the same figures.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { FundWarningRaised } from '../../events/budget.ts';
import { deliverAfterCommit, outboxEntry } from '../../shared/events/outbox.ts';
import { policies } from '../../shared/policy/store/registry.ts';
import { yearEndKind } from '../../shared/policy/year-end.ts';
import { crossed, fundStatus, type FundStatus, type Level } from '../../shared/budget/warnings.ts';
import type { Budget } from '../../shared/budget/budget.ts';
import type { SettlementPolicy } from '../../shared/budget/policy.ts';
import { getBudget } from '../../shared/budget/store/budget.ts';
import { mapLimit } from '../../shared/budget/store/db.ts';
import { monthsOfYear } from '../../shared/budget/store/facts.ts';
import { getLevel, recordLevel, warningEventKey } from '../../shared/budget/store/warnings.ts';
import { SCHEMES, schemeAccount, type Scheme, type SchemeAccount } from '../../shared/budget/fund-accounts.ts';
import { fundMonths } from '../../shared/budget/store/fund-accounts.ts';

/** The fund's state through a month, or undefined when the region has no budget or policy that year. */
export async function loadFundStatus(
  region: string,
  throughMonth: string,
): Promise<{ status: FundStatus; budget: Budget; policy: SettlementPolicy } | undefined> {
  const year = Number(throughMonth.slice(0, 4));
  const [budget, policy] = await Promise.all([getBudget(region, year), policies.forYear(yearEndKind, region, year)]);
  if (!budget || !policy) return undefined;
  const providers = await mapLimit(budget.providers, 16, async (p) => {
    const months = await monthsOfYear(p.providerCode, year);
    const spentFen = months.filter((m) => m.month <= throughMonth).reduce((a, m) => a + m.fundPaidFen, 0);
    return { providerCode: p.providerCode, globalBudgetFen: p.globalBudgetFen, spentFen };
  });
  const status = fundStatus({ region, year, throughMonth, policy, totalBudgetFen: budget.totalFen, reserve: budget.reserve, providers });
  return { status, budget, policy };
}

interface Subject {
  kind: 'reserve-months' | 'budget-execution';
  subject: string;
  providerCode?: string;
  scheme?: Scheme;
  level: Level;
  value: number;
  threshold: number;
  message: string;
}

/** Each scheme's fund account through a month: the schemes the budget sets apart, and any with facts. */
export async function loadFundAccounts(
  region: string,
  throughMonth: string,
  budget: Budget,
  policy: SettlementPolicy,
): Promise<SchemeAccount[]> {
  const year = Number(throughMonth.slice(0, 4));
  const accounts = await Promise.all(
    SCHEMES.map(async (scheme) => {
      const months = await fundMonths(region, scheme, year);
      const schemeBudget = budget.schemes?.[scheme];
      if (!schemeBudget && months.length === 0) return undefined;
      return schemeAccount({ scheme, year, throughMonth, months, budget: schemeBudget, policy });
    }),
  );
  return accounts.filter((a): a is SchemeAccount => a !== undefined);
}

/** Warnings per scheme: its reserve's months of payment, and its fund's payments against its budget's pace. */
function schemeSubjects(accounts: readonly SchemeAccount[], policy: SettlementPolicy): Subject[] {
  const out: Subject[] = [];
  for (const a of accounts) {
    const name = a.scheme === 'employee' ? 'employees' : 'residents';
    if (a.reserve.balanceFen !== null) {
      const line = a.reserve.level === 'alert' ? policy.warnings.reserveMonths.alertBelow : policy.warnings.reserveMonths.watchBelow;
      out.push({
        kind: 'reserve-months',
        subject: `scheme:${a.scheme}`,
        scheme: a.scheme,
        level: a.reserve.level,
        value: a.reserve.monthsCovered ?? 0,
        threshold: line,
        message: `the ${name}' fund reserve covers ${((a.reserve.monthsCovered ?? 0) / 100).toFixed(2)} months of payment (line: ${(line / 100).toFixed(2)})`,
      });
    }
    if (a.budget) {
      const line = a.budget.level === 'alert' ? policy.warnings.budgetExecution.alertAt : policy.warnings.budgetExecution.watchAt;
      out.push({
        kind: 'budget-execution',
        subject: `scheme:${a.scheme}`,
        scheme: a.scheme,
        level: a.budget.level,
        value: a.budget.ofPace ?? 0,
        threshold: line,
        message: `the ${name}' fund has paid ${((a.budget.ofPace ?? 0) / 100).toFixed(2)}% of its budget's pace through ${a.throughMonth} (line: ${(line / 100).toFixed(2)}%)`,
      });
    }
  }
  return out;
}

function subjects(status: FundStatus, policy: SettlementPolicy): Subject[] {
  const r = status.reserve;
  const reserveLine = r.level === 'alert' ? policy.warnings.reserveMonths.alertBelow : policy.warnings.reserveMonths.watchBelow;
  const out: Subject[] = [
    {
      kind: 'reserve-months',
      subject: 'region',
      level: r.level,
      value: r.monthsCovered ?? 0,
      threshold: reserveLine,
      message: `the reserve covers ${((r.monthsCovered ?? 0) / 100).toFixed(2)} months of payment (line: ${(reserveLine / 100).toFixed(2)})`,
    },
  ];
  for (const p of status.providers) {
    const line = p.level === 'alert' ? policy.warnings.budgetExecution.alertAt : policy.warnings.budgetExecution.watchAt;
    out.push({
      kind: 'budget-execution',
      subject: p.providerCode,
      providerCode: p.providerCode,
      level: p.level,
      value: p.ofPace ?? 0,
      threshold: line,
      message: `${p.providerCode} has spent ${((p.ofPace ?? 0) / 100).toFixed(2)}% of its budget's pace through ${status.throughMonth} (line: ${(line / 100).toFixed(2)}%)`,
    });
  }
  return out;
}

export async function evaluateWarnings(
  region: string,
  throughMonth: string,
  correlationId: string,
  logger: Logger,
): Promise<{ raised: number; evaluated: boolean }> {
  const loaded = await loadFundStatus(region, throughMonth);
  if (!loaded) return { raised: 0, evaluated: false };
  const { status, policy, budget } = loaded;
  const accounts = await loadFundAccounts(region, throughMonth, budget, policy);
  const now = new Date().toISOString();
  let raised = 0;
  const warn = (message: string, extra: Record<string, unknown>) => logger.warn(message, extra);
  await mapLimit([...subjects(status, policy), ...schemeSubjects(accounts, policy)], 16, async (s) => {
    const previous = await getLevel(region, status.year, s.kind, s.subject);
    const previousLevel = previous?.level ?? 'none';
    if (s.level === previousLevel) return;
    const next = { level: s.level, throughMonth: status.throughMonth, value: s.value, threshold: s.threshold, previousLevel };
    // A rise is announced: its event is recorded with the level, in one transaction (the outbox).
    const event =
      crossed(previousLevel, s.level) && s.level !== 'none'
        ? outboxEntry(
            FundWarningRaised,
            {
              region,
              year: status.year,
              throughMonth: next.throughMonth,
              kind: s.kind,
              ...(s.providerCode ? { providerCode: s.providerCode } : {}),
              ...(s.scheme ? { scheme: s.scheme } : {}),
              level: s.level,
              previousLevel,
              value: next.value,
              threshold: next.threshold,
              message: s.message,
            },
            correlationId,
            warningEventKey(region, status.year, s.kind, s.subject, now),
            now,
          )
        : undefined;
    if (!(await recordLevel(region, status.year, s.kind, s.subject, previous, next, now, event))) return; // another evaluation recorded it
    if (!event) return;
    await deliverAfterCommit([event], warn);
    raised++;
    logger.info('Fund warning raised', { region, kind: s.kind, subject: s.subject, level: s.level });
  });
  return { raised, evaluated: true };
}
