/**
 * The simulation report (pure): the partials of every partition merged into what staff and the
 * regulator read: fund paid by layer and by each cut, in force, under the draft and the difference;
 * the out-of-pocket distribution; the most affected members (masked) and providers; the DRG point
 * value and each provider's entitlement; the projected months of reserve; a chart-ready series by
 * month. JSON here, CSV in csv.ts. Every figure is integer fen (points: centipoints).
 */
import { divideRoundHalfUp, fenToYuan, type Fen } from '../money/fen.ts';
import { drgPayments, pointValue, type PointValue } from '../budget/point-value.ts';
import { mulDivRoundHalfUp } from '../budget/arith.ts';
import type { SettlementPolicy } from '../budget/policy.ts';
import { settleYear, type ProviderYear, type YearEndResult } from '../budget/year-end.ts';
import { layerKeys, type LayerKey } from '../settlement/statement.ts';
import { emptySide, emptyTotals, type MemberRow, type Partial, type Side, type Totals } from './aggregate.ts';
import { project, type Projection, type ProjectionInput } from './projection.ts';
import type { SimulationWindow } from './request.ts';

export function differenceOf(a: Totals, b: Totals): Totals {
  const d = emptyTotals();
  d.claims = b.claims - a.claims;
  d.billedFen = b.billedFen - a.billedFen;
  d.fundPaidFen = b.fundPaidFen - a.fundPaidFen;
  d.patientPaidFen = b.patientPaidFen - a.patientPaidFen;
  d.institutionFen = b.institutionFen - a.institutionFen;
  for (const k of layerKeys) d.byLayer[k] = b.byLayer[k] - a.byLayer[k];
  return d;
}

function differenceMap(a: Record<string, Totals>, b: Record<string, Totals>): Record<string, Totals> {
  const out: Record<string, Totals> = {};
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
    out[k] = differenceOf(a[k] ?? emptyTotals(), b[k] ?? emptyTotals());
  return out;
}

export function sideDifference(a: Side, b: Side): Side {
  const d = emptySide();
  d.all = differenceOf(a.all, b.all);
  d.byScheme = differenceMap(a.byScheme, b.byScheme);
  d.byCategory = differenceMap(a.byCategory, b.byCategory);
  d.byPoverty = { poor: differenceOf(a.byPoverty.poor, b.byPoverty.poor), others: differenceOf(a.byPoverty.others, b.byPoverty.others) };
  d.byLevel = differenceMap(a.byLevel, b.byLevel);
  d.byVisitType = differenceMap(a.byVisitType, b.byVisitType);
  d.byMonth = differenceMap(a.byMonth, b.byMonth);
  return d;
}

export interface Distribution {
  members: number;
  meanFen: Fen;
  medianFen: Fen;
  p90Fen: Fen;
  aboveLine: number;
}

/** Mean (half up to the fen), median (the mean of the middle two for an even count), p90 by nearest rank. */
export function distribution(values: readonly number[], lineFen: Fen): Distribution {
  const n = values.length;
  if (n === 0) return { members: 0, meanFen: 0, medianFen: 0, p90Fen: 0, aboveLine: 0 };
  const sorted = Float64Array.from(values).sort();
  const total = values.reduce((a, b) => a + b, 0);
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? sorted[mid]! : divideRoundHalfUp(sorted[mid - 1]! + sorted[mid]!, 2);
  return {
    members: n,
    meanFen: divideRoundHalfUp(total, n),
    medianFen: median,
    p90Fen: sorted[Math.ceil(0.9 * n) - 1]!,
    aboveLine: values.filter((v) => v > lineFen).length,
  };
}

/** A member id shown in a report: enough to tell rows apart, not to identify anyone. */
export const maskMemberId = (id: string): string =>
  id.length <= 4 ? '*'.repeat(id.length) : `${id.slice(0, 2)}${'*'.repeat(id.length - 4)}${id.slice(-2)}`;

