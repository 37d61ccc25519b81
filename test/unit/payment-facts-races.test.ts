/**
 * The paymentFacts projection tries a lost race again in the function, against the state it then
 * reads, instead of handing the message back to SQS: a redelivery waits out paymentFacts' 30-minute
 * visibility timeout, which held a month's prepayment (and the demo year) behind one busy provider.
 * The SDK is mocked at its edge: the race is a TransactWriteItems cancelled by TransactionConflict
 * (another transaction held the month's totals), or a claim marker moved between read and write.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { applyClaimSettled, PROJECTION_ATTEMPTS, ProjectionRaced } from '../../shared/budget/store/facts.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
beforeEach(() => {
  process.env.TABLE_PROVIDERS = 'providers-table';
  dynamo.reset();
  dynamo.on(BatchGetCommand).resolves({ Responses: { 'providers-table': [] } });
});
afterEach(() => dynamo.reset());

const cancelled = (code: string) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${code}]`,
    $metadata: {},
    CancellationReasons: [{ Code: code }],
  });

const fact = {
  providerCode: 'ZS0001',
  claimNo: 'MZ2026-000001',
  month: '2026-03',
  fundPaidFen: 12_345,
  inpatient: false,
  stay: false,
  communityId: null,
  settledAt: '2026-03-05T02:00:00.000Z',
};

describe('a payment fact that lost a race', () => {
  it('is applied in the function after two transaction conflicts: three transactions, no error for SQS', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('TransactionConflict'))
      .rejectsOnce(cancelled('TransactionConflict'))
      .resolves({});
    await expect(applyClaimSettled(fact, '2026-03-05T02:00:01.000Z')).resolves.toBe('applied');
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it('whose claim marker moved is read again and tried again; a duplicate that won meanwhile is done', async () => {
    // First attempt: the marker is absent, the write finds it there (another delivery put it); the
    // re-read shows a different settlement, so it races; the second attempt reads the marker as settled.
    let reads = 0;
    dynamo.on(BatchGetCommand).callsFake(() => {
      reads++;
      const marker = { state: 'settled', seq: 1, settledAt: fact.settledAt };
      return { Responses: { 'providers-table': reads === 1 ? [] : [{ ...marker, ...keyOf() }] } };
    });
    dynamo.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed'));
    dynamo.on(GetCommand).resolves({ Item: { state: 'reversed', seq: 2, settledAt: '2026-03-01T00:00:00.000Z' } });
    await expect(applyClaimSettled(fact, '2026-03-05T02:00:01.000Z')).resolves.toBe('already-applied');
    expect(reads).toBe(2);
  });

  it('gives up after its attempts with the race named, for SQS to redeliver', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('TransactionConflict'));
    await expect(applyClaimSettled(fact, '2026-03-05T02:00:01.000Z')).rejects.toThrow(TransactionCanceledException);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(PROJECTION_ATTEMPTS);
    dynamo.reset();
    dynamo.on(BatchGetCommand).resolves({ Responses: { 'providers-table': [] } });
    dynamo.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed'));
    dynamo.on(GetCommand).resolves({ Item: { state: 'reversed', seq: 2, settledAt: '2026-03-01T00:00:00.000Z' } });
    await expect(applyClaimSettled(fact, '2026-03-05T02:00:01.000Z')).rejects.toThrow(ProjectionRaced);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(PROJECTION_ATTEMPTS);
  });
});

/** The claim marker's key as the store writes it (read back from the batch by pk|sk). */
function keyOf() {
  return { pk: `FACT#CLAIM#${fact.providerCode}#${fact.claimNo}`, sk: 'FACT' };
}
