/**
 * DRG grouping over the local cloud: a settled inpatient claim put on the bus is grouped, its
 * points recorded once on the provider's year ledger however often the message comes, CaseGrouped
 * reaches the audit trail, a readmission cuts the earlier admission, and the pre-group route answers
 * synchronously with its trace.
 *
 * Figures (policies/drg/330900/2026.json, illustrative): J18.900 pneumonia with J96.000 respiratory
 * failure (an MCC) groups to ES31 under CHS-DRG 1.1; RW 0.8933 → 89.33 base points; provider ZS0001's
 * coefficient 1.05 → 93.7965 → 93.80; TCM 7% of the cost (> 6%) adds 5% of 93.80 = 4.69 → 98.49.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { BUS_NAME } from '../../infra/topology.ts';
import { dynamoDocumentClient } from '../../shared/runtime/aws-clients.ts';
import { tableName } from '../../shared/runtime/resource-names.ts';
import { api, eventually, startTestCloud } from '../support/local-cloud.ts';
import { relayAMinuteOn, waitingInOutbox, whileTheBusRefusesAll } from '../support/outbox.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

let cloud: LocalCloud;
let bus: EventBridgeClient;
const drgRecords: SQSRecord[] = [];

beforeAll(async () => {
  cloud = await startTestCloud();
  bus = new EventBridgeClient({ endpoint: cloud.endpoints.eventbridge, region: cloud.region, credentials: cloud.credentials });
  cloud.lambda.observe((fn, event, trigger) => {
    if (fn === 'drgGrouping' && trigger === 'sqs') drgRecords.push(...(event as SQSEvent).Records);
  });
});
afterAll(async () => {
  bus?.destroy();
  await cloud?.stop();
});

const tokens = {
  provider: () => cloud.mint({ sub: 'his-zs', role: 'provider', providerCode: 'ZS0001' }),
  staff: () => cloud.mint({ sub: 'clerk-1', role: 'staff', permissions: ALL_STAFF_PERMISSIONS }),
  regulator: () => cloud.mint({ sub: 'reg-1', role: 'regulator', region: '330900' }),
};

function inpatientClaim(
  claimNo: string,
  over: { provider?: string; level?: string; memberId?: string; admission?: string; discharge?: string; correlationId?: string } = {},
) {
  const provider = over.provider ?? 'ZS0001';
  return {
    claim: { providerCode: provider, claimNo },
    memberId: over.memberId ?? 'M-DRG-1',
    region: '330900',
    scheme: 'resident',
    provider: { code: provider, level: over.level ?? 'tertiary', region: '330900' },
    visit: {
      type: 'inpatient',
      serviceDate: over.admission ?? '2026-03-01',
      admissionDate: over.admission ?? '2026-03-01',
      dischargeDate: over.discharge ?? '2026-03-10',
      department: 'respiratory',
    },
    patient: { sex: 'M', ageYears: 67 },
    diagnoses: { principal: 'J18.900', secondary: ['J96.000'] },
    procedures: [],
    inpatient: { lengthOfStayDays: 9 },
    lines: [
      { lineNo: 1, itemCode: 'D001', itemClass: 'A', category: 'drug', quantity: 1, unitPriceFen: 930_000, amountFen: 930_000 },
      { lineNo: 2, itemCode: 'T001', itemClass: 'A', category: 'tcm-herbal', quantity: 1, unitPriceFen: 70_000, amountFen: 70_000 },
    ],
    totals: { billedFen: 1_000_000, fundPaidFen: 700_000, patientPaidFen: 300_000 },
    meta: { schemaVersion: 1, correlationId: over.correlationId ?? `corr-${claimNo}` },
  };
}

async function putClaim(detail: unknown): Promise<string> {
  const out = await bus.send(
    new PutEventsCommand({
      Entries: [{ EventBusName: BUS_NAME, Source: 'yibao.adjudication', DetailType: 'ClaimSettled', Detail: JSON.stringify(detail) }],
    }),
  );
  expect(out.FailedEntryCount).toBe(0);
  return out.Entries![0]!.EventId!;
}

async function ledger(provider: string, year: number) {
  const out = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: tableName('drgCases'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `PROVIDER#${provider}#YEAR#${year}` },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

async function caseItem(provider: string, claimNo: string) {
  const out = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: tableName('drgCases'),
      Key: { pk: `PROVIDER#${provider}#YEAR#2026`, sk: `CASE#${claimNo}` },
      ConsistentRead: true,
    }),
  );
  return out.Item;
}

/** Until every queue is empty: the consumers have done all they were handed. */
async function drained() {
  await eventually(async () => {
    const depths = await cloud.queueDepths();
    return Object.values(depths).every((d) => d.visible + d.inFlight === 0) ? true : undefined;
  }, 'queues to drain');
}

