/**
 * What the long-term care routes share: the policy in force, a member's region and cover day by day,
 * the institution's certification in force, and the events each step commits.
 */
import { createHash, randomInt } from 'node:crypto';
import { CareAssessmentStepRecorded, CareLevelDetermined } from '../../events/long-term-care.ts';
import { employeeTermsFor, memberStateFrom } from '../../shared/enrolment/store/member-state.ts';
import { readMemberItems } from '../../shared/enrolment/store/members.ts';
import { outboxEntry, type OutboxEntry } from '../../shared/events/outbox.ts';
import { fieldRefusal } from '../../shared/refusal/refusal.ts';
import type { Assessment, StepEntry } from '../../shared/long-term-care/assessment.ts';
import { daysOf } from '../../shared/long-term-care/care-claim.ts';
import { coveredFrom, type LongTermCarePolicy } from '../../shared/long-term-care/policy.ts';
import { institutionHistory, type InstitutionCertification } from '../../shared/long-term-care/store/records.ts';
import { longTermCareKind } from '../../shared/policy/long-term-care.ts';
import { policies } from '../../shared/policy/store/registry.ts';
import { canonicalJson } from '../../shared/runtime/canonical-json.ts';

/**
 * An assessment id: `LA`, the day it was applied for, and twelve random capital letters (56 bits).
 * Letters, not hex: hex digits after the eight of the date could run to eighteen digits, which reads as
 * a resident ID number to anyone (or any scanner) checking events and logs for personal data.
 */
export const newAssessmentId = (at: string): string =>
  `LA${at.slice(0, 10).replaceAll('-', '')}${Array.from({ length: 12 }, () => String.fromCharCode(65 + randomInt(26))).join('')}`;

export const digestOf = (value: unknown): string => createHash('sha256').update(canonicalJson(value)).digest('hex');

/** The region's long-term care policy in force on a date (its year's document), or a 409 naming the region. */
export async function policyOn(region: string, date: string, field = 'region'): Promise<LongTermCarePolicy> {
  const policy = await policies.inForce(longTermCareKind, { region, year: Number(date.slice(0, 4)) }, date);
  if (!policy)
    throw fieldRefusal(409, [{ field, rule: 'no_policy', message: `region ${region} has no long-term care policy in force on ${date}` }]);
  return policy;
}

export interface MemberCover {
  /** The pooling region of the member's enrolment (the first covered day's, else the first enrolled day's). */
  region?: string;
  /** Days covered by long-term care: enrolled and active in a scheme the policy covers, from its start. */
  covered: Set<string>;
  exists: boolean;
}

/**
 * A member's long-term care cover on each of `days`: one read of the member's partition, then the
 * enrolment state day by day (an employee's cover follows the monthly contributions, so a month in
 * arrears is not covered), under the policy of the region the member is enrolled in.
 */
export async function coverOn(
  memberId: string,
  days: readonly string[],
  policyFor: (region: string, date: string) => Promise<LongTermCarePolicy | undefined>,
): Promise<MemberCover> {
  const items = await readMemberItems(memberId);
  if (!items.member || days.length === 0) return { covered: new Set(), exists: items.member !== undefined };
  const terms = await employeeTermsFor(items, days[0]!);
  const covered = new Set<string>();
  let region: string | undefined;
  for (const day of days) {
    const state = memberStateFrom(items, day, terms);
    const enrolment = state?.enrolment;
    if (!enrolment) continue;
    region ??= enrolment.region;
    if (enrolment.status !== 'active') continue;
    const policy = await policyFor(enrolment.region, day);
    const from = policy ? coveredFrom(policy, enrolment.scheme) : undefined;
    if (!from || day < from) continue;
    covered.add(day);
    region = enrolment.region;
  }
  return { covered, exists: true, ...(region ? { region } : {}) };
}

export const monthDays = (month: string): string[] => {
  const last = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
  return daysOf({ from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` });
};

/** The certification version in force on a date (the newest written, if its dates hold it). */
export async function institutionOn(providerCode: string, date: string): Promise<InstitutionCertification | undefined> {
  const [latest] = await institutionHistory(providerCode);
  if (!latest || latest.validFrom > date || date > latest.validTo || latest.settings.length === 0) return undefined;
  return latest;
}

/** The events a step commits: one per log entry, and CareLevelDetermined when a round concludes. */
export function stepEvents(a: Assessment, entries: readonly StepEntry[], correlationId: string): OutboxEntry[] {
  const out: OutboxEntry[] = [];
  for (const e of entries) {
    out.push(
      outboxEntry(
        CareAssessmentStepRecorded,
        {
          assessmentId: a.assessmentId,
          memberId: a.memberId,
          region: a.region,
          assessingRegion: a.assessingRegion,
          seq: e.seq,
          step: e.step,
          round: e.round,
          by: e.by,
          at: e.at,
        },
        correlationId,
        `ltc-assessment/${a.assessmentId}/${e.seq}/CareAssessmentStepRecorded`,
        e.at,
      ),
    );
    if (e.step === 'concluded' && a.result) {
      const r = a.result;
      out.push(
        outboxEntry(
          CareLevelDetermined,
          {
            assessmentId: a.assessmentId,
            memberId: a.memberId,
            region: a.region,
            assessingRegion: a.assessingRegion,
            round: r.round,
            level: r.level,
            qualifies: r.qualifies,
            validFrom: r.validFrom,
            validTo: r.validTo,
            reassessOn: r.reassessOn,
            policyVersion: r.policyVersion,
          },
          correlationId,
          `ltc-assessment/${a.assessmentId}/round/${r.round}/CareLevelDetermined`,
          e.at,
        ),
      );
    }
  }
  return out;
}
