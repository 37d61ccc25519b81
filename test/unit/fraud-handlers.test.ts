/**
 * The fraud handlers' edges that the local cloud does not readily show: the delivery consumer's
 * backoff (the test cloud retries at once) and its last attempt, and the scoring consumer's outbox
 * (an alert committed with its event but the event never delivered, because the consumer died in between).
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { claimAlert } from '../../shared/fraud/alert.ts';
import { scoreClaim } from '../../shared/fraud/engine.ts';
import { alertItem } from '../../shared/fraud/store/scoring.ts';
import { alertEvent } from '../../functions/fraud-scoring/score-claim.ts';
import { shardOf } from '../../shared/events/outbox.ts';
import { WEBHOOK_KEY_ENV, sealSecret } from '../../shared/fraud/secret-box.ts';
import { catalogueOf, claim, line, shippedRule } from './fraud-fixtures.ts';
import { lambdaContext } from '../support/lambda-context.ts';

// The policies table is an edge too: these tests read the shipped policies only (no table).
vi.mock('../../shared/policy/store/registry.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../shared/policy/store/registry.ts')>();
  return { ...actual, policies: actual.policyRegistry({ shippedOnly: true }) };
});

const dynamo = mockClient(DynamoDBDocumentClient);
const events = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);
const context = lambdaContext();

process.env.LOG_LEVEL = 'SILENT';
beforeEach(() => {
  process.env.TABLE_ALERTS = 'alerts-table';
  process.env.TABLE_POLICIES = 'policies-table';
  process.env.TABLE_OUTBOX = 'outbox';
  process.env.EVENT_BUS_NAME = 'test-bus';
  delete process.env.AWS_ENDPOINT_URL_SQS;
  dynamo.reset();
  events.reset();
  sqs.reset();
});
afterEach(() => vi.unstubAllGlobals());
afterAll(() => {
  dynamo.restore();
  events.restore();
  sqs.restore();
});

/** BatchGetItem answered from these items: the fraud consumer reads a batch's claims, risk and counters by key together. */
const batchGetFrom = (items: Record<string, unknown>[]) => (input: BatchGetCommandInput) => ({
  Responses: Object.fromEntries(
    Object.entries(input.RequestItems!).map(([table, request]) => [
      table,
      items.filter((i) => request.Keys!.some((k) => k.pk === i.pk && k.sk === i.sk)),
    ]),
  ),
});

const alert = () => {
  const c = claim({ lines: [line(1, '250101015', { category: 'lab' }), line(2, '250101015', { category: 'lab' })] });
  return claimAlert(
    c,
    scoreClaim(catalogueOf([shippedRule('duplicate-charge')]), c, { memberHistory: [], traceScans: [] }),
    'evt-1',
    '2026-03-10T08:00:00.000Z',
  );
};

const record = (body: unknown, receiveCount: number): SQSRecord => ({
  messageId: 'm-1',
  receiptHandle: 'rh-1',
  body: JSON.stringify(body),
  attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: '1', SenderId: 'x', ApproximateFirstReceiveTimestamp: '1' },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws-cn:sqs:cn-north-1:123456789012:yibao-alertDelivery',
  awsRegion: 'cn-north-1',
});

const raised = () => ({
  version: '0',
  id: 'evt-alert',
  'detail-type': 'FraudAlertRaised',
  source: 'yibao.fraud',
  account: '0',
  time: '2026-03-10T08:00:01Z',
  region: 'cn-north-1',
  resources: [],
  detail: { ...alert(), meta: { schemaVersion: 2, correlationId: 'c-1' } },
});

