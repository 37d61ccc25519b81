import { ClaimReversed, ClaimSettled } from '../../events/claims.ts';
import { publish } from '../../shared/events/publish.ts';
import { HttpError } from '../../shared/http/errors.ts';
import { markEventPublished, type ClaimRecord } from '../../shared/settlement/claim-store.ts';

/**
 * Publishes the event a commit left pending, then clears it. The event was stored in the same
 * transaction as the state it reports, so it is never published for a state that did not commit
 * and never lost: if the bus refuses it now, the request fails with a 503 and repeating it (safe:
 * it replays) publishes it then. Consumers are idempotent, so a second publish changes nothing.
 */
export async function publishPending(record: ClaimRecord, correlationId: string): Promise<void> {
  const pending = record.pendingEvent;
  if (!pending) return;
  try {
    if (pending.name === 'ClaimSettled') await publish(ClaimSettled, pending.payload as never, correlationId);
    else await publish(ClaimReversed, pending.payload as never, correlationId);
  } catch (error) {
    throw new HttpError(503, 'EVENT_PENDING', `${record.claimNo} is ${record.status} and stored, but its ${pending.name} event could not be published yet: repeat the same request to publish it`, { cause: String(error) });
  }
  await markEventPublished(record.providerCode, record.claimNo, record.settlementNo, pending.name);
  delete record.pendingEvent;
}
