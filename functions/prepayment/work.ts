/**
 * One provider's line of a prepayment run version (a prepaymentWork message): compute the advance
 * under the provider's agreement, subtract what earlier versions issued for the month, write the
 * line, its ledger entry and its PrepaymentIssued event (outbox) in one transaction, deliver the
 * event, and complete the version if this was its last line. A redelivered message finds its line
 * and only finishes what the first attempt left undone (its event, if it still waits; completion).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { PrepaymentIssued } from '../../events/budget.ts';
import { deliverAfterCommit, deliverWaiting, outboxEntry, type OutboxEntry } from '../../shared/events/outbox.ts';
import { PoisonMessageError } from '../../shared/queue/consumer.ts';
import { agreementOf, type Budget } from '../../shared/budget/budget.ts';
import { policies } from '../../shared/policy/store/registry.ts';
import { yearEndKind } from '../../shared/policy/year-end.ts';
import { monthlyAdvance, monthOf, previousMonth, supersede, yearOf } from '../../shared/budget/prepayment.ts';
import { getBudget } from '../../shared/budget/store/budget.ts';
import { monthTotals } from '../../shared/budget/store/facts.ts';
import { getPrepaymentLine, issuedForPeriod, writePrepaymentLine, type PrepaymentLine } from '../../shared/budget/store/ledger.ts';
import { completeRun, getRunVersion } from '../../shared/budget/store/runs.ts';
import type { WorkItem } from './plan.ts';
import { pointsOf } from '../../shared/budget/facts.ts';
import { planTakes, takenFen } from '../../shared/budget/recoveries.ts';
import { owedRecoveries } from '../../shared/budget/store/recoveries.ts';
import { fenToYuan } from '../../shared/money/fen.ts';

/** Budget versions never change: a warm container keeps the ones it read. */
const budgets = new Map<string, Promise<Budget | undefined>>();
const budgetVersion = (region: string, year: number, version: number) => {
  const key = `${region}/${year}/${version}`;
  let budget = budgets.get(key);
  if (!budget) {
    budget = getBudget(region, year, version);
    budgets.set(key, budget);
    void budget.catch(() => budgets.delete(key));
  }
  return budget;
};

/** The fact PrepaymentIssued reports, and so its event id and outbox key: one provider's line of one run version. */
export const lineEventKey = (line: Pick<PrepaymentLine, 'region' | 'period' | 'version' | 'providerCode'>) =>
  `prepayment/${line.region}/${line.period}/${line.version}/${line.providerCode}/PrepaymentIssued`;

export function lineEvent(line: PrepaymentLine, correlationId: string): OutboxEntry {
  return outboxEntry(
    PrepaymentIssued,
    {
      runId: line.runId,
      region: line.region,
      period: line.period,
      version: line.version,
      providerCode: line.providerCode,
      agreement: line.agreement,
      amountFen: line.amountFen,
      issuedBeforeFen: line.issuedBeforeFen,
      differenceFen: line.differenceFen,
      ...(line.recoveredFen ? { recoveredFen: line.recoveredFen } : {}),
    },
    correlationId,
    lineEventKey(line),
    line.writtenAt,
  );
}

const warnOn = (logger: Logger) => (message: string, extra: Record<string, unknown>) => logger.warn(message, extra);

export async function issueLine(item: WorkItem, logger: Logger): Promise<void> {
  const { region, period, version, providerCode } = item;
  const finish = () => completeRun('prepayment', region, period, version, new Date().toISOString(), { whenAllDone: true });

  const existing = await getPrepaymentLine(providerCode, period, version);
  if (existing) {
    await deliverWaiting([lineEventKey(existing)], warnOn(logger));
    await finish();
    logger.info('Prepayment line already written', { providerCode, version });
    return;
  }

  const run = await getRunVersion('prepayment', region, period, version);
  if (!run) throw new PoisonMessageError(`No run ${item.runId} version ${version}`);
  const year = yearOf(period);
  const budget = await budgetVersion(region, year, run.budgetVersion);
  const policy = await policies.forYear(yearEndKind, region, year);
  if (!budget || !policy)
    throw new PoisonMessageError(`Run ${item.runId} v${version}: budget v${run.budgetVersion} or the settlement policy is missing`);

  const budgetLine = budget.providers.find((p) => p.providerCode === providerCode);
  const agreement = agreementOf(budgetLine, policy);
  const lastMonthCentipoints =
    agreement.kind === 'last-month-points'
      ? pointsOf(await monthTotals(providerCode, previousMonth(period)), policy.yearEnd.payBy).centipoints
      : 0;
  const advance = budgetLine
    ? monthlyAdvance(agreement, { globalBudgetFen: budgetLine.globalBudgetFen, month: monthOf(period), lastMonthCentipoints })
    : { amountFen: 0, workings: [`not in budget version ${budget.version}: nothing advanced, earlier advances for the month recovered`] };
  const amounts = supersede(advance.amountFen, await issuedForPeriod(providerCode, period));
  // Confirmed recoveries the provider owes are taken from what this line advances, as far as it goes.
  const recoveries = amounts.differenceFen > 0 ? planTakes(await owedRecoveries(providerCode), amounts.differenceFen) : [];
  const recoveredFen = takenFen(recoveries);

  const line: PrepaymentLine = {
    runId: run.runId,
    region,
    period,
    version,
    providerCode,
    agreement: { name: agreement.name, kind: agreement.kind },
    ...amounts,
    workings: recoveredFen
      ? [...advance.workings, `recoveries taken: ${recoveries.map((r) => `${r.alertId} ${fenToYuan(r.amountFen)}`).join(', ')} yuan`]
      : advance.workings,
    ...(recoveries.length ? { recoveries, recoveredFen } : {}),
    writtenAt: new Date().toISOString(),
  };
  const event = lineEvent(line, item.correlationId);
  const written = await writePrepaymentLine(line, event);
  if (written === 'already-written') {
    // Another delivery of this message wrote it between our read and our write: it delivers.
    logger.info('Prepayment line written meanwhile by another delivery', { providerCode, version });
    return;
  }
  logger.info('Prepayment line written', { providerCode, version, amountFen: line.amountFen, differenceFen: line.differenceFen });
  await deliverAfterCommit([event], warnOn(logger));
  await finish();
}
