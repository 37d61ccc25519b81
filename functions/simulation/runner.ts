/**
 * The runner: one message is a group of member partitions of a run. It reads the request, the
 * policy versions (benefits of the year for each scheme, the region's DRG versions), the group's
 * settled claims once into the compact form, replays them both ways (worker threads where it runs
 * from source), stores the group's partial and counts it done in one transaction; whoever completes
 * the last group merges every partial into the report. Reads the claims, policies and the budget;
 * writes only its own run. A run that fails is marked failed (POST it again to start it again).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { getBudget } from '../../shared/budget/store/budget.ts';
import { benefitsKind } from '../../shared/policy/benefits.ts';
import { dipKind } from '../../shared/policy/dip.ts';
import { drgKind } from '../../shared/policy/drg.ts';
import { yearEndKind } from '../../shared/policy/year-end.ts';
import type { PolicyKind, PolicyVersion } from '../../shared/policy/registry.ts';
import { policies } from '../../shared/policy/store/registry.ts';
import { emptyPartial, mergePartial, type Partial } from '../../shared/simulation/aggregate.ts';
import { compileBook, type BookSpec, type RawVersion } from '../../shared/simulation/book.ts';
import { encodePartition } from '../../shared/simulation/compact.ts';
import { partitionOf } from '../../shared/simulation/partition.ts';
import { DEFAULT_ASSUMPTIONS } from '../../shared/simulation/projection.ts';
import { buildReport, reportSummary, type ReportContext } from '../../shared/simulation/report.ts';
import type { SimulationRequest } from '../../shared/simulation/request.ts';
import { CompactYearBuilder, readPartitions, type ReadCounts } from '../../shared/simulation/store/claims.ts';
import {
  completeGroup,
  failRun,
  finishRun,
  getRequest,
  getRun,
  markRunning,
  readParts,
  recordProgress,
  type RunRecord,
} from '../../shared/simulation/store/runs.ts';
import { replayPartitions } from '../../shared/simulation/threads/pool.ts';
import type { RunMessage } from './start.ts';

const SCHEMES = ['employee', 'resident'] as const;
/** How often a running group writes its progress. */
const PROGRESS_MS = 1_000;

const rawVersions = <P>(versions: PolicyVersion<P>[]): RawVersion[] =>
  versions.map((v) => ({
    version: v.summary.version,
    effectiveFrom: v.summary.effectiveFrom,
    effectiveTo: v.summary.effectiveTo,
    raw: v.raw,
  }));

const schemesOf = (request: SimulationRequest) => (request.window.scheme ? [request.window.scheme] : [...SCHEMES]);

/** The policy book of a run: every version of the year the window reads, and the draft. */
export async function bookOf(request: SimulationRequest): Promise<BookSpec> {
  const { window } = request;
  const year = Number(window.from.slice(0, 4));
  const benefits: BookSpec['benefits'] = {};
  for (const scheme of schemesOf(request))
    benefits[scheme] = rawVersions(await policies.versions(benefitsKind as PolicyKind<unknown>, { region: window.region, scheme, year }));
  const drg = rawVersions(await policies.versions(drgKind as PolicyKind<unknown>, { region: window.region, year }));
  const dip = rawVersions(await policies.versions(dipKind as PolicyKind<unknown>, { region: window.region, year }));
  const yearEnd = rawVersions(await policies.versions(yearEndKind as PolicyKind<unknown>, { region: window.region, year }));
  return { window, benefits, drg, dip, yearEnd, draft: { kind: request.draft.kind, raw: request.draft.document } };
}

interface GroupResult {
  partial: Partial;
  counts: ReadCounts;
}

export async function runGroup(message: RunMessage, logger: Logger): Promise<void> {
  const run = await getRun(message.runId);
  if (!run || run.status === 'done' || run.status === 'failed') return;
  try {
    await markRunning(run.runId, new Date().toISOString());
    const request = await getRequest<SimulationRequest>(run.runId);
    if (!request) throw new Error(`simulation ${run.runId} has no stored request`);
    const spec = await bookOf(request);
    const builder = new CompactYearBuilder();
    const year = Number(request.window.from.slice(0, 4));
    const counts = await readPartitions(
      { region: request.window.region, year, schemes: schemesOf(request), from: request.window.from, to: request.window.to },
      message.partitions,
      builder,
    );
    const byPartition = new Map<number, number[]>(message.partitions.map((p) => [p, []]));
    builder.year.claims.forEach((c, i) => byPartition.get(partitionOf(c.unit))?.push(i));
    const encoded = [...byPartition.values()].filter((ix) => ix.length > 0).map((ix) => encodePartition(builder.year, ix));
    let last = 0;
    let writing: Promise<void> = Promise.resolve();
    const partial = await replayPartitions(encoded, spec, undefined, (p) => {
      if (Date.now() - last < PROGRESS_MS) return;
      last = Date.now();
      writing = writing.then(() => recordProgress(run.runId, message.group, p.claimsDone)).catch(() => undefined);
    });
    await writing;
    const after = await completeGroup(run.runId, message.group, { partial, counts } satisfies GroupResult, counts.read, partial.claimsRead);
    logger.info('Simulation partitions replayed', { runId: run.runId, group: message.group, claims: partial.claimsRead });
    if (after && after.groupsDone >= after.groups) await finish(after, request, spec);
  } catch (error) {
    logger.error('Simulation failed', { runId: run.runId, error: error instanceof Error ? error.message : String(error) });
    await failRun(run.runId, error instanceof Error ? error.message : String(error), new Date().toISOString());
  }
}

