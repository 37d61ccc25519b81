import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { matchesPattern, validatePattern, type EventPattern } from './pattern.ts';
import { retry } from '../../../shared/runtime/retry.ts';

/** A rule as the local bus runs it: the topology's pattern and the URL of the queue it feeds. */
export interface LocalRule {
  name: string;
  pattern: EventPattern;
  targetQueueUrl: string;
}

export interface LocalBusOptions {
  busName: string;
  region: string;
  account: string;
  rules: LocalRule[];
  /**
   * Hands a matched event to a rule's queue (`LocalSqs.send`): inside the process, as EventBridge
   * delivers to an SQS target inside AWS, so no SQS API call is made or paid for per target.
   */
  sendToQueue: (queueUrl: string, body: string) => Promise<unknown>;
  onDeliveryError?: (rule: string, error: unknown) => void;
}

export interface LocalBus {
  endpoint: string;
  /** The rules this bus runs. */
  rules: readonly LocalRule[];
  /** Events accepted and, per rule, how many it delivered: for the console and for tests. */
  stats: { accepted: number; delivered: Record<string, number> };
  stop(): Promise<void>;
}

const MAX_ENTRY_BYTES = 256 * 1024;

export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: string | number;
}

/**
 * An entry's size as EventBridge counts it against the 256 KB limit ("Calculating PutEvents event
 * entry size"): 14 bytes for Time if given, and the UTF-8 bytes of Source, DetailType, Detail and each
 * resource. Not the entry's JSON, whose keys and escaping (a quote in Detail is two characters there)
 * would refuse entries EventBridge takes.
 */
export function entrySize(entry: PutEventsEntry): number {
  let size = entry.Time === undefined ? 0 : 14;
  for (const text of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])])
    if (text !== undefined) size += Buffer.byteLength(text);
  return size;
}

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/**
 * A local EventBridge: the PutEvents action of the AWS JSON 1.1 protocol, so the real
 * @aws-sdk/client-eventbridge talks to it unchanged. Each accepted entry becomes the same
 * envelope EventBridge builds, is matched against every rule of the bus, and is sent as the
 * message body to each matching rule's SQS queue, as an SQS rule target receives it.
 */
export async function startLocalBus(options: LocalBusOptions): Promise<LocalBus> {
  for (const rule of options.rules) {
    const problems = validatePattern(rule.pattern);
    if (problems.length > 0) throw new Error(`Rule ${rule.name} has an invalid pattern: ${problems.join('; ')}`);
  }
  const stats = { accepted: 0, delivered: Object.fromEntries(options.rules.map((r) => [r.name, 0])) as Record<string, number> };
  const busArn = `arn:aws:events:${options.region}:${options.account}:event-bus/${options.busName}`;
  const isOurBus = (name: string | undefined) => !name || name === options.busName || name === busArn;

  /** Sends one matched event to a rule's queue; false when the queue did not take it after three tries. */
  const deliver = async (rule: LocalRule, body: string): Promise<boolean> => {
    // EventBridge retries a failed target delivery; three quick tries are enough on one machine.
    try {
      await retry(() => options.sendToQueue(rule.targetQueueUrl, body), {
        maxAttempts: 3,
        baseDelayMs: 5,
        retryable: () => true,
      });
      stats.delivered[rule.name] = (stats.delivered[rule.name] ?? 0) + 1;
      return true;
    } catch (error) {
      options.onDeliveryError?.(rule.name, error);
      return false;
    }
  };

  const putOne = async (entry: PutEventsEntry): Promise<EntryResult> => {
    if (!isOurBus(entry.EventBusName))
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${entry.EventBusName} does not exist.` };
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameters Source, DetailType and Detail are required.' };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail must be a JSON object.' };
    }
    if (entrySize(entry) > MAX_ENTRY_BYTES) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Entry exceeds 256 KB.' };
    }
    const time = entry.Time === undefined ? new Date() : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time);
    const envelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: options.account,
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: options.region,
      resources: entry.Resources ?? [],
      detail,
    };
    const body = JSON.stringify(envelope);
    const delivered = await Promise.all(
      options.rules.filter((rule) => matchesPattern(rule.pattern, envelope)).map((rule) => deliver(rule, body)),
    );
    // A target that did not take the event fails the entry, so the sender keeps it and sends it again
    // (the outbox does): never only a log line. The targets that took it see it twice; consumers are idempotent.
    if (delivered.includes(false)) return { ErrorCode: 'InternalFailure', ErrorMessage: 'A rule target did not accept the event.' };
    stats.accepted++;
    return { EventId: envelope.id };
  };

  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target !== 'AWSEvents.PutEvents') {
      return answer(res, 400, {
        __type: 'UnknownOperationException',
        message: `The local bus serves PutEvents only, not ${target || 'this request'}`,
      });
    }
    let input: { Entries?: PutEventsEntry[] };
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      return answer(res, 400, { __type: 'SerializationException', message: 'Request body is not JSON' });
    }
    const entries = input.Entries ?? [];
    if (entries.length < 1 || entries.length > 10) {
      return answer(res, 400, { __type: 'ValidationException', message: 'Entries must hold between 1 and 10 events.' });
    }
    const results = [];
    for (const entry of entries) results.push(await putOne(entry));
    answer(res, 200, { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => answer(res, 500, { __type: 'InternalException', message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    rules: options.rules,
    stats,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
