/**
 * What a settled claim keeps so it can be settled again (policy simulation): the member, the provider
 * and the catalogue entries the engine read, packed beside the bill, and the region-year index key.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { commitSettlement, fromItem, type ClaimRecord, type LedgerEntry } from '../../shared/settlement/store/claims.ts';
import { settle } from '../../shared/settlement/engine.ts';
import { exampleBill, exampleLine, exampleMember, exampleProvider } from '../../shared/settlement/examples.ts';
import { partitionOf } from '../../shared/simulation/partition.ts';
import { shippedPolicy } from '../../shared/policy/benefits.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
beforeEach(() => {
  Object.assign(process.env, { TABLE_CLAIMS: 'claims', TABLE_ACCUMULATORS: 'accumulators', TABLE_OUTBOX: 'outbox', LOG_LEVEL: 'SILENT' });
  dynamo.reset();
});
afterEach(() => dynamo.reset());

describe('a settled claim keeps the inputs to settle it again', () => {
  it('packs member, provider and catalogue beside the bill, and the index key of its region, scheme and year', async () => {
    const bill = exampleBill([exampleLine(1, 'A', 'drug', 200)], { visit: { type: 'outpatient', serviceDate: '2023-11-01' } });
    const member = { ...exampleMember(), groups: ['retired'], householdId: 'HH1' };
    const provider = exampleProvider('primary');
    const statement = settle({ bill, member, provider, yearToDate: {}, policy: shippedPolicy('zhoushan-resident', 2023) });
    const record: ClaimRecord = {
      providerCode: bill.providerCode,
      claimNo: bill.claimNo,
      memberId: member.memberId,
      region: '330900',
      scheme: 'resident',
      year: 2023,
      status: 'settled',
      settlementNo: 1,
      billHash: 'h',
      bill,
      statement,
      inputs: { member, provider, catalogue: { byDate: {} } },
      settledAt: '2023-11-01T08:00:00.000Z',
      settledBy: 'his',
    };
    const entry: LedgerEntry = {
      settlementNo: 1,
      kind: 'settlement',
      at: record.settledAt,
      by: 'his',
      memberId: member.memberId,
      year: 2023,
      amounts: { billedFen: 20_000, fundPaidFen: 0, institutionFen: 0, patientPaidFen: 20_000, byLayer: {} },
      counterDeltas: statement.yearToDate.deltas,
    };
    dynamo.on(TransactWriteCommand).resolves({});
    await commitSettlement(record, undefined, { memberId: member.memberId, year: 2023, version: 0, counters: {} }, entry);
    const item = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!.Item!;
    expect(item.inputs).toBeInstanceOf(Uint8Array);
    expect(item.gsi3pk).toBe(`REGION#330900#resident#YEAR#2023#P${String(partitionOf('H:HH1')).padStart(2, '0')}`);
    expect(item.gsi3sk).toBe(`${member.memberId}#2023-11-01T08:00:00.000Z#${bill.providerCode}#${bill.claimNo}`);
    const back = fromItem(item);
    expect(back.inputs).toEqual(record.inputs);
    expect(back.statement.totals).toEqual(statement.totals);
    // A claim settled before inputs were kept reads back without them.
    const { inputs: _none, ...older } = item;
    expect(fromItem(older).inputs).toBeUndefined();
  });
});
