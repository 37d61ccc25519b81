/**
 * What a settled claim costs downstream (issue 17, its point 1 carried to the consumers): the DynamoDB
 * requests the fraud-scoring and audit consumers make for a batch of ten messages, counted on the
 * wire by the metering proxy in front of DynamoDB Local (infra/local/dynamo-meter.ts), as
 * claim-requests.test.ts counts settlement's four.
 *
 * Real events: ten claims settle through the API and the events the consumers were handed are kept;
 * copies of them, as new facts (new claim numbers, members and event ids), are then handed to each
 * consumer as one batch of ten, the batch size of both queues. The fraud consumer scores a copy read
 * and written together exactly as it scores the same claim alone, message by message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { localName } from '../../infra/topology.ts';
import { startDynamoMeter, type DynamoMeter, type MeterCount } from '../../infra/local/dynamo-meter.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { api, enrolTekunResident, eventually, registerProvider, startTestCloud } from '../support/local-cloud.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

let cloud: LocalCloud;
let meter: DynamoMeter;
let db: DynamoDBDocumentClient;
let staff: string;
const PROVIDERS = ['H21092100011', 'H21092100012'];
const nextIdNumber = idNumbers(Date.UTC(1962, 0, 1));
type Envelope = {
  id: string;
  time: string;
  'detail-type': string;
  detail: Record<string, unknown> & { eventId?: string; claim?: Record<string, string> };
};
const seen: Record<'fraudScoring' | 'audit' | 'paymentFacts' | 'alertDelivery', Envelope[]> = {
  fraudScoring: [],
  audit: [],
  paymentFacts: [],
  alertDelivery: [],
};

beforeAll(async () => {
  cloud = await startTestCloud();
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.region, credentials: cloud.credentials }),
  );
  staff = await cloud.mint({ sub: 'clerk-1', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
  for (const [i, providerCode] of PROVIDERS.entries())
    await registerProvider(cloud, staff, {
      providerCode,
      name: `阜蒙县某卫生院${i}`,
      level: 'primary',
      region: '210921',
      kind: 'township-centre',
    });
  cloud.lambda.observe((fn, event) => {
    if (!(fn in seen)) return;
    for (const record of (event as { Records: SQSRecord[] }).Records)
      seen[fn as keyof typeof seen].push(JSON.parse(record.body) as Envelope);
  });
  meter = await startDynamoMeter(cloud.endpoints.dynamodb);
});
afterAll(async () => {
  db?.destroy();
  await meter?.stop();
  await cloud?.stop();
});

const member = (): Promise<string> => enrolTekunResident(cloud, staff, nextIdNumber('210902', '002'));

/** Every third bill charges the same lab test twice (重复收费), so the batch's claims have hits to compare. */
const bill = (providerCode: string, memberId: string, claimNo: string, n: number) => ({
  providerCode,
  claimNo,
  memberId,
  visit: { type: 'outpatient', serviceDate: `2020-05-${String(11 + (n % 5)).padStart(2, '0')}` },
  diagnoses: { principal: 'J06.900' },
  lines:
    n % 3 === 0
      ? [exampleLine(1, 'A', 'lab', 20, 1, { itemCode: '250101015' }), exampleLine(2, 'A', 'lab', 20, 1, { itemCode: '250101015' })]
      : [exampleLine(1, 'A', 'drug', 100)],
});

const sqsRecord = (envelope: Envelope, i: number, receiveCount: number): SQSRecord => ({
  messageId: `m-${i}`,
  receiptHandle: `rh-${i}`,
  body: JSON.stringify(envelope),
  attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: '1', SenderId: 'x', ApproximateFirstReceiveTimestamp: '1' },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:cn-north-1:000000000000:local',
  awsRegion: cloud.region,
});

/** A copy of a ClaimSettled as a new fact: another claim number, member and event id. */
const asNewClaim = (e: Envelope, suffix: string): Envelope => ({
  ...e,
  id: `${e.id}-${suffix}`,
  detail: {
    ...e.detail,
    claim: { ...e.detail.claim!, claimNo: `${e.detail.claim!.claimNo}-${suffix}` },
    memberId: `${String(e.detail.memberId)}-${suffix}`,
    ...(e.detail.eventId ? { eventId: `${e.detail.eventId}-${suffix}` } : {}),
  },
});

/** Hands `fn` these messages as SQS batches of `size` with the handlers' DynamoDB calls metered; the function's count. */
async function metered(fn: keyof typeof seen, envelopes: Envelope[], size: number, receiveCount = 1): Promise<MeterCount> {
  // Nothing else at work: the consumers have handled what the work before published (alerts, audit entries).
  await eventually(
    async () => (Object.values(await cloud.queueDepths()).every((d) => d.visible + d.inFlight === 0) ? true : undefined),
    'queues drained',
  );
  const direct = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  meter.reset();
  process.env.AWS_ENDPOINT_URL_DYNAMODB = meter.endpoint;
  try {
    for (let i = 0; i < envelopes.length; i += size) {
      const records = envelopes.slice(i, i + size).map((e, j) => sqsRecord(e, i + j, receiveCount));
      const answer = (await cloud.lambda.invoke(fn, { Records: records }, 'sqs')) as SQSBatchResponse;
      expect(answer.batchItemFailures).toEqual([]);
    }
  } finally {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = direct;
  }
  const key = `localFn${fn[0]!.toUpperCase()}${fn.slice(1)}`;
  return meter.counts()[key] ?? { requests: 0, capacityUnits: 0, byOperation: {}, byTarget: {} };
}

