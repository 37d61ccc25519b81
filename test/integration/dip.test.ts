/**
 * DIP and bed-day points over the local cloud: a settled stay in a region-year that holds a DIP
 * catalogue is scored by it and recorded in the drgCases table as a DIP case (method dip), once
 * however often delivered, with its CaseGrouped (method dip) in the audit trail; a per-bed-day stay
 * becomes points by the cost ratio in a DIP region and in a DRG region; a new catalogue version,
 * published through POST /v1/policies (stored gzipped when large), scores the stays discharged from
 * its effective date.
 *
 * Figures (policies/dip/532500/2025.json, illustrative, built from 60,000 synthetic cases): region
 * mean cost 31,585.96 yuan = 100 points; core group J84|34.51 scores 238.16 (mean 75,223.75 yuan);
 * a secondary hospital's coefficient 0.92 → 219.1072 → 219.11 points. Hospice 10 days × 400 yuan =
 * 4,000 yuan ÷ 31,585.96 × 100 = 12.66 points. Zhoushan's DRG policy (330900, 2026): home sickbed
 * 10 days × 80 yuan = 800 yuan ÷ a tertiary case's 12,000 yuan × 100 = 6.67 points.
 */
import { readFileSync } from 'node:fs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { BUS_NAME } from '../../infra/topology.ts';
import { dynamoDocumentClient } from '../../shared/runtime/aws-clients.ts';
import { tableName } from '../../shared/runtime/resource-names.ts';
import { api, eventually, startTestCloud } from '../support/local-cloud.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

let cloud: LocalCloud;
let bus: EventBridgeClient;
let staff: string;

