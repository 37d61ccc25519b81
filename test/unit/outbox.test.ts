/**
 * The transactional outbox's edges (shared/events/outbox.ts): which shard a key lands in, a bus that
 * takes some entries of a call and refuses others, an off-contract event never stored, and the relay's
 * grace period. The round trip through the real emulators is in test/integration/settlement.test.ts.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PingReceived } from '../../events/platform.ts';
import {
  OUTBOX_SHARDS,
  type OutboxEntry,
  deliver,
  outboxEntry,
  outboxEntryOf,
  outboxPut,
  relayOutbox,
  shardOf,
} from '../../shared/events/outbox.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const bus = mockClient(EventBridgeClient);
beforeEach(() => {
  Object.assign(process.env, { TABLE_OUTBOX: 'outbox', EVENT_BUS_NAME: 'bus' });
  dynamo.reset();
  bus.reset();
});
afterAll(() => {
  dynamo.restore();
  bus.restore();
});

const entry = (n: number) =>
  outboxEntry(PingReceived, { role: 'staff', message: `m-${n}` }, 'corr-1', `ping/${n}`, '2026-11-24T01:00:00.000Z');

describe('the outbox', () => {
  it('puts every key in one of its shards, always the same one', () => {
    fc.assert(
      fc.property(fc.string(), (key) => {
        const shard = shardOf(key);
        return Number.isInteger(shard) && shard >= 0 && shard < OUTBOX_SHARDS && shardOf(key) === shard;
      }),
    );
  });

  it('validates an event when it is made, so nothing off-contract is ever stored to send', () => {
    expect(() => outboxEntry(PingReceived, { role: 'nobody' } as never, 'corr-1', 'ping/x', '2026-11-24T01:00:00.000Z')).toThrow();
    expect(outboxPut(entry(1)).Put).toMatchObject({
      TableName: 'outbox',
      Item: { pk: `OUTBOX#${shardOf('ping/1')}`, sk: 'ping/1', detailType: 'PingReceived' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('publishes ten entries a call, deletes those the bus took and leaves those it refused', async () => {
    bus.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: input.Entries.length === 10 ? 1 : 0,
      // The bus refuses the fourth entry of the first call.
      Entries: input.Entries.map((_, i) =>
        input.Entries.length === 10 && i === 3 ? { ErrorCode: 'ThrottlingException' } : { EventId: `e-${i}` },
      ),
    }));
    dynamo.on(BatchWriteCommand).resolves({});
    const result = await deliver(Array.from({ length: 12 }, (_, i) => entry(i)));
    expect(bus.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!.length)).toEqual([10, 2]);
    expect(result.waiting).toEqual(['ping/3']);
    expect(result.delivered).toHaveLength(11);
    const deleted = dynamo
      .commandCalls(BatchWriteCommand)
      .flatMap((c) => c.args[0].input.RequestItems!.outbox!.map((r) => r.DeleteRequest!.Key!.sk));
    expect(deleted.sort()).toEqual(result.delivered.sort());
    expect(deleted).not.toContain('ping/3');
  });

  // An entry as the outbox keeps it; what a detail says is its contract's business, not the store's.
  const withDetail = (key: string, detail: unknown, createdAt = '2026-11-24T01:00:00.000Z'): OutboxEntry => ({
    key,
    source: 'yibao.test',
    detailType: 'Stored',
    detail: JSON.stringify(detail),
    createdAt,
  });

  it('stores a long detail gzipped and a short one as it is, and reads either back exactly as made', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 1, max: 12 }), (text, times) => {
        const made = withDetail('stored/p', { text: text.repeat(times) });
        const item = outboxPut(made).Put!.Item!;
        const long = Buffer.byteLength(made.detail) > 800;
        expect('detailGz' in item).toBe(long);
        expect('detail' in item).toBe(!long);
        expect(outboxEntryOf(item)).toEqual(made);
      }),
      { numRuns: 200 },
    );
  });

  it('stores a settled claim’s kind of detail (lines of codes and names) in under half its bytes', () => {
    const lines = Array.from({ length: 30 }, (_, i) => ({
      code: `XB01BAC${String(i).padStart(3, '0')}`,
      name: '注射用头孢曲松钠',
      quantity: 2,
      amountFen: 1000 + i,
    }));
    const made = withDetail('claim/H1/C1/1/ClaimSettled', { lines });
    const stored = outboxPut(made).Put!.Item!.detailGz as Uint8Array;
    expect(stored.byteLength).toBeLessThan(Buffer.byteLength(made.detail) / 2);
  });

  it('relays what waited gzipped with the detail it was made with', async () => {
    const made = withDetail('stored/long', { text: '住院'.repeat(400) }, '2026-11-24T00:00:00.000Z');
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `OUTBOX#${shardOf('stored/long')}`, ':cutoff': '2026-11-24T01:00:00.000Z' } })
      .resolves({ Items: [outboxPut(made).Put!.Item!] });
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    dynamo.on(BatchWriteCommand).resolves({});
    expect(await relayOutbox(new Date('2026-11-24T01:00:30.000Z'), 30_000)).toEqual({ found: 1, delivered: 1, waiting: 0 });
    expect(bus.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!.Detail).toBe(made.detail);
  });

  it('relays only what has waited longer than the grace period, from every shard', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    expect(await relayOutbox(new Date('2026-11-24T01:00:30.000Z'), 30_000)).toEqual({ found: 0, delivered: 0, waiting: 0 });
    const queries = dynamo.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queries.map((q) => q.ExpressionAttributeValues![':pk']).sort()).toEqual(
      Array.from({ length: OUTBOX_SHARDS }, (_, i) => `OUTBOX#${i}`).sort(),
    );
    expect(new Set(queries.map((q) => q.ExpressionAttributeValues![':cutoff']))).toEqual(new Set(['2026-11-24T01:00:00.000Z']));
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