export interface DrgProviderLine {
  providerCode: string;
  level: string;
  cases: number;
  centipointsInForce: number;
  centipointsDraft: number;
  entitlementInForceFen: Fen;
  entitlementDraftFen: Fen;
  differenceFen: Fen;
}

export interface DrgSection {
  /** The pool the window's points divide, and where it came from. */
  poolFen: Fen | null;
  poolSource: string;
  cases: number;
  inForce: PointValue | null;
  draft: PointValue | null;
  providers: DrgProviderLine[];
}

export interface ReportContext {
  runId: string;
  draft: { kind: string; region: string; version: number; effectiveFrom: string; hash: string; title?: string | undefined };
  window: SimulationWindow;
  top: number;
  catastrophicLine: { lineFen: Fen; source: string };
  /** The DRG pool for the whole year, where the budget (or the request) names one. */
  drgPool: { yearFen: Fen; source: string; prorate: boolean } | null;
  /**
   * The year-end terms the region-year is settled under (in force, and the draft's when the draft is
   * year-end terms, else the same) and each provider's global budget line for the year: the report
   * settles the window's entitlements both ways with them (shared/budget/year-end.ts `settleYear`).
   */
  yearEnd?: {
    inForce: SettlementPolicy;
    draft: SettlementPolicy;
    globalBudgets: Record<string, Fen>;
    globalBudgetSource: string;
  } | null;
  /** What the claims store held for the window's year (the coverage of the replay). */
  store?: { read: number; reversed: number; withoutInputs: number; withoutInputsFundFen?: number; withoutInputsInWindow?: number };
  projection: Omit<ProjectionInput, 'windowDays' | 'yearDays' | 'pooledInForceFen' | 'pooledDraftFen'>;
}

/** One side's year-end terms as the report names them. */
export interface YearEndTerms {
  version: number;
  payBy: SettlementPolicy['yearEnd']['payBy'];
  includeItemPayments: boolean;
  globalBudget: SettlementPolicy['globalBudget'];
}

export interface YearEndFigures {
  pointsPaymentFen: Fen;
  itemPaymentFen: Fen;
  globalBudgetFen: Fen;
  entitlementFen: Fen;
}

/** The window's year-end settled both ways: point value and each provider's entitlement (no prepayment netted). */
export interface YearEndSection {
  poolFen: Fen;
  poolSource: string;
  globalBudgetSource: string;
  /** What the section leaves out, stated. */
  notSimulated: string;
  inForce: { terms: YearEndTerms; yuanPerPoint: string | null; stays: { byPoints: number; byItems: number }; totals: YearEndFigures };
  draft: { terms: YearEndTerms; yuanPerPoint: string | null; stays: { byPoints: number; byItems: number }; totals: YearEndFigures };
  difference: YearEndFigures;
  providers: {
    providerCode: string;
    level: string;
    inForce: YearEndFigures;
    draft: YearEndFigures;
    entitlementDifferenceFen: Fen;
  }[];
}

/**
 * Claims the store holds for the year that could not be settled again: settled before the engine's
 * inputs were kept beside the bill. They are left out of both sides (so every difference stays
 * exact) and shown here, with what the fund paid on them, as the share of the year the report covers.
 */
export interface Coverage {
  claimsStored: number;
  reversed: number;
  replayed: number;
  withoutInputs: number;
  withoutInputsFundFen: Fen;
  withoutInputsInWindow: number;
  /** Of the fund paid on the window's settled claims, the share the report covers, in basis points (10000: all). */
  fundCoveredBp: number;
  note: string;
}

