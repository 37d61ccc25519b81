import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * The real AWS SDK v3 clients, created once per container. On the local cloud they reach the
 * emulators through the standard AWS_ENDPOINT_URL_<SERVICE> variables, so nothing here knows
 * where it runs. A client is remade only if that variable changes, which happens solely when one
 * process hosts several local clouds one after another (the persistence tests).
 */
function perEndpoint<T extends { destroy(): void }>(variable: string, create: () => T): () => T {
  let client: T | undefined;
  let endpoint: string | undefined;
  return () => {
    const current = process.env[variable];
    if (!client || endpoint !== current) {
      client?.destroy();
      client = create();
      endpoint = current;
    }
    return client;
  };
}

export const dynamoDocumentClient = perEndpoint('AWS_ENDPOINT_URL_DYNAMODB', () =>
  DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
);

export const eventBridgeClient = perEndpoint('AWS_ENDPOINT_URL_EVENTBRIDGE', () => new EventBridgeClient({}));

/**
 * The SQS client sends every call to its configured endpoint, not to the host a queue URL names.
 * On AWS the two are the same regional service; on the local cloud the emulator names its queues
 * `sqs.<region>.localhost`, a host that need not resolve, while the endpoint variable names the
 * server itself. One setting here, so no handler has to know which of the two it runs on.
 */
export const sqsClient = perEndpoint('AWS_ENDPOINT_URL_SQS', () => new SQSClient({ useQueueUrlAsEndpoint: false }));
