/**
 * What the integration tests need to show a producer going through the outbox
 * (shared/events/outbox.ts): the entries waiting, work done while the bus refuses every producer
 * until all it set off has finished, and the relay as it runs once its grace period is over.
 */
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { type OutboxEntry, outboxEntryOf, type RelayReport, relayOutbox, shardOf } from '../../shared/events/outbox.ts';
import { dynamoDocumentClient } from '../../shared/runtime/aws-clients.ts';
import { tableName } from '../../shared/runtime/resource-names.ts';
import { eventually, whileTheBusRefuses } from './local-cloud.ts';

/** The entry waiting under a fact's key, read as a replay reads it. */
export async function waitingInOutbox(key: string): Promise<OutboxEntry | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({ TableName: tableName('outbox'), Key: { pk: `OUTBOX#${shardOf(key)}`, sk: key }, ConsistentRead: true }),
  );
  return out.Item ? outboxEntryOf(out.Item) : undefined;
}

/** Every entry waiting, of one detail-type. */
export async function waitingOfType(detailType: string): Promise<OutboxEntry[]> {
  const items: OutboxEntry[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new ScanCommand({ TableName: tableName('outbox'), ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []).map(outboxEntryOf));
    start = page.LastEvaluatedKey;
  } while (start);
  return items.filter((e) => e.detailType === detailType);
}

/** Until every queue has been empty, with nothing in flight, three polls in a row: every consumer has finished. */
export async function allConsumersDone(cloud: LocalCloud): Promise<void> {
  let quiet = 0;
  await eventually(
    async () => {
      const depths = await cloud.queueDepths();
      quiet = Object.values(depths).every((d) => d.visible + d.inFlight === 0) ? quiet + 1 : 0;
      return quiet >= 3 ? true : undefined;
    },
    'every consumer to finish',
    30_000,
  );
}

/**
 * Does `work` while the bus refuses every producer in this process (handlers and consumers alike),
 * and keeps refusing until every consumer it set off has finished.
 */
export function whileTheBusRefusesAll<T>(cloud: LocalCloud, work: () => Promise<T>): Promise<T> {
  return whileTheBusRefuses(async () => {
    const result = await work();
    await allConsumersDone(cloud);
    return result;
  });
}

/** The relay as its schedule runs it a minute from now, when every entry waiting is past the grace period. */
export const relayAMinuteOn = (): Promise<RelayReport> => relayOutbox(new Date(Date.now() + 60_000));