export interface SimulationReport {
  runId: string;
  draft: ReportContext['draft'];
  window: SimulationWindow;
  claims: { read: number; inWindow: number; members: number; providers: number };
  fund: { inForce: Side; draft: Side; difference: Side };
  outOfPocket: {
    line: ReportContext['catastrophicLine'];
    inForce: Distribution;
    draft: Distribution;
    difference: { meanFen: Fen; medianFen: Fen; p90Fen: Fen; aboveLine: number };
    poor: { inForce: Distribution; draft: Distribution };
  };
  mostAffected: {
    members: (Omit<MemberRow, 'memberId'> & { member: string; patientDifferenceFen: Fen; fundDifferenceFen: Fen })[];
    providers: {
      providerCode: string;
      level: string;
      claims: number;
      fundInForceFen: Fen;
      fundDraftFen: Fen;
      fundDifferenceFen: Fen;
      patientDifferenceFen: Fen;
    }[];
  };
  /** DRG points of the window's stays under the DRG policy in force and under the draft, the pool shared by them. */
  drg: DrgSection | null;
  /** The same by the region's DIP catalogue, where it holds one for the year. */
  dip: DrgSection | null;
  projection: Projection;
  refused: Partial['refused'];
  replayCheck: Partial['replayCheck'];
  /** What the claims store held for the window's year: claims read, reversed ones left out, those settled before inputs were kept. */
  store?: { read: number; reversed: number; withoutInputs: number };
  /** The year-end settled both ways, where the region-year has year-end terms. */
  yearEnd?: YearEndSection | null;
  /** How much of the window's year the replay covers (claims without stored inputs left out of both sides). */
  coverage?: Coverage;
  /** For the console's chart: one point per settlement month, fund paid both ways and by layer. */
  series: {
    months: string[];
    fundInForceFen: Fen[];
    fundDraftFen: Fen[];
    differenceFen: Fen[];
    patientInForceFen: Fen[];
    patientDraftFen: Fen[];
    byLayerDifferenceFen: Record<LayerKey, Fen[]>;
  };
}

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
export const windowDays = (w: SimulationWindow) => dayNumber(w.to) - dayNumber(w.from) + 1;
export const yearDays = (year: number) => (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 366 : 365);

/** A points method's view of a provider row: DRG's fields, or DIP's. */
const pointsOf = (method: 'drg' | 'dip') => (p: Partial['providers'][number]) =>
  method === 'drg'
    ? { cases: p.drgCases, a: p.centipointsInForce, b: p.centipointsDraft }
    : { cases: p.dipCases, a: p.dipCentipointsInForce, b: p.dipCentipointsDraft };

/** The window's share of the year's pool (the request's, or the budget's prorated to the window). */
function poolOf(ctx: ReportContext): Fen | null {
  if (!ctx.drgPool) return null;
  const year = Number(ctx.window.from.slice(0, 4));
  return ctx.drgPool.prorate ? mulDivRoundHalfUp(ctx.drgPool.yearFen, windowDays(ctx.window), yearDays(year)) : ctx.drgPool.yearFen;
}

const termsOf = (p: SettlementPolicy): YearEndTerms => ({
  version: p.version,
  payBy: p.yearEnd.payBy,
  includeItemPayments: p.yearEnd.includeItemPayments,
  globalBudget: p.globalBudget,
});

const figuresOf = (t: { drgPaymentFen: Fen; itemPaymentFen: Fen; globalBudgetFen: Fen; entitlementFen: Fen }): YearEndFigures => ({
  pointsPaymentFen: t.drgPaymentFen,
  itemPaymentFen: t.itemPaymentFen,
  globalBudgetFen: t.globalBudgetFen,
  entitlementFen: t.entitlementFen,
});

/**
 * The year-end (年终清算) of the window, settled both ways by the one year-end engine: the pool
 * divided by the points of the method the terms pay by (DRG or DIP; none by items), each provider's
 * pooled fund paid on its other claims as item payments, its global budget settled against both
 * (its line prorated to the window), in force and under the draft. A benefits or catalogue draft
 * moves the item payments, a DRG or DIP draft the points, a year-end draft the terms themselves.
 */
