/**
 * DRG points, Zhejiang style (浙江 DRG 点数付费): a case earns points, the year's fund is divided by
 * the year's points at settlement, so a point's value in yuan is only known at year end.
 *
 * Points are carried as whole centipoints (0.01 point), as money is carried in fen: every figure is
 * an integer, rounded half up once where it is made, so a year's points add up exactly.
 *
 *   base points     = RW × 100                                  (基准点数)
 *   normal case     = base × hospital coefficient               (× 差异系数)
 *   high-cost case  cost > multiple × group average cost, the multiple set by the size of the base
 *                   points: normal + (cost points − multiple × base)   (高倍率: 追加点数)
 *   low-cost case   cost < share × group average cost: cost points     (低倍率)
 *   cost points     = cost / average cost of a case × 100        (费用折算点数)
 *   group average   = RW × average cost of a case                (RW is that ratio, by definition)
 *   bed-day stay    = bed days × daily standard / average cost of a case × 100   (床日折算: 按比价关系
 *                   换算成点数, the Sichuan paper); the standard by the stay's bed-day programme,
 *                   else by MDC, ADRG or department
 *   0000, no weight = cost points, flagged for review
 *   add-ons         on the normal points of a DRG-paid case (not a low-cost one, which is paid by
 *                   its cost, nor a bed-day stay): new technology / new grade-IV surgery group +6%;
 *                   TCM share (中治率) > 6% +5%, > 12% +10%   (舟山 2023 pilot)
 *
 * The readmission rule (an earlier admission's points halved) is in readmission.ts: it needs the
 * member's other admissions, which only the handler can look up.
 */
import { applyRatio, divideRoundHalfUp, type BasisPoints, type Fen } from '../money/fen.ts';
import type { Outcome } from './case.ts';
import type { DrgPolicy, HospitalLevel } from './policy.ts';

export type Centipoints = number;

export type Pricing = 'drg' | 'high-cost' | 'low-cost' | 'bed-day' | 'cost-based';

export interface PointsInput {
  drg: string;
  outcome: Outcome;
  mdc: string | null;
  adrg: string | null;
  /** The case's total cost (住院总费用). */
  costFen: Fen;
  /** Of which TCM (中药饮片 + 中成药 + 中医医疗服务), for the 中治率. */
  tcmFen: Fen;
  providerCode: string;
  providerLevel: HospitalLevel | undefined;
  /** Set on a stay settled per bed-day. */
  bedDays: number | undefined;
  /** The per-bed-day programme it was settled under (hospice, home-sickbed…), if any. */
  programme?: string | undefined;
  department: string | undefined;
}

export interface AddOn {
  kind: 'new-technology' | 'grade-four-surgery' | 'tcm-share';
  share: BasisPoints;
  centipoints: Centipoints;
}

export interface CasePoints {
  pricing: Pricing;
  /** RW in basis points; absent where the case has no weight. */
  weight: BasisPoints | null;
  baseCentipoints: Centipoints;
  coefficient: BasisPoints;
  averageCaseCostFen: Fen;
  groupAverageCostFen: Fen | null;
  addOns: AddOn[];
  /** The case's points, add-ons included, before any readmission halving. */
  centipoints: Centipoints;
  /** A case paid by cost for want of a group or a weight: for the agency's review. */
  review: boolean;
  /** The arithmetic, one line per figure, for the trace and for the provider's statement. */
  workings: string[];
}

export const formatPoints = (cp: Centipoints): string =>
  `${cp < 0 ? '-' : ''}${Math.floor(Math.abs(cp) / 100)}.${String(Math.abs(cp) % 100).padStart(2, '0')}`;
const pct = (bp: BasisPoints) => `${bp / 100}%`;
const times = (bp: BasisPoints) => `×${bp / 10_000}`;

