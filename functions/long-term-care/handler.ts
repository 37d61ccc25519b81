/**
 * Long-term care insurance (长期护理保险), the routes:
 *   PUT  /v1/ltc/assessors/{assessorId}              the assessor register (ltc:manage): regions assessed in, qualification, validity
 *   GET  /v1/ltc/assessors/{assessorId}              an assessor and their history
 *   PUT  /v1/ltc/institutions/{providerCode}         certify a registered provider as a care institution: settings, beds (ltc:manage)
 *   GET  /v1/ltc/institutions/{providerCode}         its certification and history
 *   POST /v1/ltc/assessments                         apply for a disability assessment (member or family at the counter, or a care institution)
 *   GET  /v1/ltc/assessments/{assessmentId}          the assessment and its append-only log (who, when)
 *   POST /v1/ltc/assessments/{assessmentId}/assignment    two assessors of the region the member lives in (ltc:manage)
 *   POST /v1/ltc/assessments/{assessmentId}/scores        the first assessor's 17 item scores (ltc:assess)
 *   POST /v1/ltc/assessments/{assessmentId}/confirmation  the second assessor confirms (the result) or returns them (ltc:assess)
 *   POST /v1/ltc/assessments/{assessmentId}/appeal        an appeal within the window: a new round by other assessors
 *   GET  /v1/ltc/members/{memberId}/level            the level in force on a date, and every result
 *   POST /v1/ltc/care-claims                         a care institution's month for one member, settled (idempotent)
 *   GET  /v1/ltc/care-claims/{providerCode}/{memberId}/{month}           the claim, its statement, ledger and findings
 *   POST /v1/ltc/care-claims/{providerCode}/{memberId}/{month}/reversal  reverse it (ltc:manage)
 *   GET  /v1/ltc/reports/{region}/{month}            members by level, spending by setting, funding, findings
 */
import { CareClaimFlagged, CareClaimReversed, CareClaimSettled, CareInstitutionCertified } from '../../events/long-term-care.ts';
import { type Principal, requirePermission, requireRole } from '../../shared/auth/principal.ts';
import { getProvider } from '../../shared/budget/store/register.ts';
import { deliverAfterCommit, deliverWaiting, outboxEntry, type OutboxEntry } from '../../shared/events/outbox.ts';
import { httpApi, type ApiRequest } from '../../shared/http/api.ts';
import { conflict, forbidden, notFound } from '../../shared/http/errors.ts';
import { fieldRefusal } from '../../shared/refusal/refusal.ts';
import { type Actor, type Assessment, apply, appeal, assign, confirm, levelOn, score } from '../../shared/long-term-care/assessment.ts';
import { daysOf, settleCareClaim, type CareClaimInput, type CareStatement } from '../../shared/long-term-care/care-claim.ts';
import { LEVELS } from '../../shared/long-term-care/grading-standard.ts';
import { CARE_SETTINGS, type LongTermCarePolicy } from '../../shared/long-term-care/policy.ts';
import {
  assessorHistory,
  deathOf,
  institutionHistory,
  institutionalMembers,
  levelsOf,
  levelsOfRegion,
  openAssessmentOf,
  readAssessment,
  readAssessor,
  readCareClaim,
  readLedger,
  readSteps,
  regionMonth,
  staysOf,
  writeAssessmentStep,
  writeAssessor,
  writeInstitution,
  writeReversal,
  writeSettlement,
  type AssessmentWrite,
  type AssessorRecord,
  type CareClaimRecord,
  type InstitutionCertification,
} from '../../shared/long-term-care/store/records.ts';
import { longTermCareKind } from '../../shared/policy/long-term-care.ts';
import { coversPlace } from '../../shared/policy/pooling.ts';
import { policies } from '../../shared/policy/store/registry.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { agencyDate } from '../../shared/time/agency-calendar.ts';
import {
  applicationSchema,
  appealSchema,
  assessmentParams,
  assessorParams,
  assessorSchema,
  assignmentSchema,
  careClaimSchema,
  claimParams,
  confirmationSchema,
  institutionParams,
  institutionSchema,
  levelQuery,
  memberParams,
  reportParams,
  reversalSchema,
  scoresSchema,
} from './schemas.ts';
import { coverOn, digestOf, institutionOn, monthDays, newAssessmentId, policyOn, stepEvents } from './service.ts';

