/**
 * The budget-to-year-end story `npm start`'s demo tells (infra/local/demo.ts calls it; it is not
 * part of the Lambda). Honghe 2025, on its illustrative settlement policy: providers and a county
 * health community registered, a budget set, a few grouped cases and claims put on the bus as DRG
 * grouping and adjudication publish them, two monthly prepayment runs, then the year-end; it prints
 * the run's readable summary. Every step is idempotent, so the demo can run again on a persisted
 * local cloud and changes nothing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { BUS_NAME } from '../../infra/topology.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

const REGION = '532500';
const YEAR = 2025;
const yuan = (y: number) => y * 100;

export async function yearEndDemo(cloud: LocalCloud, print: (line: string) => void): Promise<void> {
  const staff = await cloud.mint({ sub: 'clerk-demo', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${cloud.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${staff}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return res.headers.get('content-type')?.startsWith('application/json') ? (JSON.parse(text) as Record<string, any>) : text;
  };

  const providers = [
    { providerCode: 'HH0001', name: '个旧市人民医院', level: 'secondary', kind: 'hospital' },
    { providerCode: 'HH0101', name: '大屯镇卫生院', level: 'primary', kind: 'township-centre' },
    { providerCode: 'HH0201', name: '新瓦房村卫生室', level: 'primary', kind: 'village-clinic' },
    { providerCode: 'HH0009', name: '红河州第一人民医院', level: 'tertiary', kind: 'hospital' },
  ];
  for (const p of providers) await call('POST', '/v1/providers', { ...p, region: REGION });
  await call('POST', '/v1/health-communities', {
    communityId: 'HH-HC-1',
    region: REGION,
    name: '个旧市紧密型医共体',
    members: [
      { providerCode: 'HH0001', tier: 'county' },
      { providerCode: 'HH0101', tier: 'township' },
      { providerCode: 'HH0201', tier: 'village' },
    ],
  });
  await call('PUT', `/v1/budgets/${REGION}/${YEAR}`, {
    totalFen: yuan(50_000_000),
    drgBudgetFen: yuan(2_000_000),
    reserve: { balanceFen: yuan(2_441_000), asOf: '2024-12-31' },
    providers: [
      { providerCode: 'HH0001', globalBudgetFen: yuan(1_200_000) },
      { providerCode: 'HH0101', globalBudgetFen: yuan(300_000) },
      { providerCode: 'HH0201', globalBudgetFen: yuan(60_000) },
      { providerCode: 'HH0009', globalBudgetFen: yuan(1_500_000), agreement: 'last-month-points' },
    ],
    healthCommunities: [{ communityId: 'HH-HC-1', capitatedMembers: 200 }],
  });
  await call('POST', '/v1/health-communities/HH-HC-1/capitated-members', { year: YEAR, memberIds: ['M-HH-1', 'M-HH-2'] });
  print(`budget ${REGION} ${YEAR}: 4 providers, community HH-HC-1 (200 capitated × 2,800 yuan), DIP budget 2,000,000 yuan`);

  // A year in miniature: 8,000 + 12,000 points; the capitated members cost 600,000 against a fund of 560,000.
  const bus = new EventBridgeClient({ endpoint: cloud.endpoints.eventbridge, region: cloud.region, credentials: cloud.credentials });
  const meta = { schemaVersion: 1, correlationId: 'demo-year-end' };
  const grouped = (providerCode: string, claimNo: string, date: string, centipoints: number) => ({
    claim: { providerCode, claimNo },
    memberId: 'M-HH-9',
    region: REGION,
    year: YEAR,
    admissionDate: date,
    dischargeDate: date,
    // Honghe pays its stays by DIP (year-end terms payBy: dip; policies/dip/532500/2025.json): a DIP case as grouping records it.
    method: 'dip',
    grouping: { version: '1.1', mdc: null, adrg: null, drg: 'J84|34.51', ccLevel: null, outcome: 'grouped' },
    dip: { group: 'J84|34.51', kind: 'core', treatment: 'operation', catalogue: { region: REGION, year: YEAR, version: 1 } },
    points: { pricing: 'dip', weight: null, baseCentipoints: centipoints, coefficient: 10_000, addOns: [], centipoints, review: false },
    readmissionCuts: [],
    policy: { region: REGION, year: YEAR, version: 1 },
    meta,
  });
  const settled = (providerCode: string, claimNo: string, memberId: string, type: string, date: string, fen: number) => ({
    claim: { providerCode, claimNo },
    memberId,
    region: REGION,
    visit: { type, serviceDate: date, dischargeDate: date },
    totals: { billedFen: fen * 2, fundPaidFen: fen, patientPaidFen: fen, byLayer: { basic: fen } },
    settledAt: `${date}T09:00:00+08:00`,
    meta,
  });
  const entries = [
    ['yibao.drg', 'CaseGrouped', grouped('HH0001', 'HH-C-1', '2025-01-20', 500_000)],
    ['yibao.drg', 'CaseGrouped', grouped('HH0001', 'HH-C-2', '2025-07-02', 300_000)],
    ['yibao.drg', 'CaseGrouped', grouped('HH0009', 'HH-C-3', '2025-01-25', 1_200_000)],
    // Chronic outpatient care, not a stay: a stay would be scored by the DIP catalogue itself and add its points to the story's.
    ['yibao.adjudication', 'ClaimSettled', settled('HH0001', 'HH-K-1', 'M-HH-1', 'chronic-outpatient', '2025-03-03', yuan(450_000))],
    ['yibao.adjudication', 'ClaimSettled', settled('HH0101', 'HH-K-2', 'M-HH-2', 'chronic-outpatient', '2025-05-05', yuan(150_000))],
  ] as const;
  await bus.send(
    new PutEventsCommand({
      Entries: entries.map(([Source, DetailType, detail]) => ({
        EventBusName: BUS_NAME,
        Source,
        DetailType,
        Detail: JSON.stringify(detail),
      })),
    }),
  );
  bus.destroy();
  for (let quiet = 0; quiet < 3; ) {
    const d = (await cloud.queueDepths()).paymentFacts!;
    quiet = d.visible + d.inFlight === 0 ? quiet + 1 : 0;
    await sleep(100);
  }

  for (const period of ['2025-01', '2025-02']) {
    const run = (await call('POST', '/v1/runs/prepayment', { region: REGION, period })) as Record<string, any>;
    for (let i = 0; i < 100; i++) {
      const state = (await call('GET', `/v1/runs/prepayment/${REGION}/${period}`)) as Record<string, any>;
      if (state.run.status === 'complete') {
        print(
          `prepayment ${REGION} ${period} (${run.outcome}): ${state.totals.lines} providers, ${(state.totals.amountFen / 100).toFixed(2)} yuan advanced`,
        );
        break;
      }
      await sleep(100);
    }
  }

  const yearEnd = (await call('POST', '/v1/runs/year-end', { region: REGION, year: YEAR })) as Record<string, any>;
  print(`POST /v1/runs/year-end → ${yearEnd.outcome}, version ${yearEnd.run.version}`);
  const summary = (await call('GET', `/v1/reports/year-end/${REGION}/${YEAR}/summary`)) as string;
  for (const line of summary.trimEnd().split('\n')) print(line);
}
