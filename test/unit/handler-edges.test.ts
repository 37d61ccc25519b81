/**
 * The edges of handlers where an AWS call fails in ways the emulators will not readily produce:
 * aws-sdk-client-mock stands in for the SDK here, and only here.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { publishNotice as publish } from '../../shared/events/outbox.ts';
import { PingReceived } from '../../events/platform.ts';
import { httpRoutes } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { badRequest } from '../../shared/http/errors.ts';
import { sqsRecord } from '../support/sqs-records.ts';
import { lambdaContext } from '../support/lambda-context.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const events = mockClient(EventBridgeClient);
const context = lambdaContext();

process.env.LOG_LEVEL = 'SILENT';
beforeEach(() => {
  process.env.TABLE_AUDIT = 'audit-table';
  process.env.EVENT_BUS_NAME = 'test-bus';
  dynamo.reset();
  events.reset();
});
afterEach(() => {
  dynamo.reset();
  events.reset();
});

const record = (messageId: string, body: unknown): SQSRecord => sqsRecord(messageId, body, 'yibao-audit');
const envelope = (id: string, detail: Record<string, unknown> = { meta: { schemaVersion: 1, correlationId: `c-${id}` } }) => ({
  version: '0',
  id,
  'detail-type': 'PingReceived',
  source: 'yibao.platform',
  account: '0',
  time: '2026-11-23T10:00:00Z',
  region: 'cn-north-1',
  resources: [],
  detail,
});

describe('audit consumer', () => {
  it('treats an event already archived as done, fails a message on a throttle, and fails a poison message', async () => {
    const { handler } = await import('../../functions/audit/handler.ts');
    dynamo.on(PutCommand).callsFake((input: { Item: { eventId: string } }) => {
      if (input.Item.eventId === 'dup') throw new ConditionalCheckFailedException({ message: 'exists', $metadata: {} });
      if (input.Item.eventId === 'throttled') throw new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
      return {};
    });

    const event: SQSEvent = {
      Records: [
        record('m1', envelope('dup')),
        record('m2', envelope('throttled')),
        record('m3', envelope('fresh')),
        record('m4', '{"not":"an event"}'),
        record('m5', envelope('no-meta', { region: '330900' })),
      ],
    };
    const result = await handler(event, context);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m2', 'm4', 'm5']);
    const writes = dynamo.commandCalls(PutCommand);
    expect(writes).toHaveLength(3);
    const fresh = writes.find((w) => w.args[0].input.Item?.eventId === 'fresh')!.args[0].input;
    expect(fresh).toMatchObject({
      TableName: 'audit-table',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: 'DAY#2026-11-23', gsi1pk: 'CORR#c-fresh' },
    });
  });
});

describe('publish', () => {
  it('refuses an off-contract detail before anything reaches the bus', async () => {
    await expect(publish(PingReceived, { role: 'root' as never, message: 'x' }, 'c-1')).rejects.toThrow();
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('fails when the bus rejects the entry, so the caller does not report success', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'boom' }] });
    await expect(publish(PingReceived, { role: 'staff', message: 'x' }, 'c-1')).rejects.toThrow(/InternalFailure/);
  });

  it('sends the detail with its meta to the configured bus', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    expect(await publish(PingReceived, { role: 'staff', message: 'x' }, 'c-9')).toBe('e-1');
    const entry = events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!;
    expect(entry).toMatchObject({ EventBusName: 'test-bus', Source: 'yibao.platform', DetailType: 'PingReceived' });
    expect(JSON.parse(entry.Detail!)).toEqual({ role: 'staff', message: 'x', meta: { schemaVersion: 1, correlationId: 'c-9' } });
  });
});

describe('httpApi', () => {
  const apiEvent = (routeKey: string, headers: Record<string, string> = {}) =>
    ({
      version: '2.0',
      routeKey,
      rawPath: '/',
      rawQueryString: '',
      headers,
      isBase64Encoded: false,
      requestContext: {
        requestId: 'req-1',
        routeKey,
        http: { method: 'GET', path: '/', protocol: 'HTTP/1.1', sourceIp: '1', userAgent: '' },
      },
    }) as never;
  const handler = httpRoutes(createLogger('test'), {
    'GET /boom': () => {
      throw new Error('secret internals: 110101199003077777');
    },
    'GET /bad': () => {
      throw badRequest('query.year: too small', { problems: [] });
    },
  });

  it('answers an unexpected error with a 500 that leaks nothing', async () => {
    const res = (await handler(apiEvent('GET /boom', { 'x-correlation-id': 'c-42' }), context)) as {
      statusCode: number;
      body: string;
      headers: Record<string, string>;
    };
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toEqual({
      error: { code: 'INTERNAL', message: 'Internal error; quote the correlation id to support', details: {} },
    });
    expect(res.headers['x-correlation-id']).toBe('c-42');
  });

  it('answers a refused request in the uniform body, and starts a correlation id when none is sent', async () => {
    const res = (await handler(apiEvent('GET /bad'), context)) as { statusCode: number; body: string; headers: Record<string, string> };
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe('BAD_REQUEST');
    expect(res.headers['x-correlation-id']).toBe('req-1');
  });
});
