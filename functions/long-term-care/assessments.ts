import { type Principal, requireRole } from '../../shared/auth/principal.ts';
import { deliverAfterCommit } from '../../shared/events/outbox.ts';
import { notFound } from '../../shared/http/errors.ts';
import { fieldRefusal } from '../../shared/refusal/refusal.ts';
import { type Assessment, apply, appeal, assign, confirm, levelOn, score } from '../../shared/long-term-care/assessment.ts';
import {
  levelsOf,
  openAssessmentOf,
  readAssessment,
  readAssessor,
  readSteps,
  writeAssessmentStep,
  type AssessmentWrite,
} from '../../shared/long-term-care/store/records.ts';
import { longTermCareKind } from '../../shared/policy/long-term-care.ts';
import { policies } from '../../shared/policy/store/registry.ts';
import { agencyDate } from '../../shared/time/agency-calendar.ts';
import {
  applicationSchema,
  appealSchema,
  assessmentParams,
  assignmentSchema,
  confirmationSchema,
  levelQuery,
  memberParams,
  scoresSchema,
} from './schemas.ts';
import { coverOn, institutionOn, newAssessmentId, policyOn, stepEvents } from './service.ts';
import type { RouteTableOf } from '../../shared/http/api.ts';
import { actorOf, dayOf, logger, now, replay, warn } from './common.ts';

async function assessmentOr404(id: string, reader?: Principal): Promise<Assessment> {
  const a = await readAssessment(id);
  // An assessment the caller may not read answers exactly as a missing one.
  if (!a || (reader && !assessmentVisible(reader, a)))
    throw notFound(`no assessment ${id}`, { problems: [{ field: 'assessmentId', rule: 'not_found', message: 'no such assessment' }] });
  return a;
}

/** Staff see every assessment; a regulator those of its region; a care institution those it applied for. */
function assessmentVisible(p: Principal, a: Assessment): boolean {
  if (p.role === 'staff') return true;
  if (p.role === 'regulator') return p.region === a.region || p.region === a.assessingRegion;
  return a.applicant.kind === 'institution' && a.applicant.providerCode === p.providerCode;
}

/** Commits a step; a version moved meanwhile is a 409 (read it again), never a half-written step. */
async function commitStep(w: AssessmentWrite): Promise<void> {
  const written = await writeAssessmentStep(w);
  if (!written.ok) {
    if (w.open === 'claim' && written.reasons.some((r) => r === 'ConditionalCheckFailed')) {
      const open = await openAssessmentOf(w.after.memberId);
      if (open && open.assessmentId !== w.after.assessmentId)
        throw fieldRefusal(409, [
          {
            field: 'body.memberId',
            rule: 'open_assessment',
            message: `member ${w.after.memberId} has an open assessment ${open.assessmentId}`,
          },
        ]);
    }
    throw fieldRefusal(409, [
      { field: 'assessmentId', rule: 'changed', message: 'the assessment moved on meanwhile: read it and send the step again' },
    ]);
  }
  await deliverAfterCommit(w.events, warn);
  for (const e of w.entries)
    logger.info('Care assessment step recorded', {
      assessmentId: w.after.assessmentId,
      step: e.step,
      seq: e.seq,
      round: e.round,
      by: e.by.id,
    });
}

const assessmentView = async (a: Assessment) => ({ assessment: a, log: await readSteps(a.assessmentId) });

export const assessmentRoutes: Pick<
  RouteTableOf<'longTermCare'>,
  | 'applyForCareAssessment'
  | 'getCareAssessment'
  | 'assignCareAssessors'
  | 'scoreCareAssessment'
  | 'confirmCareAssessment'
  | 'appealCareAssessment'
  | 'getCareLevel'
