/**
 * The year-end routes, documented from the schemas the handler validates with. `npm run openapi`
 * collects this (tools/openapi.ts) into docs/openapi.json.
 */
import * as z from 'zod';
import { routeDocsOf } from '../../tools/route-docs.ts';
import { reportQuery, yearEndRunRequest, yearParams } from './reports.ts';

const tags = ['year-end settlement'];

export const routeDocs = routeDocsOf<'yearEndApi'>({
  startYearEndRun: {
    tags,
    roles: ['staff'],
    summary: "Settle a region's year (年终清算)",
    description:
      "Point value = DRG budget ÷ the year's points; each provider's DRG payment, fee-for-service payments and capitation share, " +
      "net of the year's advances: to pay or to recover. Run again, nothing changes; `supersede` (with a reason) makes a new version whose " +
      'ledger entries move only the difference. Publishes YearEndSettled.',
    request: { body: yearEndRunRequest },
    responses: {
      201: { description: 'Settled (or an unfinished version resumed)' },
      200: { description: 'Existing' },
      404: { description: 'No budget' },
      409: { description: 'An assessment is missing (details name the community), or a version is in progress' },
    },
  },
  getYearEndRun: {
    tags,
    roles: ['staff', 'regulator'],
    summary: 'A year-end version: point value and totals',
    request: { params: yearParams, query: z.object({ version: z.coerce.number().int().positive().optional() }) },
    responses: { 200: { description: 'The version' }, 404: { description: 'Not settled yet' } },
  },
  getYearEndProviderReport: {
    tags,
    roles: ['staff', 'regulator'],
    summary: 'The year-end per provider (JSON or CSV)',
    request: { params: yearParams, query: reportQuery },
    responses: { 200: { description: 'One statement per provider' }, 404: { description: 'Not settled yet' } },
  },
  getYearEndCommunityReport: {
    tags,
    roles: ['staff', 'regulator'],
    summary: 'The year-end per health community: capitation fund, spending, surplus or overrun and its shares (JSON or CSV)',
    request: { params: yearParams, query: reportQuery },
    responses: { 200: { description: 'One statement per community' }, 404: { description: 'Not settled yet' } },
  },
  getYearEndSummary: {
    tags,
    roles: ['staff', 'regulator'],
    summary: 'A readable summary of the year-end (text/plain)',
    request: { params: yearParams, query: z.object({ version: z.coerce.number().int().positive().optional() }) },
    responses: { 200: { description: 'The summary, a dozen lines' }, 404: { description: 'Not settled yet' } },
  },
  getCaseMix: {
    tags,
    roles: ['staff', 'regulator'],
    summary: "A region-year's DRG/DIP case mix (病组结构) and point value",
    description:
      "The grouped cases of the region's year by group (DRG, or DIP where the region's cases are DIP's), each { group, mdc, cases, centipoints, " +
      "shareBp (of the year's points) }, and by MDC; a readmission cut lowers its case's group's points. Cases are counted as grouping recorded them " +
      '(a reversed claim’s case is withdrawn in the payment projection the year-end reads, not here). `pointValue` is the year-end’s once the year ' +
      'is settled (`basis: year-end`), else the budget’s DRG/DIP pool over the points so far (`basis: budget-so-far`); null without a budget. ' +
      'A regulator reads its own region only.',
    request: { params: yearParams },
    responses: { 200: { description: '{ region, year, method, cases, totalCentipoints, groups, mdcs, pointValue }' } },
  },
});
