import { httpApi } from '../../shared/http/api.ts';
import { pendingRoutes } from '../../shared/http/pending.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { eventConsumer } from '../../shared/queue/consumer.ts';
import { byTrigger } from '../../shared/runtime/triggers.ts';
import { ClaimSettled } from '../../events/claims.ts';

const logger = createLogger('drg-grouping');

export const handler = byTrigger({
  http: httpApi(logger, pendingRoutes(['POST /v1/drg/pre-group'], 'issue #5 (CHS-DRG grouping)')),
  // Accepts and validates settled inpatient claims now; grouping and points arrive with issue #5.
  sqs: eventConsumer(logger, [ClaimSettled], async ({ detail }) => {
    logger.info('Inpatient claim received for grouping', { claim: detail.claim, visitType: detail.visit.type });
  }),
});
