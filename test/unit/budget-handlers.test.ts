/**
 * The edges of the prepayment and year-end handlers, with the SDK mocked: bad messages on either of
 * the prepayment function's queues fail alone without touching a table, a route refuses the wrong
 * role or bad input before any read, and a schedule with no budgeted region does nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSRecord } from 'aws-lambda';
import { sqsRecord } from '../support/sqs-records.ts';
import { lambdaContext } from '../support/lambda-context.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const context = lambdaContext();

process.env.LOG_LEVEL = 'SILENT';
beforeEach(() => {
  process.env.TABLE_PROVIDERS = 'providers-table';
  process.env.EVENT_BUS_NAME = 'test-bus';
  dynamo.reset();
});
afterEach(() => dynamo.reset());

/** Each prepayment trigger is a Lambda of its own (functions/prepayment/README.md); the tests call them untyped. */
type AnyHandler = (event: unknown, context: Context) => Promise<unknown>;
const lambda = async (module: Promise<{ handler: unknown }>) => ({ handler: (await module).handler as AnyHandler });

const record = (messageId: string, body: unknown): SQSRecord => sqsRecord(messageId, body, 'q');
const envelope = (id: string, detailType: string, detail: Record<string, unknown>) => ({
  version: '0',
  id,
  'detail-type': detailType,
  source: detailType === 'CaseGrouped' ? 'yibao.drg' : 'yibao.adjudication',
  account: '0',
  time: '2023-03-01T00:00:00Z',
  region: 'cn-north-1',
  resources: [],
  detail: { ...detail, meta: { schemaVersion: 1, correlationId: `c-${id}` } },
});
const httpEvent = (routeKey: string, body: unknown, principal: Record<string, string>, pathParameters: Record<string, string> = {}) => ({
  version: '2.0',
  routeKey,
  rawPath: '/',
  rawQueryString: '',
  headers: {},
  isBase64Encoded: false,
  body: JSON.stringify(body),
  pathParameters,
  requestContext: { requestId: 'req-1', http: { method: routeKey.split(' ')[0] }, authorizer: { lambda: principal } },
});

describe('prepayment consumers', () => {
  it('fails an off-contract fact and a malformed work item on their own, writing nothing', async () => {
    let { handler } = await lambda(import('../../functions/prepayment/facts-handler.ts'));
    const facts = (await handler(
      {
        Records: [
          record('f1', envelope('e1', 'CaseGrouped', { claim: { providerCode: 'JA0001', claimNo: 'C-1' } })),
          record('f2', envelope('e2', 'PingReceived', {})),
        ],
      },
      context,
    )) as { batchItemFailures: { itemIdentifier: string }[] };
    expect(facts.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['f1', 'f2']);

    ({ handler } = await lambda(import('../../functions/prepayment/work-handler.ts')));
    const work = (await handler(
      { Records: [record('w1', { runId: 'PREPAY#341502#2023-03', region: '341502' }), record('w2', 'not json')] },
      context,
    )) as { batchItemFailures: { itemIdentifier: string }[] };
    expect(work.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['w1', 'w2']);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('a monthly schedule with no budgeted region plans nothing', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const { handler } = await lambda(import('../../functions/prepayment/monthly-handler.ts'));
    const out = await handler({ trigger: 'schedule', schedule: 'monthlyPrepayment', scheduledTime: '2026-11-30T18:00:00Z' }, context);
    expect(out).toEqual({ run: 'prepayment', period: '2026-12', scheduledTime: '2026-11-30T18:00:00Z', regions: [] });
    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'providers-table',
      ExpressionAttributeValues: { ':p': 'BUDGETS#2026' },
    });
  });
});

describe('routes refuse before they read', () => {
  it('a budget from a provider is 403; a malformed one is 400 naming the field', async () => {
    const { handler } = await lambda(import('../../functions/prepayment/handler.ts'));
    const asProvider = (await handler(
      httpEvent(
        'PUT /v1/budgets/{region}/{year}',
        {},
        { sub: 'his', role: 'provider', providerCode: 'JA0001' },
        { region: '341502', year: '2023' },
      ),
      context,
    )) as { statusCode: number };
    expect(asProvider.statusCode).toBe(403);
    const bad = (await handler(
      httpEvent(
        'PUT /v1/budgets/{region}/{year}',
        { totalFen: 1.5, drgBudgetFen: 0, providers: [] },
        { sub: 'clerk', role: 'staff', permissions: 'budgets:write' },
        { region: '341502', year: '2023' },
      ),
      context,
    )) as { statusCode: number; body: string };
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).error.details.problems[0]).toMatchObject({ field: 'body.totalFen', rule: 'invalid_type' });
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('a superseding year-end without a reason is 400', async () => {
    const { handler } = await lambda(import('../../functions/year-end-settlement/handler.ts'));
    const res = (await handler(
      httpEvent(
        'POST /v1/runs/year-end',
        { region: '341502', year: 2023, supersede: true },
        { sub: 'clerk', role: 'staff', permissions: 'payments:run' },
      ),
      context,
    )) as { statusCode: number; body: string };
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error.details.problems[0]).toMatchObject({ field: 'body.reason' });
    expect(dynamo.calls()).toHaveLength(0);
  });
});
