import { createLogger } from '../../shared/runtime/logger.ts';
import { scheduledHandler } from '../../shared/middleware/schedule.ts';
import { previousAgencyYear } from '../../shared/time/agency-calendar.ts';
import { regionsWithBudget } from '../../shared/budget/store/budget.ts';
import { runYearEnd } from './run.ts';

const logger = createLogger('year-end-schedule');

const yearOf = (scheduledTime: string) => previousAgencyYear(new Date(scheduledTime));

/**
 * The yearEndSettlement schedule: on 1 April, settles the insurance year before the firing time (in
 * the agency's calendar) for every region that had a budget (assessments are due by the end of March).
 */
export const handler = scheduledHandler(
  logger,
  async (invocation, { correlationId }) => {
    const year = yearOf(invocation.scheduledTime);
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
  (invocation) => `schedule-${invocation.schedule}-${yearOf(invocation.scheduledTime)}`,
);
