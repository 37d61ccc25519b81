import * as z from 'zod';
import { httpApi } from '../../shared/http/api.ts';
import { pendingRoutes } from '../../shared/http/pending.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { queueConsumer, PoisonMessageError } from '../../shared/queue/consumer.ts';
import { byTrigger } from '../../shared/runtime/triggers.ts';
import { agencyMonth } from '../../shared/time/agency-calendar.ts';
import { describeIssues } from '../../shared/http/validation.ts';

const logger = createLogger('prepayment');

/** One provider's share of a run, as the planner fans it out over the prepaymentWork queue. */
const workItem = z.object({
  runId: z.string().min(1),
  region: z.string().regex(/^\d{6}$/),
  period: z.string().regex(/^\d{4}-\d{2}$/),
  providerCode: z.string().min(1),
  correlationId: z.string().min(1),
});

export const handler = byTrigger({
  http: httpApi(logger, pendingRoutes(['POST /v1/runs/prepayment'], 'issue #7 (prepayment runs)')),
  // The month that starts at the firing time, in the agency's calendar; planning arrives with issue #7.
  schedule: async (invocation) => {
    const period = agencyMonth(new Date(invocation.scheduledTime));
    logger.info('Monthly prepayment run requested', { schedule: invocation.schedule, period });
    return { run: 'prepayment', period, scheduledTime: invocation.scheduledTime };
  },
  sqs: queueConsumer(logger, (body) => {
    const item = workItem.safeParse(body);
    if (!item.success) throw new PoisonMessageError('Not a prepayment work item', describeIssues(item.error.issues, 'message'));
    return { value: item.data, correlationId: item.data.correlationId, logKeys: { runId: item.data.runId } };
  }, async (item) => {
    logger.info('Prepayment work item received', { runId: item.runId, providerCode: item.providerCode });
  }),
});
