/**
 * Issue 14, point 5: fund warnings per scheme reach the regulators who subscribed to them, as fraud
 * alerts do (signed, retried, recorded), over the local cloud. Zhoushan (330900) 2026: the residents'
 * fund opens the year with no reserve (budget: 1,000.00 yuan for the residents' fund, reserve 0.00), a
 * resident's claim is settled through the API in January, and the February prepayment, fired by the
 * schedule, evaluates the fund through January: the residents' reserve is spent below zero, so
 * FundWarningRaised (scheme resident, reserve-months, alert) is raised and delivered to a webhook on
 * this machine (the local cloud's explicit allowance for http://127.0.0.1).
 *
 * Subscriptions: `residents` chooses fund warnings of the residents' fund (and fails the first
 * attempt of each, so each is retried); `employees` chooses only the employees' fund's warnings;
 * `alerts` keeps the default (fraud alerts only); a regulator of another region chooses every fund
 * warning of its own region. Only `residents` receives the warning.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { localName } from '../../infra/topology.ts';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../shared/fraud/signing.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { api, eventually, startTestCloud } from '../support/local-cloud.ts';
import { factsProjected, firingFor, harness, type Harness } from './prepayment-support.ts';

const REGION = '330900';
const y = (yuan: number) => Math.round(yuan * 100);

let cloud: LocalCloud;
let h: Harness;
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
/** Per hook: how it answers its n-th request with the same body, i.e. the n-th attempt of one notice (1-based). */
const plans = new Map<string, (n: number) => number>([['residents', (n) => (n === 1 ? 503 : 200)]]);
const subscriptions: Record<string, { subscriptionId: string; secret: string }> = {};

beforeAll(async () => {
  cloud = await startTestCloud();
  h = await harness(cloud);
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.region, credentials: cloud.credentials }),
  );
  hooks = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hook = (req.url ?? '').split('/')[2] ?? '';
      const body = Buffer.concat(chunks).toString('utf8');
      // Counted per hook and notice, so "fails its first attempt" holds whichever warning comes first.
      const n = received.filter((r) => r.hook === hook && r.body === body).length + 1;
      const status = (plans.get(hook) ?? (() => 200))(n);
      received.push({ hook, headers: req.headers as Record<string, string>, body, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  hookBase = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
}, 180_000);
afterAll(async () => {
  h?.bus.destroy();
  db?.destroy();
  await new Promise((resolve) => hooks?.close(resolve));
  await cloud?.stop();
});

const staff = (method: string, path: string, body?: unknown) => api(cloud, method, path, { token: h.staff, ...(body ? { body } : {}) });

