import { eventIdOf, type EventBridgeEnvelope } from '../../events/contract.ts';
import { gunzippedText, gzippedWhenLong } from '../events/stored-detail.ts';

/**
 * How one archived event is keyed: by day for browsing, by correlation id for one request's trail.
 * The key is the fact's: its id (`eventIdOf`) and the time it was committed (the outbox publishes
 * every copy of a fact with that time), so a second publication of the same fact lands on the same
 * key and the conditional put keeps the first.
 *
 * A long detail (a settled claim's lines) is kept gzipped, as the outbox keeps it
 * (shared/events/stored-detail.ts): the archive is written for every event the platform publishes,
 * and its plain copy was the largest write a settled claim caused after the settlement itself.
 * `archivedEventOf` reads either form back. gzip output is a function of its input, so the same
 * fact archived twice is still the same bytes.
 */
export function auditItem(envelope: EventBridgeEnvelope, correlationId: string) {
  const eventId = eventIdOf(envelope);
  const sortKey = `${envelope.time}#${eventId}`;
  const detailGz = gzippedWhenLong(JSON.stringify(envelope.detail));
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
    ...(detailGz ? { detailGz } : { detail: envelope.detail }),
  };
}

/** One archived event as its readers see it, whichever form its detail was kept in. */
export interface ArchivedEvent {
  eventId: string;
  source: string;
  detailType: string;
  time: string;
  correlationId: string;
  region?: string;
  detail: Record<string, unknown>;
}

/** An archived item read back: its detail unzipped when it was kept gzipped. */
export function archivedEventOf(item: Record<string, unknown>): ArchivedEvent {
  const { eventId, source, detailType, time, correlationId, region, detail, detailGz } = item;
  return {
    eventId: eventId as string,
    source: source as string,
    detailType: detailType as string,
    time: time as string,
    correlationId: correlationId as string,
    ...(typeof region === 'string' ? { region } : {}),
    detail: (detailGz ? JSON.parse(gunzippedText(detailGz as Uint8Array)) : detail) as Record<string, unknown>,
  };
}

export const auditTrailKey = (correlationId: string) => `CORR#${correlationId}`;
