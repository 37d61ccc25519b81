import { httpApi } from '../../shared/http/api.ts';
import { pendingRoutes } from '../../shared/http/pending.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { byTrigger } from '../../shared/runtime/triggers.ts';
import { previousAgencyYear } from '../../shared/time/agency-calendar.ts';

const logger = createLogger('year-end-settlement');

export const handler = byTrigger({
  http: httpApi(logger, pendingRoutes(['POST /v1/runs/year-end'], 'issue #7 (year-end settlement)')),
  // Settles the insurance year before the firing time, in the agency's calendar; the arithmetic arrives with issue #7.
  schedule: async (invocation) => {
    const year = previousAgencyYear(new Date(invocation.scheduledTime));
    logger.info('Year-end settlement requested', { schedule: invocation.schedule, year });
    return { run: 'year-end', year, scheduledTime: invocation.scheduledTime };
  },
});
