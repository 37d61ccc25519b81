/**
 * What a partition's replay adds up (pure, mergeable): fund paid by layer for each cut the report
 * shows (scheme, member category with the poor apart, provider level, visit type, month), per member
 * and per provider, in force and under the draft, and the DRG points of each provider's stays. Two
 * partials merge by adding, so partitions can run anywhere (threads, Lambdas) in any order.
 */
import { layerKeys, type LayerKey, type StatementTotals } from '../settlement/statement.ts';

export interface Totals {
  claims: number;
  billedFen: number;
  fundPaidFen: number;
  patientPaidFen: number;
  institutionFen: number;
  byLayer: Record<LayerKey, number>;
}

export const emptyTotals = (): Totals => ({
  claims: 0,
  billedFen: 0,
  fundPaidFen: 0,
  patientPaidFen: 0,
  institutionFen: 0,
  byLayer: Object.fromEntries(layerKeys.map((k) => [k, 0])) as Record<LayerKey, number>,
});

export function addStatement(
  into: Totals,
  t: Pick<StatementTotals, 'billedFen' | 'fundPaidFen' | 'patientPaidFen' | 'institutionFen' | 'byLayer'>,
): void {
  into.claims += 1;
  into.billedFen += t.billedFen;
  into.fundPaidFen += t.fundPaidFen;
  into.patientPaidFen += t.patientPaidFen;
  into.institutionFen += t.institutionFen;
  for (const k of layerKeys) into.byLayer[k] += t.byLayer[k];
}

export function addTotals(into: Totals, from: Totals): void {
  into.claims += from.claims;
  into.billedFen += from.billedFen;
  into.fundPaidFen += from.fundPaidFen;
  into.patientPaidFen += from.patientPaidFen;
  into.institutionFen += from.institutionFen;
  for (const k of layerKeys) into.byLayer[k] += from.byLayer[k];
}

/** The cuts of one side (in force, or the draft). */
export interface Side {
  all: Totals;
  byScheme: Record<string, Totals>;
  /** Each assistance category (a member in two counts in both), and `none`. */
  byCategory: Record<string, Totals>;
  /** Poor members (any assistance category on the date: 特困, 低保, 建档立卡…) apart from the others. */
  byPoverty: { poor: Totals; others: Totals };
  byLevel: Record<string, Totals>;
  byVisitType: Record<string, Totals>;
  /** By settlement month (yyyy-mm): the chart's series. */
  byMonth: Record<string, Totals>;
}

export const emptySide = (): Side => ({
  all: emptyTotals(),
  byScheme: {},
  byCategory: {},
  byPoverty: { poor: emptyTotals(), others: emptyTotals() },
  byLevel: {},
  byVisitType: {},
  byMonth: {},
});

const at = (map: Record<string, Totals>, key: string): Totals => {
  let t = map[key];
  if (!t) {
    t = emptyTotals();
    map[key] = t;
  }
  return t;
};

export interface ClaimCut {
  scheme: string;
  categories: readonly string[];
  level: string;
  visitType: string;
  month: string;
}

export function addToSide(side: Side, cut: ClaimCut, totals: Parameters<typeof addStatement>[1]): void {
  addStatement(side.all, totals);
  addStatement(at(side.byScheme, cut.scheme), totals);
  if (cut.categories.length === 0) addStatement(at(side.byCategory, 'none'), totals);
  for (const c of cut.categories) addStatement(at(side.byCategory, c), totals);
  addStatement(cut.categories.length > 0 ? side.byPoverty.poor : side.byPoverty.others, totals);
  addStatement(at(side.byLevel, cut.level), totals);
  addStatement(at(side.byVisitType, cut.visitType), totals);
  addStatement(at(side.byMonth, cut.month), totals);
}

function mergeMap(into: Record<string, Totals>, from: Record<string, Totals>): void {
  for (const [k, t] of Object.entries(from)) addTotals(at(into, k), t);
}

export function mergeSide(into: Side, from: Side): void {
  addTotals(into.all, from.all);
  mergeMap(into.byScheme, from.byScheme);
  mergeMap(into.byCategory, from.byCategory);
  addTotals(into.byPoverty.poor, from.byPoverty.poor);
  addTotals(into.byPoverty.others, from.byPoverty.others);
  mergeMap(into.byLevel, from.byLevel);
  mergeMap(into.byVisitType, from.byVisitType);
  mergeMap(into.byMonth, from.byMonth);
}

/** One member's window: claims, out-of-pocket (patient's share) and fund paid, both ways. */
export interface MemberRow {
  memberId: string;
  poor: boolean;
  claims: number;
  patientInForceFen: number;
  patientDraftFen: number;
  fundInForceFen: number;
  fundDraftFen: number;
}

