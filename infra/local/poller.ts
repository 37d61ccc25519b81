import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalQueue } from './sqs.ts';

/**
 * The local stand-in for Lambda's SQS event source mapping: long-polls a queue, hands the consumer
 * real SQS event records in batches, deletes what succeeded and leaves what failed to come back
 * after the visibility timeout (and, after maxReceiveCount receives, to be moved to the DLQ by the
 * queue's redrive policy), exactly as AWS does with ReportBatchItemFailures.
 */
export interface PollerOptions {
  sqs: SQSClient;
  queue: LocalQueue;
  region: string;
  batchSize: number;
  /**
   * The event source mapping's MaximumBatchingWindowInSeconds: after the first message, how long it
   * may keep receiving to fill a batch of `batchSize` before it invokes. 0 or unset: it invokes with
   * what one receive returned.
   */
  batchingWindowSeconds?: number;
  invoke: (event: SQSEvent) => Promise<unknown>;
  /**
   * Seconds before a failed message may be received again. Unset: the queue's own visibility
   * timeout, as on AWS. Tests set it low so a retry does not take minutes.
   */
  retryDelaySeconds?: number;
  onError?: (error: unknown) => void;
}

function toRecordAttributes(attributes: Record<string, MessageAttributeValue> | undefined): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    out[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
    };
  }
  return out;
}

/** Builds the record Lambda would deliver, with every system attribute parsers expect. */
export function toSqsRecord(message: Message, queue: LocalQueue, region: string): SQSRecord {
  const a = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: toRecordAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: region,
  };
}

export function failedIds(result: unknown, records: SQSRecord[]): Set<string> {
  const failures = (result as SQSBatchResponse | undefined)?.batchItemFailures;
  if (!Array.isArray(failures)) return new Set();
  return new Set(failures.map((f) => f.itemIdentifier).filter((id) => records.some((r) => r.messageId === id)));
}

/** A queue's consumer on the local cloud: stopped for good, or held (no receive) and let go again. */
export interface Poller {
  stop(): Promise<void>;
  /** Takes no new batch until `resume` (the batch in hand is finished; messages wait in the queue). */
  pause(): void;
  resume(): void;
}

/** While a batching window is open, how often the queue is asked again for more messages. */
const FILL_POLL_MS = 100;

export function startPoller(options: PollerOptions): Poller {
  const abort = new AbortController();
  const { sqs, queue } = options;
  let held: { released: Promise<void>; release: () => void } | undefined;

  const receive = async (max: number, waitTimeSeconds: number): Promise<Message[]> => {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitTimeSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: abort.signal },
    );
    return received.Messages ?? [];
  };

  const pollOnce = async (): Promise<void> => {
    const messages = await receive(options.batchSize, 2);
    if (messages.length === 0) return;
    // The batching window, as the event source mapping keeps it: fuller batches under load (one
    // invocation, one batch of reads and writes for ten messages), at most the window's wait when quiet.
    const windowCloses = Date.now() + (options.batchingWindowSeconds ?? 0) * 1000;
    while (messages.length < options.batchSize && !held && Date.now() < windowCloses) {
      await sleep(Math.min(FILL_POLL_MS, windowCloses - Date.now()), undefined, { signal: abort.signal });
      messages.push(...(await receive(options.batchSize - messages.length, 0)));
    }
    const records = messages.map((m) => toSqsRecord(m, queue, options.region));

    let failed: Set<string>;
    try {
      // A thrown error fails the whole batch, as on AWS.
      failed = failedIds(await options.invoke({ Records: records }), records);
    } catch (error) {
      options.onError?.(error);
      failed = new Set(records.map((r) => r.messageId));
    }
    const succeeded = records.filter((r) => !failed.has(r.messageId));
    if (succeeded.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: succeeded.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
        }),
      );
    }
    const retry = records.filter((r) => failed.has(r.messageId));
    if (retry.length > 0 && options.retryDelaySeconds !== undefined) {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queue.url,
          Entries: retry.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle, VisibilityTimeout: options.retryDelaySeconds })),
        }),
      );
    }
  };

  const loop = (async () => {
    while (!abort.signal.aborted) {
      if (held) await held.released;
      if (abort.signal.aborted) break;
      try {
        await pollOnce();
      } catch (error) {
        if (abort.signal.aborted) break;
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();

  return {
    stop: async () => {
      abort.abort();
      held?.release();
      await loop;
    },
    pause: () => {
      if (held) return;
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      held = { released, release };
    },
    resume: () => {
      const was = held;
      held = undefined;
      was?.release();
    },
  };
}
