import { CreateQueueCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPoller } from '../../infra/local/poller.ts';
import { startSqs, type LocalQueue, type LocalSqs } from '../../infra/local/sqs.ts';

const REGION = 'cn-north-1';

/**
 * The local event source mapping keeps the stack's batching window (MaximumBatchingWindowInSeconds):
 * under load a consumer is handed full batches, and a lone message waits no longer than the window.
 */
describe('the local event source mapping’s batching window', () => {
  let sqs: LocalSqs;
  beforeAll(async () => {
    sqs = await startSqs({ region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  });
  afterAll(() => sqs.stop());

  const send = (url: string, bodies: string[]) =>
    sqs.client.send(
      new SendMessageBatchCommand({ QueueUrl: url, Entries: bodies.map((MessageBody, i) => ({ Id: String(i), MessageBody })) }),
    );

  /**
   * A queue of its own for each test: a stopped poller's long poll may still take messages into
   * flight (as an abandoned ReceiveMessage does on SQS), which must not be the next test's.
   */
  let queues = 0;
  async function freshQueue(): Promise<LocalQueue> {
    const name = `poller-window-${++queues}`;
    const out = await sqs.client.send(new CreateQueueCommand({ QueueName: name }));
    const arn = `arn:aws:sqs:${REGION}:000000000000:${name}`;
    return { key: 'audit', url: out.QueueUrl!, arn, deadLetterUrl: out.QueueUrl!, deadLetterArn: arn };
  }

  /** Polls a fresh queue and records the size of each batch it hands over. */
  async function watch(batchingWindowSeconds: number, run: (url: string) => Promise<void>) {
    const queue = await freshQueue();
    const url = queue.url;
    const batches: { size: number }[] = [];
    const poller = startPoller({
      sqs: sqs.client,
      queue,
      region: REGION,
      batchSize: 10,
      batchingWindowSeconds,
      invoke: async (event: SQSEvent) => {
        batches.push({ size: event.Records.length });
      },
    });
    try {
      await run(url);
      const deadline = Date.now() + 5_000;
      while (batches.reduce((n, b) => n + b.size, 0) < 12 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await poller.stop();
    }
    return batches;
  }

  const burst = async (url: string) => {
    // Three now, nine more a quarter of a second later: twelve messages in all.
    await send(url, ['a', 'b', 'c']);
    await new Promise((r) => setTimeout(r, 250));
    await send(
      url,
      Array.from({ length: 9 }, (_, i) => `late-${i}`),
    );
  };

  it('with a 1 s window, fills the batch to ten before invoking, then hands over the rest', async () => {
    const batches = await watch(1, burst);
    expect(batches.map((b) => b.size)).toEqual([10, 2]);
  });

  it('with no window, invokes with what the first receive returned', async () => {
    const batches = await watch(0, burst);
    expect(batches[0]!.size).toBe(3);
    expect(batches.reduce((n, b) => n + b.size, 0)).toBe(12);
  });

  it('holds a lone message while the window is open, then hands it over alone', async () => {
    const queue = await freshQueue();
    const url = queue.url;
    const seen: number[] = [];
    const poller = startPoller({
      sqs: sqs.client,
      queue,
      region: REGION,
      batchSize: 10,
      batchingWindowSeconds: 1,
      invoke: async (event: SQSEvent) => {
        seen.push(event.Records.length);
      },
    });
    try {
      await send(url, ['alone']);
      // Half-way through the window the message is still held (a slower machine can only hold it longer).
      await new Promise((r) => setTimeout(r, 500));
      expect(seen).toEqual([]);
      // Then it goes, alone, once the window closes.
      const deadline = Date.now() + 5_000;
      while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(seen).toEqual([1]);
    } finally {
      await poller.stop();
    }
  });
});
