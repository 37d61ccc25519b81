import { createLogger } from '../../shared/runtime/logger.ts';
import { eventConsumer } from '../../shared/queue/consumer.ts';
import { ClaimSettled } from '../../events/claims.ts';
import { recordSettledCase } from './record-case.ts';

const logger = createLogger('drg-grouping');

/** The events the drgGrouping queue's consumer accepts (test/stack/rules.test.ts ties them to the bus rules). */
export const ACCEPTED_EVENTS = [ClaimSettled] as const;

/**
 * CHS-DRG grouping (the drgGrouping queue): turns every settled inpatient claim into a grouped case
 * with points on the provider's year ledger, and publishes CaseGrouped through the outbox.
 */
export const handler = eventConsumer(logger, ACCEPTED_EVENTS, async ({ detail }, { correlationId }) => {
  // The bus rule sends inpatient and per-bed-day stays only (a bed-day stay becomes points by cost);
  // anything else is not a case to group.
  if (detail.visit.type !== 'inpatient' && detail.visit.type !== 'bed-day') {
    logger.warn('Not an inpatient or bed-day stay; ignored', { claim: detail.claim, visitType: detail.visit.type });
    return;
  }
  await recordSettledCase(detail, correlationId, logger);
});
