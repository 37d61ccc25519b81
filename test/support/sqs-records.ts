import type { SQSRecord } from 'aws-lambda';

/** An SQS record as Lambda hands it to a consumer, with every system attribute the parsers demand. */
export function sqsRecord(messageId: string, body: unknown, queue = 'q'): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1', SenderId: 'x', ApproximateFirstReceiveTimestamp: '1' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:cn-north-1:0:${queue}`,
    awsRegion: 'cn-north-1',
  };
}

/** A ClaimSettled as the bus puts it in a queue: the EventBridge envelope around `detail`. */
export function claimSettledEnvelope(id: string, detail: unknown, time = '2026-05-06T10:00:00Z') {
  return {
    version: '0',
    id,
    'detail-type': 'ClaimSettled',
    source: 'yibao.adjudication',
    account: '0',
    time,
    region: 'cn-north-1',
    resources: [],
    detail,
  };
}
