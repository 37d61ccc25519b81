import { createLogger } from '../../shared/runtime/logger.ts';
import { queueConsumer } from '../../shared/queue/consumer.ts';
import { workItemSchema } from './plan.ts';
import { issueLine } from './work.ts';

const logger = createLogger('prepayment-work');

/**
 * The prepaymentWork queue: one provider's line of a run version per message, fanned out by the
 * planner (plan.ts). Each record is parsed as a work item; one that is not is failed and dead-lettered.
 */
export const handler = queueConsumer(
  logger,
  {
    schema: workItemSchema,
    correlationId: (item) => item.correlationId,
    logKeys: (item) => ({ runId: item.runId, providerCode: item.providerCode }),
  },
  (item) => issueLine(item, logger),
);
