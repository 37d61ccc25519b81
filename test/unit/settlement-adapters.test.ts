/**
 * The edges of settlement's adapters that the emulators will not readily produce: the bus refusing
 * an event after the state and its outbox entry are committed, DynamoDB cancelling a transaction for each reason, and
 * the register's member in each state. aws-sdk-client-mock stands in for the SDK here only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { publishPending } from '../../functions/adjudication/publish-pending.ts';
import { claimSettledEvent } from '../../shared/settlement/store/claim-events.ts';
import { shardOf } from '../../shared/events/outbox.ts';
import { applyDeltas, commitSettlement, type ClaimRecord, type LedgerEntry } from '../../shared/settlement/store/claims.ts';
import { settle } from '../../shared/settlement/engine.ts';
import { exampleBill, exampleLine, exampleMember, exampleProvider } from '../../shared/settlement/examples.ts';
import { settlementMemberFrom } from '../../shared/settlement/store/member-source.ts';
import { shippedPolicy } from '../../shared/policy/benefits.ts';
import type { MemberState as RegisterState } from '../../shared/enrolment/store/member-state.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const bus = mockClient(EventBridgeClient);

beforeEach(() => {
  Object.assign(process.env, {
    TABLE_CLAIMS: 'claims',
    TABLE_ACCUMULATORS: 'accumulators',
    TABLE_OUTBOX: 'outbox',
    EVENT_BUS_NAME: 'bus',
    LOG_LEVEL: 'SILENT',
  });
  dynamo.reset();
  bus.reset();
});
afterEach(() => {
  dynamo.reset();
  bus.reset();
});

const bill = exampleBill([exampleLine(1, 'A', 'drug', 200)], { visit: { type: 'outpatient', serviceDate: '2023-11-01' } });
const statement = settle({
  bill,
  member: exampleMember(),
  provider: exampleProvider('primary'),
  yearToDate: {},
  policy: shippedPolicy('zhoushan-resident', 2023),
});
const settledPayload = {
  claim: { providerCode: 'H33090200001', claimNo: 'C-0001' },
  memberId: 'M0001',
  region: '330900',
  visit: { type: 'outpatient' as const, serviceDate: '2023-11-01' },
  totals: { billedFen: 20_000, fundPaidFen: 12_400, patientPaidFen: 7_600 },
};
const plainRecord = (): ClaimRecord => ({
  providerCode: 'H33090200001',
  claimNo: 'C-0001',
  memberId: 'M0001',
  region: '330900',
  scheme: 'resident',
  year: 2023,
  status: 'settled',
  settlementNo: 1,
  billHash: 'h',
  bill,
  statement,
  settledAt: '2023-11-01T08:00:00.000Z',
  settledBy: 'his',
});
const record = (): ClaimRecord => {
  const r = plainRecord();
  r.pendingEvent = claimSettledEvent(r, settledPayload, 'corr-1', r.settledAt);
  return r;
};
const KEY = 'claim/H33090200001/C-0001/1/ClaimSettled';
const warnings: string[] = [];
const logger = { warn: (message: string) => warnings.push(message) } as unknown as Logger;
const entry: LedgerEntry = {
  settlementNo: 1,
  kind: 'settlement',
  at: '2023-11-01T08:00:00.000Z',
  by: 'his',
  memberId: 'M0001',
  year: 2023,
  amounts: { billedFen: 20_000, fundPaidFen: 12_400, institutionFen: 0, patientPaidFen: 7_600, byLayer: {} },
  counterDeltas: statement.yearToDate.deltas,
};

describe('publishing after commit', () => {
  it('puts the committed event on the bus, then takes it out of the outbox', async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    dynamo.on(BatchWriteCommand).resolves({});
    const r = record();
    await publishPending(r, logger);
    expect(JSON.parse(bus.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!.Detail!)).toMatchObject({
      claim: { claimNo: 'C-0001' },
      meta: { correlationId: 'corr-1' },
    });
    expect(dynamo.commandCalls(BatchWriteCommand)[0]!.args[0].input.RequestItems).toEqual({
      outbox: [{ DeleteRequest: { Key: { pk: `OUTBOX#${shardOf(KEY)}`, sk: KEY } } }],
    });
    expect(r.pendingEvent).toBeUndefined();
  });

  it('answers anyway and leaves the event in the outbox for the relay when the bus refuses it', async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    warnings.length = 0;
    await expect(publishPending(record(), logger)).resolves.toBeUndefined();
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(0);
    expect(warnings).toEqual([expect.stringContaining('outbox relay')]);
    bus.reset();
    bus.on(PutEventsCommand).rejects(new Error('bus unreachable'));
    await expect(publishPending(record(), logger)).resolves.toBeUndefined();
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });

  it('on a replay, delivers the event the first attempt left waiting, and nothing when none waits', async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-2' }] });
    dynamo.on(BatchWriteCommand).resolves({});
    dynamo.on(GetCommand).resolvesOnce({ Item: record().pendingEvent }).resolvesOnce({});
    await publishPending(plainRecord(), logger);
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input.Key).toEqual({ pk: `OUTBOX#${shardOf(KEY)}`, sk: KEY });
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(1);
    await publishPending(plainRecord(), logger);
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(1);
  });
});

describe('the settling transaction', () => {
  const cancelled = (codes: string[]) =>
    new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

  it('writes claim, ledger entry, accumulator (version-checked), marker and the outbox event in one transaction', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    expect(
      await commitSettlement(record(), undefined, { memberId: 'M0001', year: 2023, version: 7, counters: { claims: 3 } }, entry),
    ).toEqual({ outcome: 'committed' });
    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.map((i) => [i.Put?.TableName, i.Put?.Item?.sk])).toEqual([
      ['claims', 'CLAIM'],
      ['claims', 'LEDGER#0001#0-SETTLEMENT'],
      ['accumulators', 'YEAR#2023'],
      ['accumulators', 'YEAR#2023#CLAIM#H33090200001#C-0001'],
      ['outbox', KEY],
    ]);
    expect(items[4]!.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { source: 'yibao.adjudication', detailType: 'ClaimSettled' },
    });
    // The event lives in the outbox only, never on the claim item.
    expect(items[0]!.Put!.Item).not.toHaveProperty('pendingEvent');
    expect(items[0]!.Put!.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(items[2]!.Put).toMatchObject({
      ConditionExpression: 'version = :v',
      ExpressionAttributeValues: { ':v': 7 },
      Item: { version: 8, counters: { claims: 4 } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('tells the caller why a transaction was cancelled: the claim, the counters (handing back the current ones), or a conflict', async () => {
    const fresh = { memberId: 'M0001', year: 2023, version: 0, counters: {} };
    const moved = cancelled(['None', 'None', 'ConditionalCheckFailed', 'None']);
    moved.CancellationReasons![2]!.Item = {
      memberId: { S: 'M0001' },
      year: { N: '2023' },
      version: { N: '9' },
      counters: { M: { claims: { N: '4' }, 'basic.paid': { N: '1200' } } },
    };
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['ConditionalCheckFailed', 'None', 'ConditionalCheckFailed', 'None']))
      .rejectsOnce(moved)
      .rejectsOnce(cancelled(['None', 'TransactionConflict', 'None', 'None']));
    expect(await commitSettlement(record(), undefined, fresh, entry)).toEqual({ outcome: 'claim-moved' });
    expect(await commitSettlement(record(), undefined, fresh, entry)).toEqual({
      outcome: 'accumulator-moved',
      current: { memberId: 'M0001', year: 2023, version: 9, counters: { claims: 4, 'basic.paid': 1_200 } },
    });
    expect(await commitSettlement(record(), undefined, fresh, entry)).toEqual({ outcome: 'conflict' });
  });

  it('restores the counters exactly when a reversal subtracts the deltas a settlement added', () => {
    const before = { claims: 2, 'basic.paid': 5_000 };
    const deltas = { claims: 1, 'basic.paid': 1_240, 'basic.cap.outpatient': 1_240 };
    expect(applyDeltas(applyDeltas(before, deltas, 1), deltas, -1)).toEqual({ ...before, 'basic.cap.outpatient': 0 });
  });
});

describe("the register's member, as settlement sees it", () => {
  const state = (status: 'active' | 'pending-contribution' | 'closed' | null): RegisterState => ({
    member: { memberId: 'M0001', sex: 'F', birthDate: '1960-02-02', maskedId: '3309**********1234' },
    onDate: '2023-11-01',
    enrolment:
      status === null
        ? null
        : {
            enrolmentId: 'M0001-2023-01',
            year: 2023,
            region: '330900',
            scheme: 'resident',
            status,
            validFrom: '2023-01-01',
            validTo: '2023-12-31',
          },
    categories: [{ code: 'dibao', validFrom: '2023-01-01' }],
    outOfArea: [{ kind: 'resident', region: '310000', validFrom: '2023-01-01' }],
  });

  it('takes region, scheme, categories and out-of-area registrations from the register, and the family-doctor contract from the bill', () => {
    const signed = exampleBill([exampleLine(1, 'A', 'drug', 1)], {
      visit: { type: 'outpatient', serviceDate: '2023-11-01', familyDoctorContract: true },
    });
    expect(settlementMemberFrom(state('active'), signed)).toMatchObject({
      sex: 'F',
      birthDate: '1960-02-02',
      enrolment: { region: '330900', scheme: 'resident', year: 2023 },
      categories: ['dibao'],
      outOfAreaRegions: ['310000'],
      familyDoctorContract: true,
    });
  });

  it('refuses, naming memberId, a member unknown, not enrolled, not yet covered or no longer enrolled on the date of service', () => {
    expect(() => settlementMemberFrom(undefined, bill)).toThrow(expect.objectContaining({ field: 'memberId', rule: 'not_found' }));
    for (const status of [null, 'pending-contribution', 'closed'] as const) {
      expect(() => settlementMemberFrom(state(status), bill)).toThrow(expect.objectContaining({ field: 'memberId', rule: 'not_enrolled' }));
    }
  });
});