describe('alert delivery', () => {
  process.env[WEBHOOK_KEY_ENV] = 'a-unit-test-key-long-enough-for-the-sealing-box';
  const subscription = {
    pk: 'SUB#sub_1',
    sk: 'SUB',
    subscriptionId: 'sub_1',
    region: '330900',
    status: 'active',
    sealedSecret: sealSecret('whsec_test', 'sub_1'),
    filter: { region: '330900', minSeverity: 'low' },
    target: { type: 'webhook', url: 'https://supervision.example/hook' },
    createdBy: 'reg',
    createdAt: '2026-01-01T00:00:00Z',
  };

  function wire(previousAttempts: number) {
    dynamo
      .on(QueryCommand)
      .callsFake((input: { IndexName?: string }) =>
        input.IndexName === 'bySubscriber'
          ? { Items: [subscription] }
          : { Items: previousAttempts ? [{ subscriptionId: 'sub_1', state: 'failing', attempts: previousAttempts }] : [] },
      );
    dynamo.on(TransactWriteCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({});
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: 'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/yibao-alertDelivery' });
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('down', { status: 502 })),
    );
  }

  it('after a failed attempt pushes the message out by the backoff and reports it failed, recording the attempt', async () => {
    wire(0);
    const { handler } = await import('../../functions/alert-delivery/handler.ts');
    const result = await handler({ Records: [record(raised(), 1)] } as SQSEvent, context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(sqs.commandCalls(GetQueueUrlCommand)[0]!.args[0].input).toEqual({
      QueueName: 'yibao-alertDelivery',
      QueueOwnerAWSAccountId: '123456789012',
    });
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)[0]!.args[0].input).toEqual({
      QueueUrl: 'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/yibao-alertDelivery',
      ReceiptHandle: 'rh-1',
      VisibilityTimeout: 30,
    });
    const attempt = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!.map((t) => t.Put!.Item);
    expect(attempt[0]).toMatchObject({ sk: 'ATTEMPT#sub_1#01', attempt: 1, ok: false, status: 502 });
    expect(attempt[1]).toMatchObject({ sk: 'DELIVERY#sub_1', state: 'failing', attempts: 1, lastStatus: 502 });
    expect(dynamo.commandCalls(UpdateCommand)[0]!.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':s': 'failing',
      ':n': expect.any(String),
    });
    // The signed request went to the subscriber.
    const [url, init] = (fetch as unknown as { mock: { calls: [string, RequestInit][] } }).mock.calls[0]!;
    expect(url).toBe('https://supervision.example/hook');
    expect((init.headers as Record<string, string>)['x-yibao-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(init.redirect).toBe('manual');
  });

  it('backs off longer on each later receive', async () => {
    wire(2);
    const { handler } = await import('../../functions/alert-delivery/handler.ts');
    await handler({ Records: [record(raised(), 3)] } as SQSEvent, context);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)[0]!.args[0].input.VisibilityTimeout).toBe(480);
  });

  it('on the last attempt marks the delivery dead-lettered and lets SQS move the message to the DLQ at once', async () => {
    wire(4);
    const { handler } = await import('../../functions/alert-delivery/handler.ts');
    const result = await handler({ Records: [record(raised(), 5)] } as SQSEvent, context);
    expect(result.batchItemFailures).toHaveLength(1);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)[0]!.args[0].input.VisibilityTimeout).toBe(0);
    expect(dynamo.commandCalls(UpdateCommand)[0]!.args[0].input.ExpressionAttributeValues).toMatchObject({ ':s': 'dead-lettered' });
    expect(dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!.Item).toMatchObject({
      sk: 'ATTEMPT#sub_1#05',
    });
  });

  it('skips a subscription that already took the alert and succeeds without calling anyone', async () => {
    wire(0);
    dynamo
      .on(QueryCommand)
      .callsFake((input: { IndexName?: string }) =>
        input.IndexName === 'bySubscriber'
          ? { Items: [subscription] }
          : { Items: [{ subscriptionId: 'sub_1', state: 'delivered', attempts: 2 }] },
      );
    const { handler } = await import('../../functions/alert-delivery/handler.ts');
    const result = await handler({ Records: [record(raised(), 3)] } as SQSEvent, context);
    expect(result.batchItemFailures).toEqual([]);
    expect(fetch).not.toHaveBeenCalled();
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(0);
  });
});