async function subscribe(hook: string, filter: Record<string, unknown>, region = REGION) {
  const token = await cloud.mint({ sub: `inspector-${region}`, role: 'regulator', region });
  const res = await api(cloud, 'POST', '/v1/subscriptions', {
    token,
    body: { description: `fund warnings: ${hook}`, filter, target: { url: `${hookBase}/${hook}` } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  subscriptions[hook] = res.body;
  return res.body as { subscriptionId: string; secret: string; filter: Record<string, unknown> };
}

describe("fund warnings per scheme to regulators' webhooks", () => {
  it('refuses a filter that names an unknown notice or scheme, naming the field', async () => {
    const token = await cloud.mint({ sub: 'inspector-zs', role: 'regulator', region: REGION });
    for (const [filter, field] of [
      [{ events: ['fund.warning'] }, 'body.filter.events.0'],
      [{ events: ['fund.warning.raised'], fundWarnings: { schemes: ['retired'] } }, 'body.filter.fundWarnings.schemes.0'],
    ] as const) {
      const res = await api(cloud, 'POST', '/v1/subscriptions', { token, body: { filter, target: { url: `${hookBase}/bad` } } });
      expect(res.status).toBe(400);
      expect(res.body.error.details.problems.map((p: { field: string }) => p.field)).toContain(field);
    }
  });

  it("delivers the residents' fund warning, signed and retried, to the subscription that chose it only", async () => {
    const residents = await subscribe('residents', { events: ['fund.warning.raised'], fundWarnings: { schemes: ['resident'] } });
    expect(residents.filter).toMatchObject({ events: ['fund.warning.raised'], fundWarnings: { schemes: ['resident'], minLevel: 'watch' } });
    await subscribe('employees', { events: ['fund.warning.raised', 'fraud.alert.raised'], fundWarnings: { schemes: ['employee'] } });
    const alertsOnly = await subscribe('alerts', {});
    expect(alertsOnly.filter).toMatchObject({ events: ['fraud.alert.raised'] });
    await subscribe('elsewhere', { events: ['fund.warning.raised'] }, '532500');

    const provider = await staff('POST', '/v1/providers', {
      providerCode: 'ZSW001',
      name: '舟山某医院',
      region: REGION,
      level: 'secondary',
      kind: 'hospital',
    });
    expect(provider.status, JSON.stringify(provider.body)).toBe(201);
    const budget = await staff('PUT', `/v1/budgets/${REGION}/2026`, {
      totalFen: y(2_000_000),
      drgBudgetFen: y(60_000),
      providers: [{ providerCode: 'ZSW001', globalBudgetFen: y(120_000) }],
      schemes: { resident: { budgetFen: y(1_000), reserve: { balanceFen: 0, asOf: '2025-12-31' } } },
    });
    expect(budget.status, JSON.stringify(budget.body)).toBe(201);
    const member = await staff('POST', '/v1/members', {
      idNumber: idNumbers(Date.UTC(1961, 0, 1))('330902', '001'),
      year: 2026,
      region: REGION,
      scheme: 'resident',
      categories: [{ code: 'tekun', validFrom: '2025-01-01' }],
    });
    expect(member.status, JSON.stringify(member.body)).toBe(201);
    const his = await cloud.mint({ sub: 'his-zsw001', role: 'provider', providerCode: 'ZSW001' });
    const claim = await api(cloud, 'POST', '/v1/claims', {
      token: his,
      body: {
        providerCode: 'ZSW001',
        claimNo: 'MZ-FW-1',
        memberId: member.body.member.memberId,
        visit: { type: 'outpatient', serviceDate: '2026-01-12' },
        diagnoses: { principal: 'J20.900' },
        lines: [exampleLine(1, 'A', 'drug', 600)],
      },
    });
    expect(claim.status, JSON.stringify(claim.body)).toBe(201);
    const paidFen = claim.body.statement.totals.byLayer.basic as number;
    expect(paidFen).toBeGreaterThan(0);
    await factsProjected(cloud);

    // The February run evaluates the fund through January.
    const fired = await cloud.scheduler.fire('monthlyPrepayment', firingFor('2026-02'));
    expect(fired.result, JSON.stringify(fired)).toMatchObject({ regions: [{ region: REGION, outcome: 'planned' }] });
    const raised = await eventually(
      () => (h.seen.get('FundWarningRaised') ?? []).find((w) => w.scheme === 'resident' && w.kind === 'reserve-months'),
      "the residents' reserve warning",
      40_000,
    );
    expect(raised).toMatchObject({ region: REGION, year: 2026, throughMonth: '2026-01', level: 'alert', previousLevel: 'none', value: 0 });

    const kindOf = (r: Received) => JSON.parse(r.body).warning.kind as string;
    const taken = await eventually(
      () => received.find((r) => r.hook === 'residents' && r.status === 200 && kindOf(r) === 'reserve-months'),
      'the residents webhook to take the warning',
      40_000,
    );
    const attempts = received.filter((r) => r.hook === 'residents' && kindOf(r) === 'reserve-months');
    // Refused once (503), taken on the retry: the same signed body both times.
    expect(attempts.map((r) => r.status)).toEqual([503, 200]);
    expect(new Set(attempts.map((r) => r.body)).size).toBe(1);
    expect(taken.headers[EVENT_HEADER]).toBe('fund.warning.raised');
    expect(
      verifySignature(
        residents.secret,
        { signature: taken.headers[SIGNATURE_HEADER], timestamp: taken.headers[TIMESTAMP_HEADER] },
        taken.body,
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(true);
    const body = JSON.parse(taken.body);
    expect(body).toMatchObject({
      type: 'fund.warning.raised',
      subscriptionId: residents.subscriptionId,
      warning: { region: REGION, year: 2026, throughMonth: '2026-01', kind: 'reserve-months', scheme: 'resident', level: 'alert' },
    });
    expect(body.warning.warningId).toMatch(/^FW[0-9a-f]{24}$/);
    expect(body.deliveryId).toBe(`${body.warning.warningId}.${residents.subscriptionId}`);
    expect(taken.headers[DELIVERY_HEADER]).toBe(body.deliveryId);
    if (process.env.SHOW_REPORTS) console.log(JSON.stringify(body, null, 2));

    // Every attempt recorded beside the warning.
    const records = await eventually(async () => {
      const out = await db.send(
        new QueryCommand({
          TableName: localName.table('alerts'),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `WARNING#${body.warning.warningId}` },
          ConsistentRead: true,
        }),
      );
      const state = out.Items?.find((i) => i.kind === 'delivery');
      return state?.state === 'delivered' ? out.Items : undefined;
    }, 'the delivery recorded');
    expect(records!.filter((i) => i.kind === 'attempt').map((i) => [i.attempt, i.ok, i.status])).toEqual([
      [1, false, 503],
      [2, true, 200],
    ]);

    // The others: not the employees' fund, not a fraud-only subscription, not another region.
    await eventually(async () => {
      const d = (await cloud.queueDepths()).alertDelivery!;
      return d.visible + d.inFlight === 0 ? true : undefined;
    }, 'the delivery queue drained');
    expect(received.filter((r) => r.hook !== 'residents' && r.hook !== 'bad')).toEqual([]);
    // Each warning about the residents' fund (its reserve, and its budget's pace if that rose too) was taken once.
    const residentWarnings = (h.seen.get('FundWarningRaised') ?? []).filter((w) => w.scheme === 'resident');
    const takenKinds = received.filter((r) => r.hook === 'residents' && r.status === 200).map(kindOf);
    if (process.env.SHOW_REPORTS) console.log(received.map((r) => `${r.hook} ${kindOf(r)} ${r.status}`));
    expect(takenKinds.sort()).toEqual(residentWarnings.map((w) => w.kind as string).sort());
    // Warnings of the region's whole fund or a provider's budget name no scheme: not for this subscription.
    expect(received.filter((r) => r.hook === 'residents').every((r) => JSON.parse(r.body).warning.scheme === 'resident')).toBe(true);
  }, 240_000);
});
