/**
 * Policy simulation (政策测算), the staff and regulator routes:
 *   POST /v1/simulations                     a draft (benefits or DRG) over a window of settled claims: 202 (started) or 200 (the same run)
 *   GET  /v1/simulations?region=330900       a region's runs, newest first
 *   GET  /v1/simulations/{runId}             a run: status, progress, its summary once done
 *   GET  /v1/simulations/{runId}/report      the report (?format=json|csv)
 * The replay itself runs on the simulationRunner function (runner.ts); nothing here reads claims.
 */
import * as z from 'zod';
import type { RouteHandler, RouteTableOf } from '../../shared/http/api.ts';
import { httpApi } from '../../shared/http/api.ts';
import { conflict, notFound } from '../../shared/http/errors.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { csvResponse } from '../../shared/budget/http-text.ts';
import { unwrapTextBodies } from '../../shared/budget/http-text.ts';
import { reportCsv } from '../../shared/simulation/csv.ts';
import type { SimulationReport } from '../../shared/simulation/report.ts';
import { getReport, getRun, listRuns, type RunRecord } from '../../shared/simulation/store/runs.ts';
import { requireReaderOf } from './access.ts';
import { runLinks, startSimulation } from './start.ts';

const logger = createLogger('simulation');

export const runIdParams = z.object({ runId: z.string().regex(/^[0-9a-f]{24}$/, 'a run id: 24 hex characters') });
export const listQuery = z.object({ region: z.string().regex(/^\d{6}$/, 'a region code is the 6-digit administrative division code') });
export const reportQuery = z.object({ format: z.enum(['json', 'csv']).default('json') });

/** A run as the API shows it: progress as claims replayed and partition groups done. */
export const runView = (run: RunRecord) => ({
  ...run,
  progress: {
    groups: run.groups,
    groupsDone: run.groupsDone,
    claimsReplayed: Object.values(run.progress ?? {}).reduce((a, b) => a + b, 0),
  },
  links: runLinks(run.runId),
});

async function readableRun(request: Parameters<RouteHandler>[0]): Promise<RunRecord> {
  const { runId } = request.params(runIdParams);
  const principal = request.principal();
  const run = await getRun(runId);
  // Another region's run answers exactly as a missing one: a regulator learns nothing of it.
  requireReaderOf(principal, principal.role === 'regulator' ? principal.region : '000000');
  if (!run || (principal.role === 'regulator' && principal.region !== run.region)) throw notFound(`No simulation ${runId}`);
  return run;
}

const routes: RouteTableOf<'simulation'> = {
  startSimulation,
  listSimulations: async (request) => {
    const { region } = request.query(listQuery);
    requireReaderOf(request.principal(), region);
    return { statusCode: 200, body: { runs: (await listRuns(region)).map(runView) } };
  },
  getSimulation: async (request) => ({ statusCode: 200, body: runView(await readableRun(request)) }),
  getSimulationReport: async (request) => {
    const run = await readableRun(request);
    const { format } = request.query(reportQuery);
    if (run.status !== 'done')
      throw conflict(
        `simulation ${run.runId} is ${run.status}${run.error ? `: ${run.error}` : ''}; its report is written when every partition is done`,
        {
          field: 'path.runId',
          rule: 'not_done',
          status: run.status,
        },
      );
    const report = await getReport<SimulationReport>(run.runId);
    if (!report) throw notFound(`simulation ${run.runId} has no report`);
    if (format === 'csv') return csvResponse(reportCsv(report), `simulation-${run.runId}.csv`);
    return { statusCode: 200, body: report };
  },
};

export const handler = httpApi(logger, 'simulation', routes).use(unwrapTextBodies);
