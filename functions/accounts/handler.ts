/**
 * Personal accounts (个人账户), the routes:
 *   GET  /v1/accounts/{memberId}                           balance and status (a provider: balance only; a regulator: its region's)
 *   PUT  /v1/accounts/{memberId}                           open an account, or change its holder's status (in-service, flexible, retired)
 *   GET  /v1/accounts/{memberId}/entries?limit=&before=    the ledger, newest first, paged
 *   POST /v1/accounts/{memberId}/adjustments               a staff credit or correction, with its reason
 *   GET  /v1/accounts/{memberId}/family                    family members bound for mutual use (家庭共济)
 *   PUT  /v1/accounts/{memberId}/family/{relatedMemberId}  bind (or end) a family member
 *   POST /v1/accounts/{memberId}/family-contributions      pay a bound family member's resident contribution (家庭共济)
 *   POST /v1/accounts/{memberId}/transfers                 the account follows its member to another region, or is paid out
 * Changes need the staff permission accounts:write. The claim payments are posted by settlement
 * (functions/adjudication/account-payment.ts), monthly credits by the accountEvents consumer and
 * the retireeAccountCredits schedule.
 */
import * as z from 'zod';
import { type Principal, requireRole } from '../../shared/auth/principal.ts';
import type { Account } from '../../shared/accounts/ledger.ts';
import { openAccount } from '../../shared/accounts/ledger.ts';
import { FAMILY_RELATIONS } from '../../shared/accounts/policy.ts';
import {
  readAccount,
  readEntries,
  readFamilyBinding,
  readFamilyBindings,
  writeFamilyBinding,
  type FamilyBinding,
} from '../../shared/accounts/store/accounts.ts';
import { loadMemberState } from '../../shared/enrolment/store/member-state.ts';
import { httpApi, type ApiRequest } from '../../shared/http/api.ts';
import { badRequest, conflict, notFound } from '../../shared/http/errors.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { agencyDate } from '../../shared/time/agency-calendar.ts';
import { familyContributionSchema, payFamilyContribution } from './family-contribution.ts';
import { memberIdSchema, postWithEvent, referenceSchema, regionSchema, type PostContext } from './service.ts';
import type { PostOutcome } from '../../shared/accounts/store/accounts.ts';

const logger = createLogger('accounts');

export const memberParams = z.object({ memberId: memberIdSchema });
export const bindingParams = z.object({ memberId: memberIdSchema, relatedMemberId: memberIdSchema });

export const accountRequestSchema = z
  .strictObject({
    region: regionSchema.meta({ description: 'The pooling region whose employee policy the account follows' }),
    status: z
      .enum(['in-service', 'flexible', 'retired'])
      .meta({ description: "The holder's status: retirees are credited monthly from the pooled fund" }),
  })
  .meta({ id: 'PersonalAccountRequest' });

export const entriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z.coerce.number().int().positive().optional().meta({ description: 'Entries before this seq (the previous page’s nextBefore)' }),
});

export const adjustmentSchema = z
  .strictObject({
    reference: referenceSchema,
    amountFen: z
      .number()
      .int('whole fen')
      .refine((v) => v !== 0, 'an adjustment moves the balance')
      .meta({ description: 'Signed fen: a credit is positive, a correction down negative (never below a zero balance)' }),
    reason: z.string().trim().min(1).max(500),
    month: z
      .string()
      .regex(/^\d{4}-\d{2}$/, 'YYYY-MM')
      .optional()
      .meta({ description: 'The month a credit is for, when it stands in for a monthly credit' }),
  })
  .meta({ id: 'PersonalAccountAdjustment' });

export const bindingSchema = z
  .strictObject({
    relation: z.enum(FAMILY_RELATIONS).meta({ description: "The related member is the holder's spouse, parent or child" }),
    validFrom: z.iso.date(),
    validTo: z.iso.date().optional().meta({ description: 'Ends the binding (inclusive); send the binding again with it to end one' }),
    evidence: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .meta({ description: 'What the clerk saw (household register page, marriage certificate number): never an ID number' }),
  })
  .refine((b) => b.validTo === undefined || b.validTo >= b.validFrom, { message: 'must not be before validFrom', path: ['validTo'] })
  .meta({ id: 'FamilyBinding' });

export const transferSchema = z
  .strictObject({
    reference: referenceSchema,
    toRegion: regionSchema,
    transferDate: z.iso.date(),
    external: z
      .boolean()
      .default(false)
      .meta({ description: 'The new region is served by another agency: the balance is paid out to it and the account closes' }),
  })
  .meta({ id: 'PersonalAccountTransfer' });