export function yearEndSection(partial: Partial, ctx: ReportContext): YearEndSection | null {
  const ye = ctx.yearEnd;
  if (!ye || partial.providers.length === 0) return null;
  const year = Number(ctx.window.from.slice(0, 4));
  const days = windowDays(ctx.window);
  const prorate = days !== yearDays(year);
  const pool = poolOf(ctx) ?? 0;
  const rows = [...partial.providers].sort((a, b) => (a.providerCode < b.providerCode ? -1 : 1));
  const settle = (policy: SettlementPolicy, draft: boolean): YearEndResult => {
    const method = policy.yearEnd.payBy;
    const providers: ProviderYear[] = rows.map((r) => {
      const budget = ye.globalBudgets[r.providerCode];
      return {
        providerCode: r.providerCode,
        centipoints:
          method === 'drg'
            ? draft
              ? r.centipointsDraft
              : r.centipointsInForce
            : method === 'dip'
              ? draft
                ? r.dipCentipointsDraft
                : r.dipCentipointsInForce
              : 0,
        cases: method === 'drg' ? r.drgCases : method === 'dip' ? r.dipCases : 0,
        fundPaidFen: (draft ? r.basicDraftFen : r.basicInForceFen) ?? 0,
        pointedFundPaidFen:
          (method === 'drg'
            ? draft
              ? r.drgStayBasicDraftFen
              : r.drgStayBasicInForceFen
            : method === 'dip'
              ? draft
                ? r.dipStayBasicDraftFen
                : r.dipStayBasicInForceFen
              : 0) ?? 0,
        stays: r.stays ?? 0,
        pointedStays: method === 'drg' ? r.drgCases : method === 'dip' ? r.dipCases : 0,
        globalBudgetFen: budget === undefined ? null : prorate ? mulDivRoundHalfUp(budget, days, yearDays(year)) : budget,
        prepaidFen: 0,
        settledBeforeFen: 0,
      };
    });
    return settleYear({ region: ctx.window.region, year, policy, drgBudgetFen: pool, providers, communities: [] });
  };
  const a = settle(ye.inForce, false);
  const b = settle(ye.draft, true);
  const fa = figuresOf(a.totals);
  const fb = figuresOf(b.totals);
  const minus = (x: YearEndFigures, y: YearEndFigures): YearEndFigures => ({
    pointsPaymentFen: x.pointsPaymentFen - y.pointsPaymentFen,
    itemPaymentFen: x.itemPaymentFen - y.itemPaymentFen,
    globalBudgetFen: x.globalBudgetFen - y.globalBudgetFen,
    entitlementFen: x.entitlementFen - y.entitlementFen,
  });
  const levelOf = new Map(rows.map((r) => [r.providerCode, r.level]));
  const bByCode = new Map(b.providers.map((p) => [p.providerCode, p]));
  return {
    poolFen: pool,
    poolSource: ctx.drgPool
      ? `${ctx.drgPool.source}${ctx.drgPool.prorate ? ` × ${days} ÷ ${yearDays(year)} days of the window` : ''}`
      : 'no points budget for the region-year and none stated: points pay nothing',
    globalBudgetSource: ye.globalBudgetSource + (prorate ? `, each line × ${days} ÷ ${yearDays(year)} days of the window` : ''),
    notSimulated:
      "prepayments and recoveries (they net what is paid, not what is earned) and the health communities' capitation (it settles the capitated members' spending against its standard, which no draft here changes) are left out; points are the window's stays'",
    inForce: {
      terms: termsOf(ye.inForce),
      yuanPerPoint: a.pointValue.yuanPerPoint,
      stays: { byPoints: a.totals.staysByPoints, byItems: a.totals.staysByItems },
      totals: fa,
    },
    draft: {
      terms: termsOf(ye.draft),
      yuanPerPoint: b.pointValue.yuanPerPoint,
      stays: { byPoints: b.totals.staysByPoints, byItems: b.totals.staysByItems },
      totals: fb,
    },
    difference: minus(fb, fa),
    providers: a.providers.map((p) => {
      const q = bByCode.get(p.providerCode)!;
      return {
        providerCode: p.providerCode,
        level: levelOf.get(p.providerCode) ?? '',
        inForce: figuresOf(p),
        draft: figuresOf(q),
        entitlementDifferenceFen: q.entitlementFen - p.entitlementFen,
      };
    }),
  };
}

