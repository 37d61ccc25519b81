import { createLogger } from '../../shared/runtime/logger.ts';
import { scheduledHandler } from '../../shared/middleware/schedule.ts';
import { agencyMonth } from '../../shared/time/agency-calendar.ts';
import { regionsWithBudget } from '../../shared/budget/store/budget.ts';
import { yearOf } from '../../shared/budget/prepayment.ts';
import { runMonth } from './runs.ts';

const logger = createLogger('prepayment-monthly');

const periodOf = (scheduledTime: string) => agencyMonth(new Date(scheduledTime));

/**
 * The monthlyPrepayment schedule: plans the month that starts at the firing time (in the agency's
 * calendar) for every region with a budget, and fans each run out over the prepaymentWork queue.
 */
export const handler = scheduledHandler(
  logger,
  async (invocation, { correlationId }) => {
    const period = periodOf(invocation.scheduledTime);
    const regions = [];
    for (const region of await regionsWithBudget(yearOf(period))) {
      try {
        const out = await runMonth(
          region,
          period,
          { supersede: false, reason: null, requestedBy: `schedule:${invocation.schedule}`, correlationId },
          logger,
        );
        regions.push({
          region,
          outcome: out.outcome,
          version: out.run.version,
          providers: out.run.expected,
          warningsRaised: out.warningsRaised,
        });
      } catch (error) {
        // One region's failure does not stop the others; the schedule's retry or staff re-run it.
        logger.error('Prepayment run failed for a region', { region, error: error instanceof Error ? error.message : String(error) });
        regions.push({ region, outcome: 'failed', error: error instanceof Error ? error.message : String(error) });
      }
    }
    return { run: 'prepayment', period, scheduledTime: invocation.scheduledTime, regions };
  },
  (invocation) => `schedule-${invocation.schedule}-${periodOf(invocation.scheduledTime)}`,
);
