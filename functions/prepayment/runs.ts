/**
 * Staff routes of the monthly prepayment:
 *   POST /v1/runs/prepayment                       run a region's month (again: nothing changes; supersede: a corrected version)
 *   GET  /v1/runs/prepayment/{region}/{period}     a version and its lines (?version=n, ?format=csv)
 *   GET  /v1/reports/fund/{region}/{year}          fund early warning: reserve months, budget execution (?through=yyyy-mm, ?format=csv)
 */
import * as z from 'zod';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { RouteHandler } from '../../shared/http/api.ts';
import { conflict, notFound } from '../../shared/http/errors.ts';
import { regionSchema } from '../../shared/budget/budget.ts';
import { requireReaderOf, requireStaff } from '../../shared/budget/access.ts';
import { csvResponse } from '../../shared/budget/http-text.ts';
import { fenToYuan } from '../../shared/money/fen.ts';
import { toCsv } from '../../shared/budget/report.ts';
import { previousMonth } from '../../shared/budget/prepayment.ts';
import { prepaymentLines, type PrepaymentLine } from '../../shared/budget/store/ledger.ts';
import { getRunVersion } from '../../shared/budget/store/runs.ts';
import { agencyMonth } from '../../shared/time/agency-calendar.ts';
import { planPrepayment } from './plan.ts';
import { evaluateWarnings, loadFundStatus } from './warnings.ts';
import { yearParam } from './budgets.ts';

export const periodSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as yyyy-mm');
const format = z.enum(['json', 'csv']).default('json');

export const prepaymentRunRequest = z
  .strictObject({
    region: regionSchema,
    period: periodSchema,
    /** A corrected run: a new version paying only the difference. */
    supersede: z.boolean().default(false),
    reason: z.string().min(1).max(500).optional(),
  })
  .refine((r) => !r.supersede || r.reason !== undefined, { path: ['reason'], message: 'a superseding run says why' });

/** Plans one region's month and evaluates its warnings; shared by the route and the schedule. */
export async function runMonth(
  region: string,
  month: string,
  options: { supersede: boolean; reason: string | null; requestedBy: string; correlationId: string },
  logger: Logger,
) {
  const planned = await planPrepayment({ region, period: month, ...options, now: new Date().toISOString() });
  logger.info('Prepayment run', {
    region,
    period: month,
    outcome: planned.outcome,
    version: planned.run.version,
    messages: planned.messagesSent,
  });
  // The month the run advances has just begun: warnings look at the month before.
  const warnings = await evaluateWarnings(region, previousMonth(month), options.correlationId, logger);
  return { ...planned, warningsRaised: warnings.raised };
}

export const postRunRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireStaff(principal);
  const body = request.body(prepaymentRunRequest);
  // A PlanRefusal (404, 409) is a Refusal: the error middleware answers it.
  const out = await runMonth(
    body.region,
    body.period,
    { supersede: body.supersede, reason: body.reason ?? null, requestedBy: principal.sub, correlationId: request.correlationId },
    request.logger,
  );
  return {
    statusCode: out.outcome === 'existing' ? 200 : 202,
    body: { outcome: out.outcome, run: out.run, messagesSent: out.messagesSent, warningsRaised: out.warningsRaised },
  };
};

const lineColumns = [
  ['provider_code', (l: PrepaymentLine) => l.providerCode],
  ['agreement', (l: PrepaymentLine) => l.agreement.name],
  ['amount_yuan', (l: PrepaymentLine) => fenToYuan(l.amountFen)],
  ['issued_before_yuan', (l: PrepaymentLine) => fenToYuan(l.issuedBeforeFen)],
  ['this_version_yuan', (l: PrepaymentLine) => fenToYuan(l.differenceFen)],
  ['workings', (l: PrepaymentLine) => l.workings.join('; ')],
] as const;

export const getRunRoute: RouteHandler = async (request) => {
  const { region, period: month } = request.params(z.object({ region: regionSchema, period: periodSchema }));
  requireReaderOf(request.principal(), region);
  const q = request.query(z.object({ version: z.coerce.number().int().positive().optional(), format }));
  const run = await getRunVersion('prepayment', region, month, q.version);
  if (!run) throw notFound(`No prepayment run for ${region} ${month}${q.version ? ` version ${q.version}` : ''}`);
  const lines = await prepaymentLines(region, month, run.version);
  if (q.format === 'csv') return csvResponse(toCsv(lineColumns, lines), `prepayment-${region}-${month}-v${run.version}.csv`);
  const total = (f: (l: PrepaymentLine) => number) => lines.reduce((a, l) => a + f(l), 0);
  return {
    statusCode: 200,
    body: {
      run,
      totals: { amountFen: total((l) => l.amountFen), differenceFen: total((l) => l.differenceFen), lines: lines.length },
      lines,
    },
  };
};

export const fundReportRoute: RouteHandler = async (request) => {
  const { region, year } = request.params(z.object({ region: regionSchema, year: yearParam }));
  requireReaderOf(request.principal(), region);
  const q = request.query(z.object({ through: periodSchema.optional(), format }));
  const current = agencyMonth(new Date());
  // Default: the last complete month of the year (the month before now, or December of a past year).
  const through = q.through ?? (Number(current.slice(0, 4)) > year ? `${year}-12` : previousMonth(current));
  if (!through.startsWith(`${year}-`)) throw conflict(`through ${through} is not a month of ${year}`, { field: 'query.through' });
  const loaded = await loadFundStatus(region, through);
  if (!loaded) throw notFound(`No budget or settlement policy for region ${region} in ${year}`);
  const { status } = loaded;
  if (q.format === 'csv') {
    const pct = (bp: number | null) => (bp === null ? '' : (bp / 100).toFixed(2));
    return csvResponse(
      toCsv(
        [
          ['provider_code', (p: (typeof status.providers)[number]) => p.providerCode],
          ['global_budget_yuan', (p) => fenToYuan(p.globalBudgetFen)],
          ['spent_yuan', (p) => fenToYuan(p.spentFen)],
          ['of_budget_percent', (p) => pct(p.ofBudget)],
          ['of_pace_percent', (p) => pct(p.ofPace)],
          ['level', (p) => p.level],
        ],
        status.providers,
      ),
      `fund-${region}-${through}.csv`,
    );
  }
  return { statusCode: 200, body: status };
};
