/**
 * Fraud scoring and alerts over the local cloud, end to end: a ClaimSettled event put on the bus (in
 * the shape adjudication publishes) is scored by the fraud consumer, raises a FraudAlertRaised, and
 * reaches a regulator's signed webhook on a local test server; regulators list and work the alert.
 * Each test uses its own provider code and filters its subscriptions by it, so tests do not see each
 * other's alerts.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { BUS_NAME, localName } from '../../infra/topology.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../shared/fraud/signing.ts';
import { api, eventually, startTestCloud } from '../support/local-cloud.ts';
import { relayAMinuteOn, waitingInOutbox, whileTheBusRefusesAll } from '../support/outbox.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

let cloud: LocalCloud;
let bus: EventBridgeClient;
let db: DynamoDBDocumentClient;
let hooks: Server;
let hookBase: string;

interface Received {
  hook: string;
  headers: Record<string, string>;
  body: string;
  status: number;
}
const received: Received[] = [];
/** Event ids and claim numbers of every record the fraud consumer was handed (retries included). */
const seenByScoring: string[] = [];
const seenClaims: string[] = [];
/** Per hook: how it answers its n-th request (1-based). */
const plans = new Map<string, (n: number) => number>();

beforeAll(async () => {
  cloud = await startTestCloud();
  bus = new EventBridgeClient({ endpoint: cloud.endpoints.eventbridge, region: cloud.region, credentials: cloud.credentials });
  cloud.lambda.observe((fn, event, trigger) => {
    if (fn !== 'fraudScoring' || trigger !== 'sqs') return;
    for (const r of (event as { Records: { body: string }[] }).Records) {
      try {
        const e = JSON.parse(r.body) as { id: string; detail: { claim?: { claimNo: string } } };
        seenByScoring.push(e.id);
        if (e.detail.claim) seenClaims.push(e.detail.claim.claimNo);
      } catch {
        /* not JSON: a poison message */
      }
    }
  });
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.region, credentials: cloud.credentials }),
  );
  hooks = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hook = (req.url ?? '').split('/')[2] ?? '';
      const n = received.filter((r) => r.hook === hook).length + 1;
      const status = (plans.get(hook) ?? (() => 200))(n);
      received.push({ hook, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  hookBase = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  bus?.destroy();
  db?.destroy();
  await new Promise((resolve) => hooks?.close(resolve));
  await cloud?.stop();
});

const regulator = (region = '330900', sub = `reg-${region}`) => cloud.mint({ sub, role: 'regulator', region });

const lab = (lineNo: number, o: Record<string, unknown> = {}) => ({
  lineNo,
  itemCode: '250101015',
  itemName: '血细胞分析',
  itemClass: 'A',
  category: 'lab',
  quantity: 1,
  unitPriceFen: 2_000,
  amountFen: 2_000,
  ...o,
});

/** A ClaimSettled detail as adjudication publishes it (events/claims.ts). */
function settled(providerCode: string, claimNo: string, o: Record<string, unknown> = {}) {
  return {
    claim: { providerCode, claimNo },
    memberId: `M-${claimNo}`,
    region: '330900',
    scheme: 'resident',
    provider: { code: providerCode, level: 'secondary', region: '330900' },
    visit: { type: 'outpatient', serviceDate: '2026-11-02' },
    patient: { sex: 'F', ageYears: 52 },
    diagnoses: { principal: 'J20.900', secondary: [] },
    lines: [
      lab(1),
      lab(2),
      {
        lineNo: 3,
        itemCode: 'XJ01CA04',
        itemClass: 'A',
        category: 'drug',
        quantity: 1,
        unitPriceFen: 3_000,
        amountFen: 3_000,
        supplyDays: 5,
      },
    ],
    totals: { billedFen: 7_000, fundPaidFen: 4_900, patientPaidFen: 2_100 },
    settledAt: '2026-11-02T10:00:00+08:00',
    meta: { schemaVersion: 1, correlationId: `corr-${claimNo}` },
    ...o,
  };
}

async function putOnBus(detailType: string, detail: unknown, source = 'yibao.adjudication'): Promise<string> {
  const out = await bus.send(
    new PutEventsCommand({
      Entries: [{ EventBusName: BUS_NAME, Source: source, DetailType: detailType, Detail: JSON.stringify(detail) }],
    }),
  );
  expect(out.FailedEntryCount).toBe(0);
  return out.Entries![0]!.EventId!;
}

const getItem = async (pk: string, sk: string) =>
  (await db.send(new GetCommand({ TableName: localName.table('alerts'), Key: { pk, sk } }))).Item;

