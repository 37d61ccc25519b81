/**
 * The careEvents queue: what long-term care learns from other domains, each fact applied once by its
 * event id.
 *
 * - ClaimSettled of a stay (inpatient, per bed-day, or a maternity delivery: the bus rule filters; a
 *   delivery is a hospital stay like any other, paid per case by maternity): the stay (admission to discharge) and, when the
 *   discharge records a death (离院方式 5), the date of death. Why the bus and not a read of the claims
 *   table at care-claim time: the claims table's layout is adjudication's own (as fraud scoring, care
 *   keeps its own projection); the event is the published contract, carries the dates, and arrives for
 *   every settlement and reversal. A stay learned after a care month was paid is audited against that
 *   month here (auditAfterSettlement): CareClaimFlagged `after-settlement`, for recovery.
 * - ClaimReversed: the stay learned from that claim is withdrawn (a claim that was no stay changes nothing).
 * - EmployeeContributionPaid: the month's long-term care contribution (the policy's employer and individual
 *   shares of the same wage base, the basic fund's transfer and the subsidy per member), once per member-month.
 * - ContributionRecorded of a resident, once the year's basic contribution is complete: where the policy
 *   extends cover to residents, the year's funding (individual, the residents' basic fund's transfer, the
 *   subsidy; shared/long-term-care/funding.ts), once per member-year.
 * Each funding fact writes its ledger entries (one per source) in the same transaction.
 */
import { eventIdOf } from '../../events/contract.ts';
import { ClaimReversed, ClaimSettled } from '../../events/claims.ts';
import { EmployeeContributionPaid } from '../../events/employers.ts';
import { ContributionRecorded } from '../../events/enrolment.ts';
import { CareClaimFlagged } from '../../events/long-term-care.ts';
import { deliverAfterCommit, outboxEntry } from '../../shared/events/outbox.ts';
import { auditAfterSettlement, type InpatientStay } from '../../shared/long-term-care/care-claim.ts';
import { employeeMonthFunding, residentYearFunding } from '../../shared/long-term-care/funding.ts';
import type { LongTermCarePolicy } from '../../shared/long-term-care/policy.ts';
import {
  addLaterFinding,
  applyOnce,
  fundingPuts,
  memberClaimsOfMonth,
  recordDeath,
  stayDelete,
  stayPut,
  staysOf,
} from '../../shared/long-term-care/store/records.ts';
import { longTermCareKind } from '../../shared/policy/long-term-care.ts';
import { policies } from '../../shared/policy/store/registry.ts';
import { eventConsumer } from '../../shared/queue/consumer.ts';
import { createLogger } from '../../shared/runtime/logger.ts';

const logger = createLogger('care-events');

/** What the careEvents queue carries (test/stack/rules.test.ts checks the bus rules route exactly these). */
export const ACCEPTED_EVENTS = [ClaimSettled, ClaimReversed, EmployeeContributionPaid, ContributionRecorded] as const;

/** The visit types that are a stay in hospital: care is not paid for their nights (the rule inpatientClaimsToCare routes these). */
export const HOSPITAL_STAY_TYPES = ['inpatient', 'bed-day', 'delivery'] as const;
const isHospitalStay = (type: string): boolean => (HOSPITAL_STAY_TYPES as readonly string[]).includes(type);

/** 病案首页 离院方式 5 = 死亡. */
const DEATH_DISCHARGES = ['5', 'death', '死亡'];

const policyOn = (region: string, date: string): Promise<LongTermCarePolicy | undefined> =>
  policies.inForce(longTermCareKind, { region, year: Number(date.slice(0, 4)) }, date);

const monthsBetween = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let m = from.slice(0, 7); m <= to.slice(0, 7); ) {
    out.push(m);
    const [y, mo] = m.split('-').map(Number) as [number, number];
    m = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  }
  return out;
};

/** Audits the member's care months a learned stay or death touches; each finding recorded once per event. */
async function reaudit(
  memberId: string,
  region: string,
  months: string[],
  learned: { stay?: InpatientStay; deathDate?: string },
  eventId: string,
  correlationId: string,
) {
  for (const month of months) {
    const policy = await policyOn(region, `${month}-01`);
    if (!policy) continue;
    for (const claim of await memberClaimsOfMonth(region, memberId, month)) {
      if (claim.state !== 'settled') continue;
      for (const finding of auditAfterSettlement(claim.request, claim.statement, learned, policy)) {
        const at = new Date().toISOString();
        const event = outboxEntry(
          CareClaimFlagged,
          {
            claim: { providerCode: claim.providerCode, memberId, month },
            region,
            settlementNo: claim.settlementNo,
            rule: finding.rule,
            action: finding.action,
            severity: finding.severity,
            when: 'after-settlement',
            ...(finding.dates ? { dates: finding.dates } : {}),
            message: finding.message.slice(0, 500),
          },
          correlationId,
          `care-claim/${claim.providerCode}/${memberId}/${month}/${claim.settlementNo}/${finding.rule}/${eventId}/CareClaimFlagged`,
          at,
        );
        const written = await addLaterFinding(claim, { ...finding, when: 'after-settlement', learnedAt: at, eventId }, event);
        if (written.ok) {
          await deliverAfterCommit([event], (m, e) => logger.warn(m, e));
          logger.info('Care month flagged after settlement', { providerCode: claim.providerCode, memberId, month, rule: finding.rule });
        }
      }
    }
  }
}

