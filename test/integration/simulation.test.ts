/**
 * Policy simulation on the local cloud, end to end: a few hundred claims settled through the API
 * (Zhoushan residents, 2025), a draft raising one ratio simulated over the year, and the report's
 * figures checked to the fen against what settling the same bills under the draft gives: the draft
 * is then published and the same bills settled, in the same order, for twin members (same birth
 * date, sex and categories). A draft identical to the policy in force reports zero difference
 * everywhere; a run writes nothing live (claims, accumulators, members, policies unchanged); a draft
 * that fails its kind's schema is refused before anything runs; the region's regulator may read.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { localName } from '../../infra/topology.ts';
import zhoushan2025 from '../../policies/benefits/330900/2025-resident.json' with { type: 'json' };
import { checkCharacter } from '../../shared/enrolment/id-number.ts';
import { canonicalJson } from '../../shared/runtime/canonical-json.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { layerKeys } from '../../shared/settlement/statement.ts';
import type { SimulationReport } from '../../shared/simulation/report.ts';
import { api, eventually, registerProvider, startTestCloud, type ApiAnswer } from '../support/local-cloud.ts';
import { allPermissionsBut } from '../../shared/auth/principal.ts';

let cloud: LocalCloud;
let db: DynamoDBDocumentClient;
let staff: string;
let runner: string;
let regulator: string;
let otherRegulator: string;
let hospital: string;
let clinic: string;

const HOSPITAL = 'H33090200101'; // secondary, in the city
const CLINIC = 'H33090200102'; // primary
const tokens: Record<string, string> = {};

beforeAll(async () => {
  cloud = await startTestCloud();
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.region, credentials: cloud.credentials }),
  );
  staff = await cloud.mint({ sub: 'clerk-1', role: 'staff', permissions: allPermissionsBut('simulation:run') });
  runner = await cloud.mint({ sub: 'actuary-1', role: 'staff', permissions: ['simulation:run'] });
  regulator = await cloud.mint({ sub: 'regulator-zs', role: 'regulator', region: '330900' });
  otherRegulator = await cloud.mint({ sub: 'regulator-fx', role: 'regulator', region: '210900' });
  await registerProvider(cloud, staff, {
    providerCode: HOSPITAL,
    name: '舟山市某二级医院',
    level: 'secondary',
    region: '330902',
    kind: 'hospital',
  });
  await registerProvider(cloud, staff, {
    providerCode: CLINIC,
    name: '舟山市某社区卫生服务中心',
    level: 'primary',
    region: '330902',
    kind: 'township-centre',
  });
  hospital = await cloud.mint({ sub: 'his-hospital', role: 'provider', providerCode: HOSPITAL });
  clinic = await cloud.mint({ sub: 'his-clinic', role: 'provider', providerCode: CLINIC });
  tokens[HOSPITAL] = hospital;
  tokens[CLINIC] = clinic;
}, 120_000);
afterAll(async () => {
  db?.destroy();
  await cloud?.stop();
});

// ---- members and bills ------------------------------------------------------------------------

/** An ID number born on `born` (yyyymmdd) with `serial` (odd: male). */
const idNumber = (born: string, serial: string) => {
  const first17 = `330902${born}${serial}`;
  return first17 + checkCharacter(first17);
};

interface Person {
  born: string;
  poor: boolean;
}
const people: Person[] = Array.from({ length: 20 }, (_, i) => ({
  born: `19${50 + i}0${1 + (i % 9)}1${i % 9}`,
  poor: i % 4 === 0,
}));

