/**
 * A region's year-end settlement run: load the year's totals (one totals item and one ledger balance
 * per provider, batch-read; the spending of each community; never the individual cases), settle them
 * (shared/budget/year-end.ts), store a report and a ledger entry per provider and a report per
 * community, complete the version with its YearEndSettled event (outbox) in one transaction, and
 * deliver the event.
 *
 * Idempotent and versioned like the prepayment: running a settled year again changes nothing; a
 * superseding run (a correction: a late assessment, a changed budget) is a new version whose ledger
 * entries move only the difference from what earlier versions settled. A version that stopped half
 * way (a timeout) is resumed by running it again: reports already written stand, the rest follow.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { YearEndSettled } from '../../events/budget.ts';
import { deliverAfterCommit, deliverWaiting, outboxEntry, type OutboxEntry } from '../../shared/events/outbox.ts';
import { Refusal } from '../../shared/refusal/refusal.ts';
import { CapitationRefusal, type CommunityYear } from '../../shared/budget/capitation.ts';
import type { Budget } from '../../shared/budget/budget.ts';
import { policies } from '../../shared/policy/store/registry.ts';
import { yearEndKind } from '../../shared/policy/year-end.ts';
import { settleYear, type ProviderYear, type YearEndResult } from '../../shared/budget/year-end.ts';
import { getBudget } from '../../shared/budget/store/budget.ts';
import { mapLimit } from '../../shared/budget/store/db.ts';
import { communitySpent, yearTotals } from '../../shared/budget/store/facts.ts';
import { bedDayPointsOf, pointsOf } from '../../shared/budget/facts.ts';
import { planTakes, takenFen } from '../../shared/budget/recoveries.ts';
import { owedRecoveries, owedTotals } from '../../shared/budget/store/recoveries.ts';
import type { PaymentMethod } from '../../shared/budget/policy.ts';
import { runId } from '../../shared/budget/store/keys.ts';
import { getAssessment, getCommunity, providersOfRegion } from '../../shared/budget/store/register.ts';
import { balances } from '../../shared/budget/store/ledger.ts';
import { contractedMembers } from '../../shared/budget/store/capitated-population.ts';
import { weightsByContracts } from '../../shared/budget/capitated-population.ts';
import { completeRun, createRunVersion, getRunVersion, type RunVersion } from '../../shared/budget/store/runs.ts';
import { writeYearEndCommunity, writeYearEndProviders } from '../../shared/budget/store/year-end.ts';

/** A year that cannot be settled (no budget, policy or assessment; started by someone else): the one refusal type. */
export class YearEndRefusal extends Refusal {
  constructor(status: 404 | 409, message: string, details: unknown = {}) {
    super(status, message, details);
    this.name = 'YearEndRefusal';
  }
}

export interface YearEndRequest {
  region: string;
  year: number;
  supersede: boolean;
  reason: string | null;
  requestedBy: string;
  correlationId: string;
}

export interface YearEndOutcome {
  outcome: 'settled' | 'existing' | 'resumed';
  run: RunVersion;
}

/** The run's figures kept on its version item and carried by YearEndSettled. */
export interface YearEndSummary {
  policy: YearEndResult['policy'];
  /** How the region-year paid its stays (absent on runs before it was kept: drg). */
  payBy?: YearEndResult['payBy'];
  pointValue: YearEndResult['pointValue'];
  totals: YearEndResult['totals'];
  communities: number;
}

const PARALLEL = 16;

