import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';

/**
 * Makes the local SQS as durable as SQS: a message the emulator has accepted is on disk before the
 * sender hears so, and survives a SIGKILL of the whole process group.
 *
 * fauxqs keeps its queues in memory (its SQLite persistence needs Node 22's node:sqlite), so the
 * local cloud puts this small proxy in front of it when it has a data folder. Every call passes
 * through unchanged; the proxy writes an append-only journal of what was accepted (one JSON line per
 * message sent, per message deleted, per queue purged) and answers a send only after the journal is
 * flushed to disk (fdatasync, one flush for every call waiting at that moment). At the next start the
 * messages sent and never deleted are sent again, in order, to the queue they were sent to: what was
 * in flight comes back (at least once, as SQS promises; consumers are idempotent), and its receive
 * count starts over, as after a redrive. A message the emulator moved to a dead-letter queue since the
 * last clean stop returns to its source queue after a crash and is dead-lettered again if it still
 * fails; a clean stop writes the exact placement (`checkpoint`).
 */

/** One line of the journal. */
type JournalLine =
  | { op: 'send'; queue: string; id: string; body: string; attributes?: Record<string, MessageAttributeValue> }
  | { op: 'delete'; id: string }
  | { op: 'purge'; queue: string };

/** A message the journal holds: sent, not yet deleted. */
export interface JournalledMessage {
  queue: string;
  body: string;
  attributes?: Record<string, MessageAttributeValue>;
}

/** Past this size the journal is rewritten with only the messages still live. */
const COMPACT_AT_BYTES = 32 * 1024 * 1024;

export class SqsJournal {
  private handle: FileHandle | undefined;
  private pending: { line: string; done: () => void; failed: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  /** Messages sent and not deleted, by message id, in the order sent (a Map keeps insertion order). */
  private readonly live = new Map<string, JournalledMessage>();
  private bytes = 0;

  private constructor(private readonly file: string) {}

  /**
   * Opens the journal of a data folder and hands back what the last run left: the messages to send
   * again. The old journal is set aside (`.replay`) until `replayed()` says they are all re-sent, so a
   * crash during the replay loses nothing: the next start replays from the set-aside file again.
   */
  static async open(dataDir: string): Promise<{ journal: SqsJournal; toReplay: JournalledMessage[] }> {
    const dir = join(dataDir, 'queues');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'journal.jsonl');
    const replayFile = `${file}.replay`;
    // A replay file means the last start did not finish its replay: it, not the half-written journal, is the truth.
    if (existsSync(replayFile)) rmSync(file, { force: true });
    else if (existsSync(file)) renameSync(file, replayFile);
    const toReplay = existsSync(replayFile) ? liveMessages(readFileSync(replayFile, 'utf8')) : [];
    toReplay.push(...legacySnapshot(dir));
    const journal = new SqsJournal(file);
    journal.handle = await open(file, 'a');
    return { journal, toReplay };
  }

  /** The replay is journalled again under its new message ids: the set-aside journal can go. */
  replayed(): void {
    rmSync(`${this.file}.replay`, { force: true });
    rmSync(join(this.file, '..', 'messages.json'), { force: true });
  }

  sent(queue: string, id: string, body: string, attributes?: Record<string, MessageAttributeValue>): Promise<void> {
    const message: JournalledMessage = { queue, body, ...(attributes && Object.keys(attributes).length ? { attributes } : {}) };
    this.live.set(id, message);
    return this.write({ op: 'send', id, ...message });
  }

  deleted(id: string): Promise<void> {
    if (!this.live.delete(id)) return Promise.resolve();
    return this.write({ op: 'delete', id });
  }

  purged(queue: string): Promise<void> {
    for (const [id, m] of this.live) if (m.queue === queue) this.live.delete(id);
    return this.write({ op: 'purge', queue });
  }

