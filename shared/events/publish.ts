import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type * as z from 'zod';
import type { EventContract } from '../../events/contract.ts';
import { eventBridgeClient } from '../runtime/aws-clients.ts';
import { busName } from '../runtime/resource-names.ts';

/**
 * Publishes one event after the state it reports is committed. The detail is validated against
 * its contract first, so nothing off-contract ever reaches the bus; a rejected entry is an error
 * (the caller's retry is safe because every consumer is idempotent).
 */
export async function publish<C extends EventContract>(
  contract: C,
  payload: z.input<C['payload']>,
  correlationId: string,
): Promise<string> {
  const detail = contract.detail.parse({ ...payload, meta: { schemaVersion: contract.schemaVersion, correlationId } });
  const out = await eventBridgeClient().send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: busName(),
          Source: contract.source,
          DetailType: contract.detailType,
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
  const entry = out.Entries?.[0];
  if ((out.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
    throw new Error(`PutEvents rejected ${contract.detailType}: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`);
  }
  return entry.EventId;
}