export interface ProviderRow {
  providerCode: string;
  level: string;
  region: string;
  claims: number;
  fundInForceFen: number;
  fundDraftFen: number;
  patientInForceFen: number;
  patientDraftFen: number;
  /** Inpatient stays pointed under the DRG policy in force on discharge (centipoints, readmission cuts included). */
  drgCases: number;
  centipointsInForce: number;
  centipointsDraft: number;
  /** Stays scored by the DIP catalogue in force on discharge (centipoints). */
  dipCases: number;
  dipCentipointsInForce: number;
  dipCentipointsDraft: number;
  /** The pooled fund (basic) paid on its claims, both ways: the year-end's item payments start from it. */
  basicInForceFen: number;
  basicDraftFen: number;
  /** Its stays (inpatient, bed-day) in the region, and the pooled fund paid on those each method points. */
  stays: number;
  drgStayBasicInForceFen: number;
  drgStayBasicDraftFen: number;
  dipStayBasicInForceFen: number;
  dipStayBasicDraftFen: number;
}

/** The provider row's counters that add when partials merge. */
export const PROVIDER_SUMS = [
  'claims',
  'fundInForceFen',
  'fundDraftFen',
  'patientInForceFen',
  'patientDraftFen',
  'drgCases',
  'centipointsInForce',
  'centipointsDraft',
  'dipCases',
  'dipCentipointsInForce',
  'dipCentipointsDraft',
  'basicInForceFen',
  'basicDraftFen',
  'stays',
  'drgStayBasicInForceFen',
  'drgStayBasicDraftFen',
  'dipStayBasicInForceFen',
  'dipStayBasicDraftFen',
] as const satisfies readonly (keyof ProviderRow)[];

export interface Partial {
  /** Claims of the year read (replayed for the accumulators), and of them those in the window. */
  claimsRead: number;
  claimsInWindow: number;
  inForce: Side;
  draft: Side;
  members: MemberRow[];
  providers: ProviderRow[];
  /** Claims a policy refused (counted as paying nothing from the fund: the patient's whole bill). */
  refused: { inForce: number; draft: number; reasons: Record<string, number> };
  /** The in-force replay against what the claims store says was paid: equal, or drifted (a policy or register changed since). */
  replayCheck: { equal: number; differing: number; differenceFen: number };
}

export const emptyPartial = (): Partial => ({
  claimsRead: 0,
  claimsInWindow: 0,
  inForce: emptySide(),
  draft: emptySide(),
  members: [],
  providers: [],
  refused: { inForce: 0, draft: 0, reasons: {} },
  replayCheck: { equal: 0, differing: 0, differenceFen: 0 },
});

/** Adds `from` into `into` (members and providers by key: a member met in two partitions is one row). */
export function mergePartial(into: Partial, from: Partial): Partial {
  into.claimsRead += from.claimsRead;
  into.claimsInWindow += from.claimsInWindow;
  mergeSide(into.inForce, from.inForce);
  mergeSide(into.draft, from.draft);
  const members = new Map(into.members.map((m) => [m.memberId, m]));
  for (const m of from.members) {
    const have = members.get(m.memberId);
    if (!have) {
      members.set(m.memberId, { ...m });
      continue;
    }
    have.poor ||= m.poor;
    have.claims += m.claims;
    have.patientInForceFen += m.patientInForceFen;
    have.patientDraftFen += m.patientDraftFen;
    have.fundInForceFen += m.fundInForceFen;
    have.fundDraftFen += m.fundDraftFen;
  }
  into.members = [...members.values()];
  const providers = new Map(into.providers.map((p) => [p.providerCode, p]));
  for (const p of from.providers) {
    const have = providers.get(p.providerCode);
    if (!have) {
      providers.set(p.providerCode, { ...p });
      continue;
    }
    // A row stored before a counter existed has none of it: it adds nothing.
    for (const k of PROVIDER_SUMS) have[k] = (have[k] ?? 0) + (p[k] ?? 0);
  }
  into.providers = [...providers.values()];
  into.refused.inForce += from.refused.inForce;
  into.refused.draft += from.refused.draft;
  for (const [r, n] of Object.entries(from.refused.reasons)) into.refused.reasons[r] = (into.refused.reasons[r] ?? 0) + n;
  into.replayCheck.equal += from.replayCheck.equal;
  into.replayCheck.differing += from.replayCheck.differing;
  into.replayCheck.differenceFen += from.replayCheck.differenceFen;
  return into;
}
