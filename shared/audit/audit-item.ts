import { eventIdOf, type EventBridgeEnvelope } from '../../events/contract.ts';

/**
 * How one archived event is keyed: by day for browsing, by correlation id for one request's trail.
 * The key is the fact's: its id (`eventIdOf`) and the time it was committed (the outbox publishes
 * every copy of a fact with that time), so a second publication of the same fact lands on the same
 * key and the conditional put keeps the first.
 */
export function auditItem(envelope: EventBridgeEnvelope, correlationId: string) {
  const eventId = eventIdOf(envelope);
  const sortKey = `${envelope.time}#${eventId}`;
  return {
    pk: `DAY#${envelope.time.slice(0, 10)}`,
    sk: sortKey,
    gsi1pk: `CORR#${correlationId}`,
    gsi1sk: sortKey,
    eventId,
    source: envelope.source,
    detailType: envelope['detail-type'],
    time: envelope.time,
    correlationId,
    region: typeof envelope.detail.region === 'string' ? envelope.detail.region : undefined,
    detail: envelope.detail,
  };
}

export const auditTrailKey = (correlationId: string) => `CORR#${correlationId}`;
