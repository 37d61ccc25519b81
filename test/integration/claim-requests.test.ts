/**
 * What a settlement costs (issue 17): at most four DynamoDB requests per claim by the adjudication
 * function (the claim and the member's year in one BatchGetItem, the member's partition in one
 * query, the one transaction, the outbox entry's removal), counted on the wire by the metering proxy
 * in front of DynamoDB Local, with the capacity DynamoDB says each consumed; and one member's claims
 * sent all at once settle one after another, on counters that end exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { localName } from '../../infra/topology.ts';
import { startDynamoMeter, type DynamoMeter } from '../../infra/local/dynamo-meter.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { api, enrolTekunResident, registerProvider, startTestCloud } from '../support/local-cloud.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

let cloud: LocalCloud;
let meter: DynamoMeter;
let staff: string;
let clinic: string;
const CLINIC = 'H21092100007';
const nextIdNumber = idNumbers(Date.UTC(1961, 0, 1));

beforeAll(async () => {
  cloud = await startTestCloud();
  staff = await cloud.mint({ sub: 'clerk-1', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
  await registerProvider(cloud, staff, {
    providerCode: CLINIC,
    name: '阜蒙县某乡镇卫生院',
    level: 'primary',
    region: '210921',
    kind: 'township-centre',
  });
  clinic = await cloud.mint({ sub: 'his-clinic', role: 'provider', providerCode: CLINIC });
  meter = await startDynamoMeter(cloud.endpoints.dynamodb);
});
afterAll(async () => {
  await meter?.stop();
  await cloud?.stop();
});

const member = (): Promise<string> => enrolTekunResident(cloud, staff, nextIdNumber('210902', '002'));

const bill = (memberId: string, claimNo: string) => ({
  providerCode: CLINIC,
  claimNo,
  memberId,
  visit: { type: 'outpatient', serviceDate: '2020-05-11' },
  diagnoses: { principal: 'J06.900' },
  lines: [exampleLine(1, 'A', 'drug', 100)],
});

/** Runs `work` with the handlers' DynamoDB calls going through the meter; the adjudication function's count. */
async function metered(work: () => Promise<void>) {
  const direct = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  meter.reset();
  process.env.AWS_ENDPOINT_URL_DYNAMODB = meter.endpoint;
  try {
    await work();
  } finally {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = direct;
  }
  return meter.counts().localFnAdjudication!;
}

describe('requests per settlement', () => {
  it('settles a claim in four DynamoDB requests of its own: one BatchGetItem, one query, one transaction, one outbox removal', async () => {
    const memberId = await member();
    // A first claim fills the function's caches (policy, provider, catalogue), as a warm container's are.
    expect((await api(cloud, 'POST', '/v1/claims', { token: clinic, body: bill(memberId, 'REQ-0') })).status).toBe(201);
    const count = await metered(async () => {
      for (const n of [1, 2, 3])
        expect((await api(cloud, 'POST', '/v1/claims', { token: clinic, body: bill(memberId, `REQ-${n}`) })).status).toBe(201);
    });
    // Each claim's own requests; besides them the function's caches may refresh a list (policies or
    // catalogue versions, at most every 5 seconds per key), shared by every claim of the container.
    const own = Object.entries(count.byTarget).filter(([target]) => !/^Query yibao-(policies|catalogue)$/.test(target));
    expect(Object.fromEntries(own.map(([target, n]) => [target, n / 3]))).toEqual({
      'BatchGetItem yibao-accumulators+yibao-catalogue+yibao-claims+yibao-policies': 1,
      'Query yibao-members': 1,
      'TransactWriteItems yibao-accumulators+yibao-claims+yibao-outbox': 1,
      'BatchWriteItem yibao-outbox': 1,
    });
    // Capacity is what DynamoDB reported for those requests (the transaction's writes cost the most).
    expect(count.capacityUnits).toBeGreaterThan(0);
    expect(count.byOperation.TransactWriteItems!.capacityUnits).toBeGreaterThan(count.byOperation.BatchGetItem!.capacityUnits);
  });

  it('checks its cached policy and catalogue by their epochs in that same BatchGetItem: a claim a second for 7 s, each in exactly four requests', async () => {
    const memberId = await member();
    const settleOne = async (claimNo: string) =>
      expect((await api(cloud, 'POST', '/v1/claims', { token: clinic, body: bill(memberId, claimNo) })).status).toBe(201);
    // Past the lists' 5-second cache once, so every list is read again under an epoch a claim has seen.
    await settleOne('EPOCH-W');
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    await settleOne('EPOCH-0');
    const count = await metered(async () => {
      for (let n = 1; n <= 7; n++) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await settleOne(`EPOCH-${n}`);
      }
    });
    // Without the epochs, the 5-second cache runs out half-way and the catalogue and policy are queried again.
    expect(Object.fromEntries(Object.entries(count.byTarget).map(([target, n]) => [target, n / 7]))).toEqual({
      'BatchGetItem yibao-accumulators+yibao-catalogue+yibao-claims+yibao-policies': 1,
      'Query yibao-members': 1,
      'TransactWriteItems yibao-accumulators+yibao-claims+yibao-outbox': 1,
      'BatchWriteItem yibao-outbox': 1,
    });
    expect(count.requests).toBe(28);
  });

  it('settles 20 claims of one member sent at once one after another: no transaction lost a race, counters exact', async () => {
    const memberId = await member();
    expect((await api(cloud, 'POST', '/v1/claims', { token: clinic, body: bill(memberId, 'LANE-W') })).status).toBe(201);
    const count = await metered(async () => {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => api(cloud, 'POST', '/v1/claims', { token: clinic, body: bill(memberId, `LANE-${i}`) })),
      );
      expect(answers.map((a) => a.status)).toEqual(new Array(20).fill(201));
    });
    // Ordered, not raced: each claim's one transaction committed at the first try.
    expect(count.byOperation.TransactWriteItems!.requests).toBe(20);
    const db = new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.region, credentials: cloud.credentials });
    const year = await db.send(
      new GetItemCommand({
        TableName: localName.table('accumulators'),
        Key: { pk: { S: `MEMBER#${memberId}` }, sk: { S: 'YEAR#2020' } },
        ConsistentRead: true,
      }),
    );
    db.destroy();
    expect([year.Item?.version?.N, year.Item?.counters?.M?.claims?.N]).toEqual(['21', '21']);
  });
});
