import type { Logger } from '@aws-lambda-powertools/logger';
import { deliverAfterCommit, deliverWaiting } from '../../shared/events/outbox.ts';
import { claimEventKey } from '../../shared/settlement/store/claim-events.ts';
import type { ClaimRecord } from '../../shared/settlement/store/claims.ts';

/**
 * Puts the claim's event on the bus. The event was committed in the outbox with the state it
 * reports, so it is never published for a state that did not commit and never lost: after a commit
 * the record carries it and it is delivered now; on a replay, whatever the first attempt left waiting
 * is delivered. If the bus refuses, the answer stands (the state is committed) and the outbox relay
 * publishes the event within a minute or two. Consumers are idempotent, so a second publish changes nothing.
 */
export async function publishPending(record: ClaimRecord, logger: Logger): Promise<void> {
  const warn = (message: string, extra: Record<string, unknown>) =>
    logger.warn(message, { claim: `${record.providerCode}/${record.claimNo}`, ...extra });
  if (record.pendingEvent) {
    await deliverAfterCommit([record.pendingEvent], warn);
    delete record.pendingEvent;
    return;
  }
  await deliverWaiting([claimEventKey(record, record.status === 'settled' ? 'ClaimSettled' : 'ClaimReversed')], warn);
}
