/**
 * Transfer between pooling regions (医保关系转移接续), pure.
 *
 * The person's history stays: the old enrolment is closed the day before the transfer date and
 * kept, and a new enrolment opens in the new region on the transfer date, to the end of the year.
 * The year's contribution account moves with the member (what was due and paid, and so whether
 * the member is covered): nobody pays a year twice because they moved, and a member who was
 * covered stays covered without a gap. The person-year lock moves to the new enrolment in the
 * same transaction, so there is still exactly one open enrolment per person and year.
 *
 * The scheme stays the same (a change of scheme is a new enrolment next year); an employee
 * through an employer may name the new employer.
 */
import * as z from 'zod';
import { regionCodeSchema } from './enrol.ts';
import { openEnrolment } from './contribution-recording.ts';
import { enrolmentIdOf, enrolmentSk, regionYearIndexKey, type EnrolmentItem, type MemberItems } from './items.ts';
import type { PolicyLookup } from './policy.ts';
import { dayBefore, yearOf } from './periods.ts';
import { refuse, type Problem, type Refused } from './problems.ts';

export const transferRequestSchema = z
  .object({
    toRegion: regionCodeSchema.meta({ description: 'The pooling region the member moves to' }),
    transferDate: z.iso.date().meta({ description: 'First day in the new region; the old enrolment ends the day before' }),
    employerCode: z
      .string()
      .regex(/^[0-9A-Z]{6,20}$/, '6-20 upper-case letters or digits (unified social credit code)')
      .optional()
      .meta({ description: 'Employees through an employer: the new employer, if it changes' }),
  })
  .strict()
  .meta({ id: 'TransferRequest' });
export type TransferRequest = z.infer<typeof transferRequestSchema>;

export type TransferPlan =
  | { ok: true; outcome: 'unchanged'; from: EnrolmentItem; to: EnrolmentItem }
  | { ok: true; outcome: 'transferred'; from: EnrolmentItem; to: EnrolmentItem; expectedVersion: number; idHash: string };

export function planTransfer(items: MemberItems, request: TransferRequest, policies: PolicyLookup, now: string): TransferPlan | Refused {
  const year = yearOf(request.transferDate);
  const current = openEnrolment(items, year);
  if (!current) {
    return refuse(409, [
      { field: 'transferDate', rule: 'not_enrolled', message: `the member has no open enrolment in ${year} to transfer` },
    ]);
  }
  // A repeat of the transfer that made the current enrolment.
  if (current.transferredFrom && current.region === request.toRegion && current.validFrom === request.transferDate) {
    const from = items.enrolments.find((e) => e.enrolmentId === current.transferredFrom!.enrolmentId);
    if (from) return { ok: true, outcome: 'unchanged', from, to: current };
  }
  const problems: Problem[] = [];
  if (request.toRegion === current.region) {
    problems.push({ field: 'toRegion', rule: 'same_region', message: `the member is already enrolled in ${current.region}` });
  }
  if (request.transferDate <= current.validFrom) {
    problems.push({
      field: 'transferDate',
      rule: 'transfer_date',
      message: `a transfer must fall after the current enrolment starts (${current.validFrom})`,
    });
  }
  if (!policies(request.toRegion, year)) {
    problems.push({
      field: 'toRegion',
      rule: 'policy_missing',
      message: `the agency holds no contribution policy for region ${request.toRegion} in ${year}`,
    });
  }
  if (request.employerCode && current.employeeKind !== 'employer') {
    problems.push({ field: 'employerCode', rule: 'not_allowed', message: 'only an employee through an employer has an employer code' });
  }
  if (problems.length > 0) return refuse(400, problems);

  const seq = 1 + items.enrolments.filter((e) => e.year === year).reduce((max, e) => Math.max(max, e.seq), 0);
  const enrolmentId = enrolmentIdOf(current.memberId, year, seq);
  const covered = current.activeFrom !== undefined;
  const from: EnrolmentItem = {
    ...current,
    status: 'closed',
    validTo: dayBefore(request.transferDate),
    closedReason: 'transferred',
    transferredTo: { enrolmentId, region: request.toRegion },
    version: current.version + 1,
    updatedAt: now,
  };
  const { transferredTo: _none, closedReason: _open, ...carried } = current;
  const to: EnrolmentItem = {
    ...carried,
    sk: enrolmentSk(year, seq),
    enrolmentId,
    seq,
    region: request.toRegion,
    ...(request.employerCode ? { employerCode: request.employerCode } : {}),
    validFrom: request.transferDate,
    validTo: current.validTo,
    // Covered before → covered from the first day in the new region (or from when it was paid, if later).
    ...(covered ? { activeFrom: current.activeFrom! > request.transferDate ? current.activeFrom! : request.transferDate } : {}),
    transferredFrom: { enrolmentId: current.enrolmentId, region: current.region },
    version: 0,
    createdAt: now,
    updatedAt: now,
    gsi2pk: regionYearIndexKey(request.toRegion, year),
    gsi2sk: `${current.memberId}#${String(seq).padStart(2, '0')}`,
  };
  return { ok: true, outcome: 'transferred', from, to, expectedVersion: current.version, idHash: current.idHash };
}
