import { httpApi } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { eventConsumer } from '../../shared/queue/consumer.ts';
import { byTrigger } from '../../shared/runtime/triggers.ts';
import { ClaimSettled } from '../../events/claims.ts';
import { preGroupRoute } from './pre-group.ts';
import { recordSettledCase } from './record-case.ts';

const logger = createLogger('drg-grouping');

/** The events the drgGrouping queue's consumer accepts (test/stack/rules.test.ts ties them to the bus rules). */
export const ACCEPTED_EVENTS = [ClaimSettled] as const;

/**
 * CHS-DRG grouping: the providers' synchronous pre-grouping route, and the consumer that turns
 * every settled inpatient claim into a grouped case with points on the provider's year ledger.
 */
export const handler = byTrigger({
  http: httpApi(logger, 'drgGrouping', { 'POST /v1/drg/pre-group': preGroupRoute }),
  sqs: eventConsumer(logger, ACCEPTED_EVENTS, async ({ detail }, { correlationId }) => {
    // The bus rule sends inpatient claims only; anything else is not a case to group.
    if (detail.visit.type !== 'inpatient') {
      logger.warn('Not an inpatient claim; ignored', { claim: detail.claim, visitType: detail.visit.type });
      return;
    }
    await recordSettledCase(detail, correlationId, logger);
  }),
});
