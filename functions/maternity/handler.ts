/**
 * Maternity insurance (生育保险), the routes besides settlement (delivery and antenatal claims are
 * settled by POST /v1/claims like every claim):
 *   POST /v1/maternity/pregnancies                               生育登记: register a pregnancy (provider for itself, or staff)
 *   GET  /v1/maternity/pregnancies/{memberId}/{pregnancyId}      the pregnancy, the claims holding its delivery and antenatal care, its allowance
 *   GET  /v1/maternity/pregnancies/{memberId}                    every pregnancy of the member the caller may see, each as above
 *   GET  /v1/maternity/eligibility/{memberId}?date=              eligibility for a delivery on a date, naming the rule
 *   POST /v1/maternity/allowances                                生育津贴: grant the allowance of a settled delivery (staff, maternity:write)
 *   GET  /v1/maternity/employer-wages/{creditCode}/{year}         an employer's declared wages of a year: the allowance's average (staff)
 */
import * as z from 'zod';
import { PregnancyRegistered } from '../../events/maternity.ts';
import { requireActingFor, requireRole, type Principal } from '../../shared/auth/principal.ts';
import { deliverAfterCommit, outboxEntry } from '../../shared/events/outbox.ts';
import { httpApi } from '../../shared/http/api.ts';
import { conflict, notFound } from '../../shared/http/errors.ts';
import { fieldRefusal } from '../../shared/refusal/refusal.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { pregnancyRequestSchema, planPregnancy, type Pregnancy } from '../../shared/maternity/pregnancy.ts';
import { readEligibility } from '../../shared/maternity/store/eligibility.ts';
import {
  listPregnancies,
  putPregnancy,
  readAllowance,
  readClaimMarker,
  readEmployerWages,
  readPregnancy,
} from '../../shared/maternity/store/records.ts';
import { divideRoundHalfUp } from '../../shared/money/fen.ts';
import { memberStateFrom } from '../../shared/enrolment/state.ts';
import { readMemberItems } from '../../shared/enrolment/store/members.ts';
import { grantAllowance } from './allowance.ts';

const logger = createLogger('maternity');

export const memberIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a member id');
export const pregnancyParams = z.strictObject({
  memberId: memberIdSchema,
  pregnancyId: z.string().regex(/^P\d{8}$/, 'P and the expected delivery date'),
});
export const eligibilityParams = z.strictObject({ memberId: memberIdSchema });
export const eligibilityQuery = z.strictObject({ date: z.iso.date().meta({ description: 'The (expected) delivery date' }) });
export const employerWagesParams = z.strictObject({
  creditCode: z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, 'an 18-character unified social credit code'),
  year: z.coerce.number().int().min(2000).max(2100),
});
export const allowanceRequestSchema = z
  .strictObject({ memberId: memberIdSchema, pregnancyId: z.string().regex(/^P\d{8}$/, 'P and the expected delivery date') })
  .meta({ id: 'MaternityAllowanceRequest' });

const replayHeaders = { 'x-idempotent-replay': 'true' };
const refuse = (status: number, field: string, rule: string, message: string) => fieldRefusal(status, [{ field, rule, message }]);

/** Staff, the pregnancy's own provider, or a regulator of its region. */
function pregnancyVisible(principal: Principal, pregnancy: Pregnancy): boolean {
  if (principal.role === 'regulator') return principal.region === pregnancy.region;
  return principal.role === 'staff' || principal.providerCode === pregnancy.providerCode;
}

/** A pregnancy with the claims holding its delivery and antenatal care, and its allowance. */
async function pregnancyDetail(pregnancy: Pregnancy) {
  const { memberId, pregnancyId } = pregnancy;
  const [delivery, antenatal, allowance] = await Promise.all([
    readClaimMarker(memberId, pregnancyId, 'delivery'),
    readClaimMarker(memberId, pregnancyId, 'antenatal'),
    readAllowance(memberId, pregnancyId),
  ]);
  const held = (m: typeof delivery) =>
    m?.state === 'settled' ? { providerCode: m.providerCode, claimNo: m.claimNo, settlementNo: m.settlementNo, at: m.at } : null;
  return { pregnancy, claims: { delivery: held(delivery), antenatal: held(antenatal) }, allowance: allowance ?? null };
}