/** The replay's coverage of the year: what was replayed, and what the store held that could not be. */
export function coverageOf(partial: Partial, store: NonNullable<ReportContext['store']>): Coverage {
  const without = store.withoutInputsFundFen ?? 0;
  const covered = partial.inForce.all.fundPaidFen;
  const fundCoveredBp = covered + without > 0 ? Math.floor((covered * 10_000) / (covered + without)) : 10_000;
  const withoutInWindow = store.withoutInputsInWindow ?? store.withoutInputs;
  return {
    claimsStored: store.read,
    reversed: store.reversed,
    replayed: partial.claimsRead,
    withoutInputs: store.withoutInputs,
    withoutInputsFundFen: without,
    withoutInputsInWindow: withoutInWindow,
    fundCoveredBp,
    note:
      store.withoutInputs === 0
        ? 'every settled claim of the year was settled again'
        : `${store.withoutInputs} settled claims of the year (${withoutInWindow} in the window, fund paid ${fenToYuan(without)} yuan) were settled before their inputs were kept and cannot be settled again exactly: they are left out of both sides, so the differences are exact for the ${(fundCoveredBp / 100).toFixed(2)}% of the window's fund paid the report covers; members with such claims start the year from counters without them`,
  };
}

function pointsSection(partial: Partial, ctx: ReportContext, method: 'drg' | 'dip'): DrgSection | null {
  const of = pointsOf(method);
  const rows = partial.providers.filter((p) => of(p).cases > 0 || of(p).a !== 0 || of(p).b !== 0);
  if (rows.length === 0) return null;
  rows.sort((a, b) => (a.providerCode < b.providerCode ? -1 : 1));
  const days = windowDays(ctx.window);
  const year = Number(ctx.window.from.slice(0, 4));
  const pool = ctx.drgPool
    ? ctx.drgPool.prorate
      ? mulDivRoundHalfUp(ctx.drgPool.yearFen, days, yearDays(year))
      : ctx.drgPool.yearFen
    : null;
  const a = rows.map((r) => of(r).a);
  const b = rows.map((r) => of(r).b);
  const payA = pool === null ? rows.map(() => 0) : drgPayments(pool, a);
  const payB = pool === null ? rows.map(() => 0) : drgPayments(pool, b);
  const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
  return {
    poolFen: pool,
    poolSource: ctx.drgPool
      ? `${ctx.drgPool.source}${ctx.drgPool.prorate ? ` × ${days} ÷ ${yearDays(year)} days of the window` : ''}`
      : 'no DRG budget for the region-year and none stated: points only',
    cases: sum(rows.map((r) => of(r).cases)),
    inForce: pool === null ? null : pointValue(pool, sum(a)),
    draft: pool === null ? null : pointValue(pool, sum(b)),
    providers: rows.map((r, i) => ({
      providerCode: r.providerCode,
      level: r.level,
      cases: of(r).cases,
      centipointsInForce: of(r).a,
      centipointsDraft: of(r).b,
      entitlementInForceFen: payA[i]!,
      entitlementDraftFen: payB[i]!,
      differenceFen: payB[i]! - payA[i]!,
    })),
  };
}

const byMagnitude =
  <T>(value: (t: T) => number, key: (t: T) => string) =>
  (x: T, y: T) =>
    Math.abs(value(y)) - Math.abs(value(x)) || (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0);