beforeAll(async () => {
  cloud = await startTestCloud({ logLevel: (process.env.DIP_LOG as 'INFO') ?? 'SILENT' });
  bus = new EventBridgeClient({ endpoint: cloud.endpoints.eventbridge, region: cloud.region, credentials: cloud.credentials });
  staff = await cloud.mint({ sub: 'clerk-dip', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
});
afterAll(async () => {
  bus?.destroy();
  await cloud?.stop();
});

function stay(
  claimNo: string,
  over: {
    region?: string;
    provider?: string;
    level?: string;
    discharge?: string;
    principal?: string;
    procedures?: string[];
    billedFen?: number;
    bedDay?: { programme: string; days: number };
  } = {},
) {
  const region = over.region ?? '532500';
  const provider = over.provider ?? 'HH0001';
  const discharge = over.discharge ?? '2025-03-10';
  const billed = over.billedFen ?? 7_000_000;
  return {
    claim: { providerCode: provider, claimNo },
    memberId: `M-${claimNo}`,
    region,
    scheme: 'resident',
    provider: { code: provider, level: over.level ?? 'secondary', region },
    visit: {
      type: over.bedDay ? 'bed-day' : 'inpatient',
      serviceDate: `${discharge.slice(0, 8)}01`,
      admissionDate: `${discharge.slice(0, 8)}01`,
      dischargeDate: discharge,
      ...(over.bedDay ? { bedDay: over.bedDay } : {}),
    },
    patient: { sex: 'M', ageYears: 70 },
    diagnoses: { principal: over.principal ?? 'J84.100x006', secondary: [] },
    procedures: over.procedures ?? ['34.5101'],
    inpatient: { lengthOfStayDays: 9, ...(over.bedDay ? { bedDays: over.bedDay.days } : {}) },
    lines: [],
    totals: { billedFen: billed, fundPaidFen: Math.round(billed * 0.7), patientPaidFen: billed - Math.round(billed * 0.7) },
    meta: { schemaVersion: 1, correlationId: `corr-${claimNo}` },
  };
}

async function put(detail: unknown): Promise<void> {
  const out = await bus.send(
    new PutEventsCommand({
      Entries: [{ EventBusName: BUS_NAME, Source: 'yibao.adjudication', DetailType: 'ClaimSettled', Detail: JSON.stringify(detail) }],
    }),
  );
  expect(out.FailedEntryCount).toBe(0);
}

const item = async (provider: string, year: number, sk: string) =>
  (
    await dynamoDocumentClient().send(
      new GetCommand({ TableName: tableName('drgCases'), Key: { pk: `PROVIDER#${provider}#YEAR#${year}`, sk }, ConsistentRead: true }),
    )
  ).Item;

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

async function drained() {
  await eventually(async () => {
    const depths = await cloud.queueDepths();
    return Object.values(depths).every((d) => d.visible + d.inFlight === 0) ? true : undefined;
  }, 'queues to drain');
}

async function trail(correlationId: string) {
  const res = await api(cloud, 'GET', `/v1/audit/${correlationId}`, { token: staff });
  expect(res.status).toBe(200);
  return res.body.events as { detailType: string; detail: Record<string, any> }[];
}

describe('DIP cases from settled stays', () => {
  it('scores a stay by the region-year catalogue, records it once as a DIP case, and publishes CaseGrouped (method dip) once', async () => {
    await put(stay('DIP-1'));
    await put(stay('DIP-1'));
    const recorded = await eventually(() => item('HH0001', 2025, 'DIP#DIP-1'), 'the DIP case recorded');
    await drained();
    expect(recorded).toMatchObject({
      kind: 'case',
      method: 'dip',
      region: '532500',
      year: 2025,
      centipoints: 21_911,
      dip: { group: 'J84|34.51', kind: 'core', treatment: 'operation', pricing: 'dip', baseCentipoints: 23_816, coefficient: 9_200 },
      policy: { region: '532500', year: 2025, version: 1 },
      gsi1pk: 'REGION#532500#YEAR#2025#DIP',
    });
    expect(recorded!.workings).toContain('J84|34.51: score 238.16 × coefficient 0.92 = 219.11; group mean cost 7522375 fen');
    // No DRG policy in 532500: the DIP case is the provider's only case of the stay.
    expect((await ledger('HH0001', 2025)).map((i) => i.sk)).toEqual(['DIP#DIP-1']);
    const grouped = await eventually(async () => {
      const events = (await trail('corr-DIP-1')).filter((e) => e.detailType === 'CaseGrouped');
      return events.length ? events : undefined;
    }, 'CaseGrouped in the audit trail');
    expect(grouped).toHaveLength(1);
    expect(grouped[0]!.detail).toMatchObject({
      method: 'dip',
      grouping: { drg: 'J84|34.51', mdc: null, adrg: null, outcome: 'grouped' },
      dip: { group: 'J84|34.51', kind: 'core', treatment: 'operation', catalogue: { region: '532500', year: 2025, version: 1 } },
      points: { pricing: 'dip', centipoints: 21_911 },
    });
  });

  it('turns a per-bed-day stay into points by the cost ratio, in a DIP region and in a DRG region', async () => {
    await put(stay('BED-DIP', { bedDay: { programme: 'hospice', days: 10 }, principal: 'C34.900', procedures: [], billedFen: 450_000 }));
    const dip = await eventually(() => item('HH0001', 2025, 'DIP#BED-DIP'), 'the DIP bed-day case');
    expect(dip).toMatchObject({ method: 'dip', centipoints: 1_266, dip: { pricing: 'bed-day' } });
    expect(dip!.workings).toContain('bed-day stay (安宁疗护): 10 days × 40000 fen = 400000 fen → 12.66 points');

    await put(
      stay('BED-DRG', {
        region: '330900',
        provider: 'ZS0002',
        level: 'tertiary',
        discharge: '2026-04-11',
        bedDay: { programme: 'home-sickbed', days: 10 },
        principal: 'J18.900',
        procedures: [],
        billedFen: 90_000,
      }),
    );
    const drg = await eventually(() => item('ZS0002', 2026, 'CASE#BED-DRG'), 'the DRG bed-day case');
    expect(drg).toMatchObject({ centipoints: 667, drgPaid: false, points: { pricing: 'bed-day' } });
    // Zhoushan holds no DIP catalogue: no DIP case beside it.
    expect(await item('ZS0002', 2026, 'DIP#BED-DRG')).toBeUndefined();
  });
});

describe('a DIP catalogue version published through the registry', () => {
  it('is stored (gzipped when large), read back, and scores the stays discharged from its effective date', async () => {
    const shipped = JSON.parse(readFileSync('policies/dip/532500/2025.json', 'utf8'));
    // Version 2 from 1 July: coefficients for secondary hospitals raised to 0.95, and padded to
    // a size that must be stored compressed (each group's procedures are real, the extra groups
    // are rare combinations a rebuild could add).
    const extra = Array.from({ length: 2_500 }, (_, i) => ({
      code: `Z99|${String(90 + (i % 10))}.${String(i).padStart(4, '0')}`,
      kind: 'comprehensive',
      diagnosis: 'Z99',
      procedures: [],
      treatment: 'procedure',
      cases: 0,
      meanCostFen: shipped.builtFrom.meanCostFen,
      cvPercent: 0,
      score: 100,
    }));
    const v2 = {
      ...shipped,
      version: 2,
      effectiveFrom: '2025-07-01',
      hospitalCoefficients: { ...shipped.hospitalCoefficients, byLevel: { ...shipped.hospitalCoefficients.byLevel, secondary: 0.95 } },
      groups: [...shipped.groups, ...extra],
    };
    expect(JSON.stringify(v2).length).toBeGreaterThan(256 * 1024);
    const published = await api(cloud, 'POST', '/v1/policies', { token: staff, body: v2 });
    expect(published.status).toBe(201);
    expect(published.body.published).toMatchObject({ kind: 'dip', region: '532500', version: 2, groups: v2.groups.length });
    const read = await api(cloud, 'GET', '/v1/policies/dip/532500?year=2025&on=2025-08-01', { token: staff });
    expect(read.status).toBe(200);
    expect(read.body.inForce).toMatchObject({ version: 2, source: 'published' });
    expect(read.body.inForce.document.groups).toHaveLength(v2.groups.length);

    await put(stay('DIP-2', { discharge: '2025-08-10' }));
    const recorded = await eventually(() => item('HH0001', 2025, 'DIP#DIP-2'), 'the DIP case under version 2');
    // 238.16 × 0.95 = 226.252 → 226.25
    expect(recorded).toMatchObject({ centipoints: 22_625, policy: { version: 2 } });
  });
});