  /**
   * Rewrites the journal as the emulator holds the queues now (a clean stop): each message under the
   * queue it is in, dead-letter queues included, so a restart puts every message back exactly there.
   */
  async checkpoint(messages: { id: string; message: JournalledMessage }[]): Promise<void> {
    await this.flushing;
    this.live.clear();
    for (const { id, message } of messages) this.live.set(id, message);
    await this.rewrite();
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.handle?.close();
    this.handle = undefined;
  }

  private write(line: JournalLine): Promise<void> {
    return new Promise((done, failed) => {
      this.pending.push({ line: `${JSON.stringify(line)}\n`, done, failed });
      this.flushing ??= this.flush();
    });
  }

  /** Group commit: everything queued while the last flush ran goes to disk in one write and one fdatasync. */
  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        if (!this.handle) throw new Error('The SQS journal is closed');
        const text = batch.map((p) => p.line).join('');
        await this.handle.write(text);
        await this.handle.datasync();
        this.bytes += Buffer.byteLength(text);
        for (const p of batch) p.done();
        if (this.bytes > COMPACT_AT_BYTES) await this.rewrite();
      } catch (error) {
        for (const p of batch) p.failed(error);
      }
    }
    this.flushing = undefined;
  }

  /** The live messages alone, written to a new file, synced, then renamed over the journal. */
  private async rewrite(): Promise<void> {
    const next = `${this.file}.next`;
    const out = await open(next, 'w');
    const text = [...this.live].map(([id, m]) => `${JSON.stringify({ op: 'send', id, ...m } satisfies JournalLine)}\n`).join('');
    await out.write(text);
    await out.datasync();
    await out.close();
    await this.handle?.close();
    await rename(next, this.file);
    this.handle = await open(this.file, 'a');
    this.bytes = Buffer.byteLength(text);
  }
}

/** The messages a journal's lines leave live, in the order they were sent; a torn last line (a crash mid-write) is ignored. */
export function liveMessages(text: string): JournalledMessage[] {
  const live = new Map<string, JournalledMessage>();
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    let line: JournalLine;
    try {
      line = JSON.parse(raw) as JournalLine;
    } catch {
      continue;
    }
    if (line.op === 'send')
      live.set(line.id, { queue: line.queue, body: line.body, ...(line.attributes ? { attributes: line.attributes } : {}) });
    else if (line.op === 'delete') live.delete(line.id);
    else if (line.op === 'purge') for (const [id, m] of live) if (m.queue === line.queue) live.delete(id);
  }
  return [...live.values()];
}

/** Messages saved by the snapshot earlier versions wrote on a clean stop (queues/messages.json), once. */
function legacySnapshot(dir: string): JournalledMessage[] {
  const file = join(dir, 'messages.json');
  if (!existsSync(file)) return [];
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Omit<JournalledMessage, 'queue'>[]>;
  return Object.entries(snapshot).flatMap(([queue, messages]) => messages.map((m) => ({ queue, ...m })));
}

/** A queue's name: the last part of its URL. */
export const queueNameOf = (url: unknown): string => (typeof url === 'string' ? url.slice(url.lastIndexOf('/') + 1) : '');

/**
 * The proxy in front of the emulator. Queue URLs carry the emulator's port; the proxy swaps it for
 * its own in the QueueUrl fields it passes (and back), so every SDK client, which may send to a
 * queue's URL rather than its configured endpoint, keeps talking through the proxy.
 */
