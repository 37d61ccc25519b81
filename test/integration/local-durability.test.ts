import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { entrySize, startLocalBus } from '../../infra/local/bus/server.ts';
import { startSqs, type LocalSqs } from '../../infra/local/sqs.ts';
import { liveMessages } from '../../infra/local/sqs-journal.ts';

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const REGION = 'cn-north-1';
const CHILD = resolve(import.meta.dirname, '../support/sqs-crash-child.ts');

/** Every character class SQS accepts (#x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF). */
const ACCEPTED = [
  'tab\there\nline\rreturn',
  '医保结算',
  '😀 emoji',
  '𠀀 CJK Extension B (U+20000)',
  '\u{E000} private use',
  '\u{FFFD}',
  '\u{10FFFF} last plane',
];

describe('the local SQS takes every character SQS takes', () => {
  let sqs: LocalSqs;
  beforeAll(async () => {
    sqs = await startSqs({ region: REGION, credentials: CREDENTIALS });
  });
  afterAll(() => sqs.stop());

  it.each(ACCEPTED)('accepts and returns %j unchanged', async (text) => {
    const url = sqs.queues.audit.deadLetterUrl;
    await sqs.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify({ text }) }));
    const out = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1 }));
    expect(JSON.parse(out.Messages?.[0]?.Body ?? '{}').text).toBe(text);
  });

  it.each([
    ['a lone surrogate', 'lone \ud800 surrogate'],
    ['NUL', 'nul \u0000 here'],
  ])('refuses %s, as SQS does', async (_name, text) => {
    await expect(
      sqs.client.send(new SendMessageCommand({ QueueUrl: sqs.queues.audit.deadLetterUrl, MessageBody: text })),
    ).rejects.toMatchObject({ name: 'AWS.SimpleQueueService.InvalidMessageContents' });
  });
});

describe('the local bus', () => {
  let sqs: LocalSqs;
  beforeAll(async () => {
    sqs = await startSqs({ region: REGION, credentials: CREDENTIALS });
  });
  afterAll(() => sqs.stop());

  async function busTo(targetQueueUrl: string) {
    const bus = await startLocalBus({
      busName: 'test-bus',
      region: REGION,
      account: '000000000000',
      rules: [{ name: 'all', pattern: { source: ['yibao.test'] }, targetQueueUrl }],
      sendToQueue: sqs.send,
    });
    const client = new EventBridgeClient({ endpoint: bus.endpoint, region: REGION, credentials: CREDENTIALS });
    return { bus, client };
  }

  it('delivers an event with characters from every plane to its rule target intact', async () => {
    const queue = await sqs.client.send(new CreateQueueCommand({ QueueName: 'bus-unicode-target' }));
    const { bus, client } = await busTo(queue.QueueUrl!);
    try {
      const detail = { item: '胰岛素 😀 𠀀 \u{10FFFF}' };
      const out = await client.send(
        new PutEventsCommand({
          Entries: [{ EventBusName: 'test-bus', Source: 'yibao.test', DetailType: 'T', Detail: JSON.stringify(detail) }],
        }),
      );
      expect(out.FailedEntryCount).toBe(0);
      const got = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: queue.QueueUrl, MaxNumberOfMessages: 1 }));
      expect(JSON.parse(got.Messages?.[0]?.Body ?? '{}').detail).toEqual(detail);
    } finally {
      client.destroy();
      await bus.stop();
    }
  });

  it('counts an entry’s size as EventBridge does: 200 KB of Detail full of quotes is taken, 257 KB is refused', async () => {
    const queue = await sqs.client.send(new CreateQueueCommand({ QueueName: 'bus-size-target' }));
    const { bus, client } = await busTo(queue.QueueUrl!);
    try {
      // 200,008 bytes of Detail; as the entry's JSON (each quote escaped again) it would be twice that.
      const quotes = JSON.stringify({ q: '"'.repeat(100_000) });
      expect(entrySize({ Source: 'yibao.test', DetailType: 'T', Detail: quotes })).toBe(10 + 1 + 200_008);
      expect(entrySize({ Source: 'yibao.test', DetailType: 'T', Detail: '{"a":"医"}', Time: 1, Resources: ['arn'] })).toBe(
        14 + 10 + 1 + 11 + 3,
      );
      const tooLarge = JSON.stringify({ q: 'x'.repeat(257 * 1024) });
      const out = await client.send(
        new PutEventsCommand({
          Entries: [
            { EventBusName: 'test-bus', Source: 'yibao.test', DetailType: 'T', Detail: quotes },
            { EventBusName: 'test-bus', Source: 'yibao.test', DetailType: 'T', Detail: tooLarge },
          ],
        }),
      );
      expect(out.Entries?.[0]?.EventId).toBeDefined();
      expect(out.Entries?.[1]).toMatchObject({ ErrorCode: 'InvalidArgument' });
      const got = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: queue.QueueUrl, MaxNumberOfMessages: 1 }));
      expect(JSON.parse(got.Messages?.[0]?.Body ?? '{}').detail.q).toHaveLength(100_000);
    } finally {
      client.destroy();
      await bus.stop();
    }
  });

  it('fails the entry when a rule target does not take it, so the sender keeps it (never only a log line)', async () => {
    const missing = sqs.queues.audit.url.replace(/[^/]+$/, 'no-such-queue');
    const { bus, client } = await busTo(missing);
    try {
      const out = await client.send(
        new PutEventsCommand({ Entries: [{ EventBusName: 'test-bus', Source: 'yibao.test', DetailType: 'T', Detail: '{}' }] }),
      );
      expect(out.FailedEntryCount).toBe(1);
      expect(out.Entries?.[0]?.ErrorCode).toBe('InternalFailure');
      expect(bus.stats.accepted).toBe(0);
    } finally {
      client.destroy();
      await bus.stop();
    }
  });
});

