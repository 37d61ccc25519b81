/**
 * The employee scheme's routes (employers, employment status, monthly contributions), documented
 * from the schemas the handler validates with; openapi.ts adds them to the enrolment function's docs.
 */
import type { RouteDocBody } from '../../tools/route-docs.ts';
import type { employerRoutes } from './routes/employers.ts';
import {
  contributionBulkRequestSchema,
  contributionBulkResponse,
  employeeContributionsQuery,
  employeeYearResponse,
  employerChangeSchema,
  employerListQuery,
  employerListResponse,
  employerParams,
  employerRecordResponse,
  employerRequestSchema,
  employerResponse,
  employmentRequestSchema,
  employmentResponse,
  monthlyContributionRequestSchema,
  monthlyContributionResponse,
} from './employer-schemas.ts';
import { memberParams } from './schemas.ts';

const tags = ['employee contributions'];
const needs = 'Staff with the permission `contributions:write`.';
const memberNotFound = { description: 'No such member' };

export const employerRouteDocs: Record<keyof typeof employerRoutes, RouteDocBody> = {
  registerEmployer: {
    tags,
    roles: ['staff'],
    summary: 'Register an employer (用人单位登记) under its unified social credit code',
    description:
      `${needs} The 18-character code is checked by GB 32100 (its check character; \`credit_code_check\` names a wrong one). ` +
      'The same registration sent again is answered 200 `unchanged`; other facts under a registered code are a 409 (change them with PUT).',
    request: { body: employerRequestSchema },
    responses: {
      201: { description: 'Registered', schema: employerResponse },
      200: { description: 'Already registered so: nothing written', schema: employerResponse },
      409: { description: 'Registered with other facts' },
    },
  },
  listEmployers: {
    tags,
    roles: ['staff', 'regulator'],
    summary: "A pooling region's employers, paged (a regulator: its own region)",
    request: { query: employerListQuery },
    responses: { 200: { description: 'One page; pass nextCursor for the next', schema: employerListResponse } },
  },
  getEmployer: {
    tags,
    roles: ['staff', 'regulator'],
    summary: 'An employer and its append-only history (who changed what, when)',
    request: { params: employerParams },
    responses: { 200: { description: 'The employer', schema: employerRecordResponse }, 404: { description: 'No such employer' } },
  },
  changeEmployer: {
    tags,
    roles: ['staff'],
    summary: "Change an employer's name, region or status (注销: closed), as a new entry of its history",
    description: `${needs} Pass expectedRevision to be refused (409 stale_revision) if someone changed it since you read it.`,
    request: { params: employerParams, body: employerChangeSchema },
    responses: {
      201: { description: 'Changed', schema: employerResponse },
      200: { description: 'Nothing to change', schema: employerResponse },
      404: { description: 'No such employer' },
      409: { description: 'A stale revision, or a change dated before the current entry' },
    },
  },
  recordEmployment: {
    tags,
    roles: ['staff'],
    summary: "Record a member's employment status from a date: in service (在职), flexible (灵活就业) or retired (退休)",
    description:
      `${needs} Needs an employee enrolment on that date. In service names an active employer of the same region; ` +
      "retirement checks the years of contribution against the policy's minimum (409 retiree_not_qualified). " +
      'A new status ends the one before it the day before; statuses are recorded in date order. Settlement reads it: a retiree is in the group `retired`.',
    request: { params: memberParams, body: employmentRequestSchema },
    responses: {
      201: { description: 'Recorded', schema: employmentResponse },
      200: { description: 'Already recorded so', schema: employmentResponse },
      404: memberNotFound,
      409: { description: 'Not enrolled as an employee, employer unknown or closed, out of order, or a retiree not qualified' },
    },
  },
  recordEmployeeContribution: {
    tags,
    roles: ['staff'],
    summary: "Record one month's employee contribution (按月缴费)",
    description:
      `${needs} The declared wage is held between the policy's floor and ceiling; the employer and individual parts are ` +
      'rounded once each, in fen. A flexible worker pays both parts himself; a retiree pays nothing (409 retiree_pays_nothing). ' +
      "A month paid after the policy's grace period is a back-payment (补缴). One record per member and month: the same " +
      'month again with the same facts is 200 `unchanged`, with other facts a 409 naming the record. Publishes EmployeeContributionPaid.',
    request: { params: memberParams, body: monthlyContributionRequestSchema },
    responses: {
      201: { description: 'Recorded', schema: monthlyContributionResponse },
      200: { description: 'Already recorded so: nothing written', schema: monthlyContributionResponse },
      404: memberNotFound,
      409: { description: 'Not employed or retired that month, another employer, not enrolled, or the month recorded with other figures' },
    },
  },
  getEmployeeContributions: {
    tags,
    roles: ['staff', 'regulator'],
    summary: "A member's contribution year month by month, with the coverage the payments give",
    request: { params: memberParams, query: employeeContributionsQuery },
    responses: { 200: { description: 'The year', schema: employeeYearResponse }, 404: memberNotFound },
  },
  importEmployeeContributions: {
    tags,
    roles: ['staff'],
    summary: 'Import a monthly contribution file from an employer or the tax bureau (CSV or JSON-lines)',
    description:
      `${needs} Every row is checked and written as a single request would be, in its own transaction (whole or not at all). ` +
      'Rejected rows are reported by row number with the column and rule; rows recorded by an earlier import are `unchanged`, ' +
      'so importing a file again changes nothing. dryRun checks without writing.',
    request: { body: contributionBulkRequestSchema },
    responses: { 200: { description: 'The row-by-row report', schema: contributionBulkResponse } },
  },
};
