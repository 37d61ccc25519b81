/**
 * The fraud consumer's batch (functions/fraud-scoring/batch.ts) at the edges the local cloud does not
 * readily show: how a batch's transactions become one (counters several claims add summed, worked
 * numbers), and a batch transaction refused (a race with another container): nothing of it was
 * written, so its messages are scored again one by one from the table, and only one that still fails
 * is reported back.
 */
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mergeOps, renderTransaction, type CounterOp, type EventTx } from '../../shared/fraud/store/scoring.ts';
import { sqsRecord } from '../support/sqs-records.ts';
import { lambdaContext } from '../support/lambda-context.ts';

vi.mock('../../shared/policy/store/registry.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../shared/policy/store/registry.ts')>();
  return { ...actual, policies: actual.policyRegistry({ shippedOnly: true }) };
});

const dynamo = mockClient(DynamoDBDocumentClient);
const context = lambdaContext();
process.env.LOG_LEVEL = 'SILENT';
beforeEach(() => {
  process.env.TABLE_ALERTS = 'alerts-table';
  process.env.TABLE_POLICIES = 'policies-table';
  process.env.TABLE_OUTBOX = 'outbox';
  process.env.EVENT_BUS_NAME = 'test-bus';
  dynamo.reset();
});
afterAll(() => dynamo.restore());

const op = (o: Partial<CounterOp>): CounterOp => ({ pk: 'PROVIDER#H1', sk: 'RISK#2026', add: {}, set: {}, ...o });
const tx = (claimPk: string, ...ops: CounterOp[]): EventTx => ({
  claimPk,
  parts: [
    {
      role: 'marker',
      item: { Put: { TableName: 't', Item: { pk: claimPk, sk: 'EVENT#e' }, ConditionExpression: 'attribute_not_exists(pk)' } },
    },
    ...ops.map((o) => ({ role: 'counter', op: o })),
  ],
  events: [],
});

describe('a batch transaction', () => {
  it('sums what two claims add to one item, keeps the later value of what both set, and checks the alert once either raises', () => {
    const a = op({ add: { claims: 1, scoreSum: 40 }, set: { riskScore: 10, level: 'secondary' } });
    const b = op({
      add: { claims: 1, scoreSum: 25, flaggedClaims: 1 },
      set: { riskScore: 35, level: undefined, alertId: 'A-1' },
      noAlert: true,
    });
    expect(mergeOps(a, b)).toEqual({
      pk: 'PROVIDER#H1',
      sk: 'RISK#2026',
      add: { claims: 2, scoreSum: 65, flaggedClaims: 1 },
      // An attribute the later claim leaves as it is keeps the earlier one's value.
      set: { riskScore: 35, level: 'secondary', alertId: 'A-1' },
      noAlert: true,
    });
    // A grouped case re-judging a provider its own claim created needs the item only if it came first.
    expect(mergeOps(op({ mustExist: true }), op({})).mustExist).toBe(true);
    expect(mergeOps(op({}), op({ mustExist: true })).mustExist).toBeUndefined();
  });

  it('renders each claim once and each shared counter once, where it first appears; one claim alone as it always was', () => {
    const month = (n: number) => op({ pk: 'PEERS#330900#secondary', sk: 'STATS#2026-03', add: { claims: n, groupedCases: 0 } });
    const { items, roles } = renderTransaction([tx('CLAIM#H1#C-1', month(1)), tx('CLAIM#H2#C-2', month(1))]);
    expect(roles).toEqual(['marker', 'counter', 'marker']);
    expect(items[1]!.Update).toEqual({
      TableName: 'alerts-table',
      Key: { pk: 'PEERS#330900#secondary', sk: 'STATS#2026-03' },
      UpdateExpression: 'ADD #c0 :c0, #c1 :c1',
      ExpressionAttributeNames: { '#c0': 'claims', '#c1': 'groupedCases' },
      ExpressionAttributeValues: { ':c0': 2, ':c1': 0 },
    });
    const alone = renderTransaction([tx('CLAIM#H1#C-1', op({ add: { claims: 1 }, set: { alertId: 'A-1' }, noAlert: true }))]);
    expect(alone.items[1]!.Update).toMatchObject({
      UpdateExpression: 'ADD #c0 :c0 SET #s0 = :s0',
      ConditionExpression: 'attribute_not_exists(alertId)',
      ExpressionAttributeValues: { ':c0': 1, ':s0': 'A-1' },
    });
  });
});

const settled = (claimNo: string, memberId: string) => ({
  version: '0',
  id: `evt-${claimNo}`,
  'detail-type': 'ClaimSettled',
  source: 'yibao.adjudication',
  account: '0',
  time: '2026-03-10T08:00:00Z',
  region: 'cn-north-1',
  resources: [],
  detail: {
    claim: { providerCode: 'H0001', claimNo },
    memberId,
    region: '330900',
    visit: { type: 'outpatient', serviceDate: '2026-03-10' },
    totals: { billedFen: 2_000, fundPaidFen: 1_400, patientPaidFen: 600 },
    meta: { schemaVersion: 1, correlationId: `c-${claimNo}` },
  },
});
const record = (body: unknown, i: number): SQSRecord => sqsRecord(`m-${i}`, body, 'yibao-fraudScoring');

describe('a batch transaction refused', () => {
  it("scores the batch's claims again one by one from the table, and reports only the one that still fails", async () => {
    // An empty table: no claim scored, no history, no counters.
    dynamo.on(BatchGetCommand).resolves({ Responses: {} });
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(GetCommand).resolves({});
    dynamo.on(BatchWriteCommand).resolves({});
    const sent: TransactWriteCommandInput[] = [];
    dynamo.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => {
      sent.push(input);
      const claims = (input.TransactItems ?? []).filter((i) => String(i.Put?.Item?.sk ?? '').startsWith('EVENT#')).length;
      // The batch's one transaction loses a race with another container.
      if (sent.length === 1)
        throw new TransactionCanceledException({
          message: 'cancelled',
          $metadata: {},
          CancellationReasons: (input.TransactItems ?? []).map((_, i) => ({ Code: i === 3 ? 'TransactionConflict' : 'None' })),
        });
      expect(claims).toBe(1);
      // Alone, the second claim's transaction is refused for good (throttled past its retries).
      if (JSON.stringify(input).includes('C-2')) throw new Error('ThrottlingException: rate of requests exceeds the allowed throughput');
      return {};
    });
    const { handler } = await import('../../functions/fraud-scoring/handler.ts');
    const result = await handler({ Records: [record(settled('C-1', 'M-1'), 1), record(settled('C-2', 'M-2'), 2)] } as SQSEvent, context);
    // The first transaction held both claims; then each alone.
    const markers = sent.map((input) =>
      (input.TransactItems ?? []).map((i) => String(i.Put?.Item?.sk ?? '')).filter((sk) => sk.startsWith('EVENT#')),
    );
    expect(markers).toEqual([['EVENT#evt-C-1', 'EVENT#evt-C-2'], ['EVENT#evt-C-1'], ['EVENT#evt-C-2']]);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-2' }]);
  });
});