describe('fraud scoring outbox', () => {
  const settled = {
    version: '0',
    id: 'evt-1',
    'detail-type': 'ClaimSettled',
    source: 'yibao.adjudication',
    account: '0',
    time: '2026-03-10T08:00:00Z',
    region: 'cn-north-1',
    resources: [],
    detail: {
      claim: { providerCode: 'H0001', claimNo: 'C-1' },
      memberId: 'M-1',
      region: '330900',
      visit: { type: 'outpatient', serviceDate: '2026-03-10' },
      totals: { billedFen: 2_000, fundPaidFen: 1_400, patientPaidFen: 600 },
      meta: { schemaVersion: 1, correlationId: 'c-1' },
    },
  };

  it('publishes, on redelivery, an alert event the first delivery committed but never delivered, then deletes it from the outbox', async () => {
    const a = alert();
    dynamo.on(QueryCommand).resolves({
      Items: [
        { pk: 'CLAIM#H0001#C-1', sk: 'SCORE', reversed: false, eventId: 'evt-1', alertId: a.alertId },
        { pk: 'CLAIM#H0001#C-1', sk: 'EVENT#evt-1' },
      ],
    });
    dynamo.on(BatchGetCommand).callsFake(
      batchGetFrom([
        { pk: 'CLAIM#H0001#C-1', sk: 'SCORE', reversed: false, eventId: 'evt-1', alertId: a.alertId },
        { pk: 'CLAIM#H0001#C-1', sk: 'EVENT#evt-1' },
      ]),
    );
    const waiting = alertEvent(a, 'c-1');
    dynamo.on(GetCommand).resolves({});
    dynamo
      .on(GetCommand, { TableName: 'outbox' })
      .resolves({ Item: { pk: `OUTBOX#${shardOf(waiting.key)}`, sk: waiting.key, ...waiting } });
    dynamo.on(BatchWriteCommand).resolves({});
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-9' }] });
    const { handler } = await import('../../functions/fraud-scoring/handler.ts');
    const result = await handler({ Records: [record(settled, 2)] } as SQSEvent, context);
    expect(result.batchItemFailures).toEqual([]);
    const entry = events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!;
    expect(entry).toMatchObject({ Source: 'yibao.fraud', DetailType: 'FraudAlertRaised' });
    expect(JSON.parse(entry.Detail!)).toMatchObject({ alertId: a.alertId, score: 60, meta: { schemaVersion: 2, correlationId: 'c-1' } });
    expect(JSON.parse(entry.Detail!)).not.toHaveProperty('gsi1pk');
    expect(JSON.parse(entry.Detail!).eventId).toBe(`fraud/alert/${a.alertId}/FraudAlertRaised`);
    expect(dynamo.commandCalls(BatchWriteCommand)[0]!.args[0].input.RequestItems).toEqual({
      outbox: [{ DeleteRequest: { Key: { pk: `OUTBOX#${shardOf(waiting.key)}`, sk: waiting.key } } }],
    });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('publishes nothing again when the alert is already out', async () => {
    const a = alert();
    dynamo
      .on(QueryCommand)
      .resolves({ Items: [{ pk: 'CLAIM#H0001#C-1', sk: 'SCORE', reversed: false, eventId: 'evt-1', alertId: a.alertId }] });
    dynamo
      .on(BatchGetCommand)
      .callsFake(batchGetFrom([{ pk: 'CLAIM#H0001#C-1', sk: 'SCORE', reversed: false, eventId: 'evt-1', alertId: a.alertId }]));
    // Out already: its outbox entry was deleted on delivery.
    dynamo.on(GetCommand).resolves({ Item: alertItem(a) });
    dynamo.on(GetCommand, { TableName: 'outbox' }).resolves({});
    const { handler } = await import('../../functions/fraud-scoring/handler.ts');
    expect((await handler({ Records: [record(settled, 2)] } as SQSEvent, context)).batchItemFailures).toEqual([]);
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('reports a reversal that arrives before its settlement was scored as failed, for SQS to bring back', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const { handler } = await import('../../functions/fraud-scoring/handler.ts');
    const reversal = {
      ...settled,
      id: 'evt-rev',
      'detail-type': 'ClaimReversed',
      detail: {
        claim: { providerCode: 'H0001', claimNo: 'C-1' },
        memberId: 'M-1',
        region: '330900',
        reason: 'x',
        meta: { schemaVersion: 1, correlationId: 'c-2' },
      },
    };
    expect((await handler({ Records: [record(reversal, 1)] } as SQSEvent, context)).batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('fraud scoring of a grouped case (CaseGrouped)', () => {
  const caseGrouped = (grouping: Record<string, unknown>) => ({
    version: '0',
    id: 'evt-grp',
    'detail-type': 'CaseGrouped',
    source: 'yibao.drg',
    account: '0',
    time: '2026-03-12T08:00:00Z',
    region: 'cn-north-1',
    resources: [],
    detail: {
      claim: { providerCode: 'H0001', claimNo: 'C-1' },
      memberId: 'M-1',
      region: '330900',
      year: 2026,
      admissionDate: '2026-03-01',
      dischargeDate: '2026-03-08',
      grouping: { version: '2.0', mdc: 'MDCE', adrg: 'ES3', drg: 'ES31', ccLevel: 'MCC', outcome: 'grouped', ...grouping },
      points: { pricing: 'drg', weight: 8933, baseCentipoints: 8933, coefficient: 10000, addOns: [], centipoints: 8933, review: false },
      readmissionCuts: [],
      policy: { region: '330900', year: 2026, version: 1 },
      meta: { schemaVersion: 1, correlationId: 'c-3' },
    },
  });
  const scored = (o: Record<string, unknown> = {}) => ({
    pk: 'CLAIM#H0001#C-1',
    sk: 'SCORE',
    eventId: 'evt-1',
    reversed: false,
    region: '330900',
    providerCode: 'H0001',
    counted: {
      year: 2026,
      month: '2026-03',
      providerRegion: '330900',
      level: 'secondary',
      score: 0,
      flagged: 0,
      grouped: 0,
      ccMcc: 0,
      costFen: 800_000,
      losDays: 7,
    },
    ...o,
  });
  const puts = () =>
    dynamo.commandCalls(BatchWriteCommand).flatMap((c) =>
      Object.values(c.args[0].input.RequestItems!)
        .flat()
        .map((r) => r.PutRequest!.Item!),
    );

  it('keeps the grouping beside a claim not yet scored, counting nothing (the scoring will count it)', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(BatchGetCommand).callsFake(batchGetFrom([]));
    dynamo.on(BatchWriteCommand).resolves({});
    const { handler } = await import('../../functions/fraud-scoring/handler.ts');
    expect((await handler({ Records: [record(caseGrouped({}), 1)] } as SQSEvent, context)).batchItemFailures).toEqual([]);
    expect(puts()).toEqual([
      expect.objectContaining({ pk: 'CLAIM#H0001#C-1', sk: 'GROUPING', eventId: 'evt-grp', drg: { code: 'ES31', ccLevel: 'MCC' } }),
    ]);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('counts nothing for a reversed claim, nor for a case that grouped into no DRG (QY)', async () => {
    dynamo.on(BatchWriteCommand).resolves({});
    const { handler } = await import('../../functions/fraud-scoring/handler.ts');
    dynamo.on(QueryCommand).resolves({ Items: [scored({ reversed: true })] });
    dynamo.on(BatchGetCommand).callsFake(batchGetFrom([scored({ reversed: true })]));
    expect((await handler({ Records: [record(caseGrouped({}), 1)] } as SQSEvent, context)).batchItemFailures).toEqual([]);
    dynamo.on(QueryCommand).resolves({ Items: [scored()] });
    dynamo.on(BatchGetCommand).callsFake(batchGetFrom([scored()]));
    expect(
      (await handler({ Records: [record(caseGrouped({ drg: 'ESQY', ccLevel: null, outcome: 'qy' }), 1)] } as SQSEvent, context))
        .batchItemFailures,
    ).toEqual([]);
    expect(puts().at(-1)).not.toHaveProperty('drg');
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('leaves a DIP case (CaseGrouped method dip) out of the DRG rules: nothing kept, nothing counted', async () => {
    dynamo.on(BatchWriteCommand).resolves({});
    dynamo.on(QueryCommand).resolves({ Items: [scored()] });
    dynamo.on(BatchGetCommand).callsFake(batchGetFrom([scored()]));
    const { handler } = await import('../../functions/fraud-scoring/handler.ts');
    const dip = caseGrouped({ version: '2.0', mdc: null, adrg: null, drg: 'J84|34.51', ccLevel: null, outcome: 'grouped' });
    const detail = {
      ...dip.detail,
      method: 'dip',
      dip: { group: 'J84|34.51', kind: 'core', treatment: 'operation', catalogue: { region: '532500', year: 2025, version: 1 } },
      points: { ...dip.detail.points, pricing: 'dip' },
    };
    expect((await handler({ Records: [record({ ...dip, detail }, 1)] } as SQSEvent, context)).batchItemFailures).toEqual([]);
    expect(puts()).toEqual([]);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it("adds a scored claim's case to the month and DRG counters once, without counting the claim again", async () => {
    dynamo.on(BatchWriteCommand).resolves({});
    dynamo.on(QueryCommand).resolves({ Items: [scored()] });
    dynamo.on(GetCommand).resolves({ Item: { claims: 1, scoreSum: 0 } });
    dynamo.on(BatchGetCommand).callsFake(batchGetFrom([scored(), { pk: 'PROVIDER#H0001', sk: 'RISK#2026', claims: 1, scoreSum: 0 }]));
    dynamo.on(TransactWriteCommand).resolves({});
    const { handler } = await import('../../functions/fraud-scoring/handler.ts');
    expect((await handler({ Records: [record(caseGrouped({}), 1)] } as SQSEvent, context)).batchItemFailures).toEqual([]);
    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items[0]!.Put).toMatchObject({
      Item: { sk: 'EVENT#evt-grp', kind: 'grouped' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(items[1]!.Update).toMatchObject({
      ConditionExpression: 'eventId = :scored AND reversed = :f AND attribute_not_exists(groupingEventId)',
    });
    expect(items[1]!.Update!.ExpressionAttributeValues![':counted']).toMatchObject({ grouped: 1, ccMcc: 1, drg: 'ES31' });
    const counters = items
      .filter((i) => i.Update?.UpdateExpression?.startsWith('ADD'))
      .map((i) => ({ key: i.Update!.Key, values: i.Update!.ExpressionAttributeValues }));
    expect(counters).toEqual([
      { key: { pk: 'PROVIDER#H0001', sk: 'STATS#2026-03' }, values: expect.objectContaining({ ':c0': 0, ':c1': 1, ':c2': 1 }) },
      { key: { pk: 'PEERS#330900#secondary', sk: 'STATS#2026-03' }, values: expect.objectContaining({ ':c0': 0, ':c1': 1, ':c2': 1 }) },
      { key: { pk: 'PROVIDER#H0001', sk: 'DRG#2026#ES31' }, values: expect.objectContaining({ ':c0': 1, ':c1': 800_000, ':c2': 7 }) },
      { key: { pk: 'PEERS#330900', sk: 'DRG#2026#ES31' }, values: expect.objectContaining({ ':c0': 1, ':c1': 800_000, ':c2': 7 }) },
    ]);
  });

  it("changes nothing when the claim's score already counts a grouping", async () => {
    dynamo.on(BatchWriteCommand).resolves({});
    dynamo
      .on(QueryCommand)
      .resolves({ Items: [scored({ groupingEventId: 'evt-grp', counted: { ...scored().counted, grouped: 1, ccMcc: 1, drg: 'ES31' } })] });
    dynamo
      .on(BatchGetCommand)
      .callsFake(
        batchGetFrom([scored({ groupingEventId: 'evt-grp', counted: { ...scored().counted, grouped: 1, ccMcc: 1, drg: 'ES31' } })]),
      );
    const { handler } = await import('../../functions/fraud-scoring/handler.ts');
    expect((await handler({ Records: [record(caseGrouped({}), 2)] } as SQSEvent, context)).batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});
