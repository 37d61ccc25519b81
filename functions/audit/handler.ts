import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createLogger } from '../../shared/runtime/logger.ts';
import { anyEventConsumer } from '../../shared/queue/consumer.ts';
import { dynamoDocumentClient } from '../../shared/runtime/aws-clients.ts';
import { tableName } from '../../shared/runtime/resource-names.ts';
import { isConditionFailure } from '../../shared/runtime/condition-failure.ts';
import { auditItem } from '../../shared/audit/audit-item.ts';
import { eventIdOf } from '../../events/contract.ts';

const logger = createLogger('audit');

/**
 * Archives every business event, append-only. The fact's id and time are the key and the write is
 * conditional, so a redelivered message, or the same fact published again (a replayed request and
 * the outbox relay), leaves exactly one record.
 */
export const handler = anyEventConsumer(logger, async (envelope, { correlationId }) => {
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
});