describe('a local SQS with a data folder survives SIGKILL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'yibao-sqs-crash-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Runs the child, which SIGKILLs its whole process group after `acks` acknowledged sends. */
  async function runAndKill(acks: number, env: Record<string, string> = {}) {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, YIBAO_TEST_DATA_DIR: dataDir, KILL_AFTER: String(acks), ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const seen = { acked: [] as string[], deleted: [] as string[], inflight: [] as string[] };
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
    for await (const line of createInterface({ input: child.stdout })) {
      const [kind, ...rest] = line.split(' ');
      const body = rest.join(' ');
      if (kind === 'acked') seen.acked.push(body);
      else if (kind === 'deleted') seen.deleted.push(body);
      else if (kind === 'inflight') seen.inflight.push(body);
    }
    expect(await exited).toBe('SIGKILL');
    expect(seen.acked.length).toBeGreaterThanOrEqual(acks);
    return seen;
  }

  async function bodiesAfterRestart(): Promise<string[]> {
    const sqs = await startSqs({ region: REGION, credentials: CREDENTIALS, dataDir });
    try {
      return sqs.inspect(sqs.queues.fraudScoring.deadLetterUrl.split('/').pop()!).map((m) => m.body);
    } finally {
      await sqs.stop();
    }
  }

  it('keeps every acknowledged message, brings back what was in flight, and forgets only what was deleted', async () => {
    const first = await runAndKill(300);
    const afterFirst = await bodiesAfterRestart();
    // Every acknowledged send is there once; a send the kill cut short may or may not be.
    for (const body of first.acked) expect(afterFirst.filter((b) => b === body)).toHaveLength(1);
    expect(new Set(afterFirst).size).toBe(afterFirst.length);

    // Second run: take 40 into flight, delete 25 of them, then crash mid-send again.
    const second = await runAndKill(100, { RECEIVE_FIRST: '40', DELETE_FIRST: '25' });
    expect(second.deleted).toHaveLength(25);
    expect(second.inflight).toHaveLength(15);
    const afterSecond = await bodiesAfterRestart();
    for (const body of second.deleted) expect(afterSecond).not.toContain(body);
    for (const body of [...second.inflight, ...second.acked]) expect(afterSecond.filter((b) => b === body)).toHaveLength(1);
    const expected = new Set(afterFirst.filter((b) => !second.deleted.includes(b)));
    for (const body of expected) expect(afterSecond).toContain(body);
  }, 120_000);

  it('keeps every message the local bus handed to a queue in process (no SQS API call), as it keeps a sent one', async () => {
    const run = await runAndKill(200, { IN_PROCESS: '1' });
    const after = await bodiesAfterRestart();
    for (const body of run.acked) expect(after.filter((b) => b === body)).toHaveLength(1);
    expect(new Set(after).size).toBe(after.length);
  }, 120_000);
});

describe('the journal', () => {
  it('replays sends minus deletes and purges, ignoring a line torn by a crash', () => {
    const lines = [
      { op: 'send', queue: 'a', id: '1', body: 'one' },
      { op: 'send', queue: 'b', id: '2', body: 'two' },
      { op: 'send', queue: 'a', id: '3', body: 'three' },
      { op: 'delete', id: '1' },
      { op: 'send', queue: 'c', id: '4', body: 'four' },
      { op: 'purge', queue: 'c' },
    ].map((l) => JSON.stringify(l));
    const text = `${lines.join('\n')}\n{"op":"send","queue":"a","id":"5","bo`;
    expect(liveMessages(text)).toEqual([
      { queue: 'b', body: 'two' },
      { queue: 'a', body: 'three' },
    ]);
  });
});
