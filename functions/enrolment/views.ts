/**
 * Stored items → what the API answers. The ID number never leaves: a member is shown by its
 * masked number; the name only to staff.
 */
import type * as z from 'zod';
import type { Principal } from '../../shared/auth/principal.ts';
import { outstandingOf } from '../../shared/enrolment/contribution-recording.ts';
import { totalOf } from '../../shared/enrolment/contribution.ts';
import type { CategoryItem, ContributionItem, EnrolmentItem, MemberItem, OutOfAreaItem } from '../../shared/enrolment/items.ts';
import type { categorySchema, contributionSchema, enrolmentSchema, memberSchema, outOfAreaSchema } from './schemas.ts';

export function memberView(m: MemberItem, principal?: Principal): z.infer<typeof memberSchema> {
  return {
    memberId: m.memberId,
    maskedId: m.maskedId,
    sex: m.sex,
    birthDate: m.birthDate,
    ...(principal?.role === 'staff' && m.name ? { name: m.name } : {}),
  };
}

export function enrolmentView(e: EnrolmentItem): z.infer<typeof enrolmentSchema> {
  return {
    enrolmentId: e.enrolmentId,
    memberId: e.memberId,
    year: e.year,
    region: e.region,
    scheme: e.scheme,
    ...(e.employeeKind ? { employeeKind: e.employeeKind } : {}),
    ...(e.employerCode ? { employerCode: e.employerCode } : {}),
    validFrom: e.validFrom,
    validTo: e.validTo,
    status: e.status,
    ...(e.activeFrom ? { activeFrom: e.activeFrom } : {}),
    contribution: {
      due: e.due,
      paid: e.paid,
      totalDueFen: totalOf(e.due),
      outstandingFen: outstandingOf(e),
      activationThresholdFen: e.activationThresholdFen,
      ...(e.contributionBaseFen !== undefined ? { contributionBaseFen: e.contributionBaseFen } : {}),
      ...(e.subsidy ? { subsidy: e.subsidy } : {}),
    },
    ...(e.transferredFrom ? { transferredFrom: e.transferredFrom } : {}),
    ...(e.transferredTo ? { transferredTo: e.transferredTo } : {}),
  };
}

export const categoryView = (c: CategoryItem): z.infer<typeof categorySchema> => ({
  code: c.code,
  validFrom: c.validFrom,
  ...(c.validTo ? { validTo: c.validTo } : {}),
  ...(c.reference ? { reference: c.reference } : {}),
});

export const contributionView = (c: ContributionItem): z.infer<typeof contributionSchema> => ({
  contributionId: c.contributionId,
  enrolmentId: c.enrolmentId,
  year: c.year,
  amountFen: c.amountFen,
  channel: c.channel,
  paidOn: c.paidOn,
  shares: c.shares,
});

export const outOfAreaView = (r: OutOfAreaItem): z.infer<typeof outOfAreaSchema> => ({
  kind: r.registrationKind,
  region: r.region,
  validFrom: r.validFrom,
  ...(r.validTo ? { validTo: r.validTo } : {}),
  ...(r.reference ? { reference: r.reference } : {}),
});
