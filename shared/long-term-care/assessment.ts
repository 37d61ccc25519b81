/**
 * The disability assessment (失能评估) as a workflow. Each step is decided here from the assessment
 * as it stands and appended to its log by the store, with who and when; nothing is ever rewritten:
 *
 *   applied ──assign──▶ assigned ──score (assessor)──▶ scored ──confirm (second assessor)──▶ concluded
 *                          ▲                              │ disagree                            │ appeal (within the window)
 *                          └──────────────────────────────┘                                     ▼
 *                          assign (new assessors) ◀────────────────────────────────────── appealed
 *
 * A concluded round gives a result: the level by the national standard (grading-standard.ts), whether
 * it qualifies under the region's policy, in force from the conclusion date for the policy's validity,
 * with its re-assessment date and the last day to appeal. An appeal opens a new round scored by two
 * other assessors; its conclusion supersedes the first from its own date (the first stays in the log
 * and in the member's level history). A member living in another region of the same province is
 * assessed by that region's assessors (`assessingRegion`) when the policy says so.
 *
 * Pure: no I/O, no clock; `at` and `today` come from the caller.
 */
import { fieldRefusal, type Problem } from '../refusal/refusal.ts';
import { checkScores, gradeDisability, type CareLevel, type Grading, type ItemScores } from './grading-standard.ts';
import type { LongTermCarePolicy } from './policy.ts';

export const APPLICANT_KINDS = ['member', 'family', 'institution'] as const;
export type ApplicantKind = (typeof APPLICANT_KINDS)[number];

export const ASSESSMENT_STATUSES = ['applied', 'assigned', 'scored', 'concluded', 'appealed'] as const;
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];

export interface Actor {
  role: 'staff' | 'provider';
  id: string;
}

export interface AssessmentResult {
  round: number;
  level: CareLevel;
  levelName: string;
  qualifies: boolean;
  validFrom: string;
  validTo: string;
  reassessOn: string;
  appealBy: string;
  grading: Grading;
  policyVersion: number;
}

export interface RoundScores {
  by: string;
  at: string;
  scores: ItemScores;
  comatose: boolean;
  grading: Grading;
}

export interface Assessment {
  assessmentId: string;
  memberId: string;
  /** The member's pooling region (whose policy and fund). */
  region: string;
  /** Where the member lives and is assessed (the same region, or another of the province). */
  assessingRegion: string;
  applicant: { kind: ApplicantKind; providerCode?: string | undefined; relation?: string | undefined };
  reason: string;
  status: AssessmentStatus;
  round: number;
  assessors?: { primary: string; second: string } | undefined;
  /** Assessors of earlier rounds: an appeal is scored by others. */
  formerAssessors: string[];
  scores?: RoundScores | undefined;
  result?: AssessmentResult | undefined;
  /** Every result concluded, oldest first (round 1, then the appeal's). */
  results: AssessmentResult[];
  appeal?: { reason: string; at: string; on: string; by: Actor } | undefined;
  appliedAt: string;
  /** The day of the application (a clerk may record a paper application of an earlier day). */
  appliedOn: string;
  updatedAt: string;
  /** The number of steps recorded: the next step is version + 1 (the log's key and the write's condition). */
  version: number;
}

export type StepKind = 'applied' | 'assigned' | 'scored' | 'confirmed' | 'returned' | 'concluded' | 'appealed';

/** One entry of the append-only log. */
export interface StepEntry {
  seq: number;
  step: StepKind;
  round: number;
  by: Actor;
  at: string;
  detail: Record<string, unknown>;
}

export interface Decided {
  assessment: Assessment;
  entries: StepEntry[];
}

const refuse = (status: number, field: string, rule: string, message: string) => fieldRefusal(status, [{ field, rule, message }]);

