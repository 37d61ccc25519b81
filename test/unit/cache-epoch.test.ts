/**
 * The version check of the policy and catalogue caches (issue 17.1, shared/runtime/epoch.ts): a
 * container that sees the table's epoch with every claim reads no list of versions again until
 * something is published, and the first claim after a publish uses the new version, however young
 * its cached list was. aws-sdk-client-mock stands in for the policies table; the clock is the test's.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drgKind } from '../../shared/policy/drg.ts';
import { policyRegistry, versionSk } from '../../shared/policy/store/registry.ts';
import { EPOCH_KEY, EPOCH_TRUST_MS, epochCheck, epochOf } from '../../shared/runtime/epoch.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const table = { client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1' })), table: 'policies' };
let now = 0;
const registry = () => policyRegistry({ at: () => table, ttlMs: 5_000, clock: () => now });
const drg2027 = {
  ...(drgKind.shipped['policies/drg/330900/2026.json'] as Record<string, unknown>),
  year: 2027,
  effectiveFrom: '2027-01-01',
};
const stored = {
  pk: 'POLICY#drg#330900#2027',
  sk: versionSk('2027-01-01', 1),
  kind: 'drg',
  region: '330900',
  year: 2027,
  version: 1,
  effectiveFrom: '2027-01-01',
  publishedAt: 't',
  publishedBy: 'clerk',
  document: JSON.stringify(drg2027),
};
const key = { region: '330900', year: 2027 };

beforeEach(() => {
  dynamo.reset();
  now = 1_000_000;
});
afterEach(() => dynamo.reset());

describe('a registry told the epoch with every claim', () => {
  it('reads a list once while the epoch stays, for up to a minute, and again once it is older', async () => {
    const r = registry();
    dynamo.on(QueryCommand).resolves({ Items: [] });
    r.epoch.observe(3);
    expect(await r.inForce(drgKind, key, '2027-03-10')).toBeUndefined();
    // A claim every 4 s for 56 s: each sees epoch 3; the 5-second cache would have read the list 11 more times.
    for (let t = 0; t < 14; t++) {
      now += 4_000;
      expect(r.epoch.observe(3)).toBe(false);
      expect(await r.inForce(drgKind, key, '2027-03-10')).toBeUndefined();
    }
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(1);
    // 60 s after the read: read again on the epoch's word alone no longer.
    now += EPOCH_TRUST_MS - 56_000;
    r.epoch.observe(3);
    await r.inForce(drgKind, key, '2027-03-10');
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(2);
  });

  it('uses a version published elsewhere at the first claim that sees the epoch move, not seconds later', async () => {
    const r = registry();
    dynamo.on(QueryCommand).resolves({ Items: [] });
    r.epoch.observe(3);
    expect(await r.inForce(drgKind, key, '2027-03-10')).toBeUndefined();
    dynamo.on(QueryCommand).resolves({ Items: [stored] });
    now += 10; // well inside the 5-second cache
    expect(r.epoch.observe(4)).toBe(true);
    expect(await r.inForce(drgKind, key, '2027-03-10')).toMatchObject({ region: '330900', year: 2027 });
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(2);
  });

  it('never keeps a list read under an older epoch than the one seen since, however young', async () => {
    const r = registry();
    r.epoch.observe(3);
    // A read that began under epoch 3 answers after another claim saw epoch 4.
    let answer!: (value: { Items: Record<string, unknown>[] }) => void;
    dynamo.on(QueryCommand).callsFakeOnce(() => new Promise((resolve) => (answer = resolve)));
    const slow = r.inForce(drgKind, key, '2027-03-10');
    await new Promise((resolve) => setImmediate(resolve));
    r.epoch.observe(4);
    answer({ Items: [] });
    expect(await slow).toBeUndefined();
    dynamo.on(QueryCommand).resolves({ Items: [stored] });
    now += 10;
    expect(await r.inForce(drgKind, key, '2027-03-10')).toMatchObject({ year: 2027 });
  });

  it('without an epoch seen, keeps the 5-second cache it always had', async () => {
    const r = registry();
    dynamo.on(QueryCommand).resolves({ Items: [] });
    await r.inForce(drgKind, key, '2027-03-10');
    now += 4_999;
    await r.inForce(drgKind, key, '2027-03-10');
    now += 2;
    await r.inForce(drgKind, key, '2027-03-10');
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(2);
  });

  it('moves the epoch on after writing a published version, with an atomic ADD on the one counter item', async () => {
    const r = registry();
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(PutCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({});
    await r.publish(drgKind, drg2027, drgKind.schema.parse(drg2027), 'clerk', 't');
    expect(dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input)).toEqual([
      { TableName: 'policies', Key: EPOCH_KEY, UpdateExpression: 'ADD epoch :one', ExpressionAttributeValues: { ':one': 1 } },
    ]);
  });
});

describe('epochCheck', () => {
  it('reads an absent counter item as epoch 0, and says a change only when it saw another epoch before', () => {
    expect(epochOf(undefined)).toBe(0);
    expect(epochOf({ ...EPOCH_KEY, epoch: 7 })).toBe(7);
    let dropped = 0;
    const check = epochCheck(
      5_000,
      () => dropped++,
      () => 0,
    );
    expect([check.observe(0), check.observe(0), check.observe(1), check.observe(1)]).toEqual([false, false, true, false]);
    expect(dropped).toBe(1);
    expect(check.seen()).toBe(1);
  });
});
