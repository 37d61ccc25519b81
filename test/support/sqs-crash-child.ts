/**
 * The process the durability test kills: a local SQS with a data folder (YIBAO_TEST_DATA_DIR) that
 * receives RECEIVE_FIRST messages into flight and deletes DELETE_FIRST of them, then sends messages to
 * one queue, eight at a time (with IN_PROCESS=1 as the local bus sends, in process), printing
 * `acked <body>` for each send the queue acknowledged. After
 * KILL_AFTER acknowledgements it SIGKILLs its own process group at once, mid-write for the other senders
 * (a kill from outside would land later and give the writes time to finish).
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { startSqs } from '../../infra/local/sqs.ts';

const dataDir = process.env.YIBAO_TEST_DATA_DIR;
if (!dataDir) throw new Error('YIBAO_TEST_DATA_DIR is not set');
const sqs = await startSqs({ region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, dataDir });
const url = sqs.queues.fraudScoring.deadLetterUrl;
const say = (line: string) => process.stdout.write(`${line}\n`);

// What the last run left, received (in flight now) and partly deleted, so the journal sees both.
const inFlight = Number(process.env.RECEIVE_FIRST ?? 0);
const toDelete = Number(process.env.DELETE_FIRST ?? 0);
let received = 0;
let deleted = 0;
while (received < inFlight) {
  const out = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }));
  for (const m of out.Messages ?? []) {
    received++;
    if (deleted < toDelete) {
      await sqs.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
      deleted++;
      say(`deleted ${m.Body}`);
    } else say(`inflight ${m.Body}`);
  }
  if (!out.Messages?.length) break;
}
say('ready');

// Eight senders at once, so the kill lands among writes in progress.
let n = 0;
let acked = 0;
const killAfter = Number(process.env.KILL_AFTER ?? 100);
// IN_PROCESS=1: send as the local bus hands events to its rules' queues (LocalSqs.send), not through the API.
const inProcess = process.env.IN_PROCESS === '1';
await Promise.all(
  Array.from({ length: 8 }, async () => {
    for (;;) {
      const body = `run-${process.pid}-message-${n++} 医保 😀 𠀀`;
      if (inProcess) await sqs.send(url, body);
      else await sqs.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
      say(`acked ${body}`);
      if (++acked >= killAfter) process.kill(-process.pid, 'SIGKILL');
    }
  }),
);
