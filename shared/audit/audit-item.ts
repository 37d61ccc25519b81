import type { EventBridgeEnvelope } from '../../events/contract.ts';

/** How one archived event is keyed: by day for browsing, by correlation id for one request's trail. */
export function auditItem(envelope: EventBridgeEnvelope, correlationId: string) {
  const sortKey = `${envelope.time}#${envelope.id}`;
  return {
    pk: `DAY#${envelope.time.slice(0, 10)}`,
    sk: sortKey,
    gsi1pk: `CORR#${correlationId}`,
    gsi1sk: sortKey,
    eventId: envelope.id,
    source: envelope.source,
    detailType: envelope['detail-type'],
    time: envelope.time,
    correlationId,
    region: typeof envelope.detail.region === 'string' ? envelope.detail.region : undefined,
    detail: envelope.detail,
  };
}

export const auditTrailKey = (correlationId: string) => `CORR#${correlationId}`;