async function trail(correlationId: string) {
  const res = await api(cloud, 'GET', `/v1/audit/${correlationId}`, { token: await tokens.staff() });
  expect(res.status).toBe(200);
  return res.body.events as { eventId: string; detailType: string; source: string; detail: Record<string, any> }[];
}

describe('settled inpatient claims become grouped cases with points', () => {
  it('groups the case, records its points once though the message comes three times, and publishes CaseGrouped once', async () => {
    const claim = inpatientClaim('ZS-2026-0001', { correlationId: 'corr-drg-once' });
    const firstEventId = await putClaim(claim);

    const recorded = await eventually(async () => {
      const item = await caseItem('ZS0001', 'ZS-2026-0001');
      return item?.caseGroupedEventId ? item : undefined;
    }, 'the case recorded and published');
    expect(recorded).toMatchObject({
      kind: 'case',
      region: '330900',
      year: 2026,
      memberId: 'M-DRG-1',
      grouping: { version: '1.1', mdc: 'MDCE', adrg: 'ES3', drg: 'ES31', ccLevel: 'MCC', outcome: 'grouped' },
      points: {
        pricing: 'drg',
        weight: 8_933,
        baseCentipoints: 8_933,
        coefficient: 10_500,
        addOns: [{ kind: 'tcm-share', share: 500, centipoints: 469 }],
      },
      centipoints: 9_849,
      gsi1pk: 'REGION#330900#YEAR#2026',
      gsi2pk: 'MEMBER#M-DRG-1#DRG#ES31',
    });
    expect(recorded.grouping.trace.map((t: { step: string }) => t.step)).toContain('CC');
    expect(recorded.workings.at(-1)).toBe('case points 98.49 (drg)');

    // Delivered again: the same SQS record twice more, as SQS may after a visibility timeout.
    const record = drgRecords.find((r) => r.body.includes(firstEventId))!;
    await cloud.lambda.invoke('drgGrouping', { Records: [record, { ...record, messageId: `${record.messageId}-again` }] }, 'sqs');
    // And the same claim settled-event published again (a publisher retry).
    const repeatEventId = await putClaim(claim);
    await eventually(() => (drgRecords.some((r) => r.body.includes(repeatEventId)) ? true : undefined), 'the repeat delivered');
    await drained();

    const items = (await ledger('ZS0001', 2026)).filter((i) => i.claim.claimNo === 'ZS-2026-0001');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      centipoints: 9_849,
      caseGroupedEventId: recorded.caseGroupedEventId,
      recordedAt: recorded.recordedAt,
    });

    const events = await trail('corr-drg-once');
    const grouped = events.filter((e) => e.detailType === 'CaseGrouped');
    expect(grouped).toHaveLength(1);
    expect(grouped[0]).toMatchObject({
      eventId: recorded.caseGroupedEventId,
      source: 'yibao.drg',
      detail: {
        claim: { providerCode: 'ZS0001', claimNo: 'ZS-2026-0001' },
        grouping: { drg: 'ES31', outcome: 'grouped' },
        points: { centipoints: 9_849, pricing: 'drg', review: false },
        readmissionCuts: [],
        policy: { region: '330900', year: 2026, version: 1 },
        meta: { schemaVersion: 1, correlationId: 'corr-drg-once' },
      },
    });
    expect(events.filter((e) => e.detailType === 'ClaimSettled')).toHaveLength(2);
  });

  it('halves the earlier admission when the member is readmitted to the same DRG within 15 days', async () => {
    await putClaim(inpatientClaim('ZS-2026-0101', { memberId: 'M-READMIT', admission: '2026-04-01', discharge: '2026-04-08' }));
    await eventually(
      async () => ((await caseItem('ZS0001', 'ZS-2026-0101'))?.caseGroupedEventId ? true : undefined),
      'the first admission',
    );
    // Ten days later, to another provider (tertiary, coefficient 1.00), the same DRG.
    await putClaim(
      inpatientClaim('ZS-2026-0102', {
        provider: 'ZS0002',
        memberId: 'M-READMIT',
        admission: '2026-04-18',
        discharge: '2026-04-25',
        correlationId: 'corr-readmit',
      }),
    );
    const second = await eventually(async () => {
      const item = await dynamoDocumentClient().send(
        new GetCommand({
          TableName: tableName('drgCases'),
          Key: { pk: 'PROVIDER#ZS0002#YEAR#2026', sk: 'CASE#ZS-2026-0102' },
          ConsistentRead: true,
        }),
      );
      return item.Item?.caseGroupedEventId ? item.Item : undefined;
    }, 'the readmission');
    expect(second.readmissionCuts).toEqual([
      {
        earlier: { providerCode: 'ZS0001', claimNo: 'ZS-2026-0101' },
        readmission: { providerCode: 'ZS0002', claimNo: 'ZS-2026-0102' },
        daysBetween: 10,
        deltaCentipoints: -4_924, // 98.49 keeps 49.25 (49.245 rounded half up)
      },
    ]);

    const first = (await ledger('ZS0001', 2026)).filter((i) => i.claim.claimNo === 'ZS-2026-0101');
    expect(first.map((i) => [i.sk, i.kind, i.centipoints])).toEqual([
      ['CASE#ZS-2026-0101', 'case', 9_849],
      ['CASE#ZS-2026-0101#READMISSION', 'readmission-cut', -4_924],
    ]);
    const events = await eventually(async () => {
      const e = await trail('corr-readmit');
      return e.some((x) => x.detailType === 'CaseGrouped') ? e : undefined;
    }, 'CaseGrouped of the readmission archived');
    expect(events.find((e) => e.detailType === 'CaseGrouped')!.detail.readmissionCuts).toHaveLength(1);
  });

  it('records an inpatient claim without diagnoses as 0000, paid by cost points and flagged for review', async () => {
    const { diagnoses: _none, ...bare } = inpatientClaim('ZS-2026-0201');
    await putClaim(bare);
    const item = await eventually(async () => {
      const i = await caseItem('ZS0001', 'ZS-2026-0201');
      return i?.caseGroupedEventId ? i : undefined;
    }, 'the ungroupable case');
    // 1,000,000 fen against the tertiary average case of 1,200,000 fen: 83.33 cost points.
    expect(item).toMatchObject({
      grouping: { drg: '0000', outcome: 'ungroupable' },
      points: { pricing: 'cost-based', review: true },
      centipoints: 8_333,
      drgPaid: false,
    });
    expect(item.gsi2pk).toBeUndefined();
  });
});