/** Everything the settlement reads, for the version `version` (earlier versions' year-end entries are "settled before"). */
export async function loadYear(
  region: string,
  year: number,
  budget: Budget,
  version: number,
  payBy: PaymentMethod = 'drg',
): Promise<{ providers: ProviderYear[]; communities: CommunityYear[] }> {
  const codes = new Set([...(await providersOfRegion(region)).map((p) => p.providerCode), ...budget.providers.map((p) => p.providerCode)]);
  const communities = await mapLimit(budget.healthCommunities, PARALLEL, async (c): Promise<CommunityYear> => {
    const [profile, spentFen, assessment] = await Promise.all([
      getCommunity(c.communityId),
      communitySpent(c.communityId, year),
      getAssessment(c.communityId, year),
    ]);
    if (!profile)
      throw new Error(`budget ${region}/${year} v${budget.version} names health community ${c.communityId}, which is not registered`);
    for (const m of profile.members) codes.add(m.providerCode);
    // Per-capita weights: the members contracted with each provider that year (家庭医生签约), where the community asks for them.
    const members =
      profile.weightBy === 'family-doctor-contracts'
        ? weightsByContracts(
            profile.members,
            await contractedMembers(
              profile.members.map((m) => m.providerCode),
              year,
            ),
          )
        : profile.members;
    return {
      communityId: c.communityId,
      name: profile.name,
      members,
      // The count fixed when the budget was set (typed in, or the approvals register's then).
      capitatedMembers: budget.communities.find((x) => x.communityId === c.communityId)?.capitatedMembers ?? c.capitatedMembers ?? 0,
      spentFen,
      assessment,
    };
  });
  const sorted = [...codes].sort();
  const [totals, ledger, owed] = await Promise.all([yearTotals(sorted, year), balances(sorted, year), owedTotals(sorted)]);
  // Confirmed recoveries not yet taken from a prepayment are taken now, whole (only those who owe are read).
  const takes = new Map(
    await mapLimit(
      sorted.filter((c) => (owed.get(c) ?? 0) > 0),
      PARALLEL,
      async (c) => [c, planTakes(await owedRecoveries(c), null)] as const,
    ),
  );
  const before = (byVersion: Map<number, number>) => [...byVersion].filter(([v]) => v < version).reduce((a, [, fen]) => a + fen, 0);
  const providers = sorted.map((providerCode): ProviderYear => {
    const t = totals.get(providerCode)!;
    const b = ledger.get(providerCode)!;
    // Only the paying method's points pay; every other stay is paid by items.
    const points = pointsOf(t, payBy);
    return {
      providerCode,
      centipoints: points.centipoints,
      cases: points.cases,
      fundPaidFen: t.fundPaidFen,
      pointedFundPaidFen: points.pointedFundPaidFen,
      stays: t.stays,
      pointedStays: points.pointedStays,
      bedDayCentipoints: bedDayPointsOf(t, payBy),
      globalBudgetFen: budget.providers.find((p) => p.providerCode === providerCode)?.globalBudgetFen ?? null,
      prepaidFen: b.prepaidFen,
      settledBeforeFen: before(b.yearEndByVersion),
      recoveryTakes: takes.get(providerCode) ?? [],
      recoveriesDueFen: takenFen(takes.get(providerCode) ?? []),
      recoveredAtYearEndBeforeFen: before(b.recoveryByVersion),
      recoveredFromPrepaymentsFen: b.recoveredFromPrepaymentsFen,
    };
  });
  return { providers, communities };
}

async function settle(region: string, year: number, budget: Budget, version: number): Promise<YearEndResult> {
  const policy = await policies.forYear(yearEndKind, region, year);
  if (!policy) throw new YearEndRefusal(409, `No settlement policy for region ${region} in ${year}`);
  const { providers, communities } = await loadYear(region, year, budget, version, policy.yearEnd.payBy);
  try {
    return settleYear({ region, year, policy, drgBudgetFen: budget.drgBudgetFen, providers, communities });
  } catch (error) {
    if (error instanceof CapitationRefusal) {
      throw new YearEndRefusal(409, error.message, {
        communityId: error.communityId,
        fix: `PUT /v1/health-communities/${error.communityId}/assessments/${year}`,
      });
    }
    throw error;
  }
}

async function store(run: RunVersion, result: YearEndResult, correlationId: string, logger: Logger): Promise<RunVersion> {
  const { region, version } = run;
  const year = Number(run.period);
  const now = new Date().toISOString();
  const written = await writeYearEndProviders(
    region,
    year,
    version,
    result.providers.map((p) => ({ ...p })),
    now,
  );
  await mapLimit(result.communities, PARALLEL, (c) => writeYearEndCommunity(region, year, version, { ...c }, now));
  // Stamped at the commit, not the start: the relay takes entries older than its grace period.
  const completedAt = new Date().toISOString();
  const event = yearEndEvent(run, correlationId, completedAt);
  const completed = await completeRun('year-end', region, run.period, version, completedAt, { whenAllDone: false, event });
  logger.info('Year-end reports stored', { region, year, version, ...written, providers: result.providers.length });
  const warn = warnOn(logger);
  // Completed now: deliver its event; completed by an earlier attempt: deliver its event if it still waits.
  if (completed) await deliverAfterCommit([event], warn);
  else await deliverWaiting([event.key], warn);
  return (await getRunVersion('year-end', region, run.period, version))!;
}

