import * as z from 'zod';
import { DetailType, EventSource } from './catalog.ts';
import { defineEvent } from './contract.ts';
import { claimRef } from './claims.ts';

export const FraudAlertRaised = defineEvent({
  source: EventSource.fraud,
  detailType: DetailType.fraudAlertRaised,
  schemaVersion: 1,
  payload: z.object({
    alertId: z.string().min(1),
    region: z.string().regex(/^\d{6}$/),
    providerCode: z.string().min(1),
    claim: claimRef.optional(),
    severity: z.enum(['low', 'medium', 'high', 'critical']),
    score: z.number().nonnegative(),
  }),
});