const accountView = (a: Account) => ({
  memberId: a.memberId,
  region: a.region,
  status: a.status,
  balanceFen: a.balanceFen,
  version: a.version,
  year: a.year,
  openedAt: a.openedAt,
  updatedAt: a.updatedAt,
  ...(a.closed ? { closed: a.closed } : {}),
});

const contextOf = (request: ApiRequest, principal: Principal): PostContext => ({
  by: principal.sub,
  correlationId: request.correlationId,
  logger,
  at: new Date().toISOString(),
});

/** The account, if the caller may see it; another region's answers exactly as a missing one (nothing told). */
async function accountOr404(memberId: string, principal?: Principal): Promise<Account> {
  const account = await readAccount(memberId);
  if (!account || (principal?.role === 'regulator' && principal.region !== account.region))
    throw notFound(`member ${memberId} has no personal account`, { field: 'memberId', rule: 'no_account' });
  return account;
}

async function memberOr404(memberId: string, field: string, date: string) {
  const state = await loadMemberState(memberId, date);
  if (!state) throw notFound(`no member ${memberId} in the register`, { field, rule: 'not_found' });
  return state;
}

function refusedAnswer(outcome: Extract<PostOutcome, { outcome: 'refused' }>, field: string) {
  const status = outcome.rule === 'no_account' ? notFound : conflict;
  return status(outcome.message, {
    problems: [{ field, rule: outcome.rule, message: outcome.message }],
    balanceFen: outcome.balanceFen,
  });
}

const postedAnswer = (outcome: PostOutcome, created: number) => {
  if (outcome.outcome === 'refused') throw new Error('refused outcomes are answered before');
  if (outcome.outcome === 'duplicate') {
    return {
      statusCode: 200,
      headers: { 'x-idempotent-replay': 'true' },
      body: { outcome: 'unchanged', account: accountView(outcome.account), ...(outcome.entry ? { entry: outcome.entry } : {}) },
    };
  }
  return { statusCode: created, body: { outcome: 'posted', account: accountView(outcome.account), entry: outcome.entries.at(-1) } };
};