> = {
  applyForCareAssessment: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff', 'provider');
    const body = request.body(applicationSchema);
    if (principal.role === 'provider' && body.applicant.kind !== 'institution')
      throw fieldRefusal(403, [
        { field: 'body.applicant.kind', rule: 'institution_only', message: 'a care institution applies as an institution' },
      ]);
    if (principal.role === 'staff' && body.applicant.kind === 'institution')
      throw fieldRefusal(400, [
        { field: 'body.applicant.kind', rule: 'institution_applies_itself', message: 'an institution applies with its own token' },
      ]);
    const at = now();
    const today = dayOf(body.appliedOn, agencyDate(new Date(at)), 'body.appliedOn');
    if (principal.role === 'provider' && !(await institutionOn(principal.providerCode, today)))
      throw fieldRefusal(403, [
        { field: 'principal', rule: 'not_certified', message: `${principal.providerCode} is not a certified care institution today` },
      ]);
    const cover = await coverOn(body.memberId, [today], (region, date) =>
      policies.inForce(longTermCareKind, { region, year: Number(date.slice(0, 4)) }, date),
    );
    if (!cover.exists)
      throw notFound(`no member ${body.memberId} in the register`, {
        problems: [{ field: 'body.memberId', rule: 'not_found', message: 'no such member' }],
      });
    if (!cover.region || !cover.covered.has(today))
      throw fieldRefusal(409, [
        {
          field: 'body.memberId',
          rule: 'not_covered',
          message: `member ${body.memberId} is not covered by long-term care insurance on ${today}`,
        },
      ]);
    const policy = await policyOn(cover.region, today);
    const open = await openAssessmentOf(body.memberId);
    if (open) {
      const existing = await readAssessment(open.assessmentId);
      if (existing && existing.reason === body.reason && existing.applicant.kind === body.applicant.kind)
        return { statusCode: 200, headers: replay, body: { outcome: 'unchanged', ...(await assessmentView(existing)) } };
      throw fieldRefusal(409, [
        { field: 'body.memberId', rule: 'open_assessment', message: `member ${body.memberId} has an open assessment ${open.assessmentId}` },
      ]);
    }
    const applicant = {
      kind: body.applicant.kind,
      ...(body.applicant.relation ? { relation: body.applicant.relation } : {}),
      ...(principal.role === 'provider' ? { providerCode: principal.providerCode } : {}),
    };
    const decided = apply(
      {
        assessmentId: newAssessmentId(at),
        memberId: body.memberId,
        region: cover.region,
        residenceRegion: body.residenceRegion ?? cover.region,
        applicant,
        reason: body.reason,
        appliedOn: today,
      },
      policy,
      actorOf(principal),
      at,
    );
    await commitStep({
      before: undefined,
      after: decided.assessment,
      entries: decided.entries,
      events: stepEvents(decided.assessment, decided.entries, request.correlationId),
      open: 'claim',
    });
    return { statusCode: 201, body: { outcome: 'applied', ...(await assessmentView(decided.assessment)) } };
  },

  getCareAssessment: async (request) => {
    const principal = request.principal();
    const { assessmentId } = request.params(assessmentParams);
    const a = await assessmentOr404(assessmentId, principal);
    return { statusCode: 200, body: await assessmentView(a) };
  },

  assignCareAssessors: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff');
    const { assessmentId } = request.params(assessmentParams);
    const body = request.body(assignmentSchema);
    const a = await assessmentOr404(assessmentId);
    const at = now();
    const today = agencyDate(new Date(at));
    const regions: Record<string, string[]> = {};
    for (const id of new Set([body.primary, body.second])) {
      const r = await readAssessor(id);
      if (r?.active && r.validFrom <= today && today <= r.validTo) regions[id] = r.regions;
    }
    const decided = assign(a, body, regions, actorOf(principal), at);
    await commitStep({
      before: a,
      after: decided.assessment,
      entries: decided.entries,
      events: stepEvents(decided.assessment, decided.entries, request.correlationId),
    });
    return { statusCode: 200, body: { outcome: 'assigned', ...(await assessmentView(decided.assessment)) } };
  },

  scoreCareAssessment: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff');
    const { assessmentId } = request.params(assessmentParams);
    const body = request.body(scoresSchema);
    const a = await assessmentOr404(assessmentId);
    const decided = score(a, body.scores, body.comatose, principal.sub, now());
    await commitStep({
      before: a,
      after: decided.assessment,
      entries: decided.entries,
      events: stepEvents(decided.assessment, decided.entries, request.correlationId),
    });
    return { statusCode: 200, body: { outcome: 'scored', ...(await assessmentView(decided.assessment)) } };
  },

  confirmCareAssessment: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff');
    const { assessmentId } = request.params(assessmentParams);
    const body = request.body(confirmationSchema);
    const a = await assessmentOr404(assessmentId);
    const at = now();
    const today = dayOf(body.concludedOn, agencyDate(new Date(at)), 'body.concludedOn');
    // Returning the scores needs no policy; concluding reads the one in force on the conclusion day.
    const policy = body.agree ? await policyOn(a.region, today) : undefined;
    const decided = confirm(a, body.agree, body.note, principal.sub, policy, at, today);
    const r = decided.assessment.status === 'concluded' ? decided.assessment.result : undefined;
    await commitStep({
      before: a,
      after: decided.assessment,
      entries: decided.entries,
      events: stepEvents(decided.assessment, decided.entries, request.correlationId),
      ...(r
        ? {
            open: 'release' as const,
            level: {
              assessmentId,
              round: r.round,
              level: r.level,
              qualifies: r.qualifies,
              validFrom: r.validFrom,
              validTo: r.validTo,
              concludedAt: at,
              region: a.region,
            },
          }
        : {}),
    });
    return { statusCode: 200, body: { outcome: r ? 'concluded' : 'returned', ...(await assessmentView(decided.assessment)) } };
  },

  appealCareAssessment: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff', 'provider');
    const { assessmentId } = request.params(assessmentParams);
    const body = request.body(appealSchema);
    const a = await assessmentOr404(assessmentId, principal);
    const at = now();
    const decided = appeal(a, body.reason, actorOf(principal), at, dayOf(body.appealedOn, agencyDate(new Date(at)), 'body.appealedOn'));
    await commitStep({
      before: a,
      after: decided.assessment,
      entries: decided.entries,
      events: stepEvents(decided.assessment, decided.entries, request.correlationId),
      open: 'claim',
    });
    return { statusCode: 200, body: { outcome: 'appealed', ...(await assessmentView(decided.assessment)) } };
  },

  getCareLevel: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff', 'provider', 'regulator');
    const { memberId } = request.params(memberParams);
    const { date } = request.query(levelQuery);
    const on = date ?? agencyDate(new Date());
    let records = await levelsOf(memberId);
    // Another region's member answers exactly as one with no assessment: the caller learns nothing.
    if (principal.role === 'regulator' && records.length && records.every((r) => r.region !== principal.region)) records = [];
    const inForce = levelOn(records, on);
    return {
      statusCode: 200,
      body: {
        memberId,
        date: on,
        level: inForce ?? null,
        ...(principal.role === 'provider' ? {} : { results: records }),
      },
    };
  },
};
