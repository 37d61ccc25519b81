/**
 * Recording a contribution against a member's year (缴费登记), pure: which enrolment it goes to,
 * how it splits (contribution.ts), and whether it makes the enrolment covered.
 *
 * The contribution id is the collection side's receipt number: recording the same receipt again
 * changes nothing; the same receipt with other figures is a conflict, never an overwrite.
 */
import * as z from 'zod';
import { recordPayment, totalOf } from './contribution.ts';
import { CONTRIBUTION_CHANNELS, contributionSk, memberPk, type ContributionItem, type EnrolmentItem, type MemberItems } from './items.ts';
import { refuse, type Refused } from './problems.ts';

export const contributionRequestSchema = z
  .object({
    contributionId: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,64}$/, '1-64 letters, digits or . _ : -')
      .meta({ description: "The collection side's receipt number: the idempotency key", example: 'TAX-2025-000123' }),
    year: z.number().int().min(2000).max(2100),
    amountFen: z.number().int().nonnegative().meta({
      description: 'What was collected from the member and the employer, in fen; 0 books the public shares of a fully subsidised member',
    }),
    paidOn: z.iso.date(),
    channel: z
      .enum(CONTRIBUTION_CHANNELS)
      .default('tax')
      .meta({ description: 'tax (税务征收), counter, employer, or subsidy (资助参保 batch)' }),
  })
  .strict()
  .meta({ id: 'ContributionRequest' });
export type ContributionRequest = z.infer<typeof contributionRequestSchema>;

/** The year's enrolment that takes contributions: the open one (after a transfer, the new one). */
export function openEnrolment(items: MemberItems, year: number): EnrolmentItem | undefined {
  return items.enrolments.filter((e) => e.year === year && e.status !== 'closed').sort((a, b) => b.seq - a.seq)[0];
}

export type ContributionPlan =
  | { ok: true; outcome: 'unchanged'; contribution: ContributionItem; enrolment: EnrolmentItem }
  | {
      ok: true;
      outcome: 'recorded';
      contribution: ContributionItem;
      enrolment: EnrolmentItem;
      expectedVersion: number;
      activated: boolean;
      complete: boolean;
    };

export function planContribution(
  items: MemberItems,
  memberId: string,
  request: ContributionRequest,
  today: string,
  now: string,
): ContributionPlan | Refused {
  if (request.paidOn > today) {
    return refuse(400, [{ field: 'paidOn', rule: 'in_future', message: `a contribution cannot be paid after today (${today})` }]);
  }
  const previous = items.contributions.find((c) => c.year === request.year && c.contributionId === request.contributionId);
  const enrolment = openEnrolment(items, request.year);
  if (previous) {
    const same = previous.amountFen === request.amountFen && previous.paidOn === request.paidOn && previous.channel === request.channel;
    if (!same) {
      return refuse(
        409,
        [
          {
            field: 'contributionId',
            rule: 'contribution_id_reused',
            message: `receipt ${request.contributionId} is already recorded with other figures`,
          },
        ],
        { existing: previous },
      );
    }
    const current = items.enrolments.find((e) => e.enrolmentId === previous.enrolmentId) ?? enrolment;
    return { ok: true, outcome: 'unchanged', contribution: previous, enrolment: enrolment ?? current! };
  }
  if (!enrolment) {
    return refuse(409, [{ field: 'year', rule: 'not_enrolled', message: `the member has no open enrolment for ${request.year}` }]);
  }
  const outcome = recordPayment(enrolment, request.amountFen);
  if (!outcome.ok) {
    return refuse(409, [{ field: 'amountFen', rule: outcome.rule, message: outcome.message }], {
      outstandingPayableFen: outcome.outstandingPayableFen,
      enrolmentId: enrolment.enrolmentId,
    });
  }
  const activated = outcome.covered && enrolment.status === 'pending-contribution';
  const updated: EnrolmentItem = {
    ...enrolment,
    paid: outcome.paidAfter,
    ...(activated ? { status: 'active', activeFrom: request.paidOn > enrolment.validFrom ? request.paidOn : enrolment.validFrom } : {}),
    version: enrolment.version + 1,
    updatedAt: now,
  };
  const contribution: ContributionItem = {
    pk: memberPk(memberId),
    sk: contributionSk(request.year, request.contributionId),
    kind: 'contribution',
    memberId,
    enrolmentId: enrolment.enrolmentId,
    year: request.year,
    contributionId: request.contributionId,
    amountFen: request.amountFen,
    channel: request.channel,
    paidOn: request.paidOn,
    shares: outcome.split,
    recordedAt: now,
  };
  return {
    ok: true,
    outcome: 'recorded',
    contribution,
    enrolment: updated,
    expectedVersion: enrolment.version,
    activated,
    complete: outcome.complete,
  };
}

/** What is still to come in for an enrolment, in fen (all four shares). */
export const outstandingOf = (e: Pick<EnrolmentItem, 'due' | 'paid'>) => totalOf(e.due) - totalOf(e.paid);
