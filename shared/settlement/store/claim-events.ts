/**
 * The events adjudication publishes once a settlement or reversal is committed: what DRG grouping
 * and fraud scoring need (visit, diagnoses, procedures, lines, amounts, provider, member id), never
 * a name or an ID number: sex and age travel on their own. Made from the claim as stored, so the
 * reconciliation (shared/reconciliation) publishes again exactly the event the commit wrote.
 */
import type * as z from 'zod';
import { ClaimReversed, ClaimSettled } from '../../../events/claims.ts';
import { outboxEntry, type OutboxEntry } from '../../events/outbox.ts';
import type { ClaimEventName, ClaimRecord } from './claims.ts';
import { amountsByCategory, claimLinesOf, EVENT_DETAIL_BUDGET, jsonBytes } from '../claim-lines.ts';
import { ageOn, daysBetween, type MemberState, type ProviderProfile } from '../member.ts';

/** The fact an event reports: one settlement (or its reversal) of one claim. */
export const claimEventKey = (record: Pick<ClaimRecord, 'providerCode' | 'claimNo' | 'settlementNo'>, name: ClaimEventName) =>
  `claim/${record.providerCode}/${record.claimNo}/${record.settlementNo}/${name}`;

export const claimSettledEvent = (
  record: ClaimRecord,
  payload: z.input<typeof ClaimSettled.payload>,
  correlationId: string,
  at: string,
): OutboxEntry => outboxEntry(ClaimSettled, payload, correlationId, claimEventKey(record, 'ClaimSettled'), at);

export const claimReversedEvent = (
  record: ClaimRecord,
  payload: z.input<typeof ClaimReversed.payload>,
  correlationId: string,
  at: string,
): OutboxEntry => outboxEntry(ClaimReversed, payload, correlationId, claimEventKey(record, 'ClaimReversed'), at);

type SettledPayload = z.input<(typeof ClaimSettled)['payload']>;
type ReversedPayload = z.input<(typeof ClaimReversed)['payload']>;

/**
 * ClaimSettled's payload: with its lines, or, when they would take the event past
 * EVENT_DETAIL_BUDGET, with their count and amounts by category instead (shared/settlement/claim-lines.ts).
 */
export function claimSettledPayload(record: ClaimRecord, member: MemberState, provider: ProviderProfile): SettledPayload {
  const full = fullPayload(record, member, provider);
  if (jsonBytes(full) <= EVENT_DETAIL_BUDGET) return full;
  const { lines, ...rest } = full;
  return { ...rest, linesOmitted: { count: lines!.length, reason: 'size' }, amountsByCategory: amountsByCategory(lines!) };
}

function fullPayload(record: ClaimRecord, member: MemberState, provider: ProviderProfile): SettledPayload {
  const { bill, statement } = record;
  const visit = bill.visit;
  const age = ageOn(member.birthDate, visit.serviceDate);
  const stay = visit.type === 'inpatient' || visit.type === 'bed-day';
  return {
    claim: { providerCode: record.providerCode, claimNo: record.claimNo },
    memberId: record.memberId,
    region: member.enrolment.region,
    scheme: member.enrolment.scheme,
    provider: {
      code: provider.code,
      level: provider.level,
      region: provider.region,
      ...(provider.poolingRegion ? { poolingRegion: provider.poolingRegion } : {}),
    },
    visit: {
      // As settled: a chronic visit without a covering approval was settled as ordinary outpatient.
      type: statement.visit.type,
      serviceDate: visit.serviceDate,
      ...(stay ? { admissionDate: visit.admissionDate ?? visit.serviceDate } : {}),
      ...(visit.dischargeDate ? { dischargeDate: visit.dischargeDate } : {}),
      ...(visit.department ? { department: visit.department } : {}),
      ...(visit.emergency !== undefined ? { emergency: visit.emergency } : {}),
      ...(statement.visit.disease ? { disease: statement.visit.disease } : {}),
      ...(visit.bedDay ? { bedDay: visit.bedDay } : {}),
    },
    patient: {
      sex: member.sex,
      ageYears: age.years,
      ...(age.years === 0 ? { ageDays: age.days } : {}),
      ...(bill.birthWeightGrams ? { birthWeightGrams: bill.birthWeightGrams } : {}),
    },
    diagnoses: { principal: bill.diagnoses.principal, secondary: bill.diagnoses.secondary },
    procedures: bill.procedures,
    ...(stay
      ? {
          inpatient: {
            lengthOfStayDays: daysBetween(visit.serviceDate, visit.dischargeDate!),
            ...(visit.ventilationHours !== undefined ? { ventilationHours: visit.ventilationHours } : {}),
            ...(visit.dischargeStatus ? { dischargeStatus: visit.dischargeStatus } : {}),
            ...(visit.bedDay ? { bedDays: visit.bedDay.days } : {}),
          },
        }
      : {}),
    lines: claimLinesOf(bill, statement),
    totals: {
      billedFen: statement.totals.billedFen,
      fundPaidFen: statement.totals.fundPaidFen,
      patientPaidFen: statement.totals.patientPaidFen,
      byLayer: statement.totals.byLayer,
      institutionFen: statement.totals.institutionFen,
    },
    settledAt: record.settledAt,
    settlementNo: record.settlementNo,
    policy: { id: statement.policy.id, version: statement.policy.version },
    ...(statement.payment
      ? {
          payment: {
            personalAccountFen: statement.payment.personalAccountFen,
            cashFen: statement.payment.cashFen,
            accountHolderMemberId: statement.payment.accountHolderMemberId,
          },
        }
      : {}),
  };
}

export function claimReversedPayload(record: ClaimRecord): ReversedPayload {
  const t = record.statement.totals;
  return {
    claim: { providerCode: record.providerCode, claimNo: record.claimNo },
    memberId: record.memberId,
    region: record.region,
    reason: record.reversal!.reason,
    settlementNo: record.settlementNo,
    totals: { billedFen: t.billedFen, fundPaidFen: t.fundPaidFen, patientPaidFen: t.patientPaidFen },
    reversedAt: record.reversal!.reversedAt,
    ...(record.statement.payment && record.statement.payment.personalAccountFen > 0
      ? {
          payment: {
            personalAccountFen: record.statement.payment.personalAccountFen,
            accountHolderMemberId: record.statement.payment.accountHolderMemberId,
          },
        }
      : {}),
  };
}