const logger = createLogger('long-term-care');

const now = () => new Date().toISOString();
const actorOf = (p: Principal): Actor => (p.role === 'provider' ? { role: 'provider', id: p.providerCode } : { role: 'staff', id: p.sub });
const replay = { 'x-idempotent-replay': 'true' };
/** A step's business day: the one given (never after today) or today. */
function dayOf(given: string | undefined, today: string, field: string): string {
  if (given && given > today) throw fieldRefusal(400, [{ field, rule: 'future_date', message: `${given} is after today (${today})` }]);
  return given ?? today;
}
const warn = (message: string, extra: Record<string, unknown>) => logger.warn(message, extra);

async function assessmentOr404(id: string): Promise<Assessment> {
  const a = await readAssessment(id);
  if (!a)
    throw notFound(`no assessment ${id}`, { problems: [{ field: 'assessmentId', rule: 'not_found', message: 'no such assessment' }] });
  return a;
}

/** Staff see every assessment; a regulator those of its region; a care institution those it applied for. */
function requireAssessmentVisible(p: Principal, a: Assessment): void {
  if (p.role === 'staff') return;
  if (p.role === 'regulator' && (p.region === a.region || p.region === a.assessingRegion)) return;
  if (p.role === 'provider' && a.applicant.kind === 'institution' && a.applicant.providerCode === p.providerCode) return;
  throw forbidden('the caller may not read this assessment', { field: 'assessmentId' });
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

async function claimOr404(providerCode: string, memberId: string, month: string): Promise<CareClaimRecord> {
  const c = await readCareClaim(providerCode, memberId, month);
  if (!c) throw notFound(`no care claim of ${providerCode} for ${memberId} in ${month}`, { field: 'month', rule: 'not_found' });
  return c;
}

function requireClaimVisible(p: Principal, c: CareClaimRecord): void {
  if (p.role === 'staff') return;
  if (p.role === 'provider' && p.providerCode === c.providerCode) return;
  if (p.role === 'regulator' && p.region === c.region) return;
  throw forbidden('the caller may not read this care claim', { field: 'providerCode' });
}

const claimView = (c: CareClaimRecord) => {
  const { request: _r, requestDigest: _d, ...rest } = c;
  return {
    ...rest,
    findings: [...c.statement.findings.map((f) => ({ ...f, when: 'at-settlement' as const })), ...(c.laterFindings ?? [])],
  };
};

function claimEvents(c: CareClaimRecord, correlationId: string): OutboxEntry[] {
  const s = c.statement;
  const ref = { providerCode: c.providerCode, memberId: c.memberId, month: c.month };
  const base = `care-claim/${c.providerCode}/${c.memberId}/${c.month}/${c.settlementNo}`;
  return [
    outboxEntry(
      CareClaimSettled,
      {
        claim: ref,
        region: c.region,
        settlementNo: c.settlementNo,
        ...(s.level !== undefined ? { level: s.level } : {}),
        totals: s.totals,
        bySetting: s.lines.map((l) => ({
          setting: l.setting,
          fundPaidFen: l.fundPaidFen,
          memberPaidFen: l.memberPaidFen,
          refusedFen: l.refusedFen,
        })),
        rulesHit: s.findings.map((f) => f.rule),
        policyVersion: s.policyVersion,
      },
      correlationId,
      `${base}/CareClaimSettled`,
      c.settledAt,
    ),
    ...s.findings.map((f) =>
      outboxEntry(
        CareClaimFlagged,
        {
          claim: ref,
          region: c.region,
          settlementNo: c.settlementNo,
          rule: f.rule,
          action: f.action,
          severity: f.severity,
          when: 'at-settlement',
          ...(f.dates ? { dates: f.dates } : {}),
          message: f.message.slice(0, 500),
        },
        correlationId,
        `${base}/${f.rule}/CareClaimFlagged`,
        c.settledAt,
      ),
    ),
  ];
}

/** Every day the claim bills, in order. */
function claimDays(input: CareClaimInput): string[] {
  const days = new Set<string>([
    ...(input.institutional?.periods.flatMap(daysOf) ?? []),
    ...(input.homeCare?.visits.map((v) => v.date) ?? []),
    ...(input.familyCarer?.periods.flatMap(daysOf) ?? []),
  ]);
  return [...days].sort();
}

async function settleClaim(request: ApiRequest, principal: Principal) {
  const body = request.body(careClaimSchema);
  if (principal.role === 'regulator') throw forbidden('regulators read care claims; institutions and staff submit them');
  if (principal.role === 'provider' && principal.providerCode !== body.providerCode)
    throw forbidden(`The caller may not act for provider ${body.providerCode}`, { field: 'body.providerCode' });
  const { providerCode, memberId, month } = body;
  const input: CareClaimInput = body;
  const digest = digestOf(input);
  const previous = await readCareClaim(providerCode, memberId, month);
  if (previous?.state === 'settled') {
    if (previous.requestDigest === digest) {
      await deliverWaiting(
        claimEvents(previous, request.correlationId).map((e) => e.key),
        warn,
      );
      return { statusCode: 200, headers: replay, body: { outcome: 'unchanged', claim: claimView(previous) } };
    }
    throw fieldRefusal(409, [
      {
        field: 'body.month',
        rule: 'already_settled',
        message: `${providerCode}'s ${month} for ${memberId} is settled (settlement ${previous.settlementNo}) with other content: reverse it first`,
      },
    ]);
  }
  const firstDay = `${month}-01`;
  const institution = await institutionOn(providerCode, firstDay);
  if (!institution)
    throw fieldRefusal(409, [
      { field: 'body.providerCode', rule: 'not_certified', message: `${providerCode} is not a certified care institution in ${month}` },
    ]);
  const billed = CARE_SETTINGS.filter((s) =>
    s === 'institutional' ? input.institutional : s === 'home-care' ? input.homeCare : input.familyCarer,
  );
  const uncertified = billed.filter((s) => !institution.settings.includes(s));
  if (uncertified.length)
    throw fieldRefusal(
      409,
      uncertified.map((s) => ({
        field: `body.${s === 'home-care' ? 'homeCare' : s === 'family-carer' ? 'familyCarer' : s}`,
        rule: 'setting_not_certified',
        message: `${providerCode} is not certified for ${s}`,
      })),
    );
  const policyCache = new Map<string, Promise<LongTermCarePolicy | undefined>>();
  const policyFor = (region: string, date: string) => {
    const key = `${region}#${date.slice(0, 4)}`;
    if (!policyCache.has(key))
      policyCache.set(key, policies.inForce(longTermCareKind, { region, year: Number(date.slice(0, 4)) }, firstDay));
    return policyCache.get(key)!;
  };
  const days = claimDays(input);
  const cover = await coverOn(memberId, days, policyFor);
  if (!cover.exists)
    throw notFound(`no member ${memberId} in the register`, {
      problems: [{ field: 'body.memberId', rule: 'not_found', message: 'no such member' }],
    });
  const region = cover.region ?? institution.region;
  const policy = await policyOn(region, firstDay, 'body.month');
  const [levels, stays, deathDate, members] = await Promise.all([
    levelsOf(memberId),
    staysOf(memberId),
    deathOf(memberId),
    institutionalMembers(providerCode, month),
  ]);
  const statement: CareStatement = settleCareClaim(input, {
    policy,
    levels,
    coveredDays: cover.covered,
    stays,
    deathDate,
    institution,
    otherInstitutionalMembers: members.filter((m) => m !== memberId).length,
  });
  const at = now();
  const record: CareClaimRecord = {
    providerCode,
    memberId,
    month,
    region,
    state: 'settled',
    settlementNo: (previous?.settlementNo ?? 0) + 1,
    request: input,
    requestDigest: digest,
    statement,
    institutional: input.institutional !== undefined && statement.lines.some((l) => l.setting === 'institutional' && l.paidQuantity > 0),
    settledAt: at,
    settledBy: actorOf(principal).id,
  };
  const events = claimEvents(record, request.correlationId);
  const written = await writeSettlement(record, previous, events);
  if (!written.ok) {
    const now2 = await readCareClaim(providerCode, memberId, month);
    if (now2?.state === 'settled' && now2.requestDigest === digest)
      return { statusCode: 200, headers: replay, body: { outcome: 'unchanged', claim: claimView(now2) } };
    throw fieldRefusal(409, [
      { field: 'body.month', rule: 'changed', message: 'the claim was settled or reversed meanwhile: read it and send again' },
    ]);
  }
  await deliverAfterCommit(events, warn);
  logger.info('Care claim settled', {
    providerCode,
    memberId,
    month,
    settlementNo: record.settlementNo,
    fundPaidFen: statement.totals.fundPaidFen,
    rulesHit: statement.findings.map((f) => f.rule),
  });
  return { statusCode: 201, body: { outcome: 'settled', claim: claimView(record) } };
}

export const handler = httpApi(logger, 'longTermCare', {
  putCareAssessor: async (request) => {
    const principal = request.principal();
    requirePermission(principal, 'ltc:manage');
    const { assessorId } = request.params(assessorParams);
    const body = request.body(assessorSchema);
    const existing = await readAssessor(assessorId);
    const same =
      existing &&
      JSON.stringify([...existing.regions].sort()) === JSON.stringify([...body.regions].sort()) &&
      existing.qualification === body.qualification &&
      existing.validFrom === body.validFrom &&
      existing.validTo === body.validTo &&
      existing.active === body.active;
    if (existing && same) return { statusCode: 200, headers: replay, body: { outcome: 'unchanged', assessor: existing } };
    const record: AssessorRecord = {
      assessorId,
      regions: [...new Set(body.regions)].sort(),
      qualification: body.qualification,
      validFrom: body.validFrom,
      validTo: body.validTo,
      active: body.active,
      version: (existing?.version ?? 0) + 1,
      by: principal.sub,
      at: now(),
    };
    if (!(await writeAssessor(record)))
      throw conflict('the assessor changed meanwhile: read it and send again', { field: 'assessorId', rule: 'changed' });
    logger.info('Care assessor recorded', { assessorId, version: record.version, regions: record.regions });
    return { statusCode: existing ? 200 : 201, body: { outcome: existing ? 'changed' : 'registered', assessor: record } };
  },

  getCareAssessor: async (request) => {
    requireRole(request.principal(), 'staff');
    const { assessorId } = request.params(assessorParams);
    const assessor = await readAssessor(assessorId);
    if (!assessor) throw notFound(`no assessor ${assessorId}`, { field: 'assessorId', rule: 'not_found' });
    const { pk: _pk, ...view } = assessor;
    return { statusCode: 200, body: { assessor: view, history: await assessorHistory(assessorId) } };
  },

  certifyCareInstitution: async (request) => {
    const principal = request.principal();
    requirePermission(principal, 'ltc:manage');
    const { providerCode } = request.params(institutionParams);
    const body = request.body(institutionSchema);
    const provider = await getProvider(providerCode);
    if (!provider)
      throw notFound(`no provider ${providerCode} in the register: register it first (POST /v1/providers)`, {
        problems: [{ field: 'providerCode', rule: 'not_registered', message: 'a care institution is a registered provider' }],
      });
    if (!coversPlace(body.region, provider.region))
      throw fieldRefusal(409, [
        {
          field: 'body.region',
          rule: 'wrong_region',
          message: `${providerCode} stands in ${provider.region}, outside pooling region ${body.region}`,
        },
      ]);
    const [latest] = await institutionHistory(providerCode);
    const settings = [...new Set(body.settings)].sort();
    if (
      latest &&
      latest.region === body.region &&
      latest.beds === body.beds &&
      latest.validFrom === body.validFrom &&
      latest.validTo === body.validTo &&
      JSON.stringify(latest.settings) === JSON.stringify(settings)
    )
      return { statusCode: 200, headers: replay, body: { outcome: 'unchanged', certification: latest } };
    const cert: InstitutionCertification = {
      providerCode,
      region: body.region,
      settings,
      beds: body.beds,
      validFrom: body.validFrom,
      validTo: body.validTo,
      reason: body.reason,
      version: (latest?.version ?? 0) + 1,
      by: principal.sub,
      at: now(),
    };
    const event = outboxEntry(
      CareInstitutionCertified,
      {
        providerCode,
        region: cert.region,
        version: cert.version,
        settings,
        beds: cert.beds,
        validFrom: cert.validFrom,
        validTo: cert.validTo,
      },
      request.correlationId,
      `care-institution/${providerCode}/${cert.version}/CareInstitutionCertified`,
      cert.at,
    );
    if (!(await writeInstitution(cert, event)))
      throw conflict('the certification changed meanwhile: send it again', { field: 'providerCode', rule: 'changed' });
    await deliverAfterCommit([event], warn);
    logger.info('Care institution certified', { providerCode, version: cert.version, settings, beds: cert.beds });
    return { statusCode: 201, body: { outcome: 'certified', certification: cert } };
  },

  getCareInstitution: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff', 'provider', 'regulator');
    const { providerCode } = request.params(institutionParams);
    if (principal.role === 'provider' && principal.providerCode !== providerCode)
      throw forbidden(`The caller may not act for provider ${providerCode}`, { field: 'providerCode' });
    const history = await institutionHistory(providerCode);
    if (history.length === 0) throw notFound(`${providerCode} is not a care institution`, { field: 'providerCode', rule: 'not_certified' });
    if (principal.role === 'regulator' && principal.region !== history[0]!.region)
      throw forbidden('another region’s institution', { field: 'providerCode' });
    return {
      statusCode: 200,
      body: { certification: history[0], inForceToday: (await institutionOn(providerCode, agencyDate(new Date()))) !== undefined, history },
    };
  },

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
    const a = await assessmentOr404(assessmentId);
    requireAssessmentVisible(principal, a);
    return { statusCode: 200, body: await assessmentView(a) };
  },

  assignCareAssessors: async (request) => {
    const principal = request.principal();
    requirePermission(principal, 'ltc:manage');
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
    requirePermission(principal, 'ltc:assess');
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
    requirePermission(principal, 'ltc:assess');
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
    const a = await assessmentOr404(assessmentId);
    if (principal.role === 'provider') requireAssessmentVisible(principal, a);
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
    const records = await levelsOf(memberId);
    if (principal.role === 'regulator' && records.length && records.every((r) => r.region !== principal.region))
      throw forbidden('another region’s member', { field: 'memberId' });
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

  submitCareClaim: async (request) => settleClaim(request, request.principal()),

  getCareClaim: async (request) => {
    const principal = request.principal();
    const { providerCode, memberId, month } = request.params(claimParams);
    const c = await claimOr404(providerCode, memberId, month);
    requireClaimVisible(principal, c);
    return { statusCode: 200, body: { claim: claimView(c), ledger: await readLedger(providerCode, memberId, month) } };
  },

  reverseCareClaim: async (request) => {
    const principal = request.principal();
    requirePermission(principal, 'ltc:manage');
    const { providerCode, memberId, month } = request.params(claimParams);
    const body = request.body(reversalSchema);
    const c = await claimOr404(providerCode, memberId, month);
    if (c.state === 'reversed') return { statusCode: 200, headers: replay, body: { outcome: 'unchanged', claim: claimView(c) } };
    const at = now();
    const reversed: CareClaimRecord = { ...c, state: 'reversed', reversal: { at, by: principal.sub, reason: body.reason } };
    const event = outboxEntry(
      CareClaimReversed,
      {
        claim: { providerCode, memberId, month },
        region: c.region,
        settlementNo: c.settlementNo,
        reason: body.reason,
        totals: c.statement.totals,
      },
      request.correlationId,
      `care-claim/${providerCode}/${memberId}/${month}/${c.settlementNo}/CareClaimReversed`,
      at,
    );
    const written = await writeReversal(reversed, [event]);
    if (!written.ok) throw conflict('the claim changed meanwhile: read it and send again', { field: 'month', rule: 'changed' });
    await deliverAfterCommit([event], warn);
    logger.info('Care claim reversed', { providerCode, memberId, month, settlementNo: c.settlementNo });
    return { statusCode: 200, body: { outcome: 'reversed', claim: claimView(reversed) } };
  },

  getCareReport: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff', 'regulator');
    const { region, month } = request.params(reportParams);
    if (principal.role === 'regulator' && principal.region !== region)
      throw forbidden(`the caller regulates region ${principal.region}`, { field: 'region' });
    const lastDay = monthDays(month).at(-1)!;
    const [{ claims, funding }, results] = await Promise.all([regionMonth(region, month), levelsOfRegion(region)]);
    // Members by level: each member's level in force on the month's last day.
    const byMember = new Map<string, typeof results>();
    for (const r of results) byMember.set(r.memberId, [...(byMember.get(r.memberId) ?? []), r]);
    const membersByLevel = Object.fromEntries(LEVELS.map((l) => [String(l), 0]));
    for (const records of byMember.values()) {
      const l = levelOn(records, lastDay);
      if (l) membersByLevel[String(l.level)]! += 1;
    }
    const settled = claims.filter((c) => c.state === 'settled');
    const spending = Object.fromEntries(
      CARE_SETTINGS.map((s) => [s, { claims: 0, billedFen: 0, fundPaidFen: 0, memberPaidFen: 0, refusedFen: 0 }]),
    );
    const findings: Record<string, number> = {};
    for (const c of settled) {
      for (const l of c.statement.lines) {
        const t = spending[l.setting]!;
        t.claims += 1;
        t.billedFen += l.billedFen;
        t.fundPaidFen += l.fundPaidFen;
        t.memberPaidFen += l.memberPaidFen;
        t.refusedFen += l.refusedFen;
      }
      for (const f of [...c.statement.findings, ...(c.laterFindings ?? [])]) findings[f.rule] = (findings[f.rule] ?? 0) + 1;
    }
    const sum = (k: 'employerFen' | 'individualFen' | 'basicFundTransferFen' | 'governmentSubsidyFen') =>
      funding.reduce((s, f) => s + f[k], 0);
    const income = {
      members: funding.length,
      employerFen: sum('employerFen'),
      individualFen: sum('individualFen'),
      basicFundTransferFen: sum('basicFundTransferFen'),
      governmentSubsidyFen: sum('governmentSubsidyFen'),
    };
    return {
      statusCode: 200,
      body: {
        region,
        month,
        membersByLevel: { onDate: lastDay, ...membersByLevel },
        spendingBySetting: spending,
        fund: {
          income: {
            ...income,
            totalFen: income.employerFen + income.individualFen + income.basicFundTransferFen + income.governmentSubsidyFen,
          },
          paidFen: settled.reduce((s, c) => s + c.statement.totals.fundPaidFen, 0),
        },
        claims: { settled: settled.length, reversed: claims.length - settled.length },
        findingsByRule: findings,
      },
    };
  },
});
