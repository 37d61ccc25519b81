/**
 * Staff routes of the year-end:
 *   POST /v1/runs/year-end                                             settle a region's year (again: nothing changes; supersede: a new version)
 *   GET  /v1/runs/year-end/{region}/{year}                             a version with its point value and totals
 *   GET  /v1/reports/year-end/{region}/{year}/providers                per provider (?version=n, ?format=csv)
 *   GET  /v1/reports/year-end/{region}/{year}/health-communities       per health community (?version=n, ?format=csv)
 *   GET  /v1/reports/year-end/{region}/{year}/summary                  the readable summary (text)
 */
import * as z from 'zod';
import type { RouteHandler } from '../../shared/http/api.ts';
import { notFound } from '../../shared/http/errors.ts';
import { regionSchema } from '../../shared/budget/budget.ts';
import { requireReaderOf, requireStaff } from '../../shared/budget/access.ts';
import { csvResponse, textResponse } from '../../shared/budget/http-text.ts';
import { communityColumns, providerColumns, toCsv, yearEndSummary } from '../../shared/budget/report.ts';
import type { CapitationStatement } from '../../shared/budget/capitation.ts';
import type { ProviderStatement } from '../../shared/budget/year-end.ts';
import { getRunVersion, type RunVersion } from '../../shared/budget/store/runs.ts';
import { yearEndReports } from '../../shared/budget/store/year-end.ts';
import { runYearEnd, type YearEndSummary } from './run.ts';

const year = z.coerce.number().int().min(2000).max(2100);
export const yearParams = z.object({ region: regionSchema, year });
export const reportQuery = z.object({
  version: z.coerce.number().int().positive().optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

export const yearEndRunRequest = z
  .strictObject({
    region: regionSchema,
    year: z.number().int().min(2000).max(2100),
    supersede: z.boolean().default(false),
    reason: z.string().min(1).max(500).optional(),
  })
  .refine((r) => !r.supersede || r.reason !== undefined, { path: ['reason'], message: 'a superseding run says why' });

export const postYearEndRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireStaff(principal);
  const body = request.body(yearEndRunRequest);
  // A YearEndRefusal (404, 409) is a Refusal: the error middleware answers it.
  const out = await runYearEnd(
    { ...body, reason: body.reason ?? null, requestedBy: principal.sub, correlationId: request.correlationId },
    request.logger,
  );
  return { statusCode: out.outcome === 'existing' ? 200 : 201, body: out };
};

async function versionOf(region: string, y: number, version: number | undefined): Promise<RunVersion> {
  const run = await getRunVersion('year-end', region, String(y), version);
  if (!run) throw notFound(`No year-end settlement for ${region} ${y}${version ? ` version ${version}` : ''}: POST /v1/runs/year-end`);
  return run;
}

export const getYearEndRoute: RouteHandler = async (request) => {
  const { region, year: y } = request.params(yearParams);
  requireReaderOf(request.principal(), region);
  const { version } = request.query(reportQuery);
  return { statusCode: 200, body: { run: await versionOf(region, y, version) } };
};

export const providerReportRoute: RouteHandler = async (request) => {
  const { region, year: y } = request.params(yearParams);
  requireReaderOf(request.principal(), region);
  const q = request.query(reportQuery);
  const run = await versionOf(region, y, q.version);
  const providers = await yearEndReports<ProviderStatement>(region, y, run.version, 'P');
  if (q.format === 'csv') return csvResponse(toCsv(providerColumns, providers), `year-end-${region}-${y}-v${run.version}-providers.csv`);
  return { statusCode: 200, body: { run, providers } };
};

export const communityReportRoute: RouteHandler = async (request) => {
  const { region, year: y } = request.params(yearParams);
  requireReaderOf(request.principal(), region);
  const q = request.query(reportQuery);
  const run = await versionOf(region, y, q.version);
  const communities = await yearEndReports<CapitationStatement>(region, y, run.version, 'C');
  if (q.format === 'csv')
    return csvResponse(toCsv(communityColumns, communities), `year-end-${region}-${y}-v${run.version}-health-communities.csv`);
  return { statusCode: 200, body: { run, communities } };
};

/** The summary of a stored version, for people (and `npm start`'s demo). */
export async function summaryLines(region: string, y: number, version?: number): Promise<string[]> {
  const run = await versionOf(region, y, version);
  const summary = run.summary as YearEndSummary;
  const [providers, communities] = await Promise.all([
    yearEndReports<ProviderStatement>(region, y, run.version, 'P'),
    yearEndReports<CapitationStatement>(region, y, run.version, 'C'),
  ]);
  return yearEndSummary({
    region,
    year: y,
    version: run.version,
    policy: summary.policy,
    ...(summary.payBy ? { payBy: summary.payBy } : {}),
    pointValue: summary.pointValue,
    totals: summary.totals,
    providers,
    communities,
  });
}

export const summaryRoute: RouteHandler = async (request) => {
  const { region, year: y } = request.params(yearParams);
  requireReaderOf(request.principal(), region);
  const { version } = request.query(reportQuery);
  return textResponse(await summaryLines(region, y, version));
};
