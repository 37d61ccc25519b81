import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { createLogger } from '../../shared/runtime/logger.ts';
import { anyEventConsumer } from '../../shared/queue/consumer.ts';
import { dynamoDocumentClient } from '../../shared/runtime/aws-clients.ts';
import { tableName } from '../../shared/runtime/resource-names.ts';
import { auditItem } from '../../shared/audit/audit-item.ts';

const logger = createLogger('audit');

/**
 * Archives every business event, append-only. The event id is part of the key and the write is
 * conditional, so a redelivered message leaves exactly one record.
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
    if (error instanceof ConditionalCheckFailedException) {
      logger.info('Event already archived', { eventId: envelope.id });
      return;
    }
    throw error;
  }
});