export async function startJournallingProxy(upstream: string, journal: SqsJournal): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const upstreamPort = new URL(upstream).port;
  /** Receipt handles the proxy has handed out, to the message ids a delete names. */
  const receipts = new Map<string, string>();
  let ownPort = '';
  const swapPort = (url: unknown, from: string, to: string) =>
    typeof url === 'string' ? url.replace(new RegExp(`:${from}(?=/)`), `:${to}`) : url;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '').replace(/^AmazonSQS\./, '');
    let input: Record<string, unknown> | undefined;
    let body = Buffer.concat(chunks);
    try {
      input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      if (input && typeof input === 'object' && 'QueueUrl' in input) {
        input.QueueUrl = swapPort(input.QueueUrl, ownPort, upstreamPort);
        body = Buffer.from(JSON.stringify(input));
      }
    } catch {
      input = undefined; // not the JSON protocol: passed through as it is
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    const answer = await fetch(`${upstream}${req.url ?? '/'}`, {
      method: req.method ?? 'POST',
      headers,
      body: req.method === 'GET' ? undefined : body,
    });
    const text = await answer.text();
    let output: Record<string, unknown> | undefined;
    try {
      // A delete or a purge answers with an empty body.
      output = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    } catch {
      output = undefined;
    }
    let reply = text;
    if (answer.ok && input && output) {
      await record(target, input, output);
      if ('QueueUrl' in output || Array.isArray(output.QueueUrls)) {
        if ('QueueUrl' in output) output.QueueUrl = swapPort(output.QueueUrl, upstreamPort, ownPort);
        if (Array.isArray(output.QueueUrls)) output.QueueUrls = output.QueueUrls.map((u) => swapPort(u, upstreamPort, ownPort));
        reply = JSON.stringify(output);
      }
    }
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/x-amz-json-1.0' });
    res.end(reply);
  };

  /** What an accepted call changed, on disk before the caller hears of it. */
  const record = async (target: string, input: Record<string, unknown>, output: Record<string, unknown>) => {
    const queue = queueNameOf(input.QueueUrl);
    if (target === 'SendMessage' && typeof output.MessageId === 'string') {
      await journal.sent(
        queue,
        output.MessageId,
        String(input.MessageBody),
        input.MessageAttributes as Record<string, MessageAttributeValue>,
      );
    } else if (target === 'SendMessageBatch') {
      const entries = new Map(
        ((input.Entries ?? []) as { Id: string; MessageBody: string; MessageAttributes?: Record<string, MessageAttributeValue> }[]).map(
          (e) => [e.Id, e],
        ),
      );
      await Promise.all(
        ((output.Successful ?? []) as { Id: string; MessageId: string }[]).map((ok) => {
          const entry = entries.get(ok.Id);
          return entry ? journal.sent(queue, ok.MessageId, entry.MessageBody, entry.MessageAttributes) : undefined;
        }),
      );
    } else if (target === 'ReceiveMessage') {
      for (const m of (output.Messages ?? []) as { MessageId: string; ReceiptHandle: string }[]) receipts.set(m.ReceiptHandle, m.MessageId);
    } else if (target === 'DeleteMessage') {
      const id = receipts.get(String(input.ReceiptHandle));
      receipts.delete(String(input.ReceiptHandle));
      if (id) await journal.deleted(id);
    } else if (target === 'DeleteMessageBatch') {
      const handles = new Map(((input.Entries ?? []) as { Id: string; ReceiptHandle: string }[]).map((e) => [e.Id, e.ReceiptHandle]));
      await Promise.all(
        ((output.Successful ?? []) as { Id: string }[]).map((ok) => {
          const handle = handles.get(ok.Id) ?? '';
          const id = receipts.get(handle);
          receipts.delete(handle);
          return id ? journal.deleted(id) : undefined;
        }),
      );
    } else if (target === 'PurgeQueue') {
      await journal.purged(queue);
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // The journal could not be written: the caller must not believe the message is safe.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: 'com.amazonaws.sqs#InternalError', message: `local SQS journal: ${String(error)}` }));
    });
  });
  server.keepAliveTimeout = 60_000;
  // Every local address, as the emulator does: a queue URL's host (sqs.<region>.localhost) may resolve to ::1.
  await new Promise<void>((resolve) => server.listen(0, resolve));
  ownPort = String((server.address() as AddressInfo).port);
  return {
    endpoint: `http://127.0.0.1:${ownPort}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