async function enrol(person: Person, twin: 0 | 1, i: number): Promise<string> {
  const res = await api(cloud, 'POST', '/v1/members', {
    token: staff,
    body: {
      idNumber: idNumber(person.born, `${twin}${String(i).padStart(1, '0')}${twin === 0 ? 1 : 3}`.slice(-3)),
      year: 2025,
      region: '330900',
      scheme: 'resident',
      ...(person.poor ? { categories: [{ code: 'dibao', validFrom: '2024-01-01' }] } : {}),
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const memberId = res.body.member.memberId as string;
  // The individual's part (the government pays the rest once it is in: shared/enrolment).
  const outstanding = res.body.enrolment.status === 'active' ? 0 : 400_00;
  if (outstanding) {
    const paid = await api(cloud, 'POST', `/v1/members/${memberId}/contributions`, {
      token: staff,
      body: { contributionId: `TAX-${memberId}`, year: 2025, amountFen: outstanding, paidOn: '2024-12-20' },
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    expect(paid.body.enrolment.status).toBe('active');
  }
  return memberId;
}

/** The bills of person i, in the order they are settled: outpatient visits, and a stay or two. */
function billsOf(i: number): { provider: string; bill: (memberId: string, claimNo: string) => Record<string, unknown> }[] {
  const out: ReturnType<typeof billsOf> = [];
  for (let k = 0; k < 8; k++) {
    const month = String(1 + ((i + k * 3) % 11)).padStart(2, '0');
    const day = String(1 + ((i * 7 + k) % 25)).padStart(2, '0');
    const stay = k % 3 === 2;
    if (stay) {
      const discharge = String(Number(day) + 3 + (k % 4)).padStart(2, '0');
      out.push({
        provider: HOSPITAL,
        bill: (memberId, claimNo) => ({
          providerCode: HOSPITAL,
          claimNo,
          memberId,
          visit: {
            type: 'inpatient',
            serviceDate: `2025-${month}-${day}`,
            dischargeDate: `2025-${month}-${discharge}`,
            department: '普外科',
          },
          diagnoses: { principal: 'K35.800', secondary: [] },
          procedures: ['47.0901'],
          lines: [
            exampleLine(1, 'A', 'surgery', 2_000 + 150 * i + 90 * k),
            exampleLine(2, 'B', 'drug', 35.5 + i, 4 + k),
            exampleLine(3, 'B', 'material', 480 + 11 * k),
            exampleLine(4, 'A', 'bed', 60, 3 + (k % 4)),
          ],
        }),
      });
    } else {
      out.push({
        provider: CLINIC,
        bill: (memberId, claimNo) => ({
          providerCode: CLINIC,
          claimNo,
          memberId,
          visit: { type: 'outpatient', serviceDate: `2025-${month}-${day}` },
          diagnoses: { principal: 'J06.900' },
          lines: [exampleLine(1, 'A', 'drug', 40 + 3 * i + k), exampleLine(2, 'B', 'lab', 25 + k, 2)],
        }),
      });
    }
  }
  // Settled in date order, as a member's visits come.
  return out.sort((a, b) => {
    const da = (a.bill('x', 'x').visit as { serviceDate: string }).serviceDate;
    const db_ = (b.bill('x', 'x').visit as { serviceDate: string }).serviceDate;
    return da < db_ ? -1 : da > db_ ? 1 : 0;
  });
}

interface Sums {
  claims: number;
  fundPaidFen: number;
  patientPaidFen: number;
  byLayer: Record<string, number>;
}
const emptySums = (): Sums => ({ claims: 0, fundPaidFen: 0, patientPaidFen: 0, byLayer: Object.fromEntries(layerKeys.map((k) => [k, 0])) });

/** Settles person i's bills for a member, in order; adds their statements to `sums` (and the poor's to `poor`). */
async function settleAll(
  memberId: string,
  i: number,
  prefix: string,
  sums: Sums,
  poor: Sums | undefined,
  patients: number[],
): Promise<void> {
  let patient = 0;
  for (const [k, { provider, bill }] of billsOf(i).entries()) {
    const res: ApiAnswer = await api(cloud, 'POST', '/v1/claims', {
      token: tokens[provider]!,
      body: bill(memberId, `${prefix}-${i}-${k}`),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const t = res.body.statement.totals;
    for (const into of poor ? [sums, poor] : [sums]) {
      into.claims += 1;
      into.fundPaidFen += t.fundPaidFen;
      into.patientPaidFen += t.patientPaidFen;
      for (const key of layerKeys) into.byLayer[key]! += t.byLayer[key];
    }
    patient += t.patientPaidFen;
  }
  patients.push(patient);
}

// ---- runs -------------------------------------------------------------------------------------

const windowOf = { region: '330900', scheme: 'resident', from: '2025-01-01', to: '2025-12-31' };
/** The draft: the policy in force with the secondary hospitals' inpatient ratio raised from 75% to 80%. */
const draft = (() => {
  const d = structuredClone(zhoushan2025) as Record<string, any>;
  d.version = 2;
  d.basic.ratios[0].set.secondary = '80%';
  return d;
})();

async function simulate(document: unknown, token = runner): Promise<{ start: ApiAnswer; report: SimulationReport; csv: string }> {
  const start = await api(cloud, 'POST', '/v1/simulations', { token, body: { draft: { kind: 'benefits', document }, window: windowOf } });
  expect([200, 202], JSON.stringify(start.body)).toContain(start.status);
  const runId = start.body.run.runId as string;
  const done = await eventually(
    async () => {
      const run = await api(cloud, 'GET', `/v1/simulations/${runId}`, { token });
      expect(run.body.status, run.body.error).not.toBe('failed');
      return run.body.status === 'done' ? run.body : undefined;
    },
    'the simulation to finish',
    120_000,
  );
  expect(done.progress).toMatchObject({ groupsDone: done.groups });
  const report = await api(cloud, 'GET', `/v1/simulations/${runId}/report`, { token });
  expect(report.status, JSON.stringify(report.body)).toBe(200);
  const csv = await fetch(`${cloud.apiUrl}/v1/simulations/${runId}/report?format=csv`, { headers: { authorization: `Bearer ${token}` } });
  expect(csv.status).toBe(200);
  expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
  return { start, report: report.body as SimulationReport, csv: await csv.text() };
}

/** Every item of the live tables a run must not touch, fingerprinted. */
async function liveFingerprint(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of ['claims', 'accumulators', 'members', 'policies'] as const) {
    const items: unknown[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: localName.table(t), ExclusiveStartKey: start, ConsistentRead: true }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const lines = items.map((i) => canonicalJson(i)).sort();
    out[t] = `${lines.length}:${createHash('sha256').update(lines.join('\n')).digest('hex')}`;
  }
  return out;
}

const inForceSums = emptySums();
const inForcePoor = emptySums();
const draftSums = emptySums();
const draftPoor = emptySums();
const patientsA: number[] = [];
const patientsB: number[] = [];
let changed: SimulationReport;
let identical: SimulationReport;
let changedCsv: string;
let before: Record<string, string>;

describe('policy simulation of a draft raising one ratio', () => {
  it('settles a few hundred claims through the API, then simulates without writing anything live', async () => {
    const members = [];
    for (const [i, p] of people.entries()) members.push(await enrol(p, 0, i));
    for (const [i, memberId] of members.entries())
      await settleAll(memberId, i, 'A', inForceSums, people[i]!.poor ? inForcePoor : undefined, patientsA);
    expect(inForceSums.claims).toBe(160);

    before = await liveFingerprint();
    const first = await simulate(draft);
    expect(first.start.status).toBe(202);
    changed = first.report;
    changedCsv = first.csv;
    identical = (await simulate(zhoushan2025)).report;
    // The same draft over the same window is the same run: answered from what is stored.
    const again = await api(cloud, 'POST', '/v1/simulations', {
      token: runner,
      body: { draft: { kind: 'benefits', document: draft }, window: windowOf },
    });
    expect(again.status).toBe(200);
    expect(again.body.run).toMatchObject({ runId: changed.runId, status: 'done' });
    expect(await liveFingerprint()).toEqual(before);
  }, 600_000);

  it('reports, to the fen, what settling the same bills under the draft gives', async () => {
    // Publish the draft, then settle the same bills in the same order for twin members.
    const published = await api(cloud, 'POST', '/v1/policies', { token: staff, body: draft });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    for (const [i, p] of people.entries()) {
      const twin = await enrol(p, 1, i);
      await settleAll(twin, i, 'B', draftSums, p.poor ? draftPoor : undefined, patientsB);
    }
    const r = changed;
    expect(r.claims).toMatchObject({ inWindow: 160, read: 160, members: 20, providers: 2 });
    expect(r.replayCheck).toEqual({ equal: 160, differing: 0, differenceFen: 0 });
    expect(r.refused).toMatchObject({ inForce: 0, draft: 0 });
    const inForce = r.fund.inForce.all;
    const underDraft = r.fund.draft.all;
    expect({ fundPaidFen: inForce.fundPaidFen, patientPaidFen: inForce.patientPaidFen, byLayer: inForce.byLayer }).toEqual({
      fundPaidFen: inForceSums.fundPaidFen,
      patientPaidFen: inForceSums.patientPaidFen,
      byLayer: inForceSums.byLayer,
    });
    expect({ fundPaidFen: underDraft.fundPaidFen, patientPaidFen: underDraft.patientPaidFen, byLayer: underDraft.byLayer }).toEqual({
      fundPaidFen: draftSums.fundPaidFen,
      patientPaidFen: draftSums.patientPaidFen,
      byLayer: draftSums.byLayer,
    });
    expect(r.fund.difference.all.fundPaidFen).toBe(draftSums.fundPaidFen - inForceSums.fundPaidFen);
    expect(r.fund.difference.all.fundPaidFen).toBeGreaterThan(0);
    expect(r.fund.difference.all.patientPaidFen).toBe(draftSums.patientPaidFen - inForceSums.patientPaidFen);
    expect(r.fund.difference.byPoverty.poor.fundPaidFen).toBe(draftPoor.fundPaidFen - inForcePoor.fundPaidFen);
    // Only the stays at the secondary hospital change.
    expect(r.fund.difference.byLevel.primary?.fundPaidFen).toBe(0);
    expect(r.fund.difference.byVisitType.outpatient?.fundPaidFen).toBe(0);
    expect(r.fund.difference.byLevel.secondary?.fundPaidFen).toBe(r.fund.difference.all.fundPaidFen);
    // Out of pocket per member, both ways.
    const mean = (xs: number[]) => Math.floor((xs.reduce((a, b) => a + b, 0) * 2 + xs.length) / (2 * xs.length));
    expect(r.outOfPocket.inForce.meanFen).toBe(mean(patientsA));
    expect(r.outOfPocket.draft.meanFen).toBe(mean(patientsB));
    expect(r.outOfPocket.inForce.p90Fen).toBe([...patientsA].sort((a, b) => a - b)[17]);
    expect(r.outOfPocket.draft.p90Fen).toBe([...patientsB].sort((a, b) => a - b)[17]);
    expect(r.mostAffected.members.length).toBeGreaterThan(0);
    expect(r.mostAffected.members[0]!.member).toMatch(/\*/);
    expect(r.mostAffected.providers.map((p) => p.providerCode)).toEqual([HOSPITAL]);
    // Chart series and CSV carry the same figures.
    expect(r.series.differenceFen.reduce((a, b) => a + b, 0)).toBe(r.fund.difference.all.fundPaidFen);
    const totalRow = changedCsv.split('\r\n').find((l) => l.startsWith('total,all,fund_paid,'));
    expect(totalRow).toBe(
      `total,all,fund_paid,${(inForceSums.fundPaidFen / 100).toFixed(2)},${(draftSums.fundPaidFen / 100).toFixed(2)},${((draftSums.fundPaidFen - inForceSums.fundPaidFen) / 100).toFixed(2)}`,
    );
    // The projection draws the difference from the pooled layers.
    expect(r.projection.difference.annualPaymentsFen).toBeGreaterThan(0);
  }, 600_000);

  it('reports zero difference everywhere for a draft identical to the policy in force', () => {
    const d = identical.fund.difference;
    const zero = (t: {
      claims: number;
      billedFen: number;
      fundPaidFen: number;
      patientPaidFen: number;
      institutionFen: number;
      byLayer: Record<string, number>;
    }) => [t.claims, t.billedFen, t.fundPaidFen, t.patientPaidFen, t.institutionFen, ...Object.values(t.byLayer)].every((v) => v === 0);
    expect(zero(d.all)).toBe(true);
    for (const map of [d.byScheme, d.byCategory, d.byLevel, d.byVisitType, d.byMonth])
      for (const t of Object.values(map)) expect(zero(t)).toBe(true);
    expect(zero(d.byPoverty.poor) && zero(d.byPoverty.others)).toBe(true);
    expect(identical.outOfPocket.difference).toEqual({ meanFen: 0, medianFen: 0, p90Fen: 0, aboveLine: 0 });
    expect(identical.mostAffected).toEqual({ members: [], providers: [] });
    expect(identical.series.differenceFen.every((v) => v === 0)).toBe(true);
    expect(identical.projection.difference).toMatchObject({ annualPaymentsFen: 0, nextYearPaymentsFen: 0 });
    expect(identical.fund.inForce.all.fundPaidFen).toBe(inForceSums.fundPaidFen);
  });
});

describe('guard rails', () => {
  it('refuses a draft that fails its schema before the run, naming the field', async () => {
    const bad = structuredClone(draft);
    bad.basic.ratios[0].set.secondary = '180%';
    const res = await api(cloud, 'POST', '/v1/simulations', {
      token: runner,
      body: { draft: { kind: 'benefits', document: bad }, window: windowOf },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.problems[0].field).toMatch(/^body\.draft\.document\.basic\.ratios\.0\.set/);
    const otherYear = await api(cloud, 'POST', '/v1/simulations', {
      token: runner,
      body: { draft: { kind: 'benefits', document: draft }, window: { ...windowOf, from: '2024-01-01', to: '2024-12-31' } },
    });
    expect(otherYear.status).toBe(400);
    expect(otherYear.body.error.details.problems[0]).toMatchObject({ field: 'body.draft.document.year', rule: 'window_year' });
    const split = await api(cloud, 'POST', '/v1/simulations', {
      token: runner,
      body: { draft: { kind: 'benefits', document: draft }, window: { ...windowOf, to: '2026-01-31' } },
    });
    expect(split.status).toBe(400);
    expect(split.body.error.details.problems[0]).toMatchObject({ field: 'body.window.to', rule: 'one_year' });
  });

  it('lets staff with the permission run, and the region’s regulator read', async () => {
    const denied = await api(cloud, 'POST', '/v1/simulations', {
      token: staff,
      body: { draft: { kind: 'benefits', document: draft }, window: windowOf },
    });
    expect(denied.status).toBe(403);
    const asRegulator = await api(cloud, 'POST', '/v1/simulations', {
      token: regulator,
      body: { draft: { kind: 'benefits', document: draft }, window: windowOf },
    });
    expect(asRegulator.status).toBe(403);
    expect((await api(cloud, 'GET', `/v1/simulations/${changed.runId}/report`, { token: regulator })).status).toBe(200);
    // Issue 20: another region's run answers as a missing one (it was a 403).
    expect((await api(cloud, 'GET', `/v1/simulations/${changed.runId}`, { token: otherRegulator })).status).toBe(404);
    expect((await api(cloud, 'GET', `/v1/simulations/${changed.runId}`, { token: staff })).status).toBe(403);
    expect((await api(cloud, 'GET', `/v1/simulations/${changed.runId}/report`, { token: hospital })).status).toBe(403);
    const list = await api(cloud, 'GET', '/v1/simulations?region=330900', { token: regulator });
    expect(list.body.runs.map((r: { runId: string }) => r.runId)).toContain(changed.runId);
  });
});