/** A count without the policy registry's own cache refreshes (a version list at most every few seconds per key). */
const own = (count: MeterCount) => Object.fromEntries(Object.entries(count.byTarget).filter(([t]) => !/^Query yibao-policies$/.test(t)));
const total = (targets: Record<string, number>) => Object.values(targets).reduce((a, b) => a + b, 0);

/** The provider totals items (months and years) these settled claims move, by key: their numeric fields. */
async function providerTotals(claims: Envelope[]): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const code of new Set(claims.map((e) => e.detail.claim!.providerCode!))) {
    const { Items = [] } = await db.send(
      new QueryCommand({
        TableName: localName.table('providers'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': `PROVIDER#${code}`, ':sk': 'TOTALS#' },
        ConsistentRead: true,
      }),
    );
    for (const item of Items)
      out[`${String(item.pk)}|${String(item.sk)}`] = Object.fromEntries(
        Object.entries(item).filter(([, v]) => typeof v === 'number'),
      ) as Record<string, number>;
  }
  return out;
}

/** What each item gained from `before` to `after`, field by field (fields that did not move left out). */
function difference(after: Record<string, Record<string, number>>, before: Record<string, Record<string, number>>) {
  return Object.fromEntries(
    Object.entries(after).map(([key, fields]) => [
      key,
      Object.fromEntries(
        Object.entries(fields).flatMap(([f, v]) => (v === (before[key]?.[f] ?? 0) ? [] : [[f, v - (before[key]?.[f] ?? 0)]])),
      ),
    ]),
  );
}

/** The archived items of these events (a day's partition each), by their key. */
async function archivedItems(batch: Envelope[]): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (const day of new Set(batch.map((e) => e.time.slice(0, 10)))) {
    const out = await db.send(
      new QueryCommand({
        TableName: localName.table('audit'),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `DAY#${day}` },
        ConsistentRead: true,
      }),
    );
    items.push(...(out.Items ?? []).filter((i) => String(i.eventId).endsWith('-R')));
  }
  return items.sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
}

const score = async (providerCode: string, claimNo: string) =>
  (await db.send(new GetCommand({ TableName: localName.table('alerts'), Key: { pk: `CLAIM#${providerCode}#${claimNo}`, sk: 'SCORE' } })))
    .Item;