describe('CaseGrouped goes through the outbox', () => {
  it('commits CaseGrouped with its case; while the bus refuses it, it waits in the outbox, and the relay publishes it once', async () => {
    const key = 'drg/ZS0001/2026/ZS-2026-0901/CaseGrouped';
    await whileTheBusRefusesAll(cloud, () =>
      putClaim(inpatientClaim('ZS-2026-0901', { memberId: 'M-DRG-OUTBOX', correlationId: 'corr-drg-outbox' })),
    );
    const recorded = await caseItem('ZS0001', 'ZS-2026-0901');
    expect(recorded).toMatchObject({ caseGroupedEventId: key, grouping: { drg: 'ES31' } });
    expect(await waitingInOutbox(key)).toMatchObject({ source: 'yibao.drg', detailType: 'CaseGrouped', createdAt: recorded!.recordedAt });
    expect((await trail('corr-drg-outbox')).filter((e) => e.detailType === 'CaseGrouped')).toEqual([]);

    const relayed = await relayAMinuteOn();
    expect(relayed).toMatchObject({ waiting: 0 });
    expect(relayed.delivered).toBeGreaterThanOrEqual(1);
    expect(await waitingInOutbox(key)).toBeUndefined();
    await eventually(
      async () => ((await trail('corr-drg-outbox')).some((e) => e.detailType === 'CaseGrouped') ? true : undefined),
      'CaseGrouped archived',
    );
    await drained();
    const grouped = (await trail('corr-drg-outbox')).filter((e) => e.detailType === 'CaseGrouped');
    expect(grouped).toHaveLength(1);
    expect(grouped[0]).toMatchObject({ eventId: key, detail: { eventId: key, claim: { claimNo: 'ZS-2026-0901' } } });
  });
});