const warnOn = (logger: Logger) => (message: string, extra: Record<string, unknown>) => logger.warn(message, extra);

/** The fact YearEndSettled reports, and so its event id and outbox key: one completed version of a region's year-end run. */
export const yearEndEventKey = (region: string, period: string, version: number) =>
  `year-end/${region}/${period}/${version}/YearEndSettled`;

function yearEndEvent(run: RunVersion, correlationId: string, completedAt: string): OutboxEntry {
  const summary = run.summary as YearEndSummary;
  return outboxEntry(
    YearEndSettled,
    {
      runId: run.runId,
      region: run.region,
      year: Number(run.period),
      version: run.version,
      policy: summary.policy,
      budgetVersion: run.budgetVersion,
      pointValue: summary.pointValue,
      providers: summary.totals.providers,
      communities: summary.communities,
      totals: {
        drgPaymentFen: summary.totals.drgPaymentFen,
        itemPaymentFen: summary.totals.itemPaymentFen,
        capitationFen: summary.totals.capitationFen,
        entitlementFen: summary.totals.entitlementFen,
        prepaidFen: summary.totals.prepaidFen,
        toPayFen: summary.totals.toPayFen,
        toRecoverFen: summary.totals.toRecoverFen,
        ledgerFen: summary.totals.ledgerFen,
      },
    },
    correlationId,
    yearEndEventKey(run.region, run.period, run.version),
    completedAt,
  );
}

export async function runYearEnd(request: YearEndRequest, logger: Logger): Promise<YearEndOutcome> {
  const { region, year } = request;
  const period = String(year);
  const current = await getRunVersion('year-end', region, period);

  if (current && !request.supersede) {
    if (current.status === 'complete') {
      // Its YearEndSettled was committed with the completion: deliver it if it still waits.
      await deliverWaiting([yearEndEventKey(region, period, current.version)], warnOn(logger));
      return { outcome: 'existing', run: current };
    }
    const budget = await getBudget(region, year, current.budgetVersion);
    if (!budget) throw new Error(`${current.runId} v${current.version} pins budget v${current.budgetVersion}, which is missing`);
    const result = await settle(region, year, budget, current.version);
    return { outcome: 'resumed', run: await store(current, result, request.correlationId, logger) };
  }
  if (current && current.status !== 'complete') {
    throw new YearEndRefusal(
      409,
      `${current.runId} version ${current.version} is still in progress: run it again to finish it, then supersede`,
    );
  }

  const budget = await getBudget(region, year);
  if (!budget) throw new YearEndRefusal(404, `No budget for region ${region} in ${year}`);
  const version = (current?.version ?? 0) + 1;
  const result = await settle(region, year, budget, version);
  const summary: YearEndSummary = {
    policy: result.policy,
    payBy: result.payBy,
    pointValue: result.pointValue,
    totals: result.totals,
    communities: result.communities.length,
  };
  const created = await createRunVersion(
    {
      kind: 'year-end',
      region,
      period,
      expected: result.providers.length,
      budgetVersion: budget.version,
      policyVersion: result.policy.version,
      reason: request.reason,
      requestedBy: request.requestedBy,
      createdAt: new Date().toISOString(),
      summary,
    },
    current,
  );
  if (created.outcome === 'conflict')
    throw new YearEndRefusal(409, `${runId('year-end', region, period)} was started by someone else meanwhile; read it and try again`);
  logger.info('Year-end settled', {
    region,
    year,
    version,
    pointValue: result.pointValue.yuanPerPoint,
    providers: result.providers.length,
  });
  return { outcome: 'settled', run: await store(created.run, result, request.correlationId, logger) };
}
