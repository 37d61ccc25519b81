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
import { drugIdentity } from '../../knowledge/codes.ts';
import type { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import { diagnosisCategory, matchesAny } from './match.ts';

const itemCodesOf = (claim: FraudClaim) => claim.lines.map((l) => l.itemCode);
/** The courses (knowledge-base ids) a past visit was a session of: as recorded, else by its principal diagnosis. */
const coursesOf = (h: ClaimSummary, knowledge: KnowledgeBase): string[] =>
  h.treatments
    ? h.treatments.filter((id) => knowledge.course(id) !== undefined)
    : knowledge.frequentTreatments({ principalDiagnosis: h.principalDiagnosis }).map((t) => t.id);

const codePattern = z.string().regex(/^[A-Za-z0-9.\-_]+\*?$/, 'a code, or a prefix ending in *');
const visitType = z.enum(visitTypes);

// 分解住院: admitted again within N days (the window) of a discharge, for the same disease: the same category
// or code, or two diagnoses of one disease group of the knowledge base (related diagnoses). Not a split
// stay: a planned readmission for a course (chemotherapy, radiotherapy, dialysis), or a transfer on the
// doctor's orders (离院方式 医嘱转院) to another provider within a day.
export const readmission = defineCrossClaimRule({
  type: 'readmission',
  title: '分解住院',
  parameters: z.strictObject({
    /** Same ICD-10 category (K35) or the same full code; the knowledge base's disease groups add related diagnoses. */
    matchOn: z.enum(['category', 'code']),
    sameProviderOnly: z.boolean(),
    /** Planned readmissions (chemotherapy, dialysis, radiotherapy …) are not split stays; the knowledge base's courses add to these. */
    excludeDiagnoses: z.array(codePattern).default([]),
  }),
  facts: ['otherClaim', 'otherProvider', 'gapDays', 'diagnosis'],
  evaluate(claim, p, { history, windowDays, knowledge }) {
    const principal = claim.diagnoses[0];
    if (claim.visitType !== 'inpatient' || !principal || matchesAny(p.excludeDiagnoses, principal)) return [];
    if (knowledge.plannedStay({ principalDiagnosis: principal, itemCodes: itemCodesOf(claim) })) return [];
    const sameDisease = (other: string): string | undefined => {
      if (p.matchOn === 'category' ? diagnosisCategory(other) === diagnosisCategory(principal) : other === principal) return principal;
      const group = knowledge.related(principal, other);
      return group ? `${principal}，与 ${other} 同属${group.name}` : undefined;
    };
    const findings: Finding[] = [];
    for (const h of history) {
      if (h.visitType !== 'inpatient' || !h.principalDiagnosis || matchesAny(p.excludeDiagnoses, h.principalDiagnosis)) continue;
      const diagnosis = sameDisease(h.principalDiagnosis);
      if (!diagnosis) continue;
      if (p.sameProviderOnly && h.providerCode !== claim.provider.code) continue;
      if (coursesOf(h, knowledge).some((id) => knowledge.course(id)?.plannedStays)) continue;
      const hFirst = h.end <= claim.start;
      const gap = hFirst ? daysBetween(h.end, claim.start) : claim.end <= h.start ? daysBetween(claim.end, h.start) : -1;
      if (gap < 0 || gap > windowDays) continue;
      const earlierLeftBy = hFirst ? h.dischargeStatus : claim.dischargeStatus;
      if (gap <= 1 && h.providerCode !== claim.provider.code && knowledge.isTransfer(earlierLeftBy)) continue;
      findings.push({ facts: { otherClaim: h.ref.claimNo, otherProvider: h.providerCode, gapDays: gap, diagnosis } });
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
  evaluate(claim, p, { history, knowledge }) {
    const [a0, a1] = interval(claim);
    const findings: Finding[] = [];
    const stay = isStay(claim.visitType);
    for (const h of history) {
      if (h.providerCode === claim.provider.code) continue;
      const [b0, b1] = interval(h);
      if (!(a0 < b1 && b0 < a1)) continue;
      const hStay = isStay(h.visitType);
      // An emergency visit on the admission day is how the patient came to be admitted.
      if (stay && !hStay && h.emergency && h.start === claim.start) continue;
      if (!stay && hStay && claim.emergency && claim.start === h.start) continue;
      // A same-day transfer: one stay ends by 医嘱转院 on the day the other begins.
      if (
        stay &&
        hStay &&
        ((knowledge.isTransfer(h.dischargeStatus) && h.end === claim.start) ||
          (knowledge.isTransfer(claim.dischargeStatus) && claim.end === h.start))
      )
        continue;
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

// 高频就诊: more visits in the window than a member plausibly needs. A session of a course the knowledge base
// says is legitimately frequent (dialysis three times a week, a radiotherapy course) is counted against the
// course's own maximum, scaled to the window, and not against the rule's.
export const visitFrequency = defineCrossClaimRule({
  type: 'visit-frequency',
  title: '高频就诊',
  parameters: z.strictObject({
    maxVisits: z.number().int().positive(),
    visitTypes: z.array(visitType).min(1),
  }),
  facts: ['visits', 'days', 'maxVisits'],
  evaluate(claim, p, { history, windowDays, knowledge }) {
    if (!p.visitTypes.includes(claim.visitType)) return [];
    // A trailing window ending on this visit's day.
    const from = addDays(claim.start, -(windowDays - 1));
    const inWindow = history.filter((h) => p.visitTypes.includes(h.visitType) && h.start >= from && h.start <= claim.start);
    const courses = knowledge.frequentTreatments({ principalDiagnosis: claim.diagnoses[0], itemCodes: itemCodesOf(claim) });
    if (courses.length > 0) {
      const findings: Finding[] = [];
      for (const course of courses) {
        const sessions = 1 + inWindow.filter((h) => coursesOf(h, knowledge).includes(course.id)).length;
        const allowed = Math.ceil((course.maxSessions * windowDays) / course.windowDays);
        if (sessions > allowed) findings.push({ facts: { visits: sessions, days: windowDays, maxVisits: allowed } });
      }
      return findings.slice(0, 1);
    }
    const visits = 1 + inWindow.filter((h) => coursesOf(h, knowledge).length === 0).length;
    if (visits <= p.maxVisits) return [];
    return [{ facts: { visits, days: windowDays, maxVisits: p.maxVisits } }];
  },
});

// 重复开药: the same drug bought again while the last supply should still last. A supply is one drug (any
// maker or pack: its national code's generic part) bought on one day at one provider, its days added up
// across the lines and claims that carry it; a supply split over claims is a refill only beyond what the
// knowledge base allows the claim's chronic disease (长期处方), or, without one, as any early purchase is.
export const earlyRefill = defineCrossClaimRule({
  type: 'early-refill',
  title: '重复开药（前次药量未用完）',
  parameters: z.strictObject({
    /** Days early a refill may come without being a hit (a patient fetches drugs before running out). */
    graceDays: z.number().int().nonnegative(),
  }),
  facts: ['itemCode', 'itemName', 'otherClaim', 'otherDate', 'remainingDays'],
  evaluate(claim, p, { history, knowledge }) {
    type Supply = { identity: string; date: string; provider: string; days: number; claimNo: string };
    const past = new Map<string, Supply>();
    for (const h of history) {
      for (const d of h.drugs) {
        const identity = drugIdentity(d.itemCode);
        const key = `${identity}#${d.date}#${h.providerCode}`;
        const s = past.get(key);
        if (s) s.days += d.supplyDays;
        else past.set(key, { identity, date: d.date, provider: h.providerCode, days: d.supplyDays, claimNo: h.ref.claimNo });
      }
    }
    const findings: Finding[] = [];
    const supplied = claim.lines.filter((l) => l.supplyDays !== undefined);
    const groups = new Map<string, FraudClaim['lines']>();
    for (const l of supplied) {
      const key = `${drugIdentity(l.itemCode)}#${l.date}`;
      groups.set(key, [...(groups.get(key) ?? []), l]);
    }
    for (const lines of groups.values()) {
      const first = lines[0]!;
      const identity = drugIdentity(first.itemCode);
      const days = lines.reduce((sum, l) => sum + l.supplyDays!, 0);
      const allowance = knowledge.longPrescriptionDays(claim.diagnoses, first.itemCode)?.days;
      let worst: { s: Supply; remaining: number } | undefined;
      for (const s of past.values()) {
        if (s.identity !== identity) continue;
        let remaining: number;
        if (s.date === first.date && s.provider === claim.provider.code && allowance !== undefined) {
          // One supply over several claims: only what goes beyond the allowance is early.
          remaining = Math.min(s.days, s.days + days - allowance);
        } else {
          // Whichever purchase came first: how much of its supply was left on the day of the other.
          remaining = s.date <= first.date ? s.days - daysBetween(s.date, first.date) : days - daysBetween(first.date, s.date);
        }
        if (remaining > p.graceDays && (!worst || remaining > worst.remaining)) worst = { s, remaining };
      }
      if (!worst) continue;
      const overlap = Math.min(worst.remaining, days);
      const amount = lines.reduce((sum, l) => sum + l.amountFen, 0);
      findings.push({
        facts: {
          itemCode: first.itemCode,
          itemName: first.itemName ?? first.itemCode,
          otherClaim: worst.s.claimNo,
          otherDate: worst.s.date,
          remainingDays: worst.remaining,
        },
        lines: lines.map((l) => l.lineNo),
        amountFen: divideRoundHalfUp(amount * overlap, days),
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
