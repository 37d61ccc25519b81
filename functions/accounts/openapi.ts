/**
 * The personal-account routes (个人账户), documented from the schemas the handler validates with.
 * `npm run openapi` collects this (tools/openapi.ts) into docs/openapi.json.
 */
import * as z from 'zod';
import { routeDocsOf } from '../../tools/route-docs.ts';
import { familyContributionSchema } from './family-contribution.ts';
import {
  accountRequestSchema,
  adjustmentSchema,
  bindingParams,
  bindingSchema,
  entriesQuery,
  memberParams,
  transferSchema,
} from './handler.ts';

const tags = ['personal accounts'];

const account =
  '`account` is { memberId, region, status (in-service | flexible | retired), balanceFen, version (the last entry’s seq), year (of the last entry), openedAt, updatedAt, closed? { at, reason } }';
const entry =
  '`entry` is { memberId, seq, kind (contribution-credit | retiree-credit | claim-payment | claim-refund | family-contribution | adjustment | carry-over | transfer | status-change), ' +
  'amountFen (signed), balanceAfterFen, year, region, at, by, reference, month?, claim?, beneficiary? { memberId, relation }, contribution? { baseFen, individualFen }, transfer?, note? }';
const posted = (what: string) => ({
  description: `${what}: \`{ outcome: "posted", account, entry }\`. ${account}. ${entry}. The event PersonalAccountEntryPosted goes through the outbox with it.`,
});
const replay = {
  description:
    'The same reference again: nothing posted; header `x-idempotent-replay: true`, `{ outcome: "unchanged", account, entry }` (the entry first posted)',
};
const noAccount = { description: 'The member has no personal account (details.problems: memberId no_account) or is not in the register' };

export const routeDocs = routeDocsOf<'accounts'>({
  getPersonalAccount: {
    tags,
    roles: ['staff', 'provider', 'regulator'],
    summary: "A member's personal account: balance and status",
    description:
      'Staff see the account (a member asks for their own view at the counter or through staff); a regulator only an account of its region; a provider ' +
      'only `{ memberId, balanceFen, closed }`, what its counter needs to offer the account as a payment. The balance is never reset at a year’s end: ' +
      'when no entry has been posted this year yet, `carriedIntoYear` shows the balance the year opened with (结转).',
    request: { params: memberParams },
    responses: { 200: { description: `\`{ account, carriedIntoYear? { year, balanceFen } }\`. ${account}` }, 404: noAccount },
  },
  putPersonalAccount: {
    tags,
    roles: ['staff'],
    summary: 'Open a personal account, or change its holder’s status (accounts:write)',
    description:
      'Accounts also open by themselves: with a member’s first paid month (EmployeeContributionPaid) and, for a retiree, with the employment status ' +
      '(EmploymentRecorded). A retiree’s account is credited on the 1st of each month from the pooled fund, by the region’s employee policy. ' +
      'The region changes only by a transfer (409 use_transfer). A member enrolled in another scheme today is a 409 not_employee.',
    request: { params: memberParams, body: accountRequestSchema },
    responses: {
      201: posted('Opened (a status-change entry, amount 0)'),
      200: {
        description: 'Status changed (`outcome: "posted"`), or already so (`outcome: "unchanged"`, header `x-idempotent-replay: true`)',
      },
      404: { description: 'No such member in the register' },
      409: { description: 'not_employee, or use_transfer (details.problems)' },
    },
  },
  listAccountEntries: {
    tags,
    roles: ['staff', 'regulator'],
    summary: 'The account’s ledger, newest first, paged',
    description:
      'Append-only: every credit, payment, refund, adjustment, carry-over, transfer and status change with the balance after it. Pass `nextBefore` as `before` for the next page.',
    request: { params: memberParams, query: entriesQuery },
    responses: { 200: { description: `\`{ account, entries: [entry], nextBefore? }\`. ${entry}` }, 404: noAccount },
  },
  postAccountAdjustment: {
    tags,
    roles: ['staff'],
    summary: 'A staff credit or correction of the balance, with its reason (accounts:write)',
    description: 'Idempotent by `reference`. A correction down beyond the balance is refused whole: the balance never goes negative.',
    request: { params: memberParams, body: adjustmentSchema },
    responses: {
      201: posted('Posted'),
      200: replay,
      404: noAccount,
      409: { description: 'insufficient_balance (details.balanceFen: the balance now) or account_closed' },
    },
  },
  listFamilyBindings: {
    tags,
    roles: ['staff', 'regulator'],
    summary: 'The family members bound to the account for mutual use (家庭共济)',
    request: { params: memberParams },
    responses: {
      200: {
        description: '`{ holderMemberId, family: [{ memberId, relation, validFrom, validTo?, evidence, by, at, history }] }`',
        schema: z.object({ holderMemberId: z.string(), family: z.array(z.unknown()) }),
      },
      404: noAccount,
    },
  },
  putFamilyBinding: {
    tags,
    roles: ['staff'],
    summary: 'Bind a spouse, parent or child for mutual use of the account (家庭共济绑定), or end the binding (accounts:write)',
    description:
      'The holder’s account may then pay the related member’s self-pay at settlement (the bill’s `payment.personalAccount.holderMemberId`), on dates the ' +
      'binding holds, for the relations and uses the holder’s region’s employee policy allows. A change keeps the earlier states in `history`.',
    request: { params: bindingParams, body: bindingSchema },
    responses: {
      201: { description: '`{ outcome: "bound", binding }`' },
      200: {
        description:
          '`{ outcome: "changed", binding }`, or the same binding again: `{ outcome: "unchanged" }` with `x-idempotent-replay: true`',
      },
      404: { description: 'The holder has no account, or the related member is not in the register' },
      409: { description: 'The binding changed meanwhile: read it and send the change again' },
    },
  },
  payFamilyContribution: {
    tags,
    roles: ['staff'],
    summary: "Pay a bound family member's resident contribution from the account (家庭共济, accounts:write)",
    description:
      'As the holder’s region’s employee policy allows (`familyUse.uses`: resident-contribution; the relation bound today). One transaction: the account’s ' +
      'debit (never beyond the balance) and the contribution on the family member’s resident enrolment (receipt `PA.<reference>`, channel ' +
      '`personal-account`), which may make them covered; ContributionRecorded and PersonalAccountEntryPosted go through the outbox. Idempotent by `reference`.',
    request: { params: memberParams, body: familyContributionSchema },
    responses: {
      201: { description: '`{ outcome: "posted", balanceFen, entry, contribution, enrolmentStatus }`' },
      200: replay,
      404: { description: 'The holder has no account, or the family member is not in the register' },
      409: {
        description:
          'details.problems: not_bound, family_use_not_allowed, no_terms, not_resident, insufficient_balance (details.balanceFen), ' +
          'or enrolment’s own: not_enrolled, over_payment…',
      },
    },
  },
  transferPersonalAccount: {
    tags,
    roles: ['staff'],
    summary: 'Move the account with its member to another pooling region, or pay it out to another agency (accounts:write)',
    description:
      'Inside the agency the account keeps its balance and follows the new region’s terms (enrolment’s transfers do this by themselves, through ' +
      'EnrolmentTransferred); `external: true` pays the balance out to the agency that serves the new region and closes the account. Idempotent by `reference`.',
    request: { params: memberParams, body: transferSchema },
    responses: { 201: posted('Transferred'), 200: replay, 400: { description: 'same_region' }, 404: noAccount },
  },
});
