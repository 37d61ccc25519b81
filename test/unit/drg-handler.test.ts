/**
 * The DRG consumer's edges that the local cloud will not readily produce: a first attempt that
 * stopped between recording a case (with its event, in the outbox) and delivering it, a concurrent
 * delivery winning the race, a region or year without a policy. aws-sdk-client-mock stands in for
 * DynamoDB and EventBridge.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { SQSRecord } from 'aws-lambda';
import { caseGroupedEvent } from '../../functions/drg-grouping/record-case.ts';
import { shardOf } from '../../shared/events/outbox.ts';
import type { CaseItem } from '../../shared/drg/store/case.ts';
import { claimSettledEnvelope, sqsRecord } from '../support/sqs-records.ts';
import { lambdaContext } from '../support/lambda-context.ts';

// The policies table is an edge too: these tests read the shipped policies only (no table).
vi.mock('../../shared/policy/store/registry.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../shared/policy/store/registry.ts')>();
  return { ...actual, policies: actual.policyRegistry({ shippedOnly: true }) };
});

const dynamo = mockClient(DynamoDBDocumentClient);
const events = mockClient(EventBridgeClient);
const context = lambdaContext();

process.env.LOG_LEVEL = 'SILENT';
beforeEach(() => {
  process.env.TABLE_DRG_CASES = 'drg-cases';
  process.env.TABLE_OUTBOX = 'outbox';
  process.env.EVENT_BUS_NAME = 'test-bus';
  dynamo.reset();
  events.reset();
  // Nothing waits in the outbox unless a test says so.
  dynamo.on(GetCommand).resolves({});
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'ev-1' }] });
});
afterEach(() => {
  dynamo.reset();
  events.reset();
});

const claim = (over: Record<string, unknown> = {}) => ({
  claim: { providerCode: 'ZS0001', claimNo: 'C-1' },
  memberId: 'M-1',
  region: '330900',
  visit: { type: 'inpatient', serviceDate: '2026-05-01', admissionDate: '2026-05-01', dischargeDate: '2026-05-06' },
  patient: { sex: 'F', ageYears: 40 },
  diagnoses: { principal: 'J18.900', secondary: [] },
  totals: { billedFen: 500_000, fundPaidFen: 400_000, patientPaidFen: 100_000 },
  meta: { schemaVersion: 1, correlationId: 'corr-1' },
  ...over,
});
const record = (detail: unknown, id = 'm-1'): SQSRecord => sqsRecord(id, claimSettledEnvelope(`e-${id}`, detail), 'yibao-drgGrouping');

const storedCase = (published: boolean) => ({
  pk: 'PROVIDER#ZS0001#YEAR#2026',
  sk: 'CASE#C-1',
  kind: 'case',
  claim: { providerCode: 'ZS0001', claimNo: 'C-1' },
  memberId: 'M-1',
  region: '330900',
  year: 2026,
  admissionDate: '2026-05-01',
  dischargeDate: '2026-05-06',
  grouping: { version: '1.1', mdc: 'MDCE', adrg: 'ES3', drg: 'ES35', ccLevel: 'none', outcome: 'grouped', trace: [] },
  points: {
    pricing: 'drg',
    weight: 3_754,
    baseCentipoints: 3_754,
    coefficient: 10_500,
    averageCaseCostFen: 1_000_000,
    groupAverageCostFen: 375_400,
    addOns: [],
    centipoints: 3_942,
    review: false,
  },
  workings: [],
  centipoints: 3_942,
  drgPaid: true,
  policy: { region: '330900', year: 2026, version: 1 },
  readmissionCuts: [],
  recordedAt: '2026-05-06T10:00:01Z',
  ...(published ? { caseGroupedEventId: 'ev-0' } : {}),
});

describe('DRG consumer', () => {
  it('changes nothing for a case already recorded and published', async () => {
    const { handler } = await import('../../functions/drg-grouping/consumer-handler.ts');
    dynamo.on(GetCommand, { TableName: 'drg-cases' }).resolves({ Item: storedCase(true) });
    const out = (await handler({ Records: [record(claim())] }, context)) as { batchItemFailures: unknown[] };
    expect(out.batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('delivers, from the outbox, the CaseGrouped of a case recorded by an attempt that stopped before delivering it', async () => {
    const { handler } = await import('../../functions/drg-grouping/consumer-handler.ts');
    const stored = storedCase(true);
    const waiting = caseGroupedEvent(stored as unknown as CaseItem, 'corr-1');
    dynamo.on(GetCommand, { TableName: 'drg-cases' }).resolves({ Item: stored });
    dynamo
      .on(GetCommand, { TableName: 'outbox' })
      .resolves({ Item: { pk: `OUTBOX#${shardOf(waiting.key)}`, sk: waiting.key, ...waiting } });
    dynamo.on(BatchWriteCommand).resolves({});
    await handler({ Records: [record(claim())] }, context);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(waiting.key).toBe('drg/ZS0001/2026/C-1/CaseGrouped');
    const detail = JSON.parse(events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!.Detail!);
    expect(detail).toMatchObject({
      grouping: { drg: 'ES35' },
      points: { centipoints: 3_942 },
      eventId: waiting.key,
      meta: { correlationId: 'corr-1' },
    });
    // Delivered: the entry is deleted (the one way an event is marked published); the case is not touched.
    expect(dynamo.commandCalls(BatchWriteCommand)[0]!.args[0].input.RequestItems).toEqual({
      outbox: [{ DeleteRequest: { Key: { pk: `OUTBOX#${shardOf(waiting.key)}`, sk: waiting.key } } }],
    });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('records a new case with a conditional put and publishes once; leaves publishing to a delivery that won the race', async () => {
    const { handler } = await import('../../functions/drg-grouping/consumer-handler.ts');
    dynamo.on(GetCommand).resolves({});
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(TransactWriteCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({});
    await handler({ Records: [record(claim())] }, context);
    const put = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!;
    expect(put).toMatchObject({
      TableName: 'drg-cases',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: 'PROVIDER#ZS0001#YEAR#2026', sk: 'CASE#C-1', gsi2pk: 'MEMBER#M-1#DRG#ES35' },
    });
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(1);

    dynamo.reset();
    events.reset();
    dynamo.on(GetCommand).resolves({});
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }],
      }),
    );
    const out = (await handler({ Records: [record(claim())] }, context)) as { batchItemFailures: unknown[] };
    expect(out.batchItemFailures).toEqual([]);
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('fails the message (to be retried, then dead-lettered) when a region paying by DRG has no policy for the year', async () => {
    const { handler } = await import('../../functions/drg-grouping/consumer-handler.ts');
    // Zhoushan pays by DRG from 2026 (its first policy); a 2027 case finds that year's policy missing.
    const later = claim({
      visit: { type: 'inpatient', serviceDate: '2027-05-01', admissionDate: '2027-05-01', dischargeDate: '2027-05-06' },
    });
    const out = (await handler({ Records: [record(later, 'm-9')] }, context)) as { batchItemFailures: { itemIdentifier: string }[] };
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm-9' }]);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('leaves alone a case from a region, or a year, not paid by DRG: nothing recorded, nothing published, nothing failed', async () => {
    const { handler } = await import('../../functions/drg-grouping/consumer-handler.ts');
    const earlier = claim({
      visit: { type: 'inpatient', serviceDate: '2025-05-01', admissionDate: '2025-05-01', dischargeDate: '2025-05-06' },
    });
    const out = (await handler({ Records: [record(claim({ region: '110000' }), 'm-7'), record(earlier, 'm-8')] }, context)) as {
      batchItemFailures: unknown[];
    };
    expect(out.batchItemFailures).toEqual([]);
    expect(dynamo.calls()).toHaveLength(0);
    expect(events.calls()).toHaveLength(0);
  });
});

describe('which cases DRG pays', () => {
  it("pays from a region's first policy on; before it, or without one, nothing; a year missing after it is a gap", async () => {
    const { drgPaymentFor } = await import('../../shared/policy/drg.ts');
    expect(drgPaymentFor('330900', 2026)).toMatchObject({ kind: 'drg', policy: { region: '330900', year: 2026 } });
    expect(drgPaymentFor('330900', 2025)).toEqual({ kind: 'not-drg-paid' });
    expect(drgPaymentFor('532500', 2025)).toEqual({ kind: 'not-drg-paid' });
    expect(drgPaymentFor('330900', 2027)).toEqual({ kind: 'policy-missing', since: 2026 });
  });
});