describe('regions and years not paid by DRG', () => {
  it('leaves alone an inpatient claim of a region that does not pay by DRG: no case, no CaseGrouped, nothing dead-lettered', async () => {
    const before = (await cloud.queueDepths()).drgGrouping!.deadLetters;
    await putClaim({
      ...inpatientClaim('HH-2025-0001', { provider: 'HH0001', correlationId: 'corr-not-drg' }),
      region: '532500',
      provider: { code: 'HH0001', level: 'secondary', region: '532500' },
    });
    await eventually(() => drgRecords.find((r) => r.body.includes('HH-2025-0001')), 'the claim handed to DRG grouping');
    await drained();
    expect((await cloud.queueDepths()).drgGrouping!.deadLetters).toBe(before);
    expect(await ledger('HH0001', 2026)).toEqual([]);
    expect((await trail('corr-not-drg')).map((e) => e.detailType)).toEqual(['ClaimSettled']);
  });
});

describe('POST /v1/drg/pre-group', () => {
  const body = { id: 'pre-1', sex: '1', ageYears: 67, principalDiagnosis: 'J18.900', secondaryDiagnoses: ['J96.000'], procedures: [] };

  it('answers a provider synchronously with the group and its trace, as the region groups', async () => {
    const res = await api(cloud, 'POST', '/v1/drg/pre-group?region=330900', { token: await tokens.provider(), body });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 'pre-1',
      version: '1.1',
      mdc: 'MDCE',
      adrg: 'ES3',
      drg: 'ES31',
      ccLevel: 'MCC',
      outcome: 'grouped',
    });
    expect(res.body.trace.map((t: { step: string }) => t.step)).toEqual([
      'codes',
      'MDCA',
      'MDCP',
      'MDCY',
      'MDCZ',
      'MDC',
      'ADRG',
      'CC',
      'DRG',
    ]);
    const v20 = await api(cloud, 'POST', '/v1/drg/pre-group?version=2.0', { token: await tokens.provider(), body });
    expect(v20.status).toBe(200);
    expect(v20.body.version).toBe('2.0');
  });

  it('refuses a regulator, a case that does not fit the shape, and a region without a DRG policy', async () => {
    expect((await api(cloud, 'POST', '/v1/drg/pre-group', { token: await tokens.regulator(), body })).status).toBe(403);
    const { principalDiagnosis: _missing, ...incomplete } = body;
    const bad = await api(cloud, 'POST', '/v1/drg/pre-group', { token: await tokens.provider(), body: incomplete });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems).toContainEqual(expect.objectContaining({ field: 'body.principalDiagnosis' }));
    const badVersion = await api(cloud, 'POST', '/v1/drg/pre-group?version=3.0', { token: await tokens.provider(), body });
    expect(badVersion.status).toBe(400);
    expect(badVersion.body.error.details.problems[0]).toMatchObject({ field: 'query.version' });
    const noPolicy = await api(cloud, 'POST', '/v1/drg/pre-group?region=110000', { token: await tokens.provider(), body });
    expect(noPolicy.status).toBe(404);
  });

  it("takes a case in OpenDRG's convention (null as absent, an adult's ageDays as total days) and refuses only an inconsistent one", async () => {
    const openDrg = {
      ...body,
      ageDays: 24_500,
      birthWeightGrams: null,
      secondaryDiagnoses: ['J96.000', null, ''],
      procedures: null,
      dischargeStatus: null,
    };
    const res = await api(cloud, 'POST', '/v1/drg/pre-group?version=1.1', { token: await tokens.provider(), body: openDrg });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'pre-1', drg: 'ES31', ccLevel: 'MCC' });
    const inconsistent = await api(cloud, 'POST', '/v1/drg/pre-group?version=1.1', {
      token: await tokens.provider(),
      body: { ...openDrg, ageDays: 3_000 },
    });
    expect(inconsistent.status).toBe(400);
    expect(inconsistent.body.error.details.problems).toContainEqual(expect.objectContaining({ field: 'body.ageDays' }));
  });
});