export const handler = httpApi(logger, 'accounts', {
  getPersonalAccount: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff', 'provider', 'regulator');
    const { memberId } = request.params(memberParams);
    const account = await accountOr404(memberId, principal);
    // A provider's counter needs the balance to offer the account as a payment, nothing of its history.
    if (principal.role === 'provider') {
      return { statusCode: 200, body: { account: { memberId, balanceFen: account.balanceFen, closed: account.closed !== undefined } } };
    }
    const today = agencyDate(new Date());
    const yearNow = Number(today.slice(0, 4));
    return {
      statusCode: 200,
      body: {
        account: accountView(account),
        // The balance is never reset: a year with no movement yet opens with all of it (year carry-over, 结转).
        ...(account.year < yearNow ? { carriedIntoYear: { year: yearNow, balanceFen: account.balanceFen } } : {}),
      },
    };
  },

  putPersonalAccount: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff');
    const { memberId } = request.params(memberParams);
    const body = request.body(accountRequestSchema);
    const ctx = contextOf(request, principal);
    const today = agencyDate(new Date(ctx.at));
    const state = await memberOr404(memberId, 'memberId', today);
    if (state.enrolment && state.enrolment.scheme !== 'employee') {
      throw conflict(`member ${memberId} is enrolled as a ${state.enrolment.scheme} on ${today}: only employees hold a personal account`, {
        problems: [{ field: 'memberId', rule: 'not_employee', message: 'only employees (职工医保) hold a personal account' }],
      });
    }
    const existing = await readAccount(memberId);
    if (existing && existing.region !== body.region) {
      throw conflict(`the account is in region ${existing.region}: move it with POST /v1/accounts/${memberId}/transfers`, {
        problems: [{ field: 'body.region', rule: 'use_transfer', message: 'an account changes region by a transfer' }],
      });
    }
    if (existing && existing.status === body.status) {
      return {
        statusCode: 200,
        headers: { 'x-idempotent-replay': 'true' },
        body: { outcome: 'unchanged', account: accountView(existing) },
      };
    }
    const outcome = await postWithEvent(
      memberId,
      {
        kind: 'status-change',
        amountFen: 0,
        reference: `status/${(existing?.version ?? 0) + 1}/${body.status}`,
        toStatus: body.status,
        note: existing ? `status ${existing.status} → ${body.status}` : `opened in ${body.region} as ${body.status}`,
      },
      ctx,
      () => openAccount(memberId, body.region, body.status, Number(today.slice(0, 4)), ctx.at),
    );
    if (outcome.outcome === 'refused') throw refusedAnswer(outcome, 'body.status');
    return postedAnswer(outcome, existing ? 200 : 201);
  },

  listAccountEntries: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff', 'regulator');
    const { memberId } = request.params(memberParams);
    const query = request.query(entriesQuery);
    const account = await accountOr404(memberId, principal);
    const page = await readEntries(memberId, { limit: query.limit, before: query.before });
    return { statusCode: 200, body: { account: accountView(account), ...page } };
  },

  postAccountAdjustment: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff');
    const { memberId } = request.params(memberParams);
    const body = request.body(adjustmentSchema);
    const outcome = await postWithEvent(
      memberId,
      {
        kind: 'adjustment',
        amountFen: body.amountFen,
        reference: `adjustment/${body.reference}`,
        note: body.reason,
        ...(body.month ? { month: body.month } : {}),
      },
      contextOf(request, principal),
    );
    if (outcome.outcome === 'refused') throw refusedAnswer(outcome, 'body.amountFen');
    return postedAnswer(outcome, 201);
  },

  listFamilyBindings: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff', 'regulator');
    const { memberId } = request.params(memberParams);
    const _account = await accountOr404(memberId, principal);
    return { statusCode: 200, body: { holderMemberId: memberId, family: await readFamilyBindings(memberId) } };
  },

  putFamilyBinding: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff');
    const { memberId, relatedMemberId } = request.params(bindingParams);
    const body = request.body(bindingSchema);
    if (memberId === relatedMemberId) {
      throw badRequest('a member is not their own family member', {
        problems: [{ field: 'relatedMemberId', rule: 'same_member', message: 'bind another member' }],
      });
    }
    const ctx = contextOf(request, principal);
    const today = agencyDate(new Date(ctx.at));
    await Promise.all([accountOr404(memberId), memberOr404(relatedMemberId, 'relatedMemberId', today)]);
    const previous = await readFamilyBinding(memberId, relatedMemberId);
    const same =
      previous &&
      previous.relation === body.relation &&
      previous.validFrom === body.validFrom &&
      previous.validTo === body.validTo &&
      previous.evidence === body.evidence;
    if (same) return { statusCode: 200, headers: { 'x-idempotent-replay': 'true' }, body: { outcome: 'unchanged', binding: previous } };
    const binding: FamilyBinding = {
      holderMemberId: memberId,
      memberId: relatedMemberId,
      relation: body.relation,
      validFrom: body.validFrom,
      ...(body.validTo ? { validTo: body.validTo } : {}),
      evidence: body.evidence,
      by: ctx.by,
      at: ctx.at,
      history: previous
        ? [
            ...previous.history,
            {
              relation: previous.relation,
              validFrom: previous.validFrom,
              ...(previous.validTo ? { validTo: previous.validTo } : {}),
              evidence: previous.evidence,
              by: previous.by,
              at: previous.at,
            },
          ]
        : [],
    };
    if (!(await writeFamilyBinding(binding, previous?.at, undefined))) {
      throw conflict('the binding changed meanwhile: read it and send the change again', { field: 'relatedMemberId', rule: 'changed' });
    }
    logger.info('Family binding written', { holder: memberId, memberId: relatedMemberId, relation: body.relation });
    return { statusCode: previous ? 200 : 201, body: { outcome: previous ? 'changed' : 'bound', binding } };
  },

  payFamilyContribution: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff');
    const { memberId } = request.params(memberParams);
    const body = request.body(familyContributionSchema);
    const paid = await payFamilyContribution(memberId, body, contextOf(request, principal));
    return {
      statusCode: paid.outcome === 'posted' ? 201 : 200,
      ...(paid.outcome === 'unchanged' ? { headers: { 'x-idempotent-replay': 'true' } } : {}),
      body: paid,
    };
  },

  transferPersonalAccount: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'staff');
    const { memberId } = request.params(memberParams);
    const body = request.body(transferSchema);
    const account = await accountOr404(memberId);
    const reference = `transfer/${body.reference}`;
    if (account.region === body.toRegion && !account.closed) {
      throw badRequest(`the account is already in region ${body.toRegion}`, {
        problems: [{ field: 'body.toRegion', rule: 'same_region', message: 'transfer to another region' }],
      });
    }
    const outcome = await postWithEvent(
      memberId,
      {
        kind: 'transfer',
        // To an agency outside, the balance goes with the member (paid out, as it stands when the write commits); inside,
        // the account just changes region.
        amountFen: 0,
        ...(body.external ? { wholeBalance: true } : {}),
        reference,
        transfer: { fromRegion: account.region, toRegion: body.toRegion, date: body.transferDate, external: body.external },
        ...(body.external ? { close: `transferred to ${body.toRegion}` } : { toRegion: body.toRegion }),
      },
      contextOf(request, principal),
    );
    if (outcome.outcome === 'refused') throw refusedAnswer(outcome, 'body.reference');
    return postedAnswer(outcome, 201);
  },
});
