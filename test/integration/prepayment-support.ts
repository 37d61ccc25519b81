/**
 * What the prepayment and year-end integration tests share: events as adjudication and DRG grouping
 * publish them, a way to wait for the projection to catch up, the events a run published (as the
 * audit consumer received them), and a small Jin'an register.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { SQSEvent } from 'aws-lambda';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { BUS_NAME } from '../../infra/topology.ts';
import { api, eventually } from '../support/local-cloud.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

export const REGION = '341502';

export interface Harness {
  cloud: LocalCloud;
  bus: EventBridgeClient;
  staff: string;
  /** detail-type → details the audit consumer was handed (every yibao event passes through it). */
  seen: Map<string, Record<string, any>[]>;
}

export async function harness(cloud: LocalCloud): Promise<Harness> {
  const bus = new EventBridgeClient({ endpoint: cloud.endpoints.eventbridge, region: cloud.region, credentials: cloud.credentials });
  const seen = new Map<string, Record<string, any>[]>();
  const ids = new Set<string>();
  cloud.lambda.observe((fn, event, trigger) => {
    if (fn !== 'audit' || trigger !== 'sqs') return;
    for (const r of (event as SQSEvent).Records) {
      const e = JSON.parse(r.body) as { id: string; 'detail-type': string; detail: Record<string, any> };
      if (ids.has(e.id)) continue; // a redelivery
      ids.add(e.id);
      seen.set(e['detail-type'], [...(seen.get(e['detail-type']) ?? []), e.detail]);
    }
  });
  return { cloud, bus, staff: await cloud.mint({ sub: 'clerk-budget', role: 'staff', permissions: ALL_STAFF_PERMISSIONS }), seen };
}

export async function put(h: Harness, source: string, detailType: string, detail: unknown): Promise<string> {
  const out = await h.bus.send(
    new PutEventsCommand({ Entries: [{ EventBusName: BUS_NAME, Source: source, DetailType: detailType, Detail: JSON.stringify(detail) }] }),
  );
  if (out.FailedEntryCount) throw new Error(`PutEvents failed: ${out.Entries?.[0]?.ErrorCode}`);
  return out.Entries![0]!.EventId!;
}

const meta = (id: string) => ({ schemaVersion: 1, correlationId: `test-${id}` });

/** CaseGrouped as DRG grouping publishes it (only what the projection reads is meaningful). */
export function caseGrouped(
  providerCode: string,
  claimNo: string,
  dischargeDate: string,
  centipoints: number,
  cuts: { earlier: string; delta: number }[] = [],
) {
  return {
    claim: { providerCode, claimNo },
    memberId: `M-${claimNo}`,
    region: REGION,
    year: Number(dischargeDate.slice(0, 4)),
    admissionDate: dischargeDate,
    dischargeDate,
    grouping: { version: '1.1', mdc: 'F', adrg: 'FR1', drg: 'FR13', ccLevel: 'none', outcome: 'grouped' },
    points: { pricing: 'drg', weight: 10_000, baseCentipoints: centipoints, coefficient: 10_000, addOns: [], centipoints, review: false },
    readmissionCuts: cuts.map((c) => ({
      earlier: { providerCode, claimNo: c.earlier },
      readmission: { providerCode, claimNo },
      daysBetween: 10,
      deltaCentipoints: c.delta,
    })),
    policy: { region: REGION, year: Number(dischargeDate.slice(0, 4)), version: 1 },
    meta: meta(claimNo),
  };
}

/** ClaimSettled as adjudication publishes it; `basicFen` is the pooled fund's layer. */
export function claimSettled(
  providerCode: string,
  claimNo: string,
  memberId: string,
  visitType: string,
  date: string,
  basicFen: number,
  principal = 'I10.x00',
) {
  return {
    claim: { providerCode, claimNo },
    memberId,
    region: REGION,
    visit: { type: visitType, serviceDate: date, ...(visitType === 'inpatient' ? { admissionDate: date, dischargeDate: date } : {}) },
    diagnoses: { principal, secondary: [] },
    totals: {
      billedFen: basicFen * 2,
      fundPaidFen: basicFen + 1_000,
      patientPaidFen: basicFen - 1_000,
      byLayer: { basic: basicFen, catastrophic: 1_000 },
    },
    settledAt: `${date}T10:00:00+08:00`,
    meta: meta(claimNo),
  };
}

export const claimReversed = (providerCode: string, claimNo: string, memberId: string) => ({
  claim: { providerCode, claimNo },
  memberId,
  region: REGION,
  reason: 'duplicate bill',
  meta: meta(`${claimNo}-rev`),
});

/** Waits until the projection's queue is empty and nothing is in flight. */
export async function factsProjected(cloud: LocalCloud): Promise<void> {
  // Twice in a row: a message between the bus and the queue is not counted by either.
  let quiet = 0;
  await eventually(
    async () => {
      const d = (await cloud.queueDepths()).paymentFacts!;
      quiet = d.visible + d.inFlight === 0 ? quiet + 1 : 0;
      return quiet >= 3 ? true : undefined;
    },
    'the payment facts to be projected',
    30_000,
  );
}

export async function staffCall(h: Harness, method: string, path: string, body?: unknown) {
  return api(h.cloud, method, path, { token: h.staff, ...(body === undefined ? {} : { body }) });
}

export async function registerJinan(
  h: Harness,
  providers: { code: string; name: string; level: string; kind: string }[],
  community: { id: string; members: { providerCode: string; tier: string }[] },
) {
  for (const p of providers) {
    const res = await staffCall(h, 'POST', '/v1/providers', {
      providerCode: p.code,
      name: p.name,
      region: REGION,
      level: p.level,
      kind: p.kind,
    });
    if (res.status !== 201) throw new Error(`provider ${p.code}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const res = await staffCall(h, 'POST', '/v1/health-communities', {
    communityId: community.id,
    region: REGION,
    name: '金安区第一医共体',
    members: community.members,
  });
  if (res.status !== 201) throw new Error(`community: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Polls a prepayment run until its version is complete. */
export async function runComplete(h: Harness, period: string, version: number) {
  return eventually(
    async () => {
      const res = await staffCall(h, 'GET', `/v1/runs/prepayment/${REGION}/${period}?version=${version}`);
      return res.status === 200 && res.body.run.status === 'complete' ? res.body : undefined;
    },
    `prepayment ${period} v${version} to complete`,
    30_000,
  );
}

/** The month a schedule fired at 02:00 on the 1st in Shanghai advances: 18:00 UTC the day before. */
export const firingFor = (period: string): Date => {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, 1, 2 - 8, 0, 0));
};