export const handler = eventConsumer(logger, ACCEPTED_EVENTS, async ({ envelope, contract, detail }, { correlationId }) => {
  const eventId = eventIdOf(envelope);
  if (contract === ClaimSettled) {
    const claim = detail as typeof ClaimSettled.detail._output;
    const { dischargeDate } = claim.visit;
    // A delivery's ClaimSettled names no admissionDate (adjudication adds it for inpatient and bed-day
    // visits); for every stay the bill's serviceDate is the admission (shared/settlement/bill.ts).
    const admissionDate = claim.visit.admissionDate ?? claim.visit.serviceDate;
    if (!isHospitalStay(claim.visit.type) || !admissionDate || !dischargeDate) return;
    const stay: InpatientStay = { providerCode: claim.claim.providerCode, claimNo: claim.claim.claimNo, admissionDate, dischargeDate };
    const applied = await applyOnce(claim.memberId, eventId, [stayPut(claim.memberId, { ...stay, region: claim.region })]);
    const died = claim.inpatient?.dischargeStatus && DEATH_DISCHARGES.includes(claim.inpatient.dischargeStatus) ? dischargeDate : undefined;
    if (died) await recordDeath(claim.memberId, died);
    if (applied)
      logger.info('Hospital stay recorded for long-term care', {
        memberId: claim.memberId,
        visitType: claim.visit.type,
        admissionDate,
        dischargeDate,
        died: died !== undefined,
      });
    // Also on a redelivery: a first attempt may have failed mid-audit, and each finding is written once (event id + rule).
    await reaudit(
      claim.memberId,
      claim.region,
      monthsBetween(admissionDate, dischargeDate),
      { stay, ...(died ? { deathDate: died } : {}) },
      eventId,
      correlationId,
    );
    return;
  }
  if (contract === ClaimReversed) {
    const reversal = detail as typeof ClaimReversed.detail._output;
    const stay = (await staysOf(reversal.memberId)).find(
      (s) => s.providerCode === reversal.claim.providerCode && s.claimNo === reversal.claim.claimNo,
    );
    if (!stay) return;
    if (await applyOnce(reversal.memberId, eventId, [stayDelete(reversal.memberId, stay)]))
      logger.info('Inpatient stay withdrawn for long-term care', { memberId: reversal.memberId, claimNo: reversal.claim.claimNo });
    return;
  }
  if (contract === ContributionRecorded) {
    const c = detail as typeof ContributionRecorded.detail._output;
    // Residents only (an event without a scheme predates employees' contributions: a resident's), once the year is paid up.
    if ((c.scheme ?? 'resident') !== 'resident' || !c.complete) return;
    const policy = await policies.forYear(longTermCareKind, c.region, c.year);
    const parts = policy ? residentYearFunding(policy, c.year) : undefined;
    if (!policy || !parts) return;
    // Booked in the month the year was completed, within the year (a contribution paid ahead, in December, books in January).
    const month = c.paidOn.slice(0, 4) === String(c.year) ? c.paidOn.slice(0, 7) : `${c.year}-01`;
    const funding = {
      memberId: c.memberId,
      region: c.region,
      month,
      scheme: 'resident' as const,
      year: c.year,
      ...parts,
      policyVersion: policy.version,
      sourceEventId: eventId,
    };
    // Keyed by member and year: a second complete contribution of the same year (a correction) records nothing twice.
    if (await applyOnce(c.memberId, eventId, fundingPuts(funding)))
      logger.info('Long-term care resident funding recorded', { memberId: c.memberId, year: c.year, coveredMonths: parts.coveredMonths });
    return;
  }
  const paid = detail as typeof EmployeeContributionPaid.detail._output;
  const policy = await policyOn(paid.region, `${paid.month}-01`);
  const parts = policy ? employeeMonthFunding(policy, paid.month, paid.wageBaseFen) : undefined;
  if (!policy || !parts) return;
  const funding = {
    memberId: paid.memberId,
    region: paid.region,
    month: paid.month,
    scheme: 'employee' as const,
    wageBaseFen: paid.wageBaseFen,
    ...parts,
    policyVersion: policy.version,
    sourceEventId: eventId,
  };
  // Keyed by member and month (a re-publication of the month, or a back-payment's event for it, records nothing twice).
  if (await applyOnce(paid.memberId, eventId, fundingPuts(funding)))
    logger.info('Long-term care contribution recorded', {
      memberId: paid.memberId,
      month: paid.month,
      employerFen: funding.employerFen,
      individualFen: funding.individualFen,
    });
});
