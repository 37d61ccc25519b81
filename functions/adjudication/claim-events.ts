/**
 * The events adjudication publishes once a settlement or reversal is committed: what DRG grouping
 * and fraud scoring need (visit, diagnoses, procedures, lines, amounts, provider, member id), never
 * a name or an ID number: sex and age travel on their own.
 */
import type * as z from 'zod';
import type { ClaimReversed, ClaimSettled } from '../../events/claims.ts';
import type { ClaimRecord } from '../../shared/settlement/store/claims.ts';
import { ageOn, daysBetween, type MemberState, type ProviderProfile } from '../../shared/settlement/member.ts';

type SettledPayload = z.input<(typeof ClaimSettled)['payload']>;
type ReversedPayload = z.input<(typeof ClaimReversed)['payload']>;

export function claimSettledPayload(record: ClaimRecord, member: MemberState, provider: ProviderProfile): SettledPayload {
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
    // The class settlement used (the catalogue's where one is in force), not the one the bill declared.
    lines: bill.lines.map(({ priceLimitFen: _limit, ...line }, i) => ({ ...line, itemClass: statement.lines[i]!.itemClass })),
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
