/**
 * The paymentFacts consumer handles a batch's records at once:
 *  - the batch's first settlements go together, one BatchGetItem and one transaction for all of them,
 *    each claim's marker and case checks its own, the totals they share added once (issue 17);
 *  - every message projected alone (a transaction refused, a reversal, a case) goes one after the
 *    other with the other facts of its provider (they all move the same provider-month totals): ten
 *    claims of one provider no longer race on the totals until some run out of attempts and wait out
 *    the queue's 30-minute visibility timeout. Facts of different providers still run side by side.
 * The SDK is mocked at its edge; each transaction takes a moment, and the test watches how many of
 * one provider's transactions are in flight together.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSRecord } from 'aws-lambda';
import { claimSettledEnvelope, sqsRecord } from '../support/sqs-records.ts';
import { lambdaContext } from '../support/lambda-context.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const context = lambdaContext();
process.env.LOG_LEVEL = 'SILENT';

beforeEach(() => {
  process.env.TABLE_PROVIDERS = 'providers-table';
  process.env.EVENT_BUS_NAME = 'test-bus';
  dynamo.reset();
  dynamo.on(BatchGetCommand).resolves({ Responses: { 'providers-table': [] } });
  dynamo.on(GetCommand).resolves({});
  dynamo.on(QueryCommand).resolves({ Items: [] });
});
afterEach(() => dynamo.reset());

const settled = (providerCode: string, claimNo: string, id: string): SQSRecord =>
  sqsRecord(
    id,
    claimSettledEnvelope(`e-${id}`, {
      claim: { providerCode, claimNo },
      memberId: 'M-1',
      region: '330900',
      visit: { type: 'outpatient', serviceDate: '2026-05-01' },
      patient: { sex: 'F', ageYears: 40 },
      diagnoses: { principal: 'J06.900', secondary: [] },
      totals: { billedFen: 10_000, fundPaidFen: 7_000, patientPaidFen: 3_000 },
      meta: { schemaVersion: 1, correlationId: `corr-${id}` },
    }),
    'yibao-paymentFacts',
  );

type Update = { Key: { pk: string; sk: string }; ExpressionAttributeValues: Record<string, unknown> };
type Item = { Put?: { Item: { pk: string; claimNo: string } }; ConditionCheck?: unknown; Update?: Update };

const records = () => [
  ...Array.from({ length: 6 }, (_, i) => settled('ZS0001', `A-${i}`, `a${i}`)),
  ...Array.from({ length: 4 }, (_, i) => settled('ZS0002', `B-${i}`, `b${i}`)),
];
const loadHandler = async () =>
  (
    (await import('../../functions/prepayment/facts-handler.ts')) as {
      handler: (event: unknown, context: Context) => Promise<{ batchItemFailures: unknown[] }>;
    }
  ).handler;

describe('a batch of payment facts', () => {
  it('projects its first settlements together: one read, one transaction, shared totals added once', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const out = await (await loadHandler())({ Records: records() }, context);
    expect(out.batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(1);
    const transactions = dynamo.commandCalls(TransactWriteCommand);
    expect(transactions).toHaveLength(1);
    const items = transactions[0]!.args[0].input.TransactItems as Item[];
    // Each claim: its marker, and its DRG and DIP cases checked absent.
    expect(items.filter((i) => i.Put).map((i) => i.Put!.Item.claimNo)).toEqual([
      ...Array.from({ length: 6 }, (_, i) => `A-${i}`),
      ...Array.from({ length: 4 }, (_, i) => `B-${i}`),
    ]);
    expect(items.filter((i) => i.ConditionCheck)).toHaveLength(20);
    // Each item once (DynamoDB refuses a transaction naming one twice), with the claims' sums.
    const updates = items.filter((i) => i.Update).map((i) => i.Update!);
    const keys = updates.map((u) => `${u.Key.pk}|${u.Key.sk}`);
    expect(new Set(keys).size).toBe(keys.length);
    const totals = (provider: string) => updates.filter((u) => u.ExpressionAttributeValues[':code'] === provider);
    expect(totals('ZS0001').map((u) => [u.ExpressionAttributeValues[':period'], u.ExpressionAttributeValues[':claims']])).toEqual([
      ['2026-05', 6],
      ['2026', 6],
    ]);
    expect(totals('ZS0002').map((u) => u.ExpressionAttributeValues[':fundPaidFen'])).toEqual([28_000, 28_000]);
    const fund = updates.filter((u) => u.Key.pk.startsWith('FUND#'));
    expect(fund.map((u) => [u.ExpressionAttributeValues[':n'], u.ExpressionAttributeValues[':l0']])).toEqual([[10, 70_000]]);
  });

  it("projects each message alone when the batch's read fails, and fails none of them for it", async () => {
    let reads = 0;
    dynamo.on(BatchGetCommand).callsFake(async () => {
      // The batch's one read meets a fault of the service: nothing was written, so each message goes alone.
      if (reads++ === 0)
        throw Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ThrottlingException', $fault: 'server' });
      return { Responses: { 'providers-table': [] } };
    });
    dynamo.on(TransactWriteCommand).resolves({});
    const out = await (await loadHandler())({ Records: records() }, context);
    expect(out.batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(11);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(10);
  });

  it("projects alone when the batch's transaction is refused: one provider's facts one at a time, different providers' side by side", async () => {
    const inFlight = new Map<string, number>();
    const most = new Map<string, number>();
    let together = 0;
    let mostTogether = 0;
    let first = true;
    dynamo.on(TransactWriteCommand).callsFake(async (input: { TransactItems: unknown[] }) => {
      if (first) {
        // A redelivered claim's marker appeared since the read: nothing of the batch's transaction was written.
        first = false;
        throw new TransactionCanceledException({
          message: 'Transaction cancelled [ConditionalCheckFailed]',
          $metadata: {},
          CancellationReasons: [{ Code: 'ConditionalCheckFailed' }],
        });
      }
      const provider = /"(ZS000[12])"/.exec(JSON.stringify(input.TransactItems))?.[1] ?? '?';
      inFlight.set(provider, (inFlight.get(provider) ?? 0) + 1);
      most.set(provider, Math.max(most.get(provider) ?? 0, inFlight.get(provider)!));
      mostTogether = Math.max(mostTogether, ++together);
      await new Promise((resolve) => setTimeout(resolve, 15));
      inFlight.set(provider, inFlight.get(provider)! - 1);
      together--;
      return {};
    });
    const out = await (await loadHandler())({ Records: records() }, context);
    expect(out.batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(11);
    expect(most.get('ZS0001')).toBe(1);
    expect(most.get('ZS0002')).toBe(1);
    expect(mostTogether).toBe(2);
  });
});
