/**
 * A case grouped and scored by a region's DIP catalogue (policy.ts). Points are whole centipoints,
 * every figure an integer rounded half up once where it is made.
 *
 *   group          the core group of the case's diagnosis × procedure combination, else the
 *                  comprehensive group of its category × treatment, else chapter × treatment, else
 *                  the treatment alone (key.ts; the same keys the catalogue was built with)
 *   normal case    group score × hospital coefficient (医院等级系数)
 *   high-cost case cost > multiple × group mean: score × (cost ÷ group mean − (multiple − 1))
 *                  (高倍率: paid by its cost above the band, no coefficient)
 *   low-cost case  cost < share × group mean: score × cost ÷ group mean (低倍率: by its cost)
 *   bed-day stay   days × the programme's daily standard ÷ the region's mean cost × scale
 *                  (床日付费按比价关系换算成点数, the Sichuan paper)
 *   no diagnosis   cost ÷ the region's mean cost × scale, flagged for review
 *
 * The year's point value is the DIP budget ÷ all points: the year-end's (shared/budget).
 */
import { applyRatio, divideRoundHalfUp, type BasisPoints, type Fen } from '../money/fen.ts';
import type { HospitalLevel } from '../drg/policy.ts';
import { formatPoints } from '../drg/points.ts';
import { caseKey, comprehensiveKeys, procedureClasses, type Treatment } from './key.ts';
import type { DipGroup, DipPolicy } from './policy.ts';

export interface DipCaseInput {
  /** Absent when the settled claim carries no diagnosis: paid by cost, for review. */
  principalDiagnosis: string | undefined;
  procedures: readonly string[];
  costFen: Fen;
  providerCode: string;
  providerLevel: HospitalLevel | undefined;
  /** A stay settled per bed-day: its days and programme. */
  bedDays?: number | undefined;
  programme?: string | undefined;
}

export type DipPricing = 'dip' | 'high-cost' | 'low-cost' | 'bed-day' | 'cost-based';

export interface DipResult {
  /** The group's code, or null when the case has no diagnosis to group by. */
  group: string | null;
  kind: 'core' | 'comprehensive' | null;
  treatment: Treatment | null;
  outcome: 'grouped' | 'ungroupable';
  pricing: DipPricing;
  /** The group's score in centipoints; for a case paid by cost, its cost points. */
  baseCentipoints: number;
  coefficient: BasisPoints;
  groupMeanCostFen: Fen | null;
  centipoints: number;
  review: boolean;
  /** How the group was found and the points reckoned, one line per decision. */
  workings: string[];
}

export function scoreDipCase(policy: DipPolicy, input: DipCaseInput): DipResult {
  const scale = policy.scoreScale * 100;
  const coefficient = policy.coefficient(input.providerCode, input.providerLevel);
  const costCentipoints = divideRoundHalfUp(input.costFen * scale, policy.meanCostFen);
  const workings = [
    `region mean cost ${policy.meanCostFen} fen = ${policy.scoreScale} points; cost ${input.costFen} fen = ${formatPoints(costCentipoints)} cost points`,
  ];

  let group: DipGroup | undefined;
  let treatment: Treatment | null = null;
  if (input.principalDiagnosis !== undefined) {
    const key = caseKey(input.principalDiagnosis, input.procedures, policy.keys, procedureClasses(policy.procedureClasses));
    treatment = key.treatment;
    group = policy.core.get(key.core);
    if (group) workings.push(`core group ${group.code}: principal ${key.diagnosis} with ${key.procedures.join('+') || 'no procedure'}`);
    else {
      const tried = comprehensiveKeys(key);
      for (const k of tried) {
        group = policy.comprehensive.get(k);
        if (group) break;
      }
      workings.push(
        `no core group ${key.core}; comprehensive group ${group!.code} (${key.treatment}${tried[0] !== group!.code ? `; ${tried.slice(0, tried.indexOf(group!.code)).join(', ')} not in the catalogue` : ''})`,
      );
    }
  } else workings.push('no principal diagnosis: no group');

  const byCost = (pricing: DipPricing, centipoints: number, review: boolean): DipResult => ({
    group: group?.code ?? null,
    kind: group?.kind ?? null,
    treatment,
    outcome: group ? 'grouped' : 'ungroupable',
    pricing,
    baseCentipoints: centipoints,
    coefficient,
    groupMeanCostFen: group?.meanCostFen ?? null,
    centipoints,
    review,
    workings,
  });

  const standard =
    input.bedDays !== undefined && input.programme !== undefined
      ? policy.bedDayStandards.find((s) => s.programme === input.programme)
      : undefined;
  if (standard && input.bedDays !== undefined) {
    const standardFen = input.bedDays * standard.dailyStandardFen;
    const centipoints = divideRoundHalfUp(standardFen * scale, policy.meanCostFen);
    workings.push(
      `bed-day stay (${standard.label}): ${input.bedDays} days × ${standard.dailyStandardFen} fen = ${standardFen} fen → ${formatPoints(centipoints)} points`,
    );
    return byCost('bed-day', centipoints, false);
  }
  if (input.programme !== undefined) {
    // Settled per bed-day under a programme the catalogue gives no standard: not a DIP case either.
    workings.push(`bed-day stay of programme ${input.programme}: no bed-day standard in the catalogue; paid by cost points, for review`);
    return byCost('cost-based', costCentipoints, true);
  }
  if (!group) {
    workings.push('paid by cost points, for review');
    return byCost('cost-based', costCentipoints, true);
  }

  const base = group.centipoints;
  const mean = group.meanCostFen;
  const normal = applyRatio(base, coefficient);
  workings.push(
    `${group.code}: score ${formatPoints(base)} × coefficient ${coefficient / 10_000} = ${formatPoints(normal)}; group mean cost ${mean} fen`,
  );
  let pricing: DipPricing = 'dip';
  let centipoints = normal;
  if (mean > 0 && input.costFen * 10_000 > policy.highCostMultiple * mean) {
    pricing = 'high-cost';
    centipoints = divideRoundHalfUp(base * input.costFen, mean) - applyRatio(base, policy.highCostMultiple - 10_000);
    workings.push(
      `high cost: above ×${policy.highCostMultiple / 10_000} the group mean → ${formatPoints(base)} × (cost ÷ mean − ${(policy.highCostMultiple - 10_000) / 10_000}) = ${formatPoints(centipoints)}`,
    );
  } else if (input.costFen * 10_000 < policy.lowCostShare * mean) {
    pricing = 'low-cost';
    centipoints = divideRoundHalfUp(base * input.costFen, mean);
    workings.push(
      `low cost: below ${policy.lowCostShare / 100}% of the group mean → ${formatPoints(base)} × cost ÷ mean = ${formatPoints(centipoints)}`,
    );
  }
  workings.push(`case points ${formatPoints(centipoints)} (${pricing})`);
  return {
    group: group.code,
    kind: group.kind,
    treatment,
    outcome: 'grouped',
    pricing,
    baseCentipoints: base,
    coefficient,
    groupMeanCostFen: mean,
    centipoints,
    review: false,
    workings,
  };
}
