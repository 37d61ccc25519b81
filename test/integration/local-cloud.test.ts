import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { SqsSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import type { SQSEvent } from 'aws-lambda';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import type { FunctionKey } from '../../infra/topology.ts';
import { BUS_NAME } from '../../infra/topology.ts';
import { api, eventually, startTestCloud } from '../support/local-cloud.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

let cloud: LocalCloud;
let bus: EventBridgeClient;
/** Every SQS batch each consumer was handed, by function. */
const batches = new Map<FunctionKey, SQSEvent[]>();

beforeAll(async () => {
  cloud = await startTestCloud();
  bus = new EventBridgeClient({ endpoint: cloud.endpoints.eventbridge, region: cloud.region, credentials: cloud.credentials });
  cloud.lambda.observe((fn, event, trigger) => {
    if (trigger === 'sqs') batches.set(fn, [...(batches.get(fn) ?? []), event as SQSEvent]);
  });
});
afterAll(async () => {
  bus?.destroy();
  await cloud?.stop();
});

const tokens = {
  provider: () => cloud.mint({ sub: 'his-1', role: 'provider', providerCode: 'H0001' }),
  staff: () => cloud.mint({ sub: 'clerk-1', role: 'staff', permissions: ALL_STAFF_PERMISSIONS }),
  regulator: () => cloud.mint({ sub: 'reg-1', role: 'regulator', region: '330900' }),
};

const claimSettled = (claimNo: string, visitType: string, extra: Record<string, unknown> = {}) => ({
  claim: { providerCode: 'H0001', claimNo },
  memberId: 'M-1',
  region: '330900',
  visit: { type: visitType, serviceDate: '2026-11-01', dischargeDate: '2026-11-05' },
  totals: { billedFen: 100_00, fundPaidFen: 70_00, patientPaidFen: 30_00 },
  meta: { schemaVersion: 1, correlationId: `corr-${claimNo}` },
  ...extra,
});

async function putOnBus(detailType: string, detail: unknown, source = 'yibao.adjudication') {
  const out = await bus.send(
    new PutEventsCommand({
      Entries: [{ EventBusName: BUS_NAME, Source: source, DetailType: detailType, Detail: JSON.stringify(detail) }],
    }),
  );
  expect(out.FailedEntryCount).toBe(0);
  return out.Entries![0]!.EventId!;
}

/** The event ids a consumer has been handed so far (every delivery, retries included). */
const eventIdsSeenBy = (fn: FunctionKey) =>
  (batches.get(fn) ?? []).flatMap((b) => b.Records.map((r) => (JSON.parse(r.body) as { id: string }).id));

describe('HTTP front and handlers', () => {
  it('serves the health route without a token', async () => {
    const res = await api(cloud, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', service: 'yibao' });
  });

  it('answers an authenticated ping through the authorizer and the handler, echoing the correlation id', async () => {
    const res = await api(cloud, 'POST', '/v1/ping', {
      token: await tokens.provider(),
      body: { message: 'hi' },
      headers: { 'x-correlation-id': 'req-ping-1' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ pong: 'hi', caller: { role: 'provider', actingFor: 'H0001' }, correlationId: 'req-ping-1' });
    expect(res.headers.get('x-correlation-id')).toBe('req-ping-1');
  });

  it('refuses a request without a token (401) and one with a forged token (403), as API Gateway does', async () => {
    expect((await api(cloud, 'POST', '/v1/ping', { body: {} })).status).toBe(401);
    const token = await tokens.staff();
    const [header, payload] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'regulator', region: '110000' })).toString('base64url')}.${token.split('.')[2]}`;
    const res = await api(cloud, 'POST', '/v1/ping', { token: forged, body: {} });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ message: 'Forbidden' });
  });

  it('answers 400 for a path it cannot percent-decode, as API Gateway does, never 500', async () => {
    const token = await cloud.mint({ sub: 'x', role: 'staff', permissions: [] });
    for (const path of ['/v1/members/%zz', '/v1/members/%E4%B8', '/v1/claims/H1/%', '/v1/policies/%C0%AF/330900']) {
      const res = await fetch(`${cloud.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, path).toBe(400);
      expect(await res.json()).toEqual({ message: 'Bad Request' });
    }
    // A well-formed escape still reaches the route, whose handler answers in its own shape.
    const ok = await fetch(`${cloud.apiUrl}/v1/members/%E5%8C%BB`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await ok.json()) as { error?: { code?: string } }).error?.code).toBeDefined();
  });

  it("keeps the authorizer's decision per token for the stack's TTL, as API Gateway's results cache does", async () => {
    const authorizerRuns = () => cloud.lambda.invocations.filter((i) => i.trigger === 'authorizer').length;
    const token = await cloud.mint({ sub: 'cache-1', role: 'staff', permissions: [] }, 2);
    const before = authorizerRuns();
    for (let n = 0; n < 3; n++) expect((await api(cloud, 'POST', '/v1/ping', { token, body: {} })).status).toBe(200);
    expect(authorizerRuns() - before).toBe(1);
    // Another token is another identity source: decided on its own.
    const other = await cloud.mint({ sub: 'cache-2', role: 'staff', permissions: [] });
    expect((await api(cloud, 'POST', '/v1/ping', { token: other, body: {} })).status).toBe(200);
    expect(authorizerRuns() - before).toBe(2);
    // A denial is kept too: a forged token is refused again without another run.
    const forged = `${other.slice(0, -4)}AAAA`;
    expect((await api(cloud, 'POST', '/v1/ping', { token: forged, body: {} })).status).toBe(403);
    expect((await api(cloud, 'POST', '/v1/ping', { token: forged, body: {} })).status).toBe(403);
    expect(authorizerRuns() - before).toBe(3);
    // As on AWS (infra/stack/http-api.ts), a kept decision outlives the token's own exp until the TTL ends.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await api(cloud, 'POST', '/v1/ping', { token, body: {} })).status).toBe(200);
    expect(authorizerRuns() - before).toBe(3);
  });

  it('refuses an expired token', async () => {
    const expired = await cloud.mint({ sub: 'x', role: 'staff', permissions: [] }, -10);
    expect((await api(cloud, 'POST', '/v1/ping', { token: expired, body: {} })).status).toBe(403);
  });

  it('lets a provider act only for itself; staff may act for any provider', async () => {
    const refused = await api(cloud, 'POST', '/v1/ping', { token: await tokens.provider(), body: { providerCode: 'H0002' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'FORBIDDEN', details: { field: 'providerCode' } });
    const own = await api(cloud, 'POST', '/v1/ping', { token: await tokens.provider(), body: { providerCode: 'H0001' } });
    expect(own.status).toBe(200);
    const staff = await api(cloud, 'POST', '/v1/ping', { token: await tokens.staff(), body: { providerCode: 'H0002' } });
    expect(staff.status).toBe(200);
  });

  it('answers bad input with a 400 naming the field and the rule, in the uniform error body', async () => {
    const wrongType = await api(cloud, 'POST', '/v1/ping', { token: await tokens.staff(), body: { message: 42 } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.code).toBe('BAD_REQUEST');
    expect(wrongType.body.error.details.problems).toContainEqual(expect.objectContaining({ field: 'body.message', rule: 'invalid_type' }));

    const unknownField = await api(cloud, 'POST', '/v1/ping', { token: await tokens.staff(), body: { mesage: 'typo' } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.details.problems[0]).toMatchObject({ rule: 'unrecognized_keys' });

    const notJson = await api(cloud, 'POST', '/v1/ping', { token: await tokens.staff(), rawBody: '{"message":' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.details.problems[0]).toMatchObject({ field: 'body', rule: 'json' });
  });

  it('routes a literal path before a parameterised one, and answers an unknown route 404', async () => {
    // /v1/claims/pre-settle must reach the pre-settlement route (which validates the bill), not be
    // read as GET-style /v1/claims/{providerCode}/{claimNo}: an empty bill is a 400 in the handlers' body.
    const presettle = await api(cloud, 'POST', '/v1/claims/pre-settle', { token: await tokens.provider(), body: {} });
    expect(presettle.status).toBe(400);
    expect(presettle.body.error.code).toBe('BAD_REQUEST');
    expect((await api(cloud, 'GET', '/v1/nothing-here')).status).toBe(404);
    expect((await api(cloud, 'GET', '/v1/nothing-here')).body).toEqual({ message: 'Not Found' });
  });

  it("shows the audit trail to staff, only its own region's events to a regulator, and nothing to a provider", async () => {
    await putOnBus('ClaimSettled', claimSettled('C-REGION-1', 'outpatient', { meta: { schemaVersion: 1, correlationId: 'corr-regions' } }));
    await putOnBus(
      'ClaimSettled',
      claimSettled('C-REGION-2', 'outpatient', { region: '110000', meta: { schemaVersion: 1, correlationId: 'corr-regions' } }),
    );
    const staff = await eventually(async () => {
      const res = await api(cloud, 'GET', '/v1/audit/corr-regions', { token: await tokens.staff() });
      return res.body.events.length === 2 ? res.body : undefined;
    }, 'both events archived');
    expect(staff.events.map((e: { detail: { region: string } }) => e.detail.region).sort()).toEqual(['110000', '330900']);
    const regulator = await api(cloud, 'GET', '/v1/audit/corr-regions', { token: await tokens.regulator() });
    expect(regulator.body.events.map((e: { detail: { region: string } }) => e.detail.region)).toEqual(['330900']);
    expect((await api(cloud, 'GET', '/v1/audit/corr-regions', { token: await tokens.provider() })).status).toBe(403);
  });
});

describe('bus, queues and consumers', () => {
  it('routes an event by pattern: an inpatient claim reaches DRG grouping and fraud scoring, an outpatient one only fraud scoring', async () => {
    const inpatient = await putOnBus('ClaimSettled', claimSettled('C-IN-1', 'inpatient'));
    const outpatient = await putOnBus('ClaimSettled', claimSettled('C-OUT-1', 'outpatient'));
    await eventually(
      () => (eventIdsSeenBy('fraudScoring').includes(outpatient) && eventIdsSeenBy('fraudScoring').includes(inpatient) ? true : undefined),
      'fraud scoring to receive both',
    );
    await eventually(
      () => (eventIdsSeenBy('drgGrouping').includes(inpatient) ? true : undefined),
      'DRG grouping to receive the inpatient claim',
    );
    // Both went through the audit queue too; by then the DRG queue has long had its chance at the outpatient one.
    await eventually(() => (eventIdsSeenBy('audit').includes(outpatient) ? true : undefined), 'audit to receive the outpatient claim');
    expect(eventIdsSeenBy('drgGrouping')).not.toContain(outpatient);
    expect(cloud.bus.stats.delivered.inpatientClaimsToDrg).toBeGreaterThanOrEqual(1);
  });

  it('holds every consumer on request (messages wait in their queues, none is lost) and lets them go again', async () => {
    cloud.consumers.pause();
    // A poller already waiting on a receive finishes it: a message sent now may still be taken by
    // that last receive. Let those end (each waits at most 2 s), then nothing more is received.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const held = await putOnBus('ClaimSettled', claimSettled('C-HOLD-1', 'outpatient'));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(eventIdsSeenBy('fraudScoring')).not.toContain(held);
    const depths = await cloud.queueDepths();
    expect(depths.fraudScoring!.visible).toBeGreaterThanOrEqual(1);
    cloud.consumers.resume();
    await eventually(() => (eventIdsSeenBy('fraudScoring').includes(held) ? true : undefined), 'fraud scoring to receive it after resume');
    await eventually(() => (eventIdsSeenBy('audit').includes(held) ? true : undefined), 'audit to receive it after resume');
  });

  it('hands consumers complete SQS records, as the Powertools parser demands of real ones', async () => {
    const id = await putOnBus('ClaimSettled', claimSettled('C-IN-2', 'inpatient'));
    await eventually(() => (eventIdsSeenBy('drgGrouping').includes(id) ? true : undefined), 'delivery');
    const batch = batches.get('drgGrouping')!.find((b) => b.Records.some((r) => r.body.includes(id)))!;
    const parsed = SqsSchema.safeParse(batch);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(batch.Records[0]!.eventSourceARN).toMatch(/^arn:aws:sqs:.*:yibao-drgGrouping$/);
    const envelope = JSON.parse(batch.Records.find((r) => r.body.includes(id))!.body);
    expect(envelope).toMatchObject({
      version: '0',
      id,
      'detail-type': 'ClaimSettled',
      source: 'yibao.adjudication',
      detail: { claim: { claimNo: 'C-IN-2' } },
    });
  });

  it('moves a message its consumer fails three times to the DLQ, and leaves good messages alone', async () => {
    const before = (await cloud.queueDepths()).drgGrouping!.deadLetters;
    // Off-contract: no totals. The DRG consumer reports it failed each time it is received.
    const { totals: _dropped, ...poison } = claimSettled('C-POISON-1', 'inpatient');
    const poisonId = await putOnBus('ClaimSettled', poison);
    const goodId = await putOnBus('ClaimSettled', claimSettled('C-GOOD-1', 'inpatient'));

    const dead = await eventually(async () => {
      const out = await cloud.sqs.client.send(
        new ReceiveMessageCommand({
          QueueUrl: cloud.sqs.queues.drgGrouping.deadLetterUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 0,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      return out.Messages?.find((m) => m.Body?.includes(poisonId));
    }, 'the poison message in the DLQ');
    expect(Number(dead.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(3);
    expect(eventIdsSeenBy('drgGrouping').filter((id) => id === poisonId)).toHaveLength(3);
    expect(eventIdsSeenBy('drgGrouping').filter((id) => id === goodId)).toHaveLength(1);
    expect((await cloud.queueDepths()).drgGrouping!.deadLetters).toBe(before + 1);
  });

  it('carries the correlation id of a request through the bus and a queue into the audit trail', async () => {
    const correlationId = `trace-${Date.now()}`;
    const ping = await api(cloud, 'POST', '/v1/ping', {
      token: await tokens.staff(),
      body: { message: 'trace me' },
      headers: { 'x-correlation-id': correlationId },
    });
    expect(ping.status).toBe(200);
    const trail = await eventually(async () => {
      const res = await api(cloud, 'GET', `/v1/audit/${correlationId}`, { token: await tokens.staff() });
      return res.body.events.length > 0 ? res.body : undefined;
    }, 'the audit trail');
    expect(trail.events).toHaveLength(1);
    expect(trail.events[0]).toMatchObject({
      eventId: ping.body.eventId,
      detailType: 'PingReceived',
      detail: { meta: { correlationId }, message: 'trace me' },
    });
  });

  it('rejects malformed entries per entry, as PutEvents does', async () => {
    const out = await bus.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: BUS_NAME, Source: 'yibao.test', DetailType: 'X', Detail: '{not json' },
          { EventBusName: 'no-such-bus', Source: 'yibao.test', DetailType: 'X', Detail: '{}' },
          { EventBusName: BUS_NAME, Source: 'yibao.test', DetailType: 'X', Detail: '{}' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries![0]!.ErrorCode).toBe('MalformedDetail');
    expect(out.Entries![1]!.ErrorCode).toBe('ResourceNotFoundException');
    expect(out.Entries![2]!.EventId).toBeTruthy();
  });
});

describe('scheduler', () => {
  it('fires the monthly prepayment by hand over HTTP and invokes its function with the scheduled time', async () => {
    // 02:00 on 1 December in Shanghai is 18:00 UTC on 30 November.
    const res = await fetch(`${cloud.apiUrl}/_local/schedules/monthlyPrepayment?at=2026-11-30T18:00:00Z`, { method: 'POST' });
    const firing = (await res.json()) as Record<string, unknown>;
    expect(firing).toMatchObject({
      schedule: 'monthlyPrepayment',
      function: 'prepayment',
      ok: true,
      result: { run: 'prepayment', period: '2026-12', scheduledTime: '2026-11-30T18:00:00Z' },
    });
  });

  it('fires the year-end settlement for the year just ended', async () => {
    const firing = await cloud.scheduler.fire('yearEndSettlement', new Date('2027-03-31T19:00:00Z'));
    expect(firing).toMatchObject({ function: 'yearEndSettlement', ok: true, result: { run: 'year-end', year: 2026 } });
  });

  it('lists each schedule with its next run in Asia/Shanghai', () => {
    const monthly = cloud.scheduler.list().find((s) => s.key === 'monthlyPrepayment')!;
    expect(monthly.timeZone).toBe('Asia/Shanghai');
    // The next 1st-of-the-month 02:00 in Shanghai is 18:00 UTC on a month's last day.
    expect(monthly.nextRun).toMatch(/T18:00:00\.000Z$/);
  });
});
