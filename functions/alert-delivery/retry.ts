/**
 * Pushes a failed message's next receive out by the backoff. The consumer changes the visibility of
 * its own message (Lambda's SQS event source grants it that on the queue it polls) and then reports
 * the record failed: SQS brings it back after the delay, counts the receive, and moves it to the DLQ
 * after the queue's maxReceiveCount.
 */
import { ChangeMessageVisibilityCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { sqsClient } from '../../shared/runtime/aws-clients.ts';

const urls = new Map<string, Promise<string>>();

/** The queue URL behind a record's ARN (arn:aws:sqs:<region>:<account>:<name>), looked up once. */
function queueUrlOf(arn: string): Promise<string> {
  let url = urls.get(arn);
  if (!url) {
    const [, , , , account, name] = arn.split(':');
    url = sqsClient()
      .send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }))
      .then((out) => {
        if (!out.QueueUrl) throw new Error(`No queue URL for ${arn}`);
        return out.QueueUrl;
      });
    url.catch(() => urls.delete(arn));
    urls.set(arn, url);
  }
  return url;
}

export async function retryAfter(record: Pick<SQSRecord, 'eventSourceARN' | 'receiptHandle'>, seconds: number): Promise<void> {
  await sqsClient().send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: await queueUrlOf(record.eventSourceARN),
      ReceiptHandle: record.receiptHandle,
      VisibilityTimeout: seconds,
    }),
  );
}