/** Same province: the first two digits of the division code. */
export const sameProvince = (a: string, b: string): boolean => a.slice(0, 2) === b.slice(0, 2);

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The day before the same day `months` later (a 24-month result from 2025-03-10 holds to 2027-03-09). */
export function addMonthsLessADay(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(d, last);
  return addDays(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`, -1);
}

export interface Application {
  assessmentId: string;
  memberId: string;
  region: string;
  residenceRegion: string;
  applicant: Assessment['applicant'];
  reason: string;
  appliedOn: string;
}

export function apply(app: Application, policy: LongTermCarePolicy, by: Actor, at: string): Decided {
  if (app.residenceRegion !== app.region) {
    if (!sameProvince(app.residenceRegion, app.region))
      throw refuse(
        409,
        'body.residenceRegion',
        'outside_province',
        'a member living outside the province is assessed by agreement between provinces, not here',
      );
    if (!policy.assessment.inProvinceByResidence)
      throw refuse(409, 'body.residenceRegion', 'not_by_residence', `region ${app.region}'s policy assesses its members itself`);
  }
  const assessment: Assessment = {
    assessmentId: app.assessmentId,
    memberId: app.memberId,
    region: app.region,
    assessingRegion: app.residenceRegion,
    applicant: app.applicant,
    reason: app.reason,
    status: 'applied',
    round: 1,
    formerAssessors: [],
    results: [],
    appliedAt: at,
    appliedOn: app.appliedOn,
    updatedAt: at,
    version: 1,
  };
  return {
    assessment,
    entries: [
      {
        seq: 1,
        step: 'applied',
        round: 1,
        by,
        at,
        detail: {
          applicant: app.applicant,
          region: app.region,
          assessingRegion: app.residenceRegion,
          reason: app.reason,
          on: app.appliedOn,
        },
      },
    ],
  };
}

const next = (a: Assessment, step: StepKind, by: Actor, at: string, detail: Record<string, unknown>, offset = 1): StepEntry => ({
  seq: a.version + offset,
  step,
  round: a.round,
  by,
  at,
  detail,
});

export interface Assignment {
  primary: string;
  second: string;
}

/** `assessorRegions`: the regions each named assessor is registered to assess in (from the assessor register). */
export function assign(a: Assessment, req: Assignment, assessorRegions: Record<string, readonly string[]>, by: Actor, at: string): Decided {
  if (a.status !== 'applied' && a.status !== 'appealed')
    throw refuse(
      409,
      'assessmentId',
      'wrong_status',
      `the assessment is ${a.status}: assessors are assigned to a new application or an appeal`,
    );
  if (req.primary === req.second) throw refuse(400, 'body.second', 'same_assessor', 'the second assessor must be another person');
  const problems: Problem[] = [];
  for (const [field, id] of [
    ['body.primary', req.primary],
    ['body.second', req.second],
  ] as const) {
    const regions = assessorRegions[id];
    if (!regions) problems.push({ field, rule: 'not_registered', message: `${id} is not in the assessor register` });
    else if (!regions.includes(a.assessingRegion))
      problems.push({
        field,
        rule: 'wrong_region',
        message: `${id} does not assess in region ${a.assessingRegion}, where the member lives`,
      });
    else if (a.formerAssessors.includes(id))
      problems.push({ field, rule: 'assessed_before', message: `${id} assessed an earlier round: an appeal is assessed by others` });
  }
  if (problems.length) throw fieldRefusal(409, problems);
  const entry = next(a, 'assigned', by, at, { primary: req.primary, second: req.second, assessingRegion: a.assessingRegion });
  return {
    assessment: { ...a, status: 'assigned', assessors: { ...req }, scores: undefined, updatedAt: at, version: entry.seq },
    entries: [entry],
  };
}

export function score(a: Assessment, scores: ItemScores, comatose: boolean, assessorId: string, at: string): Decided {
  if (a.status !== 'assigned')
    throw refuse(409, 'assessmentId', 'wrong_status', `the assessment is ${a.status}: scores are recorded once assessors are assigned`);
  if (a.assessors?.primary !== assessorId)
    throw refuse(403, 'principal', 'not_assigned', `${assessorId} is not this round's assessor (the second assessor confirms)`);
  const problems = checkScores(scores).map((p) => ({ ...p, field: `body.${p.field}` }));
  if (problems.length) throw fieldRefusal(400, problems);
  const grading = gradeDisability(scores, comatose);
  const entry = next(a, 'scored', { role: 'staff', id: assessorId }, at, { scores, comatose, grading });
  return {
    assessment: { ...a, status: 'scored', scores: { by: assessorId, at, scores, comatose, grading }, updatedAt: at, version: entry.seq },
    entries: [entry],
  };
}

/**
 * The second assessor confirms the scores (the round is concluded: the result, by the policy in force
 * on the conclusion date) or returns them to the first assessor with a note.
 */
