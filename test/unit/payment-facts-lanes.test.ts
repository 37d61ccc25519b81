/**
 * The paymentFacts consumer handles a batch's records at once, but the facts of one provider go one
 * after the other (they all move the same provider-month totals): ten claims of one provider in a
 * batch no longer race on the totals' version until some run out of attempts and wait out the queue's
 * 30-minute visibility timeout. Facts of different providers still run side by side.
 * The SDK is mocked at its edge; each transaction takes a moment, and the test watches how many of
 * one provider's transactions are in flight together.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
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

describe('a batch of payment facts', () => {
  it("projects one provider's facts one at a time and different providers' side by side", async () => {
    const inFlight = new Map<string, number>();
    const most = new Map<string, number>();
    let together = 0;
    let mostTogether = 0;
    dynamo.on(TransactWriteCommand).callsFake(async (input: { TransactItems: unknown[] }) => {
      const provider = /"(ZS000[12])"/.exec(JSON.stringify(input.TransactItems))?.[1] ?? '?';
      inFlight.set(provider, (inFlight.get(provider) ?? 0) + 1);
      most.set(provider, Math.max(most.get(provider) ?? 0, inFlight.get(provider)!));
      mostTogether = Math.max(mostTogether, ++together);
      await new Promise((resolve) => setTimeout(resolve, 15));
      inFlight.set(provider, inFlight.get(provider)! - 1);
      together--;
      return {};
    });
    const { handler } = (await import('../../functions/prepayment/facts-handler.ts')) as {
      handler: (event: unknown, context: Context) => Promise<{ batchItemFailures: unknown[] }>;
    };
    const records = [
      ...Array.from({ length: 6 }, (_, i) => settled('ZS0001', `A-${i}`, `a${i}`)),
      ...Array.from({ length: 4 }, (_, i) => settled('ZS0002', `B-${i}`, `b${i}`)),
    ];
    const out = await handler({ Records: records }, context);
    expect(out.batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(10);
    expect(most.get('ZS0001')).toBe(1);
    expect(most.get('ZS0002')).toBe(1);
    expect(mostTogether).toBe(2);
  });
});
