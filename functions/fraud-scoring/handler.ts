import { createLogger } from '../../shared/runtime/logger.ts';
import { eventConsumer } from '../../shared/queue/consumer.ts';
import { ClaimReversed, ClaimSettled } from '../../events/claims.ts';

const logger = createLogger('fraud-scoring');

// Accepts and validates every settled or reversed claim now; the rules arrive with issue #6.
export const handler = eventConsumer(logger, [ClaimSettled, ClaimReversed], async ({ envelope, detail }) => {
  logger.info('Claim received for scoring', { detailType: envelope['detail-type'], claim: detail.claim });
});
