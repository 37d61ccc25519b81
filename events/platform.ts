import * as z from 'zod';
import { DetailType, EventSource } from './catalog.ts';
import { defineEvent } from './contract.ts';

/** The authenticated ping, published so an operator can watch one request cross the bus. */
export const PingReceived = defineEvent({
  source: EventSource.platform,
  detailType: DetailType.pingReceived,
  schemaVersion: 1,
  payload: z.object({
    role: z.enum(['provider', 'staff', 'regulator']),
    /** The caller's provider code or region: never a person's identity. */
    actingFor: z.string().optional(),
    message: z.string().max(200),
  }),
});