/** Where the report's stated figures come from: the request, else the policy and the region's budget, else the defaults. */
export async function contextOf(run: RunRecord, request: SimulationRequest, spec: BookSpec, store?: ReadCounts): Promise<ReportContext> {
  const { window, assumptions } = request;
  const year = Number(window.from.slice(0, 4));
  const budget = await getBudget(window.region, year);
  const book = compileBook(spec);
  const scheme =
    window.scheme ?? (request.draft.kind === 'benefits' ? (request.draft.document.scheme as 'employee' | 'resident') : 'resident');
  const inForce = book.benefitsInForce(scheme, window.to);
  const line =
    assumptions.catastrophicLine !== undefined
      ? { lineFen: assumptions.catastrophicLine, source: 'stated in the request' }
      : inForce?.catastrophic
        ? {
            lineFen: inForce.catastrophic.deductible,
            source: `the ${scheme} policy in force (${inForce.id} v${inForce.version}): its 大病保险 deductible (起付线), set at most at 50% of per-capita disposable income (国办发〔2015〕57号)`,
          }
        : { lineFen: DEFAULT_ASSUMPTIONS.catastrophicLineFen, source: 'the stated default (no catastrophic layer in the policy in force)' };
  const reserve =
    assumptions.openingReserve !== undefined
      ? { fen: assumptions.openingReserve, source: 'stated in the request' }
      : budget?.reserve
        ? { fen: budget.reserve.balanceFen, source: `the ${year} budget v${budget.version} (累计结余 as of ${budget.reserve.asOf})` }
        : { fen: null, source: 'none stated and no budget reserve: months of reserve cannot be projected' };
  const drgPool =
    assumptions.drgBudget !== undefined
      ? { yearFen: assumptions.drgBudget, source: 'stated in the request (for the window)', prorate: false }
      : budget
        ? { yearFen: budget.drgBudgetFen, source: `the ${year} budget v${budget.version} DRG pool`, prorate: true }
        : null;
  // The year-end terms: the draft's where it is one, else the version in force on both sides.
  const yearEndInForce = book.yearEndInForce;
  const yearEndDraft = book.yearEndDraft ?? yearEndInForce;
  const yearEnd =
    yearEndInForce && yearEndDraft
      ? {
          inForce: yearEndInForce,
          draft: yearEndDraft,
          globalBudgets: Object.fromEntries((budget?.providers ?? []).map((p) => [p.providerCode, p.globalBudgetFen])),
          globalBudgetSource: budget
            ? `the ${year} budget v${budget.version} global budget lines (总额预算)`
            : 'no budget for the region-year: no global budget lines',
        }
      : null;
  return {
    runId: run.runId,
    draft: run.draft,
    window,
    top: request.top,
    catastrophicLine: line,
    drgPool,
    yearEnd,
    ...(store ? { store } : {}),
    projection: {
      openingReserveFen: reserve.fen,
      reserveSource: reserve.source,
      annualIncomeFen: assumptions.annualIncome ?? null,
      contributionGrowthBp: assumptions.contributionGrowth ?? DEFAULT_ASSUMPTIONS.contributionGrowthBp,
      costTrendBp: assumptions.costTrend ?? DEFAULT_ASSUMPTIONS.costTrendBp,
      enrolmentChangeBp: assumptions.enrolmentChange ?? DEFAULT_ASSUMPTIONS.enrolmentChangeBp,
    },
  };
}

async function finish(run: RunRecord, request: SimulationRequest, spec: BookSpec): Promise<void> {
  const parts = await readParts<GroupResult>(run.runId);
  const partial = emptyPartial();
  const counts: Required<ReadCounts> = { read: 0, reversed: 0, withoutInputs: 0, withoutInputsInWindow: 0, withoutInputsFundFen: 0 };
  for (const part of parts) {
    mergePartial(partial, part.partial);
    counts.read += part.counts.read;
    counts.reversed += part.counts.reversed;
    counts.withoutInputs += part.counts.withoutInputs;
    counts.withoutInputsInWindow += part.counts.withoutInputsInWindow ?? 0;
    counts.withoutInputsFundFen += part.counts.withoutInputsFundFen ?? 0;
  }
  const report = buildReport(partial, await contextOf(run, request, spec, counts));
  await finishRun(run.runId, report, reportSummary(report), new Date().toISOString());
}
