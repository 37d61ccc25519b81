/**
 * Personal accounts (个人账户): what the routes, the event consumer and the retiree schedule do.
 * Each change is read → post (pure, shared/accounts/ledger.ts) → one conditional transaction with
 * its event in the outbox (shared/accounts/store/accounts.ts `postMovement`) → deliver the event.
 * Idempotent by the movement's reference (event id, staff reference, retiree month): a repeat posts
 * nothing and answers with the entry first posted.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { PersonalAccountEntryPosted } from '../../events/accounts.ts';
import {
  monthlyCredit,
  creditRuleFor,
  openAccount,
  type Account,
  type AccountEntry,
  type AccountStatus,
  type Movement,
} from '../../shared/accounts/ledger.ts';
import type { PersonalAccountPolicy } from '../../shared/accounts/policy.ts';
import { postMovement, type PostOutcome } from '../../shared/accounts/store/accounts.ts';
import { deliverAfterCommit, deliverWaiting, outboxEntry, type OutboxEntry } from '../../shared/events/outbox.ts';
import { benefitsKind } from '../../shared/policy/benefits.ts';
import { policies } from '../../shared/policy/store/registry.ts';
import { agencyDate } from '../../shared/time/agency-calendar.ts';

export const regionSchema = z.string().regex(/^\d{6}$/, 'a 6-digit region code');
export const memberIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a member id');
export const referenceSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:/-]{1,100}$/, '1-100 letters, digits or . _ : / -')
  .meta({ description: 'Your reference for this change (receipt, ticket): the idempotency key; the same reference again changes nothing' });

export const agencyYear = (at: string) => Number(agencyDate(new Date(at)).slice(0, 4));

const eventKey = (memberId: string, seq: number) => `account/${memberId}/${seq}/PersonalAccountEntryPosted`;

/** The event of a posted entry (the ones settlement posts travel on ClaimSettled / ClaimReversed instead). */
export function entryEvent(account: Account, entry: AccountEntry, correlationId: string): OutboxEntry {
  const kind = entry.kind;
  if (kind === 'claim-payment' || kind === 'claim-refund' || kind === 'carry-over')
    throw new Error(`a ${kind} entry has no event of its own`);
  return outboxEntry(
    PersonalAccountEntryPosted,
    {
      memberId: entry.memberId,
      region: account.region,
      status: account.status,
      seq: entry.seq,
      kind,
      amountFen: entry.amountFen,
      balanceAfterFen: entry.balanceAfterFen,
      year: entry.year,
      ...(entry.month ? { month: entry.month } : {}),
      reference: entry.reference,
      ...(entry.beneficiary ? { beneficiary: entry.beneficiary } : {}),
      postedAt: entry.at,
    },
    correlationId,
    eventKey(entry.memberId, entry.seq),
    entry.at,
  );
}

export interface PostContext {
  by: string;
  correlationId: string;
  logger: Logger;
  /** Now, as an ISO instant (the clock is the caller's). */
  at: string;
}

/** Posts a movement with its event, then delivers the event (or, for a repeat, whatever of it still waits). */
export async function postWithEvent(memberId: string, movement: Movement, ctx: PostContext, open?: () => Account): Promise<PostOutcome> {
  const outcome = await postMovement({
    memberId,
    movement,
    year: agencyYear(ctx.at),
    at: ctx.at,
    by: ctx.by,
    ...(open ? { open } : {}),
    event: (account, entry) => entryEvent(account, entry, ctx.correlationId),
  });
  const warn = (message: string, extra: Record<string, unknown>) => ctx.logger.warn(message, extra);
  if (outcome.outcome === 'posted') {
    const entry = outcome.entries.at(-1)!;
    ctx.logger.info('Personal account entry posted', { memberId, seq: entry.seq, kind: entry.kind, amountFen: entry.amountFen });
    await deliverAfterCommit([entryEvent(outcome.account, entry, ctx.correlationId)], warn);
  } else if (outcome.outcome === 'duplicate' && outcome.entry) {
    await deliverWaiting([eventKey(memberId, outcome.entry.seq)], warn);
  }
  return outcome;
}

/** The account terms of a region's employee benefit policy in force on a date (undefined: the region sets none). */
export async function termsOn(region: string, date: string): Promise<PersonalAccountPolicy | undefined> {
  const policy = await policies.inForce(benefitsKind, { region, scheme: 'employee', year: Number(date.slice(0, 4)) }, date);
  return policy?.personalAccount;
}

// ---- the monthly credits -------------------------------------------------------------------

/** What the consumer needs of a paid month (the employers' EmployeeContributionPaid fact). */
export interface PaidMonth {
  eventId: string;
  memberId: string;
  region: string;
  /** YYYY-MM */
  month: string;
  status: 'in-service' | 'flexible';
  baseFen: number;
  individualFen: number;
}

export type CreditResult = { outcome: 'credited' | 'duplicate' | 'nothing'; amountFen: number; reason?: string };

/**
 * A paid month's credit: by the rule of the region's employee policy in force on the month's first
 * day, for the contributor's status; the account opens with the first one. Idempotent by event id.
 */
export async function creditPaidMonth(paid: PaidMonth, ctx: PostContext): Promise<CreditResult> {
  const terms = await termsOn(paid.region, `${paid.month}-01`);
  if (!terms) throw new Error(`no employee benefit policy of region ${paid.region} sets personal-account terms for ${paid.month}`);
  const amountFen = monthlyCredit(creditRuleFor(terms, paid.status), { baseFen: paid.baseFen, individualFen: paid.individualFen });
  if (amountFen === 0) return { outcome: 'nothing', amountFen, reason: `the ${paid.status} rule credits nothing` };
  const outcome = await postWithEvent(
    paid.memberId,
    {
      kind: 'contribution-credit',
      amountFen,
      reference: `contribution/${paid.eventId}`,
      month: paid.month,
      contribution: { baseFen: paid.baseFen, individualFen: paid.individualFen },
    },
    ctx,
    () => openAccount(paid.memberId, paid.region, paid.status, agencyYear(ctx.at), ctx.at),
  );
  if (outcome.outcome === 'refused') return { outcome: 'nothing', amountFen: 0, reason: outcome.message };
  return { outcome: outcome.outcome === 'posted' ? 'credited' : 'duplicate', amountFen };
}

/** A retiree's month: the fixed amount of the region's policy in force on the month's first day. */
export async function creditRetireeMonth(memberId: string, region: string, month: string, ctx: PostContext): Promise<CreditResult> {
  const terms = await termsOn(region, `${month}-01`);
  if (!terms) return { outcome: 'nothing', amountFen: 0, reason: `region ${region} sets no personal-account terms for ${month}` };
  const amountFen = terms.retirees.monthly;
  if (amountFen === 0) return { outcome: 'nothing', amountFen, reason: 'the policy credits retirees nothing' };
  const outcome = await postWithEvent(memberId, { kind: 'retiree-credit', amountFen, reference: `retiree/${month}`, month }, ctx);
  if (outcome.outcome === 'refused') return { outcome: 'nothing', amountFen: 0, reason: outcome.message };
  return { outcome: outcome.outcome === 'posted' ? 'credited' : 'duplicate', amountFen };
}

/** The status a contributor's account is opened with. */
export const statusOf = (status: string): AccountStatus =>
  status === 'flexible' ? 'flexible' : status === 'retired' ? 'retired' : 'in-service';
