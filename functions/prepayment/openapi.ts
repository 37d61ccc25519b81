/**
 * The budget, health-community and prepayment routes, documented from the schemas the handler
 * validates with. `npm run openapi` collects this (tools/openapi.ts) into docs/openapi.json.
 */
import * as z from 'zod';
import { routeDocsOf } from '../../tools/route-docs.ts';
import { budgetInputSchema, regionSchema } from '../../shared/budget/budget.ts';
import { assessmentInputSchema, healthCommunityInputSchema } from '../../shared/budget/community.ts';
import { fundAccountsQuery } from './fund-accounts.ts';
import { providerFundsParams } from './provider-funds.ts';
import { budgetParams, yearParam } from './budgets.ts';
import { capitatedBody, communityParams } from './communities.ts';
import { periodSchema, prepaymentRunRequest } from './runs.ts';

const tags = ['budgets and prepayment'];
const format = z.object({ format: z.enum(['json', 'csv']).optional() });

export const routeDocs = routeDocsOf<'prepaymentApi'>({
  putBudget: {
    tags,
    roles: ['staff'],
    summary: "Set a region's fund budget for a year and its split (总额预算)",
    description:
      "Global budgets per provider, the DRG budget point payment divides at the year-end, and each health community's " +
      "capitated members (its capitation fund = the policy's standard × members, drawn from its global budget). Every change is a new version; " +
      "the same budget again is 200 `unchanged`. Checked against the register and the region's settlement policy, naming every field that breaks a rule.",
    request: { params: budgetParams, body: budgetInputSchema },
    responses: {
      201: { description: 'A new version' },
      200: { description: 'Unchanged' },
      409: { description: 'No settlement policy for the year, or changed meanwhile' },
    },
  },
  getBudget: {
    tags,
    roles: ['staff', 'regulator'],
    summary: 'A budget version with its derived figures',
    request: { params: budgetParams, query: z.object({ version: z.coerce.number().int().positive().optional() }) },
    responses: { 200: { description: 'The budget' }, 404: { description: 'No budget' } },
  },
  registerCommunity: {
    tags,
    roles: ['staff'],
    summary: 'Register a county health community (医共体): county hospital, township centres, village clinics',
    request: { body: healthCommunityInputSchema },
    responses: {
      201: { description: 'Registered' },
      200: { description: 'Already registered exactly so' },
      409: { description: 'The id is taken by other details' },
    },
  },
  getCommunity: {
    tags,
    roles: ['staff', 'regulator'],
    summary: 'A health community and its members',
    request: { params: communityParams },
    responses: { 200: { description: 'The community' }, 404: { description: 'No such community' } },
  },
  putAssessment: {
    tags,
    roles: ['staff'],
    summary: "A community's annual assessment (年度考核): the score decides the surplus share, the rank the overrun rule",
    request: { params: communityParams.extend({ year: yearParam }), body: assessmentInputSchema },
    responses: { 200: { description: 'Recorded' }, 404: { description: 'No such community' } },
  },
  addCapitatedMembers: {
    tags,
    roles: ['staff'],
    summary: "Members whose claims of a year count against the community's capitation",
    description: 'A member belongs to one community a year; one already capitated elsewhere is listed in `inOtherCommunity`, not moved.',
    request: { params: communityParams, body: capitatedBody },
    responses: {
      200: { description: 'Counts of added, already recorded, and refused members' },
      404: { description: 'No such community' },
    },
  },
  startPrepaymentRun: {
    tags,
    roles: ['staff'],
    summary: "Run a region's monthly prepayment (月度预拨)",
    description:
      'Keyed by region and month: run again, nothing changes (200 `existing`; an unfinished version is resumed). With `supersede` ' +
      '(and a reason) a new version computes every advance afresh and moves only the difference on the ledger. Fans out one message per provider.',
    request: { body: prepaymentRunRequest },
    responses: {
      202: { description: 'Planned (or resumed): lines follow as the work items are processed' },
      200: { description: 'Existing' },
      404: { description: 'No budget' },
      409: { description: 'A version is still in progress' },
    },
  },
  getPrepaymentRun: {
    tags,
    roles: ['staff', 'regulator'],
    summary: 'A prepayment run version and its lines (JSON or CSV)',
    request: {
      params: z.object({ region: regionSchema, period: periodSchema }),
      query: format.extend({ version: z.coerce.number().int().positive().optional() }),
    },
    responses: { 200: { description: 'The version, its totals and lines' }, 404: { description: 'No such run' } },
  },
  getFundReport: {
    tags,
    roles: ['staff', 'regulator'],
    summary: 'Fund early warning: months of payment the reserve covers, budget execution per provider (JSON or CSV)',
    request: { params: budgetParams, query: format.extend({ through: periodSchema.optional() }) },
    responses: { 200: { description: 'The fund status through the month' }, 404: { description: 'No budget or policy' } },
  },
  getFundAccounts: {
    tags,
    roles: ['staff', 'regulator'],
    summary: 'Fund accounts per scheme: income, payments by layer, reserve and months of payment, budget vs execution (JSON or CSV)',
    description:
      "Employees' and residents' funds apart. Income: residents' contributions (individual, government and assistance shares) and employees' employer parts, by month paid (employees' individual parts go to personal accounts, shown beside). Payments: what settled claims paid by layer, by accounting month, reversals taken back; the scheme's fund pays the basic and catastrophic layers. Reserve: the budget's opening reserve for the scheme + income − the fund's payments; months of payment = reserve ÷ the average monthly payment. Each scheme's warning levels as last recorded (FundWarningRaised carries the scheme).",
    request: { params: budgetParams, query: fundAccountsQuery },
    responses: { 200: { description: 'Each scheme’s account through the month' }, 404: { description: 'No budget or policy' } },
  },
  getProviderFunds: {
    tags,
    roles: ['provider', 'staff'],
    summary: "A provider's money of a year: monthly fund payments and points, monthly advances (月度预拨), recoveries and the year-end",
    description:
      'For the hospital itself (a provider reads only its own code; another is 403) and staff. `months` has all twelve months: ' +
      '{ month, claims, fundPaidFen, stays, cases, centipoints (DRG and DIP), advanceFen (what the prepayment runs of that month paid) } from ' +
      'the projection of settled claims and grouped cases the runs read; `ledger` lists every entry of the year (prepayment, year-end, recovery: ' +
      '{ kind, period, version, runId, amountFen }, a recovery negative); `totals` sums them (`yearEndFen` null until a year-end has run); ' +
      "`yearEnd` is the latest year-end version's statement of the provider: { region, version, pointValue, statement { method, cases, centipoints, " +
      'drgPaymentFen, itemPaymentFen, globalBudgetFen, capitationFen, entitlementFen, prepaidFen, recoveryFen, netFen, toPayFen, toRecoverFen, stays } }, ' +
      'or null until a year-end has run.',
    request: { params: providerFundsParams },
    responses: {
      200: { description: '`{ providerCode, year, totals, months, ledger, yearEnd }`' },
      403: { description: 'A provider reading another provider, or a regulator' },
    },
  },
});