export function buildReport(partial: Partial, ctx: ReportContext): SimulationReport {
  const { members } = partial;
  const line = ctx.catastrophicLine.lineFen;
  const oopA = distribution(
    members.map((m) => m.patientInForceFen),
    line,
  );
  const oopB = distribution(
    members.map((m) => m.patientDraftFen),
    line,
  );
  const poor = members.filter((m) => m.poor);
  const topMembers = [...members]
    .filter((m) => m.patientDraftFen !== m.patientInForceFen || m.fundDraftFen !== m.fundInForceFen)
    .sort(
      byMagnitude(
        (m: MemberRow) => m.patientDraftFen - m.patientInForceFen || m.fundDraftFen - m.fundInForceFen,
        (m) => m.memberId,
      ),
    )
    .slice(0, ctx.top)
    .map(({ memberId, ...m }) => ({
      member: maskMemberId(memberId),
      ...m,
      patientDifferenceFen: m.patientDraftFen - m.patientInForceFen,
      fundDifferenceFen: m.fundDraftFen - m.fundInForceFen,
    }));
  const topProviders = partial.providers
    .filter((p) => p.fundDraftFen !== p.fundInForceFen || p.patientDraftFen !== p.patientInForceFen)
    .sort(
      byMagnitude(
        (p) => p.fundDraftFen - p.fundInForceFen || p.patientDraftFen - p.patientInForceFen,
        (p) => p.providerCode,
      ),
    )
    .slice(0, ctx.top)
    .map((p) => ({
      providerCode: p.providerCode,
      level: p.level,
      claims: p.claims,
      fundInForceFen: p.fundInForceFen,
      fundDraftFen: p.fundDraftFen,
      fundDifferenceFen: p.fundDraftFen - p.fundInForceFen,
      patientDifferenceFen: p.patientDraftFen - p.patientInForceFen,
    }));
  const pooled = (s: Side) => s.all.byLayer.basic + s.all.byLayer.catastrophic;
  const year = Number(ctx.window.from.slice(0, 4));
  const projection = project({
    ...ctx.projection,
    windowDays: windowDays(ctx.window),
    yearDays: yearDays(year),
    pooledInForceFen: pooled(partial.inForce),
    pooledDraftFen: pooled(partial.draft),
  });
  const months = [...new Set([...Object.keys(partial.inForce.byMonth), ...Object.keys(partial.draft.byMonth)])].sort();
  const at = (s: Side, m: string) => s.byMonth[m] ?? emptyTotals();
  return {
    runId: ctx.runId,
    draft: ctx.draft,
    window: ctx.window,
    claims: { read: partial.claimsRead, inWindow: partial.claimsInWindow, members: members.length, providers: partial.providers.length },
    fund: { inForce: partial.inForce, draft: partial.draft, difference: sideDifference(partial.inForce, partial.draft) },
    outOfPocket: {
      line: ctx.catastrophicLine,
      inForce: oopA,
      draft: oopB,
      difference: {
        meanFen: oopB.meanFen - oopA.meanFen,
        medianFen: oopB.medianFen - oopA.medianFen,
        p90Fen: oopB.p90Fen - oopA.p90Fen,
        aboveLine: oopB.aboveLine - oopA.aboveLine,
      },
      poor: {
        inForce: distribution(
          poor.map((m) => m.patientInForceFen),
          line,
        ),
        draft: distribution(
          poor.map((m) => m.patientDraftFen),
          line,
        ),
      },
    },
    mostAffected: { members: topMembers, providers: topProviders },
    drg: pointsSection(partial, ctx, 'drg'),
    dip: pointsSection(partial, ctx, 'dip'),
    yearEnd: yearEndSection(partial, ctx),
    ...(ctx.store
      ? {
          store: { read: ctx.store.read, reversed: ctx.store.reversed, withoutInputs: ctx.store.withoutInputs },
          coverage: coverageOf(partial, ctx.store),
        }
      : {}),
    projection,
    refused: partial.refused,
    replayCheck: partial.replayCheck,
    series: {
      months,
      fundInForceFen: months.map((m) => at(partial.inForce, m).fundPaidFen),
      fundDraftFen: months.map((m) => at(partial.draft, m).fundPaidFen),
      differenceFen: months.map((m) => at(partial.draft, m).fundPaidFen - at(partial.inForce, m).fundPaidFen),
      patientInForceFen: months.map((m) => at(partial.inForce, m).patientPaidFen),
      patientDraftFen: months.map((m) => at(partial.draft, m).patientPaidFen),
      byLayerDifferenceFen: Object.fromEntries(
        layerKeys.map((k) => [k, months.map((m) => at(partial.draft, m).byLayer[k] - at(partial.inForce, m).byLayer[k])]),
      ) as Record<LayerKey, Fen[]>,
    },
  };
}

