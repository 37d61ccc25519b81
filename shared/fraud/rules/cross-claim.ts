/**
 * Rule types that read the claim against the member's other claims (the history projection the
 * fraud consumer keeps) and against every other scan of its drug trace codes. The engine has already
 * cut the history to the rule's window and left out this claim and reversed ones.
 *
 * Claims arrive in settlement order, not in date order, so each comparison is symmetric: a pair is
 * found by whichever of its two claims is scored second.
 */
import * as z from 'zod';
import { visitTypes } from '../../../events/claims.ts';
import { divideRoundHalfUp } from '../../money/fen.ts';
import { isStay, type ClaimSummary, type FraudClaim } from '../claim.ts';
import { addDays, daysBetween } from '../dates.ts';
import { defineCrossClaimRule, type Finding } from './define.ts';
import { diagnosisCategory, matchesAny } from './match.ts';

const codePattern = z.string().regex(/^[A-Za-z0-9.\-_]+\*?$/, 'a code, or a prefix ending in *');
const visitType = z.enum(visitTypes);

// 分解住院: admitted again within N days (the window) of a discharge, for the same disease.
export const readmission = defineCrossClaimRule({
  type: 'readmission',
  title: '分解住院',
  parameters: z.strictObject({
    /** Same ICD-10 category (K35) or the same full code. */
    matchOn: z.enum(['category', 'code']),
    sameProviderOnly: z.boolean(),
    /** Planned readmissions (chemotherapy, dialysis, radiotherapy …) are not split stays. */
    excludeDiagnoses: z.array(codePattern).default([]),
  }),
  facts: ['otherClaim', 'otherProvider', 'gapDays', 'diagnosis'],
  evaluate(claim, p, { history, windowDays }) {
    const principal = claim.diagnoses[0];
    if (claim.visitType !== 'inpatient' || !principal || matchesAny(p.excludeDiagnoses, principal)) return [];
    const same = (other: string) =>
      p.matchOn === 'category' ? diagnosisCategory(other) === diagnosisCategory(principal) : other === principal;
    const findings: Finding[] = [];
    for (const h of history) {
      if (h.visitType !== 'inpatient' || !h.principalDiagnosis || !same(h.principalDiagnosis)) continue;
      if (p.sameProviderOnly && h.providerCode !== claim.provider.code) continue;
      const gap = h.end <= claim.start ? daysBetween(h.end, claim.start) : claim.end <= h.start ? daysBetween(claim.end, h.start) : -1;
      if (gap < 0 || gap > windowDays) continue;
      findings.push({ facts: { otherClaim: h.ref.claimNo, otherProvider: h.providerCode, gapDays: gap, diagnosis: principal } });
    }
    return findings;
  },
});

/** A claim's days as a half-open interval: a stay is [admission, discharge), a visit is its one day. */
const interval = (c: { visitType: FraudClaim['visitType']; start: string; end: string }): [string, string] =>
  isStay(c.visitType) && c.end > c.start ? [c.start, c.end] : [c.start, addDays(c.start, 1)];

// 同一时间多地就医: care at two providers at the same time.
export const overlappingVisits = defineCrossClaimRule({
  type: 'overlapping-visits',
  title: '同一时间多地就医',
  parameters: z.strictObject({
    /** Two outpatient visits on one day: never a hit, a hit when the providers are in different regions, or always. */
    outpatientSameDay: z.enum(['never', 'different-region', 'any']),
  }),
  facts: ['otherClaim', 'otherProvider', 'otherStart', 'otherEnd'],
  evaluate(claim, p, { history }) {
    const [a0, a1] = interval(claim);
    const findings: Finding[] = [];
    for (const h of history) {
      if (h.providerCode === claim.provider.code) continue;
      const [b0, b1] = interval(h);
      if (!(a0 < b1 && b0 < a1)) continue;
      if (!isStay(claim.visitType) && !isStay(h.visitType)) {
        if (p.outpatientSameDay === 'never') continue;
        if (
          p.outpatientSameDay === 'different-region' &&
          (!h.providerRegion || !claim.provider.region || h.providerRegion === claim.provider.region)
        )
          continue;
      }
      findings.push({ facts: { otherClaim: h.ref.claimNo, otherProvider: h.providerCode, otherStart: h.start, otherEnd: h.end } });
    }
    return findings;
  },
});

