import * as z from 'zod';
import type { DetailTypeName, EventSourceName } from './catalog.ts';
import { maskIdNumbersIn } from '../shared/privacy/mask.ts';

/**
 * Every event's detail carries `meta`: the contract version it was written against and the
 * correlation id of the request that caused it. Consumers log that id, so an operator can follow
 * one request from the API through the bus and every queue.
 */
export const eventMetaSchema = z.object({
  schemaVersion: z.number().int().positive(),
  correlationId: z.string().min(1).max(128),
});
export type EventMeta = z.infer<typeof eventMetaSchema>;

/** A versioned event contract: who publishes it, what it is called, and the shape of its detail. */
export interface EventContract<P extends z.ZodObject = z.ZodObject, D extends z.ZodObject = z.ZodObject> {
  source: EventSourceName;
  detailType: DetailTypeName;
  schemaVersion: number;
  payload: P;
  /** The full detail as it travels: payload plus meta. */
  detail: D;
}

/**
 * The id of the fact an event reports (its outbox key, e.g.
 * `claim/<provider>/<claimNo>/<settlementNo>/ClaimSettled`), carried in every detail beside `meta`:
 * the same on every publication of that fact, whereas EventBridge gives each publication an envelope
 * `id` of its own. A consumer that keeps each event once keys on it (`eventIdOf`). It was added to
 * every contract at once as an optional field, a compatible change (a consumer written before it
 * ignores it), so no contract's `schemaVersion` moved; events published before it, and events put on
 * the bus by hand, lack it and are known by their envelope id. It sits beside `meta`, not in it,
 * because it is part of what the event says (which fact), not of how it travels.
 */
/**
 * Free text a person typed (a reversal reason, an item name, a department) as an event carries it:
 * any ID number inside is masked as a log line masks it (5101**********1234), when the event is made,
 * so it never reaches the bus, the queues or the audit trail in full. Keys and codes are not free text.
 */
export const freeText = (max: number) => z.string().max(max).transform(maskIdNumbersIn);

export const eventIdSchema = z.string().min(1).max(512);

export function defineEvent<Shape extends z.ZodRawShape>(c: {
  source: EventSourceName;
  detailType: DetailTypeName;
  schemaVersion: number;
  payload: z.ZodObject<Shape>;
}) {
  const detail = z.object({ ...c.payload.shape, eventId: eventIdSchema.optional(), meta: eventMetaSchema });
  return { ...c, detail } satisfies EventContract;
}

export type EventPayload<C extends EventContract> = z.infer<C['payload']>;

/** The envelope EventBridge delivers to an SQS target: the message body is exactly this JSON. */
export const eventBridgeEnvelopeSchema = z.object({
  version: z.string(),
  id: z.string(),
  'detail-type': z.string(),
  source: z.string(),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()),
  detail: z.record(z.string(), z.unknown()),
});
export type EventBridgeEnvelope = z.infer<typeof eventBridgeEnvelopeSchema>;

/**
 * The id a consumer keeps an event once by: the fact's (`detail.eventId`), so a replayed request or
 * the outbox relay publishing the same fact again is recognised; the envelope's id for an event that
 * does not carry one.
 */
export function eventIdOf(envelope: Pick<EventBridgeEnvelope, 'id' | 'detail'>): string {
  const factId = eventIdSchema.safeParse(envelope.detail.eventId);
  return factId.success ? factId.data : envelope.id;
}
