/**
 * The knowledge base through the API and the bus: staff publish a pooling region's layer (kind
 * knowledge-base) over the national one; from its effective date the fraud consumer's rules read it
 * (an indication only the region's layer names), before it they do not; the layers are readable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { BUS_NAME, localName } from '../../infra/topology.ts';
import { api, eventually, startTestCloud } from '../support/local-cloud.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

let cloud: LocalCloud;
let bus: EventBridgeClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  cloud = await startTestCloud();
  bus = new EventBridgeClient({ endpoint: cloud.endpoints.eventbridge, region: cloud.region, credentials: cloud.credentials });
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.region, credentials: cloud.credentials }),
  );
});
afterAll(async () => {
  bus?.destroy();
  db?.destroy();
  await cloud?.stop();
});

const getItem = async (pk: string, sk: string) =>
  (await db.send(new GetCommand({ TableName: localName.table('alerts'), Key: { pk, sk } }))).Item;

const zhoushanLayer = (o: Record<string, unknown> = {}) => ({
  kind: 'knowledge-base',
  region: '330900',
  regionName: '舟山市',
  version: 1,
  effectiveFrom: '2026-11-01',
  title: '舟山市智能审核知识库 补充 (illustrative)',
  sources: [
    {
      id: 'zs-kb',
      title: '舟山市医保智能审核知识库补充条目（示例）',
      documentNo: null,
      issuer: '舟山市医疗保障局',
      date: '2026-10',
      where: 'test fixture',
      illustrative: true,
      note: 'an illustrative regional layer',
    },
  ],
  indications: [
    {
      code: 'XN06ABS*',
      on: 'item',
      name: '舍曲林',
      diagnoses: ['F32', 'F33', 'F41', 'F42'],
      text: '抑郁症、焦虑障碍、强迫症',
      basis: { illustrative: 'a regional restriction for the test', source: 'zs-kb' },
    },
  ],
  ...o,
});

function sertralineClaim(claimNo: string, serviceDate: string, principal = 'J20.900') {
  return {
    claim: { providerCode: 'ZSKB01', claimNo },
    memberId: `M-${claimNo}`,
    region: '330900',
    scheme: 'resident',
    provider: { code: 'ZSKB01', level: 'secondary', region: '330900' },
    visit: { type: 'outpatient', serviceDate },
    patient: { sex: 'F', ageYears: 41 },
    diagnoses: { principal, secondary: [] },
    lines: [
      {
        lineNo: 1,
        itemCode: 'XN06ABS199B002010110000',
        itemName: '舍曲林片',
        itemClass: 'B',
        category: 'drug',
        quantity: 1,
        unitPriceFen: 4_200,
        amountFen: 4_200,
        supplyDays: 7,
      },
    ],
    totals: { billedFen: 4_200, fundPaidFen: 2_900, patientPaidFen: 1_300 },
    settledAt: `${serviceDate}T10:00:00+08:00`,
    meta: { schemaVersion: 1, correlationId: `corr-${claimNo}` },
  };
}

async function settle(detail: unknown): Promise<void> {
  const out = await bus.send(
    new PutEventsCommand({
      Entries: [{ EventBusName: BUS_NAME, Source: 'yibao.adjudication', DetailType: 'ClaimSettled', Detail: JSON.stringify(detail) }],
    }),
  );
  expect(out.FailedEntryCount).toBe(0);
}

describe('a regional knowledge-base layer, published and read by the rules', () => {
  it('judges claims from its effective date by the region’s layer over the national one', async () => {
    const staff = await cloud.mint({ sub: 'clerk-kb', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
    const published = await api(cloud, 'POST', '/v1/policies', { token: staff, body: zhoushanLayer() });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body.published).toMatchObject({
      kind: 'knowledge-base',
      region: '330900',
      version: 1,
      source: 'published',
      entries: 1,
    });

    // A bad layer is refused with its path.
    const bad = await api(cloud, 'POST', '/v1/policies', {
      token: staff,
      body: zhoushanLayer({ version: 2, quantityLimits: [{ code: '250302002', maxPerDay: 0 }] }),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems[0]).toMatchObject({ field: 'body.quantityLimits.0.maxPerDay' });

    await settle(sertralineClaim('KB-1', '2026-10-31'));
    await settle(sertralineClaim('KB-2', '2026-11-02'));
    await settle(sertralineClaim('KB-3', '2026-11-02', 'F32.900'));
    const before = await eventually(() => getItem('CLAIM#ZSKB01#KB-1', 'SCORE'), 'the October claim scored');
    const after = await eventually(() => getItem('CLAIM#ZSKB01#KB-2', 'SCORE'), 'the November claim scored');
    const indicated = await eventually(() => getItem('CLAIM#ZSKB01#KB-3', 'SCORE'), 'the indicated claim scored');
    expect(before!.hits).toEqual([]);
    expect(after!.hits).toEqual([
      expect.objectContaining({
        type: 'indication-restriction',
        lines: [1],
        explanations: ['舍曲林片（XN06ABS199B002010110000）限抑郁症、焦虑障碍、强迫症使用，本次诊断 J20.900 不在支付范围。'],
      }),
    ]);
    expect(indicated!.hits).toEqual([]);

    // Readable: the region's layer by staff and its regulator, the national layer by any region's regulator.
    const read = await api(cloud, 'GET', '/v1/policies/knowledge-base/330900?on=2026-11-02', { token: staff });
    expect(read.status).toBe(200);
    expect(read.body.inForce).toMatchObject({ version: 1, source: 'published' });
    const regulator = await cloud.mint({ sub: 'reg-532500', role: 'regulator', region: '532500' });
    const national = await api(cloud, 'GET', '/v1/policies/knowledge-base/000000?on=2026-11-02', { token: regulator });
    expect(national.status).toBe(200);
    expect(national.body.inForce).toMatchObject({ version: 1, source: 'shipped', document: { region: '000000' } });
  });
});