describe('requests per claim downstream', () => {
  let settled: Envelope[];

  beforeAll(async () => {
    const members = await Promise.all(Array.from({ length: 10 }, () => member()));
    for (const [n, memberId] of members.entries()) {
      const providerCode = PROVIDERS[n % 2]!;
      const res = await api(cloud, 'POST', '/v1/claims', {
        token: await providerToken(providerCode),
        body: bill(providerCode, memberId, `DOWN-${n}`, n),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    settled = await eventually(() => {
      const found = seen.fraudScoring.filter((e) => e['detail-type'] === 'ClaimSettled');
      return found.length >= 10 ? found.slice(0, 10) : undefined;
    }, 'the ten ClaimSettled events handed to fraud scoring');
    // The originals scored (the consumers' caches warm, as a busy container's are).
    await eventually(async () => ((await score(PROVIDERS[1]!, 'DOWN-9')) ? true : undefined), 'the last claim scored');
  });

  const tokens = new Map<string, string>();
  async function providerToken(providerCode: string): Promise<string> {
    if (!tokens.has(providerCode))
      tokens.set(providerCode, await cloud.mint({ sub: `his-${providerCode}`, role: 'provider', providerCode }));
    return tokens.get(providerCode)!;
  }

  it('scores a batch of ten claims in one BatchGetItem, a query per member and per provider, one BatchWriteItem and one transaction', async () => {
    const batch = settled.map((e) => asNewClaim(e, 'B'));
    const count = await metered('fraudScoring', batch, 10);
    expect(own(count)).toEqual({
      'BatchGetItem yibao-alerts+yibao-policies': 1,
      // Each member's history (ten members) and each provider's DRG counters (two providers).
      'Query yibao-alerts': 12,
      'BatchWriteItem yibao-alerts': 1,
      'TransactWriteItems yibao-alerts+yibao-outbox': 1,
      // The alerts' events, delivered together, leave the outbox in one request.
      'BatchWriteItem yibao-outbox': 1,
    });
    expect(total(own(count)) / batch.length).toBe(1.6);

    // Handed again (a redelivery): one read finds every claim scored, and nothing counts twice.
    const again = await metered('fraudScoring', batch, 10);
    // Besides that read, each alert's event is looked for in the outbox (a first delivery may have left it waiting).
    const alerts = (await Promise.all(batch.map((e) => score(e.detail.claim!.providerCode!, e.detail.claim!.claimNo!)))).filter(
      (s) => s?.alertId,
    ).length;
    expect(alerts).toBeGreaterThan(0);
    expect(own(again)).toEqual({ 'BatchGetItem yibao-alerts+yibao-policies': 1, 'GetItem yibao-outbox': alerts });
    const risk = await db.send(
      new GetCommand({ TableName: localName.table('alerts'), Key: { pk: `PROVIDER#${PROVIDERS[0]}`, sk: 'RISK#2020' } }),
    );
    // Five originals and five copies of provider 0's claims.
    expect(risk.Item?.claims).toBe(10);
  });

  it('scores each claim of a batch exactly as it scores the same claim alone, in a third of the requests', async () => {
    const together = settled.map((e) => asNewClaim(e, 'T'));
    const alone = settled.map((e) => asNewClaim(e, 'A'));
    const batched = await metered('fraudScoring', together, 10);
    const single = await metered('fraudScoring', alone, 1);
    console.log(
      `fraud scoring, ten claims: ${total(own(batched))} DynamoDB requests as one batch, ${total(own(single))} one message at a time`,
    );
    expect(total(own(batched)) * 3).toBeLessThanOrEqual(total(own(single)));
    const hits: string[][] = [];
    for (const e of settled) {
      const ref = e.detail.claim!;
      const [t, a] = [await score(ref.providerCode!, `${ref.claimNo}-T`), await score(ref.providerCode!, `${ref.claimNo}-A`)];
      const judged = (s: Record<string, unknown> | undefined) => ({
        hits: s?.hits,
        score: s?.score,
        severity: s?.severity,
        alerting: s?.alerting,
      });
      expect(judged(t)).toEqual(judged(a));
      hits.push(((t?.hits as { ruleId: string }[]) ?? []).map((h) => h.ruleId));
    }
    // Something to compare: the bills charging a lab test twice hit the rules.
    expect(hits.filter((h) => h.length > 0).length).toBeGreaterThanOrEqual(3);
  });

  it("projects a batch's first settlements in two requests (marker, cases and capitation read together, one transaction), adding what one at a time adds; a redelivery adds nothing", async () => {
    const claims = seen.paymentFacts.filter((e) => e['detail-type'] === 'ClaimSettled').slice(0, 10);
    expect(claims).toHaveLength(10);
    const together = claims.map((e) => asNewClaim(e, 'P'));
    const alone = claims.map((e) => asNewClaim(e, 'Q'));

    let before = await providerTotals(claims);
    const count = await metered('paymentFacts', together, 10);
    expect(own(count)).toEqual({ 'BatchGetItem yibao-providers': 1, 'TransactWriteItems yibao-providers': 1 });
    const addedTogether = difference(await providerTotals(claims), before);

    before = await providerTotals(claims);
    const single = await metered('paymentFacts', alone, 1);
    expect(own(single)).toEqual({ 'BatchGetItem yibao-providers': 10, 'TransactWriteItems yibao-providers': 10 });
    expect(difference(await providerTotals(claims), before)).toEqual(addedTogether);
    expect(Object.values(addedTogether).some((fields) => fields.claims! > 0)).toBe(true);

    // Delivered again: the batch's read finds every marker, each message alone finds its own, nothing is written.
    before = await providerTotals(claims);
    const again = await metered('paymentFacts', together, 10);
    expect(own(again)).toEqual({ 'BatchGetItem yibao-providers': 11 });
    expect(await providerTotals(claims)).toEqual(before);
  });

  it("delivers a batch's alerts reading their region's subscriptions once", async () => {
    const alerts = seen.alertDelivery.filter((e) => e['detail-type'] === 'FraudAlertRaised').slice(0, 3);
    expect(alerts.length).toBe(3);
    expect(new Set(alerts.map((e) => e.detail.region)).size).toBe(1);
    const count = await metered('alertDelivery', alerts, 5, 2);
    expect(count.byTarget).toEqual({ 'Query yibao-alerts': 1 });
  });

  it('archives a batch of ten events in one BatchWriteItem, a redelivered batch in one read, and a fact published again as it was', async () => {
    const batch = seen.audit
      .slice(0, 10)
      .map((e) => ({ ...e, id: `${e.id}-R`, detail: { ...e.detail, ...(e.detail.eventId ? { eventId: `${e.detail.eventId}-R` } : {}) } }));
    expect(batch).toHaveLength(10);
    const count = await metered('audit', batch, 10);
    expect(count.byTarget).toEqual({ 'BatchWriteItem yibao-audit': 1 });
    // Brought back by SQS (received before): looked for first, found, not written again.
    const again = await metered('audit', batch, 10, 2);
    expect(again.byTarget).toEqual({ 'BatchGetItem yibao-audit': 1 });
    // The same facts published again (first deliveries of new messages): written again as the same bytes.
    const before = await archivedItems(batch);
    await metered('audit', batch, 10);
    expect(await archivedItems(batch)).toEqual(before);
    // Each archived once, under the fact's key.
    expect(before.map((i) => String(i.eventId)).sort()).toEqual(batch.map((e) => e.detail.eventId ?? e.id).sort());
  });
});
