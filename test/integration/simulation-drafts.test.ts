/**
 * Policy simulation of the other kinds of draft, on the local cloud (Zhoushan 2026, whose shipped
 * benefits, DRG and year-end terms are all in force, and whose catalogues are imported): stays and
 * outpatient visits settled through the API with catalogue codes, then
 *  - a catalogue draft (a 丙 item made 甲, a price limit raised, a regional herb taken out): the report
 *    equals, to the fen, the same bills settled for twin members once the draft is published as the
 *    region's next catalogue version;
 *  - a DRG-parameter draft (the tertiary average cost per case halved): points, point value and each provider's
 *    entitlement move, the pool is shared whole both ways, the benefits stay as they were;
 *  - a year-end-terms draft (more of a global-budget surplus kept): entitlements settled both ways by
 *    the year-end engine, worked here from the report's own points and item payments;
 *  - claims settled before their inputs were kept: left out of both sides, reported as coverage.
 */
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { localName } from '../../infra/topology.ts';
import drg2026 from '../../policies/drg/330900/2026.json' with { type: 'json' };
import yearEnd2026 from '../../policies/year-end/330900/2026.json' with { type: 'json' };
import { STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';
import { checkCharacter } from '../../shared/enrolment/id-number.ts';
import { applyRatio } from '../../shared/money/fen.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { layerKeys } from '../../shared/settlement/statement.ts';
import type { SimulationReport } from '../../shared/simulation/report.ts';
import { importCatalogueFile, type ImportHeader } from '../../tools/catalogue.ts';
import { api, eventually, startTestCloud, type ApiAnswer } from '../support/local-cloud.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const REGION = '330900';
const y = (yuan: number) => Math.round(yuan * 100);
const windowOf = { region: REGION, scheme: 'resident', from: '2026-01-01', to: '2026-12-31' };

// Codes of the starter catalogues (catalogues/000000/v1.csv, catalogues/330900/v1.csv).
const AMOXICILLIN = 'XJ01CAA040A001010110000'; // 甲
const ATORVASTATIN = 'XC10AAA100B002010110084'; // 乙, Zhoushan first self-pay 5%
const DIRECTED_TCM = '003306009050000-33090006'; // 中医定向透药, 乙, limit 30.00
const FISHERMEN_CHECK = '003308009070000-33090008'; // 渔民职业健康检查, 丙, limit 200.00
const HERB_B = 'T330900088'; // 瓦楞子, 乙 (a Zhoushan herb)

let cloud: LocalCloud;
let db: DynamoDBDocumentClient;
let clerk: string;
let dir: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  cloud = await startTestCloud();
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.region, credentials: cloud.credentials }),
  );
  clerk = await cloud.mint({ sub: 'actuary-2', role: 'staff', permissions: Object.keys(STAFF_PERMISSIONS) });
  dir = mkdtempSync(join(tmpdir(), 'yibao-simulation-'));
}, 120_000);
afterAll(async () => {
  db?.destroy();
  await cloud?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const staff = (method: string, path: string, body?: unknown) => api(cloud, method, path, { token: clerk, ...(body ? { body } : {}) });

const idNumber = (born: string, serial: string) => {
  const first17 = `330902${born}${serial}`;
  return first17 + checkCharacter(first17);
};

async function enrol(i: number, twin: 0 | 1): Promise<string> {
  const res = await staff('POST', '/v1/members', {
    idNumber: idNumber(`19${60 + i}0${1 + i}1${i}`, `${twin}${i}${twin === 0 ? 1 : 3}`),
    year: 2026,
    region: REGION,
    scheme: 'resident',
    categories: [{ code: 'tekun', validFrom: '2025-01-01' }],
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const memberId = res.body.member.memberId as string;
  const booked = await staff('POST', `/v1/members/${memberId}/contributions`, {
    contributionId: `SUB-2026-${memberId}`,
    year: 2026,
    amountFen: 0,
    paidOn: '2026-01-05',
    channel: 'subsidy',
  });
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  return memberId;
}

/** Person i's bills, in date order: a stay at each hospital and two outpatient visits, every line a catalogue code. */
function billsOf(i: number, memberId: string, prefix: string) {
  const stay = (providerCode: string, k: number, month: string) => ({
    providerCode,
    claimNo: `${prefix}-${i}-${k}`,
    memberId,
    visit: {
      type: 'inpatient',
      serviceDate: `2026-${month}-0${1 + i}`,
      admissionDate: `2026-${month}-0${1 + i}`,
      dischargeDate: `2026-${month}-1${i}`,
      department: 'respiratory',
    },
    // Pneumonia with respiratory failure: ES31 under CHS-DRG 1.1.
    diagnoses: { principal: 'J18.900', secondary: ['J96.000'] },
    lines: [
      exampleLine(1, 'A', 'drug', 18 + i, 20, { itemCode: AMOXICILLIN }),
      exampleLine(2, 'B', 'drug', 6.5, 30 + 5 * i, { itemCode: ATORVASTATIN }),
      exampleLine(3, 'B', 'treatment', 42, 4 + i, { itemCode: DIRECTED_TCM }),
      exampleLine(4, 'C', 'exam', 180 + 10 * i, 1, { itemCode: FISHERMEN_CHECK }),
    ],
  });
  const visit = (k: number, month: string) => ({
    providerCode: 'ZS0201',
    claimNo: `${prefix}-${i}-${k}`,
    memberId,
    visit: { type: 'outpatient', serviceDate: `2026-${month}-2${i}` },
    diagnoses: { principal: 'J20.900' },
    lines: [
      exampleLine(1, 'A', 'drug', 12 + i, 3, { itemCode: AMOXICILLIN }),
      exampleLine(2, 'B', 'tcm-herbal', 0.8, 100 + 20 * i, { itemCode: HERB_B }),
      exampleLine(3, 'C', 'exam', 150, 1, { itemCode: FISHERMEN_CHECK }),
    ],
  });
  return [stay('ZS0001', 0, '03'), visit(1, '05'), stay('ZS0201', 2, '07'), visit(3, '10')];
}

interface Sums {
  claims: number;
  fundPaidFen: number;
  patientPaidFen: number;
  byLayer: Record<string, number>;
}
const emptySums = (): Sums => ({ claims: 0, fundPaidFen: 0, patientPaidFen: 0, byLayer: Object.fromEntries(layerKeys.map((k) => [k, 0])) });

async function settleAll(i: number, memberId: string, prefix: string, sums: Sums): Promise<void> {
  for (const bill of billsOf(i, memberId, prefix)) {
    const res: ApiAnswer = await api(cloud, 'POST', '/v1/claims', { token: tokens[bill.providerCode]!, body: bill });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const t = res.body.statement.totals;
    sums.claims += 1;
    sums.fundPaidFen += t.fundPaidFen;
    sums.patientPaidFen += t.patientPaidFen;
    for (const k of layerKeys) sums.byLayer[k]! += t.byLayer[k];
  }
}

async function simulate(kind: string, document: unknown): Promise<SimulationReport> {
  const start = await staff('POST', '/v1/simulations', { draft: { kind, document }, window: windowOf });
  expect([200, 202], JSON.stringify(start.body)).toContain(start.status);
  const runId = start.body.run.runId as string;
  await eventually(
    async () => {
      const run = await staff('GET', `/v1/simulations/${runId}`);
      expect(run.body.status, run.body.error).not.toBe('failed');
      return run.body.status === 'done' ? run.body : undefined;
    },
    `the ${kind} simulation to finish`,
    120_000,
  );
  const report = await staff('GET', `/v1/simulations/${runId}/report`);
  expect(report.status, JSON.stringify(report.body)).toBe(200);
  return report.body as SimulationReport;
}

const PEOPLE = 4;
const inForceSums = emptySums();
const twinSums = emptySums();
/** The catalogue draft: a 丙 check made 甲 (the fund pays it), a price limit raised, a regional herb taken out. */
const starterRows = () =>
  readFileSync(join(ROOT, 'catalogues', REGION, 'v1.csv'), 'utf8')
    .trimEnd()
    .split('\n');
const header = () => starterRows()[0]!.split(',');
const rowOf = (code: string) => {
  const cells = starterRows()
    .find((l) => l.startsWith(`${code},`))!
    .split(',');
  return Object.fromEntries(header().map((h, i) => [h, cells[i] ?? '']));
};
const catalogueDraft = () => ({
  region: REGION,
  version: 2,
  effectiveFrom: '2025-01-01',
  title: 'Zhoushan addition, draft of the 2026 adjustment',
  rows: [
    { ...rowOf(FISHERMEN_CHECK), class: 'A' },
    { ...rowOf(DIRECTED_TCM), priceLimit: '45.00' },
  ],
  removed: [HERB_B],
});

describe('simulation of catalogue, DRG and year-end drafts (Zhoushan 2026)', () => {
  it('registers providers, sets the budget, imports the catalogues and settles claims through the API', async () => {
    for (const [providerCode, region, level, name] of [
      ['ZS0001', '330900', 'tertiary', '舟山医院'],
      ['ZS0201', '330902', 'secondary', '定海区人民医院'],
    ] as const) {
      const res = await staff('POST', '/v1/providers', { providerCode, name, region, level, kind: 'hospital' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      tokens[providerCode] = await cloud.mint({ sub: `his-${providerCode}`, role: 'provider', providerCode });
    }
    const budget = await staff('PUT', `/v1/budgets/${REGION}/2026`, {
      totalFen: y(2_000_000),
      drgBudgetFen: y(60_000),
      providers: [
        { providerCode: 'ZS0001', globalBudgetFen: y(40_000) },
        { providerCode: 'ZS0201', globalBudgetFen: y(12_000) },
      ],
      schemes: { resident: { budgetFen: y(1_200_000), reserve: { balanceFen: y(900_000), asOf: '2025-12-31' } } },
    });
    expect(budget.status, JSON.stringify(budget.body)).toBe(201);
    for (const region of ['000000', REGION]) {
      const imported = await importCatalogueFile({
        file: join(ROOT, 'catalogues', region, 'v1.csv'),
        header: JSON.parse(readFileSync(join(ROOT, 'catalogues', region, 'v1.json'), 'utf8')) as ImportHeader,
        apiUrl: cloud.apiUrl,
        token: clerk,
        publish: true,
      });
      expect(imported.status).toBe('published');
    }
    for (let i = 0; i < PEOPLE; i++) await settleAll(i, await enrol(i, 0), 'A', inForceSums);
    expect(inForceSums.claims).toBe(16);
  }, 300_000);

  let catalogueReport: SimulationReport;
  it('a catalogue draft re-classes and re-prices the lines: to the fen what the published version settles', async () => {
    catalogueReport = await simulate('catalogue', catalogueDraft());
    // Publish the draft as the region's next version (in force from the same day, above v1), settle twins.
    const lines = starterRows();
    const cells = (code: string, patch: Record<string, string>) =>
      header()
        .map((h) => patch[h] ?? rowOf(code)[h])
        .join(',');
    const v2 = lines
      .filter((l) => !l.startsWith(`${HERB_B},`))
      .map((l) =>
        l.startsWith(`${FISHERMEN_CHECK},`)
          ? cells(FISHERMEN_CHECK, { class: 'A' })
          : l.startsWith(`${DIRECTED_TCM},`)
            ? cells(DIRECTED_TCM, { priceLimit: '45.00' })
            : l,
      );
    const file = join(dir, 'zhoushan-v2.csv');
    writeFileSync(file, `${v2.join('\n')}\n`);
    const published = await importCatalogueFile({
      file,
      header: {
        ...(JSON.parse(readFileSync(join(ROOT, 'catalogues', REGION, 'v1.json'), 'utf8')) as ImportHeader),
        version: 2,
        title: 'Zhoushan addition v2 (test)',
      },
      apiUrl: cloud.apiUrl,
      token: clerk,
      publish: true,
    });
    expect(published.status, JSON.stringify(published)).toBe('published');
    for (let i = 0; i < PEOPLE; i++) await settleAll(i, await enrol(i, 1), 'B', twinSums);

    const r = catalogueReport;
    expect(r.draft).toMatchObject({ kind: 'catalogue', region: REGION, version: 2 });
    expect(r.claims).toMatchObject({ inWindow: 16, members: PEOPLE });
    expect(r.replayCheck).toEqual({ equal: 16, differing: 0, differenceFen: 0 });
    const pick = (t: Sums | SimulationReport['fund']['inForce']['all']) => ({
      fundPaidFen: t.fundPaidFen,
      patientPaidFen: t.patientPaidFen,
      byLayer: t.byLayer,
    });
    expect(pick(r.fund.inForce.all)).toEqual(pick(inForceSums));
    expect(pick(r.fund.draft.all)).toEqual(pick(twinSums));
    expect(r.fund.difference.all.fundPaidFen).toBe(twinSums.fundPaidFen - inForceSums.fundPaidFen);
    expect(r.fund.difference.all.fundPaidFen).not.toBe(0);
    expect(r.coverage).toMatchObject({ withoutInputs: 0, fundCoveredBp: 10_000 });
  }, 600_000);

  it('a DRG-parameter draft moves points, point value and entitlements, and leaves the benefits alone', async () => {
    const draft = structuredClone(drg2026) as Record<string, any>;
    draft.version = 2;
    // These cheap stays are low-cost cases (低倍率), pointed by cost against the level's average cost per case.
    draft.averageCostPerCaseFen.byLevel.tertiary = 600_000;
    const r = await simulate('drg', draft);
    expect(r.fund.difference.all.fundPaidFen).toBe(0);
    const drg = r.drg!;
    expect(drg.poolFen).toBe(y(60_000));
    const zs1 = drg.providers.find((p) => p.providerCode === 'ZS0001')!;
    const zs2 = drg.providers.find((p) => p.providerCode === 'ZS0201')!;
    // The A claims and the twins' B claims: two ES31 stays each, at each hospital, per person.
    expect([zs1.cases, zs2.cases]).toEqual([2 * PEOPLE, 2 * PEOPLE]);
    expect(zs1.centipointsDraft).toBeGreaterThan(zs1.centipointsInForce);
    expect(zs2.centipointsDraft).toBe(zs2.centipointsInForce);
    expect(Number(drg.draft!.yuanPerPoint)).toBeLessThan(Number(drg.inForce!.yuanPerPoint));
    expect(zs1.entitlementDraftFen + zs2.entitlementDraftFen).toBe(y(60_000));
    expect(zs1.entitlementInForceFen + zs2.entitlementInForceFen).toBe(y(60_000));
    expect(zs2.differenceFen).toBeLessThan(0);
    expect(zs1.differenceFen).toBe(-zs2.differenceFen);
    // The year-end pays the stays by these points: its points payments move by the same amounts.
    const ye = r.yearEnd!;
    const yz1 = ye.providers.find((p) => p.providerCode === 'ZS0001')!;
    expect(yz1.draft.pointsPaymentFen - yz1.inForce.pointsPaymentFen).toBe(zs1.differenceFen);
    expect(ye.draft.yuanPerPoint).toBe(drg.draft!.yuanPerPoint);
  }, 300_000);

  it('a year-end-terms draft settles each provider’s entitlement again under the new terms (worked)', async () => {
    const draft = structuredClone(yearEnd2026) as Record<string, any>;
    draft.version = 2;
    draft.globalBudget.surplus.keptPercent = 80;
    draft.globalBudget.surplus.capPercentOfBudget = 10;
    draft.globalBudget.overrun.fundBearsPercent = 70;
    const r = await simulate('year-end', draft);
    expect(r.fund.difference.all.fundPaidFen).toBe(0);
    const ye = r.yearEnd!;
    expect(ye.inForce.terms).toMatchObject({ payBy: 'drg', version: 1 });
    expect(ye.draft.terms).toMatchObject({ payBy: 'drg', version: 2 });
    expect(ye.poolFen).toBe(y(60_000));
    const budgets: Record<string, number> = { ZS0001: y(40_000), ZS0201: y(12_000) };
    // The year-end engine's terms, worked by hand from the report's own points and item payments.
    const adjust = (budget: number, used: number, kept: number, cap: number, bears: number, band: number) => {
      if (used <= budget) return Math.min(applyRatio(budget - used, kept), applyRatio(budget, cap));
      const over = used - budget;
      return -(over - applyRatio(Math.min(over, applyRatio(budget, band)), bears));
    };
    for (const p of ye.providers) {
      expect(p.draft.pointsPaymentFen).toBe(p.inForce.pointsPaymentFen);
      expect(p.draft.itemPaymentFen).toBe(p.inForce.itemPaymentFen);
      const used = p.inForce.pointsPaymentFen + p.inForce.itemPaymentFen;
      expect(p.inForce.globalBudgetFen).toBe(adjust(budgets[p.providerCode]!, used, 6_000, 500, 5_000, 1_000));
      expect(p.draft.globalBudgetFen).toBe(adjust(budgets[p.providerCode]!, used, 8_000, 1_000, 7_000, 1_000));
      expect(p.draft.entitlementFen).toBe(used + p.draft.globalBudgetFen);
      expect(p.entitlementDifferenceFen).toBe(p.draft.globalBudgetFen - p.inForce.globalBudgetFen);
    }
    expect(ye.difference.entitlementFen).toBe(ye.providers.reduce((a, p) => a + p.entitlementDifferenceFen, 0));
    expect(ye.difference.entitlementFen).not.toBe(0);
    // Item payments are the pooled fund (basic) on claims not paid by points: the outpatient visits here.
    expect(ye.inForce.stays).toEqual({ byPoints: 4 * PEOPLE, byItems: 0 });
    const csv = await fetch(`${cloud.apiUrl}/v1/simulations/${r.runId}/report?format=csv`, {
      headers: { authorization: `Bearer ${clerk}` },
    });
    const rows = (await csv.text()).split('\r\n');
    expect(rows).toContain(
      `year_end,all,entitlement,${(ye.inForce.totals.entitlementFen / 100).toFixed(2)},${(ye.draft.totals.entitlementFen / 100).toFixed(2)},${(ye.difference.entitlementFen / 100).toFixed(2)}`,
    );
  }, 300_000);

  it('leaves claims settled before their inputs were kept out of both sides, and says how much of the year it covers', async () => {
    // Two of the A claims made to look as a claim settled before inputs were kept does: no inputs beside the bill.
    const targets: Record<string, any>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: localName.table('claims'), ExclusiveStartKey: start }));
      targets.push(...(page.Items ?? []).filter((i) => i.sk === 'CLAIM' && ['CLAIM#ZS0001#A-0-0', 'CLAIM#ZS0201#A-0-1'].includes(i.pk)));
      start = page.LastEvaluatedKey;
    } while (start);
    expect(targets.map((t) => Boolean(t.inputs))).toEqual([true, true]);
    for (const t of targets)
      await db.send(
        new UpdateCommand({ TableName: localName.table('claims'), Key: { pk: t.pk, sk: t.sk }, UpdateExpression: 'REMOVE inputs' }),
      );
    const withoutFund = targets.reduce((a, t) => a + (t.totals.fundPaidFen as number), 0);
    // Any draft: the same catalogue draft over the same window, with another list length (another run).
    const start2 = await staff('POST', '/v1/simulations', {
      draft: { kind: 'catalogue', document: catalogueDraft() },
      window: windowOf,
      top: 5,
    });
    expect(start2.status, JSON.stringify(start2.body)).toBe(202);
    const runId = start2.body.run.runId as string;
    await eventually(
      async () => ((await staff('GET', `/v1/simulations/${runId}`)).body.status === 'done' ? true : undefined),
      'the run',
      120_000,
    );
    const r = (await staff('GET', `/v1/simulations/${runId}/report`)).body as SimulationReport;
    const all = 2 * 4 * PEOPLE;
    expect(r.coverage).toMatchObject({ withoutInputs: 2, withoutInputsInWindow: 2, withoutInputsFundFen: withoutFund, replayed: all - 2 });
    expect(r.claims.inWindow).toBe(all - 2);
    const covered = r.fund.inForce.all.fundPaidFen;
    expect(r.coverage!.fundCoveredBp).toBe(Math.floor((covered * 10_000) / (covered + withoutFund)));
    expect(r.coverage!.note).toMatch(/2 settled claims of the year .* left out of both sides/);
    const summary = (await staff('GET', `/v1/simulations/${runId}`)).body.summary as string[];
    expect(summary.some((l) => l.startsWith('coverage: 2 settled claims'))).toBe(true);
    const csv = await fetch(`${cloud.apiUrl}/v1/simulations/${runId}/report?format=csv`, { headers: { authorization: `Bearer ${clerk}` } });
    const rows = (await csv.text()).split('\r\n');
    expect(rows[1]).toMatch(/^coverage,all,claims_stored,/);
    expect(rows).toContain(`coverage,all,claims_without_inputs,2,2,`);
  }, 300_000);
});