export function casePoints(policy: DrgPolicy, input: PointsInput): CasePoints {
  const averageCaseCostFen = policy.averageCostFen(input.providerLevel);
  const coefficient = policy.coefficient(input.providerCode, input.providerLevel);
  const costCentipoints = divideRoundHalfUp(input.costFen * 10_000, averageCaseCostFen);
  const workings = [
    `average cost of a case ${input.providerLevel ?? 'all levels'} ${averageCaseCostFen} fen; cost ${input.costFen} fen = ${formatPoints(costCentipoints)} cost points`,
  ];
  // Results are written out in full, not spread from a common part: this runs once per case.
  const byCost = (pricing: Pricing, centipoints: Centipoints, review: boolean): CasePoints => ({
    pricing,
    weight: null,
    baseCentipoints: centipoints,
    coefficient,
    averageCaseCostFen,
    groupAverageCostFen: null,
    addOns: [],
    centipoints,
    review,
    workings,
  });

  // A stay paid per bed-day converts by cost: its days at the daily standard, against a case's average.
  const bedDay = input.bedDays !== undefined ? bedDayStandard(policy, input) : undefined;
  if (bedDay && input.bedDays !== undefined) {
    const standardFen = input.bedDays * bedDay.dailyStandardFen;
    const centipoints = divideRoundHalfUp(standardFen * 10_000, averageCaseCostFen);
    workings.push(
      `bed-day stay (${bedDay.label}): ${input.bedDays} days × ${bedDay.dailyStandardFen} fen = ${standardFen} fen → ${formatPoints(centipoints)} points`,
    );
    return byCost('bed-day', centipoints, false);
  }
  if (input.programme !== undefined) {
    // Settled per bed-day under a programme the policy gives no standard: not a DRG case either.
    workings.push(`bed-day stay of programme ${input.programme}: no bed-day standard in the policy; paid by cost points, for review`);
    return byCost('cost-based', costCentipoints, true);
  }

  const weight = input.outcome === 'ungroupable' ? undefined : policy.weights.get(input.drg);
  if (weight === undefined) {
    workings.push(
      input.outcome === 'ungroupable'
        ? 'no DRG (0000): paid by cost points'
        : `${input.drg} has no weight in the policy: paid by cost points`,
    );
    return byCost('cost-based', costCentipoints, true);
  }

  // RW × 100 points = RW in basis points, read as centipoints.
  const baseCentipoints = weight;
  const normal = applyRatio(baseCentipoints, coefficient);
  const groupAverageCostFen = applyRatio(averageCaseCostFen, weight);
  workings.push(
    `${input.drg}: RW ${weight / 10_000} → base ${formatPoints(baseCentipoints)} points; × coefficient ${coefficient / 10_000} = ${formatPoints(normal)}; group average cost ${groupAverageCostFen} fen`,
  );

  const multiple = highCostMultiple(policy, baseCentipoints);
  let pricing: Pricing = 'drg';
  let centipoints = normal;
  if (input.costFen * 10_000 > multiple * groupAverageCostFen) {
    const extra = costCentipoints - applyRatio(baseCentipoints, multiple);
    pricing = 'high-cost';
    centipoints = normal + extra;
    workings.push(
      `high cost: cost above ${times(multiple)} the group average; extra ${formatPoints(costCentipoints)} − ${formatPoints(applyRatio(baseCentipoints, multiple))} = ${formatPoints(extra)} → ${formatPoints(centipoints)}`,
    );
  } else if (input.costFen * 10_000 < policy.lowCostShare * groupAverageCostFen) {
    pricing = 'low-cost';
    centipoints = costCentipoints;
    workings.push(`low cost: cost below ${pct(policy.lowCostShare)} of the group average → cost points ${formatPoints(centipoints)}`);
  }

  const addOns: AddOn[] = [];
  if (pricing !== 'low-cost') {
    const add = (kind: AddOn['kind'], share: BasisPoints) => addOns.push({ kind, share, centipoints: applyRatio(normal, share) });
    if (policy.newTechnology.drgs.has(input.drg)) add('new-technology', policy.newTechnology.share);
    if (policy.gradeFourSurgery.drgs.has(input.drg)) add('grade-four-surgery', policy.gradeFourSurgery.share);
    const band = input.costFen > 0 ? policy.tcmBands.find((b) => input.tcmFen * 10_000 > b.above * input.costFen) : undefined;
    if (band) add('tcm-share', band.share);
    for (const a of addOns) {
      centipoints += a.centipoints;
      workings.push(`add-on ${a.kind} +${pct(a.share)} of ${formatPoints(normal)} = ${formatPoints(a.centipoints)}`);
    }
  }
  workings.push(`case points ${formatPoints(centipoints)} (${pricing})`);
  return {
    pricing,
    weight,
    baseCentipoints,
    coefficient,
    averageCaseCostFen,
    groupAverageCostFen,
    addOns,
    centipoints,
    review: false,
    workings,
  };
}

function highCostMultiple(policy: DrgPolicy, baseCentipoints: Centipoints): BasisPoints {
  const bands = policy.highCostMultiples;
  for (const [upTo, multiple] of bands) if (baseCentipoints <= upTo) return multiple;
  return bands[bands.length - 1]![1];
}

function bedDayStandard(policy: DrgPolicy, input: PointsInput) {
  // The programme the settlement paid it under names the standard first: a hospice stay is a
  // hospice stay whatever its diagnosis groups to.
  const byProgramme =
    input.programme === undefined ? undefined : policy.bedDayStandards.find((s) => s.programmes.includes(input.programme!));
  if (byProgramme) return byProgramme;
  const mdcLetter = input.mdc?.slice(3); // "MDCT" → "T"
  return policy.bedDayStandards.find(
    (s) =>
      (mdcLetter !== undefined && s.mdcs.includes(mdcLetter)) ||
      (input.adrg !== null && s.adrgs.includes(input.adrg)) ||
      (input.department !== undefined && s.departments.includes(input.department)),
  );
}