export const handler = httpApi(logger, 'maternity', {
  registerPregnancy: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'provider', 'staff');
    const body = request.body(pregnancyRequestSchema);
    requireActingFor(principal, body.providerCode);
    const [items, existing] = await Promise.all([readMemberItems(body.memberId), listPregnancies(body.memberId)]);
    const state = memberStateFrom(items, body.registeredOn);
    if (!state) throw refuse(404, 'body.memberId', 'not_found', `no member ${body.memberId} in the register`);
    if (state.member.sex !== 'F') throw refuse(400, 'body.memberId', 'not_female', `member ${body.memberId} is not registered as a woman`);
    if (!state.enrolment || state.enrolment.status === 'closed')
      throw refuse(400, 'body.memberId', 'not_enrolled', `member ${body.memberId} has no enrolment on ${body.registeredOn}`);
    const at = new Date().toISOString();
    const plan = planPregnancy(body, existing, { region: state.enrolment.region, scheme: state.enrolment.scheme }, principal.sub, at);
    if (plan.outcome === 'conflict')
      throw conflict(plan.message, { field: plan.field, rule: plan.rule, existing: plan.existing.pregnancyId });
    if (plan.outcome === 'unchanged')
      return { statusCode: 200, headers: replayHeaders, body: { outcome: 'unchanged', pregnancy: plan.pregnancy } };
    const p = plan.pregnancy;
    const event = outboxEntry(
      PregnancyRegistered,
      {
        memberId: p.memberId,
        pregnancyId: p.pregnancyId,
        region: p.region,
        scheme: p.scheme,
        expectedDeliveryDate: p.expectedDeliveryDate,
        providerCode: p.providerCode,
        registeredOn: p.registeredOn,
      },
      request.correlationId,
      `pregnancy/${p.memberId}/${p.pregnancyId}/PregnancyRegistered`,
      at,
    );
    if (!(await putPregnancy(p, event))) {
      // Registered by a racing request: answer from what it stored, as a repeat would.
      const stored = (await readPregnancy(p.memberId, p.pregnancyId))!;
      return { statusCode: 200, headers: replayHeaders, body: { outcome: 'unchanged', pregnancy: stored } };
    }
    await deliverAfterCommit([event], (message, extra) => logger.warn(message, { pregnancyId: p.pregnancyId, ...extra }));
    return { statusCode: 201, body: { outcome: 'registered', pregnancy: p } };
  },

  getPregnancy: async (request) => {
    const principal = request.principal();
    const { memberId, pregnancyId } = request.params(pregnancyParams);
    const pregnancy = await readPregnancy(memberId, pregnancyId);
    // Another region's or provider's pregnancy answers exactly as a missing one.
    if (!pregnancy || !pregnancyVisible(principal, pregnancy))
      throw notFound(`member ${memberId} has no registered pregnancy ${pregnancyId}`);
    return { statusCode: 200, body: await pregnancyDetail(pregnancy) };
  },

  listMemberPregnancies: async (request) => {
    const principal = request.principal();
    const { memberId } = request.params(eligibilityParams);
    // Only what the caller may see; a member unknown (or all of whose pregnancies are another's) has none.
    const visible = (await listPregnancies(memberId)).filter((p) => pregnancyVisible(principal, p));
    visible.sort((a, b) => b.expectedDeliveryDate.localeCompare(a.expectedDeliveryDate));
    return { statusCode: 200, body: { memberId, pregnancies: await Promise.all(visible.map(pregnancyDetail)) } };
  },

  getMaternityEligibility: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff', 'provider');
    const { memberId } = request.params(eligibilityParams);
    const { date } = request.query(eligibilityQuery);
    const read = await readEligibility(memberId, date);
    if (!read.state) throw notFound(`no member ${memberId} in the register`);
    if (!read.state.enrolment) throw refuse(400, 'query.date', 'not_enrolled', `member ${memberId} has no enrolment on ${date}`);
    if (!read.eligibility)
      throw refuse(400, 'query.date', 'no_policy', `no maternity policy of region ${read.state.enrolment.region} is in force on ${date}`);
    return { statusCode: 200, body: { memberId, date, eligibility: read.eligibility } };
  },

  getEmployerWages: async (request) => {
    requireRole(request.principal(), 'staff');
    const { creditCode, year } = request.params(employerWagesParams);
    const wages = (await readEmployerWages(creditCode, year)) ?? { employerCode: creditCode, year, totalWagesFen: 0, employeeMonths: 0 };
    // Shown as the allowance uses it: the average rounded for display only (the allowance multiplies the totals).
    const averageMonthlyFen = wages.employeeMonths > 0 ? divideRoundHalfUp(wages.totalWagesFen, wages.employeeMonths) : null;
    return { statusCode: 200, body: { wages: { ...wages, averageMonthlyFen } } };
  },

  grantMaternityAllowance: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff');
    const body = request.body(allowanceRequestSchema);
    const outcome = await grantAllowance(body.memberId, body.pregnancyId, principal.sub, request.correlationId);
    if (outcome.outcome === 'granted') {
      await deliverAfterCommit([outcome.event], (message, extra) => logger.warn(message, { pregnancyId: body.pregnancyId, ...extra }));
      return { statusCode: 201, body: { outcome: 'granted', allowance: outcome.record } };
    }
    return { statusCode: 200, headers: replayHeaders, body: { outcome: 'unchanged', allowance: outcome.record } };
  },
});
