import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createLogger } from '../../shared/runtime/logger.ts';
import { anyEventBatchConsumer } from '../../shared/queue/consumer.ts';
import { dynamoDocumentClient } from '../../shared/runtime/aws-clients.ts';
import { tableName } from '../../shared/runtime/resource-names.ts';
import { isConditionFailure } from '../../shared/runtime/condition-failure.ts';
import { batchGetAll, batchPutAll, keyOf } from '../../shared/runtime/batch-items.ts';
import { auditItem } from '../../shared/audit/audit-item.ts';
import { eventIdOf, type EventBridgeEnvelope } from '../../events/contract.ts';

const logger = createLogger('audit');

/** One event archived alone: a put conditional on the key being new (a fact archived already is done). */
async function archiveOne(envelope: EventBridgeEnvelope, correlationId: string): Promise<void> {
  try {
    await dynamoDocumentClient().send(
      new PutCommand({
        TableName: tableName('audit'),
        Item: auditItem(envelope, correlationId),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) {
      logger.info('Event already archived', { eventId: eventIdOf(envelope) });
      return;
    }
    throw error;
  }
}

/**
 * Archives every business event, append-only. The fact's id and time are the key, so a redelivered
 * message, or the same fact published again (a replayed request and the outbox relay), leaves exactly
 * one record.
 *
 * A batch is archived together (issue 17: a request per event was most of this consumer's cost), in
 * one BatchWriteItem per 25 events. A put there cannot be conditional; it needs not be: the item is
 * made from the fact alone (its detail and commit time as the outbox keeps them, its correlation id
 * from the detail), so the same fact published twice writes the same bytes under the same key, and
 * the record stays as it was. A message SQS brings back (received before) is looked for first, in one
 * BatchGetItem for those of the batch, and one found is done without a write. If the batched writes
 * fail (a throttle, an item a batch refuses), each event is put alone, conditionally, so a failure is
 * its own message's only.
 */
export const handler = anyEventBatchConsumer(logger, async (messages, inMessage) => {
  const items = messages.map(({ message, meta }) => auditItem(message, meta.correlationId));
  const table = tableName('audit');
  let archived: Set<string>;
  try {
    const again = items.filter((_, i) => Number(messages[i]!.meta.record.attributes?.ApproximateReceiveCount ?? 1) > 1);
    const found = again.length ? await batchGetAll(table, again, { consistent: true }) : new Map<string, unknown>();
    const known = items.filter((item) => found.has(keyOf(item)));
    if (known.length) logger.info('Events already archived', { eventIds: known.map((item) => item.eventId) });
    // A fact twice in the batch is written once.
    const fresh = new Map<string, (typeof items)[number]>();
    for (const item of items) if (!found.has(keyOf(item)) && !fresh.has(keyOf(item))) fresh.set(keyOf(item), item);
    await batchPutAll(table, [...fresh.values()]);
    archived = new Set(items.map(keyOf));
  } catch (error) {
    logger.warn('Batch archive failed; archiving its events one by one', { error: error instanceof Error ? error.message : String(error) });
    archived = new Set();
  }
  const outcomes: PromiseSettledResult<void>[] = [];
  // One after the other: each with its own message's keys on its log lines.
  for (const [i, { message, meta }] of messages.entries()) {
    if (archived.has(keyOf(items[i]!))) {
      outcomes.push({ status: 'fulfilled', value: undefined });
      continue;
    }
    try {
      outcomes.push({ status: 'fulfilled', value: await inMessage(i, () => archiveOne(message, meta.correlationId)) });
    } catch (reason) {
      outcomes.push({ status: 'rejected', reason });
    }
  }
  return outcomes;
});