// 高频就诊: more visits in the window than a member plausibly needs.
export const visitFrequency = defineCrossClaimRule({
  type: 'visit-frequency',
  title: '高频就诊',
  parameters: z.strictObject({
    maxVisits: z.number().int().positive(),
    visitTypes: z.array(visitType).min(1),
  }),
  facts: ['visits', 'days', 'maxVisits'],
  evaluate(claim, p, { history, windowDays }) {
    if (!p.visitTypes.includes(claim.visitType)) return [];
    // A trailing window ending on this visit's day.
    const from = addDays(claim.start, -(windowDays - 1));
    const visits = 1 + history.filter((h) => p.visitTypes.includes(h.visitType) && h.start >= from && h.start <= claim.start).length;
    if (visits <= p.maxVisits) return [];
    return [{ facts: { visits, days: windowDays, maxVisits: p.maxVisits } }];
  },
});

// 重复开药: the same drug bought again while the last supply should still last.
export const earlyRefill = defineCrossClaimRule({
  type: 'early-refill',
  title: '重复开药（前次药量未用完）',
  parameters: z.strictObject({
    /** Days early a refill may come without being a hit (a patient fetches drugs before running out). */
    graceDays: z.number().int().nonnegative(),
  }),
  facts: ['itemCode', 'itemName', 'otherClaim', 'otherDate', 'remainingDays'],
  evaluate(claim, p, { history }) {
    const findings: Finding[] = [];
    for (const line of claim.lines) {
      if (line.supplyDays === undefined) continue;
      let worst: { h: ClaimSummary; date: string; remaining: number } | undefined;
      for (const h of history) {
        for (const d of h.drugs) {
          if (d.itemCode !== line.itemCode) continue;
          // Whichever purchase came first: how much of its supply was left on the day of the other.
          const remaining =
            d.date <= line.date ? d.supplyDays - daysBetween(d.date, line.date) : line.supplyDays - daysBetween(line.date, d.date);
          if (remaining > p.graceDays && (!worst || remaining > worst.remaining)) worst = { h, date: d.date, remaining };
        }
      }
      if (!worst) continue;
      const overlap = Math.min(worst.remaining, line.supplyDays);
      findings.push({
        facts: {
          itemCode: line.itemCode,
          itemName: line.itemName ?? line.itemCode,
          otherClaim: worst.h.ref.claimNo,
          otherDate: worst.date,
          remainingDays: worst.remaining,
        },
        lines: [line.lineNo],
        amountFen: divideRoundHalfUp(line.amountFen * overlap, line.supplyDays),
      });
    }
    return findings;
  },
});

// 串换 / 回流药: one traceability code scanned more than once (each box is scanned once, at dispensing).
export const traceCodeReuse = defineCrossClaimRule({
  type: 'trace-code-reuse',
  title: '药品追溯码重复（串换/回流）',
  parameters: z.strictObject({}),
  facts: ['traceCode', 'itemCode', 'itemName', 'times', 'otherClaims'],
  evaluate(claim, _p, { traceScans }) {
    const findings: Finding[] = [];
    const coded = claim.lines.filter((l) => l.traceCode);
    for (const line of coded) {
      const sameClaim = coded.filter((l) => l.traceCode === line.traceCode && l.lineNo !== line.lineNo);
      const elsewhere = traceScans.filter(
        (s) => s.traceCode === line.traceCode && !(s.ref.providerCode === claim.ref.providerCode && s.ref.claimNo === claim.ref.claimNo),
      );
      if (sameClaim.length === 0 && elsewhere.length === 0) continue;
      // Within one claim the first line of a repeated code stands; the later ones are the repeats.
      if (elsewhere.length === 0 && sameClaim.every((l) => l.lineNo > line.lineNo)) continue;
      const others = [...new Set(elsewhere.map((s) => s.ref.claimNo))];
      findings.push({
        facts: {
          traceCode: line.traceCode!,
          itemCode: line.itemCode,
          itemName: line.itemName ?? line.itemCode,
          times: 1 + sameClaim.length + elsewhere.length,
          otherClaims: others.length ? others.join('、') : '本单',
        },
        lines: [line.lineNo],
      });
    }
    return findings;
  },
});

export const crossClaimRuleTypes = [readmission, overlappingVisits, visitFrequency, earlyRefill, traceCodeReuse] as const;
