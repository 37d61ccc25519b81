import { httpApi } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { byTrigger } from '../../shared/runtime/triggers.ts';
import { previousAgencyYear } from '../../shared/time/agency-calendar.ts';
import { unwrapTextBodies } from '../../shared/budget/http-text.ts';
import { regionsWithBudget } from '../../shared/budget/store/budgets.ts';
import { communityReportRoute, getYearEndRoute, postYearEndRoute, providerReportRoute, summaryRoute } from './reports.ts';
import { runYearEnd } from './run.ts';

const logger = createLogger('year-end-settlement');

/**
 * Year-end settlement (年终清算): the staff trigger and reports, and the schedule that settles, on
 * 1 April, the insurance year before the firing time in the agency's calendar for every region
 * that had a budget (assessments are due by the end of March).
 */
export const handler = byTrigger({
  http: httpApi(logger, {
    'POST /v1/runs/year-end': postYearEndRoute,
    'GET /v1/runs/year-end/{region}/{year}': getYearEndRoute,
    'GET /v1/reports/year-end/{region}/{year}/providers': providerReportRoute,
    'GET /v1/reports/year-end/{region}/{year}/health-communities': communityReportRoute,
    'GET /v1/reports/year-end/{region}/{year}/summary': summaryRoute,
  }).use(unwrapTextBodies),
  schedule: async (invocation) => {
    const year = previousAgencyYear(new Date(invocation.scheduledTime));
    const correlationId = `schedule-${invocation.schedule}-${year}`;
    logger.resetKeys();
    logger.appendKeys({ correlationId });
    const regions = [];
    for (const region of await regionsWithBudget(year)) {
      try {
        const out = await runYearEnd(
          { region, year, supersede: false, reason: null, requestedBy: `schedule:${invocation.schedule}`, correlationId },
          logger,
        );
        regions.push({ region, outcome: out.outcome, version: out.run.version });
      } catch (error) {
        // A region waiting for an assessment does not hold up the others; staff run it once it is in.
        logger.error('Year-end settlement failed for a region', { region, error: error instanceof Error ? error.message : String(error) });
        regions.push({ region, outcome: 'failed', error: error instanceof Error ? error.message : String(error) });
      }
    }
    return { run: 'year-end', year, scheduledTime: invocation.scheduledTime, regions };
  },
});
