import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * The real AWS SDK v3 clients, created once per container. On the local cloud they reach the
 * emulators through the standard AWS_ENDPOINT_URL_<SERVICE> variables, so nothing here knows
 * where it runs.
 */
let dynamo: DynamoDBDocumentClient | undefined;
let eventBridge: EventBridgeClient | undefined;
let sqs: SQSClient | undefined;

export const dynamoDocumentClient = (): DynamoDBDocumentClient =>
  (dynamo ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  }));

export const eventBridgeClient = (): EventBridgeClient => (eventBridge ??= new EventBridgeClient({}));

export const sqsClient = (): SQSClient => (sqs ??= new SQSClient({}));