export function confirm(
  a: Assessment,
  agree: boolean,
  note: string | undefined,
  assessorId: string,
  /** The policy in force on the conclusion day (needed only to conclude). */
  policy: LongTermCarePolicy | undefined,
  at: string,
  today: string,
): Decided {
  if (a.status !== 'scored') throw refuse(409, 'assessmentId', 'wrong_status', `the assessment is ${a.status}: only scores are confirmed`);
  const floor = a.appeal?.on ?? a.appliedOn;
  if (today < floor) throw refuse(409, 'body.concludedOn', 'date_order', `a round is concluded on or after ${floor}`);
  if (a.assessors?.second !== assessorId)
    throw refuse(403, 'principal', 'not_second_assessor', `${assessorId} is not this round's second assessor`);
  const by: Actor = { role: 'staff', id: assessorId };
  if (!agree) {
    const entry = next(a, 'returned', by, at, { note: note ?? '' });
    return { assessment: { ...a, status: 'assigned', scores: undefined, updatedAt: at, version: entry.seq }, entries: [entry] };
  }
  if (!policy) throw refuse(409, 'region', 'no_policy', `region ${a.region} has no long-term care policy in force on ${today}`);
  const scores = a.scores!;
  const level = scores.grading.level;
  const result: AssessmentResult = {
    round: a.round,
    level,
    levelName: scores.grading.levelName,
    qualifies: policy.assessment.qualifyingLevels.includes(level),
    validFrom: today,
    validTo: addMonthsLessADay(today, policy.assessment.validityMonths),
    reassessOn: addDays(addMonthsLessADay(today, policy.assessment.validityMonths), -policy.assessment.reassessBeforeDays),
    appealBy: addDays(today, policy.assessment.appealDays),
    grading: scores.grading,
    policyVersion: policy.version,
  };
  const confirmed = next(a, 'confirmed', by, at, { note: note ?? '' });
  const concluded = next(a, 'concluded', by, at, { result, on: today }, 2);
  return {
    assessment: {
      ...a,
      status: 'concluded',
      result,
      results: [...a.results, result],
      updatedAt: at,
      version: concluded.seq,
    },
    entries: [confirmed, concluded],
  };
}

export function appeal(a: Assessment, reason: string, by: Actor, at: string, today: string): Decided {
  if (a.status !== 'concluded' || !a.result)
    throw refuse(409, 'assessmentId', 'wrong_status', `the assessment is ${a.status}: only a concluded result is appealed`);
  if (a.round > 1) throw refuse(409, 'assessmentId', 'already_appealed', 'the appeal round is final: apply again for a new assessment');
  if (today > a.result.appealBy)
    throw refuse(409, 'assessmentId', 'appeal_window_closed', `the last day to appeal was ${a.result.appealBy}`);
  if (today < a.result.validFrom) throw refuse(409, 'body.appealedOn', 'date_order', `the result was concluded on ${a.result.validFrom}`);
  const entry = next(a, 'appealed', by, at, { reason, against: { round: a.round, level: a.result.level }, on: today });
  const former = a.assessors ? [a.assessors.primary, a.assessors.second] : [];
  return {
    assessment: {
      ...a,
      status: 'appealed',
      round: a.round + 1,
      formerAssessors: [...new Set([...a.formerAssessors, ...former])],
      assessors: undefined,
      scores: undefined,
      appeal: { reason, at, on: today, by },
      updatedAt: at,
      version: entry.seq,
    },
    entries: [{ ...entry, round: a.round + 1 }],
  };
}

/** A member's level on a date: the newest result in force then (later conclusions supersede earlier ones). */
export interface LevelRecord {
  assessmentId: string;
  round: number;
  level: CareLevel;
  qualifies: boolean;
  validFrom: string;
  validTo: string;
  concludedAt: string;
  region: string;
}

export function levelOn(records: readonly LevelRecord[], date: string): LevelRecord | undefined {
  const candidates = records
    .filter((r) => r.validFrom <= date)
    .sort((x, y) => x.validFrom.localeCompare(y.validFrom) || x.concludedAt.localeCompare(y.concludedAt));
  const newest = candidates.at(-1);
  return newest && date <= newest.validTo ? newest : undefined;
}
