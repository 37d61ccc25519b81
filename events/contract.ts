import * as z from 'zod';
import type { DetailTypeName, EventSourceName } from './catalog.ts';

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

export function defineEvent<Shape extends z.ZodRawShape>(c: {
  source: EventSourceName;
  detailType: DetailTypeName;
  schemaVersion: number;
  payload: z.ZodObject<Shape>;
}) {
  const detail = z.object({ ...c.payload.shape, meta: eventMetaSchema });
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
