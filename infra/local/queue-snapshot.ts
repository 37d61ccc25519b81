import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SendMessageBatchCommand, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { LocalSqs } from './sqs.ts';

/**
 * The SQS emulator keeps messages in memory. So that queued work (and dead letters an operator
 * has yet to look at) survives a restart of `npm start`, the messages are written to the data
 * folder on a clean stop and sent again at the next start. A message's receive count starts
 * over, as it would after a redrive.
 */
type Snapshot = Record<string, { body: string; messageAttributes?: Record<string, MessageAttributeValue> }[]>;

const fileIn = (dataDir: string) => join(dataDir, 'queues', 'messages.json');
const queueUrls = (sqs: LocalSqs) => Object.values(sqs.queues).flatMap((q) => [q.url, q.deadLetterUrl]);
const nameOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

export function saveQueueSnapshot(dataDir: string, sqs: LocalSqs): number {
  const snapshot: Snapshot = {};
  let count = 0;
  for (const url of queueUrls(sqs)) {
    const messages = sqs.inspect(nameOf(url));
    if (messages.length) {
      snapshot[nameOf(url)] = messages;
      count += messages.length;
    }
  }
  mkdirSync(join(dataDir, 'queues'), { recursive: true });
  writeFileSync(fileIn(dataDir), JSON.stringify(snapshot));
  return count;
}

export async function restoreQueueSnapshot(dataDir: string, sqs: LocalSqs): Promise<number> {
  const file = fileIn(dataDir);
  if (!existsSync(file)) return 0;
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  // Keyed by queue name: the emulator's port, and so every URL, changes from run to run.
  const urlByName = new Map(queueUrls(sqs).map((url) => [nameOf(url), url]));
  let count = 0;
  for (const [name, messages] of Object.entries(snapshot)) {
    const url = urlByName.get(name);
    if (!url) continue;
    for (let i = 0; i < messages.length; i += 10) {
      const batch = messages.slice(i, i + 10);
      await sqs.client.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: batch.map((m, j) => ({ Id: String(j), MessageBody: m.body, MessageAttributes: m.messageAttributes })),
        }),
      );
      count += batch.length;
    }
  }
  rmSync(file);
  return count;
}