async function subscribe(hook: string, filter: Record<string, unknown>, token?: string) {
  const res = await api(cloud, 'POST', '/v1/subscriptions', {
    token: token ?? (await regulator()),
    body: { description: `test ${hook}`, filter, target: { url: `${hookBase}/${hook}` } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { subscriptionId: string; secret: string };
}

const deliveriesTo = (hook: string) => received.filter((r) => r.hook === hook);

async function alertFor(claimNo: string) {
  return eventually(async () => {
    const res = await api(cloud, 'GET', `/v1/alerts?claimNo=${claimNo}`, { token: await regulator() });
    return res.body.items?.[0] as { alertId: string } | undefined;
  }, `an alert for ${claimNo}`);
}

describe('from a settled claim to a signed webhook', () => {
  it('scores the claim, stores its hits, and delivers the alert signed to the subscribed regulator only', async () => {
    const other = await subscribe('other-region', {}, await regulator('532500'));
    const { subscriptionId, secret } = await subscribe('zs-main', { providerCode: 'HFR001', minSeverity: 'medium' });
    await putOnBus('ClaimSettled', settled('HFR001', 'FR-1'));

    const delivery = await eventually(() => deliveriesTo('zs-main').find((r) => r.status === 200), 'the webhook to receive the alert');
    const now = Math.floor(Date.now() / 1000);
    expect(
      verifySignature(
        secret,
        { signature: delivery.headers[SIGNATURE_HEADER], timestamp: delivery.headers[TIMESTAMP_HEADER] },
        delivery.body,
        now,
      ),
    ).toBe(true);
    expect(
      verifySignature(
        other.secret,
        { signature: delivery.headers[SIGNATURE_HEADER], timestamp: delivery.headers[TIMESTAMP_HEADER] },
        delivery.body,
        now,
      ),
    ).toBe(false);
    const body = JSON.parse(delivery.body);
    expect(body).toMatchObject({
      type: 'fraud.alert.raised',
      subscriptionId,
      alert: {
        kind: 'claim',
        region: '330900',
        providerCode: 'HFR001',
        claim: { providerCode: 'HFR001', claimNo: 'FR-1' },
        memberId: 'M-FR-1',
        score: 60,
        threshold: 60,
        severity: 'high',
        result: 'violation',
        rules: [
          {
            ruleId: 'ZS-DUP-01',
            type: 'duplicate-charge',
            explanations: ['血细胞分析（250101015）于 2026-11-02 收费 2 次，同日同项目重复收费。'],
            amountFen: 2_000,
          },
        ],
        amounts: { billedFen: 7_000, fundPaidFen: 4_900, atStakeFen: 2_000 },
      },
    });
    expect(delivery.body).not.toMatch(/\d{17}[\dXx]/);

    // The claim's hits and score, in the alerts table.
    const score = await getItem('CLAIM#HFR001#FR-1', 'SCORE');
    expect(score).toMatchObject({ score: 60, alertId: body.alert.alertId, reversed: false, hits: [{ ruleId: 'ZS-DUP-01', findings: 1 }] });
    expect(await getItem('PROVIDER#HFR001', 'RISK#2026')).toMatchObject({ claims: 1, scoreSum: 60, flaggedClaims: 1 });

    // The regulator sees it with its delivery record; a regulator of another region sees nothing.
    const detail = await eventually(async () => {
      const res = await api(cloud, 'GET', `/v1/alerts/${body.alert.alertId}`, { token: await regulator() });
      return res.body.deliveries?.some((d: { state: string }) => d.state === 'delivered') ? res.body : undefined;
    }, 'the delivery record');
    expect(detail).toMatchObject({
      status: 'open',
      claim: { claimNo: 'FR-1' },
      deliveries: [{ subscriptionId, state: 'delivered', attempts: [{ attempt: 1, ok: true, status: 200 }] }],
    });
    const hh = await regulator('532500');
    expect((await api(cloud, 'GET', '/v1/alerts', { token: hh })).body.items).toEqual([]);
    expect((await api(cloud, 'GET', `/v1/alerts/${body.alert.alertId}`, { token: hh })).status).toBe(404);
    expect(
      (await api(cloud, 'POST', `/v1/alerts/${body.alert.alertId}/transitions`, { token: hh, body: { to: 'investigating' } })).status,
    ).toBe(404);
    expect(deliveriesTo('other-region')).toEqual([]);
    expect(
      (await api(cloud, 'GET', '/v1/alerts', { token: await cloud.mint({ sub: 'his', role: 'provider', providerCode: 'HFR001' }) })).status,
    ).toBe(403);
  });

  it('scores a claim below the threshold without raising an alert', async () => {
    const clean = settled('HFR002', 'FR-2', { lines: [lab(1)], totals: { billedFen: 2_000, fundPaidFen: 1_400, patientPaidFen: 600 } });
    await putOnBus('ClaimSettled', clean);
    const score = await eventually(() => getItem('CLAIM#HFR002#FR-2', 'SCORE'), 'the score');
    expect(score).toMatchObject({ score: 0, hits: [] });
    expect(score!.alertId).toBeUndefined();
  });

  it('retries a failing receiver and delivers once it answers, recording each attempt; other subscribers get the alert once', async () => {
    plans.set('flaky', (n) => (n <= 2 ? 500 : 200));
    await subscribe('flaky', { providerCode: 'HFR003' });
    await subscribe('steady', { providerCode: 'HFR003' });
    await putOnBus('ClaimSettled', settled('HFR003', 'FR-3'));
    await eventually(() => deliveriesTo('flaky').find((r) => r.status === 200), 'the flaky receiver to take the alert');
    expect(deliveriesTo('flaky').map((r) => r.status)).toEqual([500, 500, 200]);
    // The same signed body every time; the steady subscriber was served on the first attempt only.
    expect(new Set(deliveriesTo('flaky').map((r) => r.body)).size).toBe(1);
    expect(deliveriesTo('steady').map((r) => r.status)).toEqual([200]);
    const { alertId } = await alertFor('FR-3');
    const detail = (await api(cloud, 'GET', `/v1/alerts/${alertId}`, { token: await regulator() })).body;
    const flaky = detail.deliveries.find((d: { attempts: { status: number }[] }) => d.attempts.length === 3);
    expect(flaky).toMatchObject({
      state: 'delivered',
      attempts: [
        { attempt: 1, ok: false, status: 500 },
        { attempt: 2, ok: false, status: 500 },
        { attempt: 3, ok: true, status: 200 },
      ],
    });
  });

  it('dead-letters an alert whose receiver fails every attempt, visibly', async () => {
    plans.set('down', () => 503);
    const before = (await cloud.queueDepths()).alertDelivery!.deadLetters;
    await subscribe('down', { providerCode: 'HFR004' });
    await putOnBus('ClaimSettled', settled('HFR004', 'FR-4'));
    await eventually(
      async () => ((await cloud.queueDepths()).alertDelivery!.deadLetters > before ? true : undefined),
      'the alert in the delivery DLQ',
      40_000,
    );
    expect(deliveriesTo('down').map((r) => r.status)).toEqual([503, 503, 503, 503, 503]);
    const { alertId } = await alertFor('FR-4');
    const detail = (await api(cloud, 'GET', `/v1/alerts/${alertId}`, { token: await regulator() })).body;
    expect(detail.deliveries).toEqual([expect.objectContaining({ state: 'dead-lettered', attempts: expect.any(Array) })]);
    expect(detail.deliveries[0].attempts).toHaveLength(5);
  });
});

describe('the fraud-scoring consumer', () => {
  it('changes nothing when a message is redelivered, or the same claim settles again under a new event id', async () => {
    await subscribe('redelivery', { providerCode: 'HFR005' });
    const detail = settled('HFR005', 'FR-5');
    const eventId = await putOnBus('ClaimSettled', detail);
    await eventually(() => deliveriesTo('redelivery').find((r) => r.status === 200), 'the first delivery');
    const riskBefore = await getItem('PROVIDER#HFR005', 'RISK#2026');
    const scoreBefore = await getItem('CLAIM#HFR005#FR-5', 'SCORE');

    // The same EventBridge envelope twice more, straight onto the queue (an SQS redelivery), and a republished event.
    const envelope = {
      version: '0',
      id: eventId,
      'detail-type': 'ClaimSettled',
      source: 'yibao.adjudication',
      account: '000000000000',
      time: new Date().toISOString(),
      region: cloud.region,
      resources: [],
      detail,
    };
    for (let i = 0; i < 2; i++)
      await cloud.sqs.client.send(
        new SendMessageCommand({ QueueUrl: cloud.sqs.queues.fraudScoring.url, MessageBody: JSON.stringify(envelope) }),
      );
    await putOnBus('ClaimSettled', detail);
    const marker = settled('HFR005', 'FR-5b', { lines: [lab(1)] });
    const handed = (id: string) => seenByScoring.filter((e) => e === id).length;
    await putOnBus('ClaimSettled', marker);
    // Messages are taken in order; once the next claim is scored and the queue is empty, the repeats were handled.
    await eventually(() => getItem('CLAIM#HFR005#FR-5b', 'SCORE'), 'the marker claim');
    await eventually(async () => {
      const d = (await cloud.queueDepths()).fraudScoring!;
      return d.visible + d.inFlight === 0 ? true : undefined;
    }, 'the scoring queue to drain');

    // At least four deliveries of the claim: the original, two redeliveries and the republished event.
    expect(handed(eventId)).toBeGreaterThanOrEqual(3);
    expect(seenClaims.filter((c) => c === 'FR-5').length).toBeGreaterThanOrEqual(4);
    expect(await getItem('CLAIM#HFR005#FR-5', 'SCORE')).toEqual(scoreBefore);
    expect(await getItem('PROVIDER#HFR005', 'RISK#2026')).toMatchObject({
      claims: Number(riskBefore!.claims) + 1,
      scoreSum: riskBefore!.scoreSum,
    });
    const alerts = (await api(cloud, 'GET', '/v1/alerts?providerCode=HFR005', { token: await regulator() })).body.items;
    expect(alerts).toHaveLength(1);
    expect(deliveriesTo('redelivery')).toHaveLength(1);
  });

  it('sends a poison message to its DLQ, visibly, and scores nothing for it', async () => {
    const before = (await cloud.queueDepths()).fraudScoring!.deadLetters;
    const { totals: _dropped, ...poison } = settled('HFR006', 'FR-6');
    await putOnBus('ClaimSettled', poison);
    await eventually(
      async () => ((await cloud.queueDepths()).fraudScoring!.deadLetters === before + 1 ? true : undefined),
      'the poison message in the DLQ',
    );
    expect(await getItem('CLAIM#HFR006#FR-6', 'SCORE')).toBeUndefined();
  });

  it('finds a split stay across two claims (分解住院) and a drug box sold twice (追溯码) from its own history', async () => {
    const inpatient = (claimNo: string, admission: string, discharge: string, extra = {}) =>
      settled('HFR007', claimNo, {
        memberId: 'M-SPLIT',
        visit: { type: 'inpatient', serviceDate: admission, admissionDate: admission, dischargeDate: discharge },
        diagnoses: { principal: 'K35.800', secondary: [] },
        procedures: ['47.0100'],
        lines: [lab(1)],
        inpatient: { lengthOfStayDays: 6 },
        totals: { billedFen: 2_000, fundPaidFen: 1_400, patientPaidFen: 600 },
        ...extra,
      });
    await putOnBus('ClaimSettled', inpatient('FR-7a', '2026-10-01', '2026-10-07'));
    await eventually(() => getItem('CLAIM#HFR007#FR-7a', 'SCORE'), 'the first stay scored');
    await putOnBus('ClaimSettled', inpatient('FR-7b', '2026-10-12', '2026-10-18'));
    const second = await eventually(() => getItem('CLAIM#HFR007#FR-7b', 'SCORE'), 'the second stay scored');
    expect(second!.hits).toEqual([
      expect.objectContaining({
        type: 'readmission',
        explanations: ['出院后 5 天内因同一疾病（K35.800）再次住院，另一住院单 FR-7a（HFR007）。'],
      }),
    ]);

    const box = (claimNo: string, memberId: string) =>
      settled('HFR008', claimNo, {
        memberId,
        lines: [
          {
            lineNo: 1,
            itemCode: 'XC09AA02',
            itemName: '依那普利',
            itemClass: 'A',
            category: 'drug',
            quantity: 1,
            unitPriceFen: 2_500,
            amountFen: 2_500,
            supplyDays: 7,
            traceCode: '84123450000001',
          },
        ],
        totals: { billedFen: 2_500, fundPaidFen: 1_750, patientPaidFen: 750 },
      });
    await putOnBus('ClaimSettled', box('FR-8a', 'M-A'));
    await eventually(() => getItem('CLAIM#HFR008#FR-8a', 'SCORE'), 'the first sale scored');
    await putOnBus('ClaimSettled', box('FR-8b', 'M-B'));
    const resold = await eventually(() => getItem('CLAIM#HFR008#FR-8b', 'SCORE'), 'the second sale scored');
    expect(resold).toMatchObject({ score: 80, hits: [{ type: 'trace-code-reuse', result: 'violation', amountFen: 2_500 }] });
    await alertFor('FR-8b');
  });

  it("takes a reversed claim's score back out of its provider's risk and notes the reversal on its alert", async () => {
    await putOnBus('ClaimSettled', settled('HFR009', 'FR-9'));
    const { alertId } = await alertFor('FR-9');
    expect(await getItem('PROVIDER#HFR009', 'RISK#2026')).toMatchObject({ claims: 1, scoreSum: 60 });
    await putOnBus('ClaimReversed', {
      claim: { providerCode: 'HFR009', claimNo: 'FR-9' },
      memberId: 'M-FR-9',
      region: '330900',
      reason: '医院申请撤销结算',
      meta: { schemaVersion: 1, correlationId: 'corr-rev-9' },
    });
    await eventually(async () => ((await getItem('CLAIM#HFR009#FR-9', 'SCORE'))?.reversed === true ? true : undefined), 'the reversal');
    expect(await getItem('PROVIDER#HFR009', 'RISK#2026')).toMatchObject({ claims: 0, scoreSum: 0, flaggedClaims: 0 });
    const detail = (await api(cloud, 'GET', `/v1/alerts/${alertId}`, { token: await regulator() })).body;
    expect(detail.status).toBe('open');
    expect(detail.history).toEqual([expect.objectContaining({ by: 'system', note: expect.stringContaining('医院申请撤销结算') })]);
  });

  it("raises one provider alert when a provider's running risk passes the region's threshold", async () => {
    const { secret } = await subscribe('provider-risk', { providerCode: 'HFR010', ruleTypes: ['provider-risk'] });
    for (let i = 1; i <= 21; i++) await putOnBus('ClaimSettled', settled('HFR010', `FR-10-${i}`));
    const delivery = await eventually(() => deliveriesTo('provider-risk').find((r) => r.status === 200), 'the provider alert', 40_000);
    expect(
      verifySignature(
        secret,
        { signature: delivery.headers[SIGNATURE_HEADER], timestamp: delivery.headers[TIMESTAMP_HEADER] },
        delivery.body,
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(true);
    expect(JSON.parse(delivery.body).alert).toMatchObject({
      kind: 'provider',
      providerCode: 'HFR010',
      year: 2026,
      score: 60,
      threshold: 50,
      rules: [{ type: 'provider-risk', weight: 60 }],
    });
    await eventually(
      async () => ((await getItem('PROVIDER#HFR010', 'RISK#2026'))?.claims === 21 ? true : undefined),
      'every claim counted',
    );
    const providerAlerts = (await api(cloud, 'GET', '/v1/alerts?providerCode=HFR010&kind=provider', { token: await regulator() })).body
      .items;
    expect(providerAlerts).toHaveLength(1);
    expect(deliveriesTo('provider-risk')).toHaveLength(1);
  });
});

/**
 * The provider rules that compare DRG results, fed by CaseGrouped. An inpatient stay for J18.900
 * (pneumonia) groups to ES35 under the Zhoushan policy; with J96.000 (respiratory failure, an MCC)
 * to ES31. The stay below hits no per-claim rule (a drug line on every day of a 7-day stay), so any
 * provider alert it leads to comes from the DRG comparisons alone.
 */
const STAY_DAYS = ['2026-10-05', '2026-10-06', '2026-10-07', '2026-10-08', '2026-10-09', '2026-10-10', '2026-10-11'];
function stay(providerCode: string, claimNo: string, o: { mcc: boolean; billedFen: number }) {
  const perDay = Math.floor(o.billedFen / STAY_DAYS.length);
  const first = o.billedFen - perDay * (STAY_DAYS.length - 1);
  const fund = Math.round(o.billedFen * 0.7);
  return settled(providerCode, claimNo, {
    provider: { code: providerCode, level: 'tertiary', region: '330900' },
    visit: { type: 'inpatient', serviceDate: '2026-10-05', admissionDate: '2026-10-05', dischargeDate: '2026-10-12' },
    patient: { sex: 'M', ageYears: 67 },
    diagnoses: { principal: 'J18.900', secondary: o.mcc ? ['J96.000'] : [] },
    procedures: [],
    inpatient: { lengthOfStayDays: 7 },
    lines: STAY_DAYS.map((serviceDate, i) => ({
      lineNo: i + 1,
      itemCode: 'XJ01CA04',
      itemName: '阿莫西林',
      itemClass: 'A',
      category: 'drug',
      quantity: 1,
      unitPriceFen: i === 0 ? first : perDay,
      amountFen: i === 0 ? first : perDay,
      serviceDate,
    })),
    totals: { billedFen: o.billedFen, fundPaidFen: fund, patientPaidFen: o.billedFen - fund },
    settledAt: '2026-10-12T10:00:00+08:00',
  });
}

/** ClaimSettled events ten to a PutEvents call, as a busy adjudication would publish them. */
async function settleAll(details: readonly unknown[]): Promise<void> {
  for (let i = 0; i < details.length; i += 10) {
    const out = await bus.send(
      new PutEventsCommand({
        Entries: details
          .slice(i, i + 10)
          .map((d) => ({ EventBusName: BUS_NAME, Source: 'yibao.adjudication', DetailType: 'ClaimSettled', Detail: JSON.stringify(d) })),
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
  }
}

const numberOf = async (pk: string, sk: string, attribute: string) => Number((await getItem(pk, sk))?.[attribute] ?? 0);

/** Waits until the scoring and grouping queues are empty: every event so far is handled. */
const quiet = () =>
  eventually(
    async () => {
      const depths = await cloud.queueDepths();
      const busy = ['fraudScoring', 'drgGrouping'].some((q) => depths[q]!.visible + depths[q]!.inFlight > 0);
      return busy ? undefined : true;
    },
    'the scoring and grouping queues to drain',
    60_000,
  );

describe('the provider rules fed by DRG results (CaseGrouped)', () => {
  it('counts a grouped case once whichever event comes first or again, and takes it back when the claim is reversed', async () => {
    const provider = 'ZSG001';
    const claim = stay(provider, 'G-1', { mcc: true, billedFen: 1_200_000 });
    // CaseGrouped before the claim is scored (events may overtake each other), in the shape DRG publishes.
    const grouped = {
      claim: { providerCode: provider, claimNo: 'G-1' },
      memberId: 'M-G-1',
      region: '330900',
      year: 2026,
      admissionDate: '2026-10-05',
      dischargeDate: '2026-10-12',
      grouping: { version: '1.1', mdc: 'MDCE', adrg: 'ES3', drg: 'ES31', ccLevel: 'MCC', outcome: 'grouped' },
      points: { pricing: 'drg', weight: 8933, baseCentipoints: 8933, coefficient: 10000, addOns: [], centipoints: 8933, review: false },
      readmissionCuts: [],
      policy: { region: '330900', year: 2026, version: 1 },
      meta: { schemaVersion: 1, correlationId: 'corr-g-1' },
    };
    const groupedId = await putOnBus('CaseGrouped', grouped, 'yibao.drg');
    await eventually(() => getItem('CLAIM#ZSG001#G-1', 'GROUPING'), 'the grouping kept beside the unscored claim');
    expect(await getItem('PROVIDER#ZSG001', 'STATS#2026-10')).toBeUndefined();

    // Then the claim: scored, and counted with its case. DRG grouping also groups it and publishes its own CaseGrouped.
    await putOnBus('ClaimSettled', claim);
    await eventually(() => getItem('CLAIM#ZSG001#G-1', 'SCORE'), 'the claim scored');
    await quiet();
    // The same CaseGrouped again, straight onto the queue (an SQS redelivery).
    const envelope = {
      version: '0',
      id: groupedId,
      'detail-type': 'CaseGrouped',
      source: 'yibao.drg',
      account: '000000000000',
      time: new Date().toISOString(),
      region: cloud.region,
      resources: [],
      detail: grouped,
    };
    await cloud.sqs.client.send(
      new SendMessageCommand({ QueueUrl: cloud.sqs.queues.fraudScoring.url, MessageBody: JSON.stringify(envelope) }),
    );
    await eventually(() => (seenByScoring.filter((id) => id === groupedId).length >= 2 ? true : undefined), 'the redelivery handled');
    await quiet();

    expect(await getItem('PROVIDER#ZSG001', 'STATS#2026-10')).toMatchObject({ claims: 1, groupedCases: 1, ccMccCases: 1 });
    expect(await getItem('PROVIDER#ZSG001', 'DRG#2026#ES31')).toMatchObject({ cases: 1, costFenSum: 1_200_000, losDaysSum: 7 });
    expect(await numberOf('PEERS#330900#tertiary', 'STATS#2026-10', 'groupedCases')).toBeGreaterThanOrEqual(1);
    const score = await getItem('CLAIM#ZSG001#G-1', 'SCORE');
    expect(score).toMatchObject({ score: 0, counted: { grouped: 1, ccMcc: 1, drg: 'ES31' } });

    // A reversal takes the claim and its grouped case back out of every counter.
    const regionBefore = await getItem('PEERS#330900', 'DRG#2026#ES31');
    await putOnBus('ClaimReversed', {
      claim: { providerCode: provider, claimNo: 'G-1' },
      memberId: 'M-G-1',
      region: '330900',
      reason: '撤销结算',
      meta: { schemaVersion: 1, correlationId: 'corr-g-rev' },
    });
    await eventually(async () => ((await getItem('CLAIM#ZSG001#G-1', 'SCORE'))?.reversed === true ? true : undefined), 'the reversal');
    expect(await getItem('PROVIDER#ZSG001', 'STATS#2026-10')).toMatchObject({ claims: 0, groupedCases: 0, ccMccCases: 0 });
    expect(await getItem('PROVIDER#ZSG001', 'DRG#2026#ES31')).toMatchObject({ cases: 0, costFenSum: 0, losDaysSum: 0 });
    expect(await getItem('PEERS#330900', 'DRG#2026#ES31')).toMatchObject({
      cases: Number(regionBefore!.cases) - 1,
      costFenSum: Number(regionBefore!.costFenSum) - 1_200_000,
    });
  });

  it('raises a provider alert for 高编高套 and DRG cost far above the region, from settled stays grouped by the DRG consumer, to a signed webhook', async () => {
    const { secret } = await subscribe('high-coding', { providerCode: 'ZSHC01', ruleTypes: ['high-coding'] });
    // Five tertiary peers code 30 of their 100 cases with an MCC (ES31, 10,000 yuan) and the rest
    // without (ES35, 6,000 yuan); then ZSHC01 codes every case with an MCC and bills 25,000 yuan for it.
    const peers = Array.from({ length: 100 }, (_, i) =>
      stay(`ZSPR0${(i % 5) + 1}`, `PR-${i + 1}`, i < 30 ? { mcc: true, billedFen: 1_000_000 } : { mcc: false, billedFen: 600_000 }),
    );
    await settleAll(peers);
    await quiet();
    const own = Array.from({ length: 30 }, (_, i) => stay('ZSHC01', `HC-${i + 1}`, { mcc: true, billedFen: 2_500_000 }));
    await settleAll(own);

    // The ES31 outlier rule can judge from the 10th case (weight 30, under the threshold of 50);
    // the 30th grouped case lets 高编高套 judge too (weight 40): 70 raises the provider alert.
    const delivery = await eventually(() => deliveriesTo('high-coding').find((r) => r.status === 200), 'the provider alert', 60_000);
    expect(
      verifySignature(
        secret,
        { signature: delivery.headers[SIGNATURE_HEADER], timestamp: delivery.headers[TIMESTAMP_HEADER] },
        delivery.body,
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(true);
    const { alert } = JSON.parse(delivery.body);
    expect(alert).toMatchObject({ kind: 'provider', providerCode: 'ZSHC01', region: '330900', year: 2026, score: 70, threshold: 50 });
    expect(alert.rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ruleId: 'ZS-HICODE-01',
          type: 'high-coding',
          explanations: ['近 3 个月 30 例入组病例中伴 CC/MCC 的占 100.0%，同级同地区机构为 30.0%。'],
        }),
        expect.objectContaining({
          ruleId: 'ZS-DRGOUT-01',
          type: 'drg-outlier',
          explanations: ['病组 ES31 的次均费用为 25000.00元（30 例），本地区其他机构为 10000.00元。'],
        }),
      ]),
    );
    // The per-claim rules found nothing, and ClaimSettled carries no DRG: the grouped cases the alert
    // counts came from CaseGrouped, and the alert is the DRG comparisons' own.
    await quiet();
    expect(await getItem('PROVIDER#ZSHC01', 'STATS#2026-10')).toMatchObject({ claims: 30, groupedCases: 30, ccMccCases: 30 });
    expect(await getItem('PROVIDER#ZSHC01', 'DRG#2026#ES31')).toMatchObject({ cases: 30, costFenSum: 75_000_000, losDaysSum: 210 });
    expect(await getItem('PROVIDER#ZSHC01', 'RISK#2026')).toMatchObject({ claims: 30, scoreSum: 0, riskScore: 70, alertId: alert.alertId });
    const listed = (await api(cloud, 'GET', '/v1/alerts?providerCode=ZSHC01&kind=provider', { token: await regulator() })).body.items;
    expect(listed).toHaveLength(1);
    expect(deliveriesTo('high-coding')).toHaveLength(1);
    expect((await api(cloud, 'GET', '/v1/alerts?providerCode=ZSHC01', { token: await regulator('532500') })).body.items).toEqual([]);
  });
});

describe('rule catalogues, versioned like policies', () => {
  // Ningbo (330200) keeps no catalogue of its own: the national baseline judges its claims until it publishes one.
  const shipped = JSON.parse(readFileSync('policies/fraud-rules/330900/v1.json', 'utf8')) as {
    rules: { id: string; weight: number }[];
    [k: string]: unknown;
  };
  const ningbo = (o: Record<string, unknown> = {}) => ({
    ...shipped,
    region: '330200',
    regionName: '宁波市',
    version: 1,
    effectiveFrom: '2026-11-01',
    rules: shipped.rules.map((r) => ({ ...r, id: r.id.replace(/^ZS-/, 'NB-'), ...(r.id === 'ZS-DUP-01' ? { weight: 70 } : {}) })),
    ...o,
  });
  const ningboClaim = (claimNo: string, serviceDate: string) =>
    settled('HNB001', claimNo, {
      region: '330200',
      provider: { code: 'HNB001', level: 'secondary', region: '330200' },
      visit: { type: 'outpatient', serviceDate },
    });

  it("lets staff publish a region's catalogue, which judges the claims from its effective date; the baseline judges those before", async () => {
    const staff = await cloud.mint({ sub: 'clerk-fr', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
    const published = await api(cloud, 'POST', '/v1/policies', { token: staff, body: ningbo() });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body.published).toMatchObject({
      kind: 'fraud-rules',
      region: '330200',
      version: 1,
      effectiveFrom: '2026-11-01',
      source: 'published',
      publishedBy: 'clerk-fr',
      rules: 19,
    });

    await putOnBus('ClaimSettled', ningboClaim('NB-1', '2026-10-31'));
    await putOnBus('ClaimSettled', ningboClaim('NB-2', '2026-11-02'));
    const before = await eventually(() => getItem('CLAIM#HNB001#NB-1', 'SCORE'), 'the October claim scored');
    const after = await eventually(() => getItem('CLAIM#HNB001#NB-2', 'SCORE'), 'the November claim scored');
    expect(before).toMatchObject({ score: 60, hits: [{ ruleId: 'CN-DUP-01', type: 'duplicate-charge' }] });
    expect(after).toMatchObject({ score: 70, hits: [{ ruleId: 'NB-DUP-01', type: 'duplicate-charge', weight: 70 }] });

    const read = await api(cloud, 'GET', '/v1/policies/fraud-rules/330200?on=2026-11-02', { token: await regulator('330200') });
    expect(read.status).toBe(200);
    expect(read.body.versions).toEqual([expect.objectContaining({ version: 1, source: 'published' })]);
    expect(read.body.inForce).toMatchObject({ region: '330200', version: 1, source: 'published', document: { regionName: '宁波市' } });
    const earlier = await api(cloud, 'GET', '/v1/policies/fraud-rules/330200?on=2026-10-31', { token: staff });
    expect(earlier.body.inForce).toMatchObject({ region: '000000', version: 1, source: 'shipped' });
    const zhoushan = await api(cloud, 'GET', '/v1/policies/fraud-rules/330900', { token: staff });
    expect(zhoushan.body.versions).toEqual([expect.objectContaining({ version: 1, source: 'shipped', rules: 19 })]);
  });

  it('replays the same version, refuses a changed, an older or an invalid one, and lets only staff publish', async () => {
    const staff = await cloud.mint({ sub: 'clerk-fr', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
    const replay = await api(cloud, 'POST', '/v1/policies', { token: staff, body: ningbo() });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('x-idempotent-replay')).toBe('true');
    const changed = await api(cloud, 'POST', '/v1/policies', { token: staff, body: ningbo({ regionName: '宁波' }) });
    expect(changed.status).toBe(409);
    expect(changed.body.error.details).toMatchObject({ field: 'body.version', rule: 'version_exists' });
    const overShipped = await api(cloud, 'POST', '/v1/policies', {
      token: staff,
      body: { ...ningbo(), region: '330900', effectiveFrom: '2027-01-01' },
    });
    expect(overShipped.body.error.details).toMatchObject({ field: 'body.version', rule: 'not_newer', newestVersion: 1 });
    const badRules = shipped.rules.map((r) => (r.id === 'ZS-DUP-01' ? { ...r, weight: 170 } : r));
    const invalid = await api(cloud, 'POST', '/v1/policies', { token: staff, body: ningbo({ version: 2, rules: badRules }) });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.problems[0]).toMatchObject({ field: expect.stringMatching(/^body\.rules\.\d+\.weight$/) });
    const fallback = await api(cloud, 'POST', '/v1/policies', { token: staff, body: ningbo({ version: 2, fallback: true }) });
    expect(fallback.body.error.details.problems[0]).toMatchObject({ field: 'body.fallback', rule: 'baseline_only' });
    expect((await api(cloud, 'POST', '/v1/policies', { token: await regulator('330200'), body: ningbo({ version: 3 }) })).status).toBe(403);
    // A regulator reads its own region and the national baseline, not another region.
    expect((await api(cloud, 'GET', '/v1/policies/fraud-rules/330200', { token: await regulator('532500') })).status).toBe(403);
    expect((await api(cloud, 'GET', '/v1/policies/fraud-rules/000000', { token: await regulator('532500') })).status).toBe(200);
    // A hospital is not shown the audit rules' thresholds.
    expect(
      (
        await api(cloud, 'GET', '/v1/policies/fraud-rules/330200', {
          token: await cloud.mint({ sub: 'his', role: 'provider', providerCode: 'HNB001' }),
        })
      ).status,
    ).toBe(403);
  });
});

describe('the regulator API', () => {
  it('works a case open → investigating → confirmed with the amount to recover, recording who and when', async () => {
    await putOnBus('ClaimSettled', settled('HFR011', 'FR-11'));
    const { alertId } = await alertFor('FR-11');
    const path = `/v1/alerts/${alertId}/transitions`;
    const skip = await api(cloud, 'POST', path, { token: await regulator(), body: { to: 'confirmed', recoveryFen: 2_000 } });
    expect(skip.status).toBe(409);
    expect(skip.body.error.message).toBe('An alert that is open can only become investigating');
    expect(
      (
        await api(cloud, 'POST', path, {
          token: await regulator('330900', 'inspector-wang'),
          body: { to: 'investigating', note: '调取病历' },
        })
      ).status,
    ).toBe(200);
    const noAmount = await api(cloud, 'POST', path, { token: await regulator(), body: { to: 'confirmed' } });
    expect(noAmount.status).toBe(400);
    expect(noAmount.body.error.details.problems[0]).toMatchObject({ field: 'body.recoveryFen' });
    const done = await api(cloud, 'POST', path, {
      token: await regulator('330900', 'inspector-li'),
      body: { to: 'confirmed', recoveryFen: 2_000, note: '重复收费属实' },
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'confirmed', recoveryFen: 2_000, updatedBy: 'inspector-li', version: 3 });
    expect(done.body.history).toEqual([
      expect.objectContaining({
        from: 'open',
        to: 'investigating',
        by: 'inspector-wang',
        note: '调取病历',
        at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      }),
      expect.objectContaining({ from: 'investigating', to: 'confirmed', by: 'inspector-li', recoveryFen: 2_000 }),
    ]);
    expect((await api(cloud, 'POST', path, { token: await regulator(), body: { to: 'dismissed', note: 'x' } })).status).toBe(409);
    const confirmed = (await api(cloud, 'GET', '/v1/alerts?status=confirmed&providerCode=HFR011', { token: await regulator() })).body.items;
    expect(confirmed.map((a: { alertId: string }) => a.alertId)).toEqual([alertId]);
  });

  it('pages the inbox newest first and filters it, refusing a cursor of another region', async () => {
    for (const n of [1, 2, 3]) await putOnBus('ClaimSettled', settled('HFR012', `FR-12-${n}`));
    const all = await eventually(async () => {
      const res = await api(cloud, 'GET', '/v1/alerts?providerCode=HFR012', { token: await regulator() });
      return res.body.items.length === 3 ? (res.body.items as { alertId: string; raisedAt: string }[]) : undefined;
    }, 'three alerts');
    expect([...all].sort((a, b) => b.raisedAt.localeCompare(a.raisedAt))).toEqual(all);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await api(cloud, 'GET', `/v1/alerts?providerCode=HFR012&limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        token: await regulator(),
      });
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((a: { alertId: string }) => a.alertId));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((a) => a.alertId));
    const page = (await api(cloud, 'GET', '/v1/alerts?providerCode=HFR012&limit=1', { token: await regulator() })).body;
    expect((await api(cloud, 'GET', `/v1/alerts?cursor=${page.nextCursor}`, { token: await regulator('532500') })).status).toBe(400);
    expect(
      (await api(cloud, 'GET', '/v1/alerts?minSeverity=critical&providerCode=HFR012', { token: await regulator() })).body.items,
    ).toEqual([]);
    expect(
      (await api(cloud, 'GET', '/v1/alerts?ruleType=duplicate-charge&providerCode=HFR012', { token: await regulator() })).body.items,
    ).toHaveLength(3);
    expect((await api(cloud, 'GET', '/v1/alerts?limit=500', { token: await regulator() })).status).toBe(400);
  });

  it("keeps subscriptions to the regulator's region, shows the secret once, and deletes them", async () => {
    const created = await subscribe('listing', { providerCode: 'HFR013', minSeverity: 'high', ruleTypes: ['trace-code-reuse'] });
    expect(created.secret).toMatch(/^whsec_/);
    const listed = (await api(cloud, 'GET', '/v1/subscriptions', { token: await regulator() })).body.items;
    const mine = listed.find((s: { subscriptionId: string }) => s.subscriptionId === created.subscriptionId);
    expect(mine).toMatchObject({
      region: '330900',
      status: 'active',
      filter: { region: '330900', providerCode: 'HFR013', minSeverity: 'high', ruleTypes: ['trace-code-reuse'] },
    });
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    // At rest the secret is sealed: the table holds no copy a dump could sign alerts with.
    const stored = await getItem(`SUB#${created.subscriptionId}`, 'SUB');
    expect(stored).toMatchObject({ sealedSecret: expect.stringMatching(/^v1\./) });
    expect(stored).not.toHaveProperty('secret');
    expect(JSON.stringify(stored)).not.toContain(created.secret.slice(6));
    expect(
      (await api(cloud, 'GET', '/v1/subscriptions', { token: await regulator('532500') })).body.items.map(
        (s: { region: string }) => s.region,
      ),
    ).toEqual(['532500']);

    expect((await api(cloud, 'DELETE', `/v1/subscriptions/${created.subscriptionId}`, { token: await regulator('532500') })).status).toBe(
      404,
    );
    expect((await api(cloud, 'DELETE', `/v1/subscriptions/${created.subscriptionId}`, { token: await regulator() })).status).toBe(204);
    expect((await api(cloud, 'DELETE', `/v1/subscriptions/${created.subscriptionId}`, { token: await regulator() })).status).toBe(404);
    const after = (await api(cloud, 'GET', '/v1/subscriptions', { token: await regulator() })).body.items;
    expect(after.map((s: { subscriptionId: string }) => s.subscriptionId)).not.toContain(created.subscriptionId);

    const otherRegion = await api(cloud, 'POST', '/v1/subscriptions', {
      token: await regulator(),
      body: { filter: { region: '532500' }, target: { url: `${hookBase}/x` } },
    });
    expect(otherRegion.status).toBe(403);
    const plainHttp = await api(cloud, 'POST', '/v1/subscriptions', {
      token: await regulator(),
      body: { target: { url: 'http://supervision.example.gov.cn/hook' } },
    });
    expect(plainHttp.status).toBe(400);
    expect(plainHttp.body.error.details.problems[0]).toEqual({
      field: 'body.target.url',
      rule: 'webhook',
      message: 'a webhook must use https',
    });
    expect(
      (
        await api(cloud, 'POST', '/v1/subscriptions', {
          token: await cloud.mint({ sub: 'clerk', role: 'staff', permissions: [] }),
          body: { target: { url: 'https://x.example' } },
        })
      ).status,
    ).toBe(403);
  });
});

describe('FraudAlertRaised goes through the outbox', () => {
  it('commits the alert with its event; while the bus refuses it, it waits in the outbox, and the relay publishes it once', async () => {
    await whileTheBusRefusesAll(cloud, () => putOnBus('ClaimSettled', settled('HFR090', 'FR-90')));
    const score = await getItem('CLAIM#HFR090#FR-90', 'SCORE');
    expect(score).toMatchObject({ score: 60 });
    const key = `fraud/alert/${score!.alertId}/FraudAlertRaised`;
    expect(await waitingInOutbox(key)).toMatchObject({ source: 'yibao.fraud', detailType: 'FraudAlertRaised' });
    const staff = await cloud.mint({ sub: 'clerk-fr', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
    const archived = async () =>
      ((await api(cloud, 'GET', '/v1/audit/corr-FR-90', { token: staff })).body.events as { eventId: string; detailType: string }[]).filter(
        (e) => e.detailType === 'FraudAlertRaised',
      );
    expect(await archived()).toEqual([]);

    const relayed = await relayAMinuteOn();
    expect(relayed).toMatchObject({ waiting: 0 });
    expect(await waitingInOutbox(key)).toBeUndefined();
    await eventually(async () => ((await archived()).length ? true : undefined), 'FraudAlertRaised archived');
    expect(await archived()).toEqual([expect.objectContaining({ eventId: key })]);
  });
});
