/**
 * Publishes many events in PutEvents calls of ten entries (EventBridge's limit), each validated
 * against its contract first exactly as shared/events/publish.ts does for one. The bulk path
 * uses it: a campaign file publishes one MemberEnrolled per row, and one call per event would
 * cost more than the enrolment itself. (A candidate for shared/events/publish.ts as publishMany.)
 */
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type * as z from 'zod';
import type { EventContract } from '../../../events/contract.ts';
import { eventBridgeClient } from '../../../shared/runtime/aws-clients.ts';
import { busName } from '../../../shared/runtime/resource-names.ts';

export interface PendingEvent<C extends EventContract = EventContract> {
  contract: C;
  payload: z.input<C['payload']>;
}

export const event = <C extends EventContract>(contract: C, payload: z.input<C['payload']>): PendingEvent => ({ contract, payload } as PendingEvent);

const PUT_EVENTS_LIMIT = 10;
/** PutEvents calls in flight at once. */
const CONCURRENT_CALLS = 4;

export async function publishBatch(events: readonly PendingEvent[], correlationId: string): Promise<void> {
  const entries: PutEventsRequestEntry[] = events.map(({ contract, payload }) => ({
    EventBusName: busName(),
    Source: contract.source,
    DetailType: contract.detailType,
    Detail: JSON.stringify(contract.detail.parse({ ...(payload as object), meta: { schemaVersion: contract.schemaVersion, correlationId } })),
  }));
  const batches: PutEventsRequestEntry[][] = [];
  for (let i = 0; i < entries.length; i += PUT_EVENTS_LIMIT) batches.push(entries.slice(i, i + PUT_EVENTS_LIMIT));
  let next = 0;
  const sender = async () => {
    for (let i = next++; i < batches.length; i = next++) {
      const batch = batches[i]!;
      const out = await eventBridgeClient().send(new PutEventsCommand({ Entries: batch }));
      if ((out.FailedEntryCount ?? 0) > 0) {
        const failed = out.Entries?.find((e) => e.ErrorCode);
        throw new Error(`PutEvents rejected ${out.FailedEntryCount} of ${batch.length} entries: ${failed?.ErrorCode ?? 'unknown'} ${failed?.ErrorMessage ?? ''}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_CALLS, batches.length) }, sender));
}
