import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SQSClient,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { localName, queues, type QueueKey, type QueueSpec } from '../topology.ts';
import { queueNameOf, SqsJournal, startJournallingProxy, type JournalledMessage } from './sqs-journal.ts';

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
  /**
   * Sends one message inside this process, with SendMessage's checks and, with a data folder, its
   * journal line on disk before it resolves: how the local bus hands an event to a rule's queue
   * (on AWS that delivery happens inside the service, not through the SQS API). Resolves to the
   * message id; rejects as SendMessage would (a queue that does not exist, a body SQS refuses).
   */
  send(queueUrl: string, body: string): Promise<string>;
  /** Every message a queue holds (ready, delayed and in flight), without touching it. */
  inspect(queueName: string): { id: string; body: string; messageAttributes?: Record<string, MessageAttributeValue> }[];
  /** With a data folder: how many messages the last run left were sent again at this start. */
  restored: number;
  stop(): Promise<void>;
}

/**
 * Starts fauxqs in this process (SQS JSON protocol, visibility timeouts, DLQ redrive) and creates
 * every queue of the topology with its dead-letter queue, as the stack does. With a data folder the
 * queues are durable: every call goes through the journalling proxy (./sqs-journal.ts), and the
 * messages the last run left (crash or clean stop) are sent again before anything else runs.
 */
export async function startSqs(options: {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  dataDir?: string | undefined;
}): Promise<LocalSqs> {
  const server = await startFauxqs({ port: 0, logger: false });
  const opened = options.dataDir ? await SqsJournal.open(options.dataDir) : undefined;
  const proxy = opened ? await startJournallingProxy(server.address, opened.journal) : undefined;
  const endpoint = proxy?.endpoint ?? server.address;
  const client = new SQSClient({ endpoint, region: options.region, credentials: options.credentials, cacheMiddleware: true });
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
  const inspect: LocalSqs['inspect'] = (queueName) => {
    const state = server.inspectQueue(queueName);
    if (!state) return [];
    const { ready, delayed, inflight } = state.messages;
    return [...ready, ...delayed, ...inflight.map((entry) => entry.message)].map((m) => ({
      id: m.messageId,
      body: m.body,
      ...(m.messageAttributes && Object.keys(m.messageAttributes).length
        ? { messageAttributes: m.messageAttributes as Record<string, MessageAttributeValue> }
        : {}),
    }));
  };

  const send: LocalSqs['send'] = async (queueUrl, body) => {
    const queue = queueNameOf(queueUrl);
    const { MessageId } = server.sendMessage(queue, { MessageBody: body });
    await opened?.journal.sent(queue, MessageId, body);
    return MessageId;
  };

  let restored = 0;
  if (opened) {
    restored = await resend(client, created, opened.toReplay);
    opened.journal.replayed();
  }
  return {
    endpoint,
    client,
    queues: created,
    send,
    inspect,
    restored,
    stop: async () => {
      if (opened) {
        // A clean stop: the journal becomes exactly what each queue holds, dead-letter queues included.
        const names = Object.values(created)
          .flatMap((q) => [q.url, q.deadLetterUrl])
          .map((url) => queueNameOf(url));
        await opened.journal.checkpoint(
          names.flatMap((queue) =>
            inspect(queue).map((m) => ({
              id: m.id,
              message: { queue, body: m.body, ...(m.messageAttributes ? { attributes: m.messageAttributes } : {}) },
            })),
          ),
        );
      }
      client.destroy();
      await proxy?.stop();
      await opened?.journal.close();
      await server.stop();
    },
  };
}

/** Sends the journal's messages again, ten at a time, each to the queue it was in. */
async function resend(client: SQSClient, created: Record<QueueKey, LocalQueue>, messages: JournalledMessage[]): Promise<number> {
  const urlByName = new Map(
    Object.values(created)
      .flatMap((q) => [q.url, q.deadLetterUrl])
      .map((url) => [queueNameOf(url), url]),
  );
  let count = 0;
  const byQueue = new Map<string, JournalledMessage[]>();
  for (const m of messages) {
    const list = byQueue.get(m.queue);
    if (list) list.push(m);
    else byQueue.set(m.queue, [m]);
  }
  for (const [name, list] of byQueue) {
    const url = urlByName.get(name);
    if (!url) continue; // a queue the topology no longer has
    for (let i = 0; i < list.length; i += 10) {
      const batch = list.slice(i, i + 10);
      const out = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: batch.map((m, j) => ({
            Id: String(j),
            MessageBody: m.body,
            ...(m.attributes ? { MessageAttributes: m.attributes } : {}),
          })),
        }),
      );
      if (out.Failed?.length) throw new Error(`Could not restore ${out.Failed.length} messages to ${name}: ${out.Failed[0]?.Message}`);
      count += batch.length;
    }
  }
  return count;
}
