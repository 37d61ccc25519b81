import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { localName, queues, type QueueKey, type QueueSpec } from '../topology.ts';

export interface LocalQueue {
  key: QueueKey;
  url: string;
  arn: string;
  deadLetterUrl: string;
  deadLetterArn: string;
}

export interface LocalSqs {
  endpoint: string;
  client: SQSClient;
  queues: Record<QueueKey, LocalQueue>;
  /** Every message a queue holds (ready, delayed and in flight), without touching it. */
  inspect(queueName: string): { body: string; messageAttributes?: Record<string, MessageAttributeValue> }[];
  stop(): Promise<void>;
}

/**
 * Starts fauxqs in this process (SQS JSON protocol, visibility timeouts, DLQ redrive) and creates
 * every queue of the topology with its dead-letter queue, as the stack does.
 */
export async function startSqs(options: {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}): Promise<LocalSqs> {
  const server = await startFauxqs({ port: 0, logger: false });
  const client = new SQSClient({ endpoint: server.address, region: options.region, credentials: options.credentials });
  const arnOf = async (url: string): Promise<string> => {
    const out = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
    const arn = out.Attributes?.QueueArn;
    if (!arn) throw new Error(`No ARN for ${url}`);
    return arn;
  };
  const created = {} as Record<QueueKey, LocalQueue>;
  for (const [key, spec] of Object.entries(queues) as [QueueKey, QueueSpec][]) {
    const dlq = await client.send(
      new CreateQueueCommand({
        QueueName: localName.deadLetterQueue(key),
        Attributes: { MessageRetentionPeriod: String(14 * 24 * 3600) },
      }),
    );
    const deadLetterUrl = dlq.QueueUrl!;
    const deadLetterArn = await arnOf(deadLetterUrl);
    const queue = await client.send(
      new CreateQueueCommand({
        QueueName: localName.queue(key),
        Attributes: {
          VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount: spec.maxReceiveCount }),
        },
      }),
    );
    created[key] = { key, url: queue.QueueUrl!, arn: await arnOf(queue.QueueUrl!), deadLetterUrl, deadLetterArn };
  }
  return {
    endpoint: server.address,
    client,
    queues: created,
    inspect: (queueName) => {
      const state = server.inspectQueue(queueName);
      if (!state) return [];
      const { ready, delayed, inflight } = state.messages;
      return [...ready, ...delayed, ...inflight.map((entry) => entry.message)].map((m) => ({
        body: m.body,
        ...(m.messageAttributes && Object.keys(m.messageAttributes).length
          ? { messageAttributes: m.messageAttributes as Record<string, MessageAttributeValue> }
          : {}),
      }));
    },
    stop: async () => {
      client.destroy();
      await server.stop();
    },
  };
}