/** The few lines a clerk reads first (the README shows them). */
export function reportSummary(r: SimulationReport): string[] {
  const y = (fen: number) => `${fen < 0 ? '-' : ''}${(Math.abs(fen) / 100).toFixed(2)}`;
  const d = r.fund.difference;
  const months = (h: number | null) => (h === null ? 'n/a' : (h / 100).toFixed(2));
  return [
    `simulation ${r.runId}: ${r.draft.kind} draft v${r.draft.version} for ${r.draft.region}, window ${r.window.from}..${r.window.to} (${r.window.scheme ?? 'both schemes'})`,
    `claims re-settled both ways: ${r.claims.inWindow} in the window (${r.claims.read} read), ${r.claims.members} members, ${r.claims.providers} providers`,
    `fund paid: in force ${y(r.fund.inForce.all.fundPaidFen)}, draft ${y(r.fund.draft.all.fundPaidFen)}, difference ${y(d.all.fundPaidFen)} yuan`,
    `  by layer: ${layerKeys
      .filter((k) => r.fund.inForce.all.byLayer[k] !== 0 || r.fund.draft.all.byLayer[k] !== 0)
      .map((k) => `${k} ${y(d.all.byLayer[k])}`)
      .join(', ')}`,
    `  poor members ${y(d.byPoverty.poor.fundPaidFen)}, others ${y(d.byPoverty.others.fundPaidFen)}`,
    `out of pocket per member: mean ${y(r.outOfPocket.inForce.meanFen)} → ${y(r.outOfPocket.draft.meanFen)}, median ${y(r.outOfPocket.inForce.medianFen)} → ${y(r.outOfPocket.draft.medianFen)}, p90 ${y(r.outOfPocket.inForce.p90Fen)} → ${y(r.outOfPocket.draft.p90Fen)}; above ${y(r.outOfPocket.line.lineFen)}: ${r.outOfPocket.inForce.aboveLine} → ${r.outOfPocket.draft.aboveLine}`,
    `reserve: ${months(r.projection.inForce.monthsNow)} months now; at the end of next year ${months(r.projection.inForce.monthsAtNextYearEnd)} in force, ${months(r.projection.draft.monthsAtNextYearEnd)} under the draft`,
    ...(r.drg
      ? [`DRG: ${r.drg.cases} stays; point value ${r.drg.inForce?.yuanPerPoint ?? 'n/a'} → ${r.drg.draft?.yuanPerPoint ?? 'n/a'} yuan`]
      : []),
    ...(r.yearEnd
      ? [
          `year-end (${r.yearEnd.inForce.terms.payBy} v${r.yearEnd.inForce.terms.version} → ${r.yearEnd.draft.terms.payBy} v${r.yearEnd.draft.terms.version}): point value ${r.yearEnd.inForce.yuanPerPoint ?? 'n/a'} → ${r.yearEnd.draft.yuanPerPoint ?? 'n/a'} yuan; entitlements ${y(r.yearEnd.inForce.totals.entitlementFen)} → ${y(r.yearEnd.draft.totals.entitlementFen)}, difference ${y(r.yearEnd.difference.entitlementFen)}`,
        ]
      : []),
    ...(r.coverage ? [`coverage: ${r.coverage.note}`] : []),
    `replay check: ${r.replayCheck.equal} claims equal to what was paid, ${r.replayCheck.differing} differ; refused: ${r.refused.inForce} in force, ${r.refused.draft} under the draft`,
  ];
}
