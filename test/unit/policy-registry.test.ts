/**
 * The one policy registry: every file under policies/ is a registered, valid document of its kind,
 * in its place, citing its papers one way; the version in force is chosen one way; and a container
 * sees a newly published version within the cache's few seconds, or at the first claim that sees the
 * table's epoch move (aws-sdk-client-mock stands in for the policies table).
 */
import { readdirSync } from 'node:fs';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drgKind } from '../../shared/policy/drg.ts';
import { enrolmentKind } from '../../shared/policy/enrolment.ts';
import { POLICY_KINDS } from '../../shared/policy/kinds.ts';
import { pickInForce, shippedVersions, yearPolicyDate, type PolicyKind } from '../../shared/policy/registry.ts';
import { policyRegistry, versionSk } from '../../shared/policy/store/registry.ts';
import { EPOCH_KEY, EPOCH_TRUST_MS } from '../../shared/runtime/epoch.ts';

/** Reference data beside the documents, not policy documents: the DRG weight lists (tools/drg-compile.ts). */
const NOT_DOCUMENTS = /^drg\/weights\//;

const filesUnder = (folder: string) =>
  readdirSync(new URL(`../../${folder}/`, import.meta.url), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .sort();

describe('the shipped documents', () => {
  it('registers every JSON file under policies/ with the kind its folder names, and nothing that is not there', () => {
    const onDisk = filesUnder('policies').filter((f) => !NOT_DOCUMENTS.test(f));
    const registered = POLICY_KINDS.flatMap((k) => Object.keys(k.shipped).map((path) => path.replace(/^policies\//, ''))).sort();
    expect(registered).toEqual(onDisk);
    for (const kind of POLICY_KINDS)
      for (const path of Object.keys(kind.shipped)) expect(path.startsWith(`policies/${kind.kind}/`)).toBe(true);
    expect(POLICY_KINDS.map((k) => k.kind)).toEqual([
      'benefits',
      'enrolment',
      'drg',
      'year-end',
      'fraud-rules',
      'maternity',
      'knowledge-base',
      'long-term-care',
      'dip',
    ]);
  });

  it.each(POLICY_KINDS.map((k) => [k.kind, k] as const))('%s: each file is valid, named for its key, and of its kind', (name, kind) => {
    const versions = shippedVersions(kind as PolicyKind<unknown>);
    expect(versions.length).toBeGreaterThan(0);
    for (const v of versions) {
      expect((v.raw as { kind: string }).kind).toBe(name);
      expect(v.summary).toMatchObject({ kind: name, source: 'shipped', publishedBy: `seed:policies/${name}` });
    }
  });

  it('cites every paper the same way: title, 文号 or the reason there is none, issuer, date, where', () => {
    let cited = 0;
    for (const kind of POLICY_KINDS) {
      for (const v of shippedVersions(kind as PolicyKind<unknown>)) {
        for (const s of (v.raw as { sources: Record<string, unknown>[] }).sources) {
          expect(
            Object.keys(s).filter(
              (k) => !['id', 'title', 'documentNo', 'issuer', 'date', 'effective', 'clause', 'where', 'illustrative', 'note'].includes(k),
            ),
          ).toEqual([]);
          expect(s.documentNo !== null || typeof s.note === 'string', `${kind.kind} ${v.summary.region} ${s.id}`).toBe(true);
          expect([s.title, s.issuer, s.date, s.where].every((x) => typeof x === 'string' && x.length > 0)).toBe(true);
          cited++;
        }
      }
    }
    expect(cited).toBeGreaterThanOrEqual(21);
  });

  it('refuses a file in the wrong place, naming it', () => {
    const misplaced = {
      ...enrolmentKind,
      shipped: { 'policies/enrolment/532500/2024.json': enrolmentKind.shipped['policies/enrolment/532500/2025.json'] },
    };
    expect(() => shippedVersions(misplaced)).toThrow(
      'policies/enrolment/532500/2024.json holds what belongs in policies/enrolment/532500/2025.json',
    );
  });
});

describe('the version in force', () => {
  const v = (effectiveFrom: string, version: number, effectiveTo?: string) => ({
    summary: { effectiveFrom, version, ...(effectiveTo ? { effectiveTo } : {}) },
  });

  it('is the newest effective date on or before the day, then the highest version; none before the first; none after an end', () => {
    const versions = [v('2025-01-01', 1), v('2025-07-01', 2), v('2025-07-01', 3), v('2025-10-01', 4, '2025-12-31')];
    expect(pickInForce(versions, '2024-12-31')).toBeUndefined();
    expect(pickInForce(versions, '2025-06-30')!.summary.version).toBe(1);
    expect(pickInForce(versions, '2025-07-01')!.summary.version).toBe(3);
    expect(pickInForce(versions, '2025-12-31')!.summary.version).toBe(4);
    expect(pickInForce(versions, '2026-01-01')).toBeUndefined();
  });

  it("reads a year's policy on the later of its first day and today", () => {
    expect(yearPolicyDate(2026, '2025-11-15')).toBe('2026-01-01');
    expect(yearPolicyDate(2025, '2026-03-02')).toBe('2026-03-02');
  });
});

describe('a registry over the policies table', () => {
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

  beforeEach(() => {
    dynamo.reset();
    now = 1_000_000;
  });
  afterEach(() => dynamo.reset());

  it("keeps a key's versions for a few seconds only, so a version published by another container is used without a restart", async () => {
    const r = registry();
    dynamo.on(QueryCommand).resolves({ Items: [] });
    expect(await r.inForce(drgKind, { region: '330900', year: 2027 }, '2027-03-10')).toBeUndefined();
    dynamo.on(QueryCommand).resolves({ Items: [stored] });
    now += 4_999;
    expect(await r.inForce(drgKind, { region: '330900', year: 2027 }, '2027-03-10')).toBeUndefined();
    now += 2;
    expect(await r.inForce(drgKind, { region: '330900', year: 2027 }, '2027-03-10')).toMatchObject({ region: '330900', year: 2027 });
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(2);
  });

  it('reads shipped versions without publishing them, and uses what it publishes itself at once', async () => {
    const r = registry();
    dynamo.on(QueryCommand).resolves({ Items: [] });
    expect(await r.inForce(drgKind, { region: '330900', year: 2026 }, '2026-03-10')).toMatchObject({ year: 2026 });
    expect(await r.inForce(drgKind, { region: '330900', year: 2027 }, '2027-03-10')).toBeUndefined();
    dynamo.on(PutCommand).resolves({});
    const parsed = drgKind.schema.parse(drg2027);
    expect(await r.publish(drgKind, drg2027, parsed, 'clerk', 't')).toMatchObject({
      outcome: 'published',
      summary: { version: 1, year: 2027 },
    });
    expect(dynamo.commandCalls(PutCommand).map((c) => c.args[0].input.Item!.pk)).toEqual([
      'POLICY#drg#330900#2027',
      'POLICY-KEYS#drg#330900',
    ]);
    dynamo.on(QueryCommand).resolves({ Items: [stored] });
    expect(await r.inForce(drgKind, { region: '330900', year: 2027 }, '2027-03-10')).toMatchObject({ year: 2027 });
    const shipped2026 = drgKind.schema.parse(drgKind.shipped['policies/drg/330900/2026.json']);
    dynamo.on(QueryCommand).resolves({ Items: [] });
    expect(await r.publish(drgKind, drgKind.shipped['policies/drg/330900/2026.json'], shipped2026, 'clerk', 't')).toMatchObject({
      outcome: 'exists',
      summary: { source: 'shipped' },
    });
  });

  // The version check (issue 17.1, shared/runtime/epoch.ts): a registry told the table's epoch with every claim.
  const key = { region: '330900', year: 2027 };
  it('with the epoch told: reads a list once while the epoch stays, for up to a minute, and again once it is older', async () => {
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

  it('with the epoch told: uses a version published elsewhere at the first claim that sees the epoch move, not seconds later', async () => {
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

  it('with the epoch told: never keeps a list read under an older epoch than the one seen since, however young', async () => {
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

  it('with the epoch told: without an epoch seen, keeps the 5-second cache it always had', async () => {
    const r = registry();
    dynamo.on(QueryCommand).resolves({ Items: [] });
    await r.inForce(drgKind, key, '2027-03-10');
    now += 4_999;
    await r.inForce(drgKind, key, '2027-03-10');
    now += 2;
    await r.inForce(drgKind, key, '2027-03-10');
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(2);
  });

  it('with the epoch told: moves the epoch on after writing a published version, with an atomic ADD on the one counter item', async () => {
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
