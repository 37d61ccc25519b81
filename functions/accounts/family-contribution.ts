/**
 * 家庭共济: a personal account pays a bound family member's resident contribution (城乡居民医保个人缴费),
 * as the holder's region's employee policy allows (`familyUse.uses` includes `resident-contribution`).
 * One transaction records both sides, or neither: the account's debit (its version checked, so the
 * balance never goes negative), the contribution on the family member's enrolment (enrolment's own
 * plan, at the enrolment's version: it may make the member covered), ContributionRecorded and
 * PersonalAccountEntryPosted. Idempotent by the reference: a repeat posts nothing.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { ContributionRecorded } from '../../events/enrolment.ts';
import { familyUseAllowed, post } from '../../shared/accounts/ledger.ts';
import {
  accountWriteItems,
  bindingHolds,
  entryFor,
  readAccount,
  readFamilyBinding,
  referenceMarkerPut,
} from '../../shared/accounts/store/accounts.ts';
import { planContribution } from '../../shared/enrolment/contribution-recording.ts';
import { contributionWriteItems, readMemberItems } from '../../shared/enrolment/store/members.ts';
import { deliverAfterCommit, deliverWaiting, outboxEntry, outboxPut, type OutboxEntry } from '../../shared/events/outbox.ts';
import { Refusal } from '../../shared/http/errors.ts';
import { dynamoDocumentClient } from '../../shared/runtime/aws-clients.ts';
import { cancellationReasons, failedConditions } from '../../shared/runtime/condition-failure.ts';
import { retry } from '../../shared/runtime/retry.ts';
import { agencyDate } from '../../shared/time/agency-calendar.ts';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { entryEvent, memberIdSchema, termsOn, agencyYear } from './service.ts';

export const familyContributionSchema = z
  .strictObject({
    reference: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,60}$/, '1-60 letters, digits or . _ : -')
      .meta({ description: 'Your reference (the idempotency key); the contribution is recorded with receipt PA.<reference>' }),
    beneficiaryMemberId: memberIdSchema.meta({ description: 'The bound family member whose resident contribution the account pays' }),
    year: z.number().int().min(2000).max(2100),
    amountFen: z.number().int('whole fen').positive().meta({ description: "At most the beneficiary's outstanding individual share" }),
  })
  .meta({ id: 'FamilyContributionPayment' });
export type FamilyContributionRequest = z.infer<typeof familyContributionSchema>;

const refuse = (status: number, field: string, rule: string, message: string, extra: Record<string, unknown> = {}) =>
  new Refusal(status, message, { problems: [{ field, rule, message }], ...extra });

export interface PaidContribution {
  outcome: 'posted' | 'unchanged';
  balanceFen: number;
  entry?: unknown;
  contribution?: unknown;
  enrolmentStatus?: string;
}

export async function payFamilyContribution(
  holderMemberId: string,
  request: FamilyContributionRequest,
  ctx: { by: string; correlationId: string; logger: Logger; at: string },
): Promise<PaidContribution> {
  const reference = `family-contribution/${request.reference}`;
  const contributionId = `PA.${request.reference}`;
  const today = agencyDate(new Date(ctx.at));
  const once = async (): Promise<PaidContribution | undefined> => {
    const [account, binding, items] = await Promise.all([
      readAccount(holderMemberId),
      readFamilyBinding(holderMemberId, request.beneficiaryMemberId),
      readMemberItems(request.beneficiaryMemberId),
    ]);
    if (!account) throw refuse(404, 'memberId', 'no_account', `member ${holderMemberId} has no personal account`);
    const repeat = await entryFor(holderMemberId, reference);
    if (repeat) {
      await deliverWaiting([`account/${holderMemberId}/${repeat.seq}/PersonalAccountEntryPosted`], (m, e) => ctx.logger.warn(m, e));
      return { outcome: 'unchanged', balanceFen: account.balanceFen, entry: repeat };
    }
    if (!bindingHolds(binding, today)) {
      throw refuse(
        409,
        'body.beneficiaryMemberId',
        'not_bound',
        `member ${request.beneficiaryMemberId} is not bound to this account on ${today}`,
      );
    }
    // The terms of the year the contribution is for, as known today (never a date past that year's end).
    const termsDate =
      today < `${request.year}-01-01` ? `${request.year}-01-01` : today > `${request.year}-12-31` ? `${request.year}-12-31` : today;
    const terms = await termsOn(account.region, termsDate);
    if (!terms) throw refuse(409, 'body.year', 'no_terms', `region ${account.region} sets no personal-account terms for ${request.year}`);
    if (!familyUseAllowed(terms, binding.relation, 'resident-contribution')) {
      throw refuse(
        409,
        'body.beneficiaryMemberId',
        'family_use_not_allowed',
        `the policy does not let the account pay a ${binding.relation}'s resident contribution`,
      );
    }
    if (!items.member)
      throw refuse(404, 'body.beneficiaryMemberId', 'not_found', `no member ${request.beneficiaryMemberId} in the register`);
    const open = items.enrolments.find((e) => e.year === request.year && e.status !== 'closed');
    if (open && open.scheme !== 'resident') {
      throw refuse(
        409,
        'body.beneficiaryMemberId',
        'not_resident',
        'only a resident contribution (城乡居民医保) is paid from a family member’s account',
      );
    }
    const plan = planContribution(
      items,
      request.beneficiaryMemberId,
      { contributionId, year: request.year, amountFen: request.amountFen, paidOn: today, channel: 'personal-account' },
      today,
      ctx.at,
    );
    if (!plan.ok) {
      const p = plan.problems[0]!;
      throw refuse(plan.status, `body.${p.field === 'contributionId' ? 'reference' : p.field}`, p.rule, p.message, plan.details ?? {});
    }
    if (plan.outcome === 'unchanged') return { outcome: 'unchanged', balanceFen: account.balanceFen, contribution: plan.contribution };
    const posted = post(
      account,
      {
        kind: 'family-contribution',
        amountFen: -request.amountFen,
        reference,
        beneficiary: { memberId: request.beneficiaryMemberId, relation: binding.relation },
        note: `resident contribution ${request.year}, receipt ${contributionId}`,
      },
      { year: agencyYear(ctx.at), at: ctx.at, by: ctx.by },
    );
    if (!posted.ok) throw refuse(409, 'body.amountFen', posted.rule, posted.message, { balanceFen: posted.balanceFen });
    const entry = posted.entries.at(-1)!;
    const events: OutboxEntry[] = [
      outboxEntry(
        ContributionRecorded,
        {
          memberId: plan.contribution.memberId,
          enrolmentId: plan.enrolment.enrolmentId,
          contributionId,
          year: request.year,
          region: plan.enrolment.region,
          scheme: plan.enrolment.scheme,
          channel: 'personal-account',
          paidOn: today,
          amountFen: request.amountFen,
          shares: plan.contribution.shares,
          enrolmentStatus: plan.enrolment.status,
          activated: plan.activated,
          complete: plan.complete,
        },
        ctx.correlationId,
        `contribution/${plan.contribution.memberId}/${request.year}/${contributionId}/ContributionRecorded`,
        ctx.at,
      ),
      entryEvent(posted.account, entry, ctx.correlationId),
    ];
    try {
      await dynamoDocumentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            referenceMarkerPut(holderMemberId, reference, entry.seq, ctx.at),
            ...accountWriteItems(account, posted),
            ...contributionWriteItems(plan),
            ...events.map(outboxPut),
          ],
        }),
      );
    } catch (error) {
      if (!cancellationReasons(error)) throw error;
      // The marker (a repeat racing), the account's version or the enrolment's moved: read again and decide again.
      if (failedConditions(error).length === 0 && !cancellationReasons(error)!.some((r) => r.Code === 'TransactionConflict')) throw error;
      return undefined;
    }
    ctx.logger.info('Family contribution paid from a personal account', {
      holder: holderMemberId,
      memberId: request.beneficiaryMemberId,
      amountFen: request.amountFen,
    });
    await deliverAfterCommit(events, (m, e) => ctx.logger.warn(m, e));
    return {
      outcome: 'posted',
      balanceFen: posted.account.balanceFen,
      entry,
      contribution: plan.contribution,
      enrolmentStatus: plan.enrolment.status,
    };
  };
  const outcome = await retry(once, {
    maxAttempts: 20,
    budgetMs: 20_000,
    baseDelayMs: 10,
    maxDelayMs: 500,
    retryIf: (o) => o === undefined,
  });
  if (!outcome) throw new Refusal(503, 'the account or the enrolment kept changing; send the same request again (it is idempotent)');
  return outcome;
}
