/**
 * Year-end settlement at the size of a prefecture: 1,000 providers (780 of them in 30 county
 * health communities of 26 units) and 1,000,000 grouped cases.
 *
 *  1. The arithmetic alone, in memory: summing 1,000,000 case points to 1,000 providers, then
 *     settleYear (point value, DRG payments, capitation, netting) over the totals.
 *  2. The run on the local cloud, from stored data, through POST /v1/runs/year-end. It reads what
 *     the paymentFacts projection and the prepayment runs keep up to date as facts arrive: one year
 *     totals item per provider (points, cases, fund paid; their `cases` add up to 1,000,000) and one
 *     ledger balance per provider (the year's advances), batch-read 100 at a time, plus each
 *     community's monthly spending — never the cases themselves. Those items (and the monthly totals
 *     and twelve ledger entries per provider beside them) are seeded directly, as the projection and
 *     twelve monthly runs would have left them; the run then settles and writes 1,000 reports with
 *     their ledger entries and 30 community reports.
 *  3. What the projection costs per case: CaseGrouped events through bus → queue → consumer →
 *     transaction, timed over a sample, so the incremental cost of keeping the totals is known.
 * Peak memory is this process's resident set (the handlers run in it; DynamoDB Local is a separate JVM).
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { gzipSync } from 'node:zlib';
import { startLocalCloud, type LocalCloud } from '../infra/local/cloud.ts';
import { BUS_NAME } from '../infra/topology.ts';
import { dynamoDocumentClient } from '../shared/runtime/aws-clients.ts';
import { tableName } from '../shared/runtime/resource-names.ts';
import { seededRandom } from '../shared/runtime/seeded-random.ts';
import { settlementPolicyFor } from '../shared/policy/year-end.ts';
import { settleYear, type ProviderYear } from '../shared/budget/year-end.ts';
import type { CommunityYear } from '../shared/budget/capitation.ts';
import type { CommunityMember } from '../shared/budget/community.ts';
import type { Budget } from '../shared/budget/budget.ts';
import { keys } from '../shared/budget/store/keys.ts';
import { mapLimit } from '../shared/budget/store/db.ts';
import { monthsOfYear } from '../shared/budget/store/facts.ts';
import type { Report } from './support.ts';
import { ALL_STAFF_PERMISSIONS } from '../shared/auth/principal.ts';

const REGION = '341502';
const YEAR = 2023;
const PROVIDERS = 1_000;
const CASES = 1_000_000;
const COMMUNITIES = 30;
const PER_COMMUNITY = 26; // 1 county hospital, 5 township centres, 20 village clinics
const policy = settlementPolicyFor(REGION, YEAR)!;

interface Year {
  codes: string[];
  /** Per provider per month (index p * 12 + m). */
  centipoints: Float64Array;
  cases: Float64Array;
  fundPaidFen: Float64Array;
  inpatientFundPaidFen: Float64Array;
  globalBudgetFen: number[];
  communities: { id: string; members: CommunityMember[]; capitated: number; spentByMonth: number[] }[];
}

/** The year: 1,000,000 cases drawn over 1,000 providers (large hospitals take more), with months and points. */
function generate(): Year & { caseProvider: Int32Array; caseMonth: Int8Array; caseCentipoints: Int32Array } {
  const rand = seededRandom(2023);
  const codes = Array.from({ length: PROVIDERS }, (_, i) => `JA${String(i).padStart(4, '0')}`);
  const size = codes.map((_, i) => (i % PER_COMMUNITY === 0 || i >= COMMUNITIES * PER_COMMUNITY ? 40 : i % PER_COMMUNITY <= 5 ? 6 : 0.4));
  const total = size.reduce((a, b) => a + b, 0);
  let running = 0;
  const cumulative = size.map((s) => (running += s) / total);
  const caseProvider = new Int32Array(CASES);
  const caseMonth = new Int8Array(CASES);
  const caseCentipoints = new Int32Array(CASES);
  for (let i = 0; i < CASES; i++) {
    const r = rand();
    let lo = 0;
    let hi = PROVIDERS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    caseProvider[i] = lo;
    caseMonth[i] = Math.floor(rand() * 12);
    caseCentipoints[i] = 2_000 + Math.floor(rand() * 30_000); // 20–320 points a case (RW 0.2–3.2)
  }
  const year = {
    codes,
    caseProvider,
    caseMonth,
    caseCentipoints,
    centipoints: new Float64Array(PROVIDERS * 12),
    cases: new Float64Array(PROVIDERS * 12),
    fundPaidFen: new Float64Array(PROVIDERS * 12),
    inpatientFundPaidFen: new Float64Array(PROVIDERS * 12),
    globalBudgetFen: size.map((s) => Math.round((s * 9_000_000_00) / 40)),
    communities: Array.from({ length: COMMUNITIES }, (_, c) => ({
      id: `JA-HC-${String(c + 1).padStart(2, '0')}`,
      members: Array.from(
        { length: PER_COMMUNITY },
        (_, k): CommunityMember => ({
          providerCode: codes[c * PER_COMMUNITY + k]!,
          tier: k === 0 ? 'county' : k <= 5 ? 'township' : 'village',
          weight: 1,
        }),
      ),
      capitated: 800 + Math.floor(rand() * 800),
      spentByMonth: Array.from({ length: 12 }, () => Math.floor(rand() * 40_000_000)),
    })),
  };
  return year;
}

/** Sums the cases into per-provider monthly totals: what the projection keeps. */
function aggregate(y: ReturnType<typeof generate>): void {
  for (let i = 0; i < CASES; i++) {
    const slot = y.caseProvider[i]! * 12 + y.caseMonth[i]!;
    const cp = y.caseCentipoints[i]!;
    y.centipoints[slot] = y.centipoints[slot]! + cp;
    y.cases[slot] = y.cases[slot]! + 1;
    // Each case's fund payment: about 100 fen a centipoint, all inpatient.
    y.fundPaidFen[slot] = y.fundPaidFen[slot]! + cp * 100;
    y.inpatientFundPaidFen[slot] = y.inpatientFundPaidFen[slot]! + cp * 100;
  }
}

const prepaidMonth = (y: Year, p: number) => Math.floor((y.globalBudgetFen[p]! * 0.9) / 12);

function providerYears(y: Year): ProviderYear[] {
  return y.codes.map((providerCode, p) => {
    let centipoints = 0;
    let cases = 0;
    let fund = 0;
    let inpatient = 0;
    for (let m = 0; m < 12; m++) {
      centipoints += y.centipoints[p * 12 + m]!;
      cases += y.cases[p * 12 + m]!;
      fund += y.fundPaidFen[p * 12 + m]!;
      inpatient += y.inpatientFundPaidFen[p * 12 + m]!;
    }
    return {
      providerCode,
      centipoints,
      cases,
      fundPaidFen: fund + 5_000_00,
      pointedFundPaidFen: inpatient,
      prepaidFen: prepaidMonth(y, p) * 12,
      settledBeforeFen: 0,
    };
  });
}

function communityYears(y: Year): CommunityYear[] {
  return y.communities.map((c, i) => ({
    communityId: c.id,
    name: `医共体${i + 1}`,
    members: c.members,
    capitatedMembers: c.capitated,
    spentFen: c.spentByMonth.reduce((a, b) => a + b, 0),
    assessment: { scoreBasisPoints: 8_000 + i * 50, rank: i + 1 },
  }));
}

const drgBudgetFen = 30_000_000_000_00; // 300 million yuan

function inMemory(report: Report, y: ReturnType<typeof generate>): void {
  const t0 = performance.now();
  y.fundPaidFen.fill(0);
  y.inpatientFundPaidFen.fill(0);
  aggregate(y);
  report({ name: 'in memory: sum 1,000,000 case points to 1,000 providers', value: performance.now() - t0, unit: 'ms' });
  const providers = providerYears(y);
  const communities = communityYears(y);
  const input = { region: REGION, year: YEAR, policy, drgBudgetFen, providers, communities };
  for (let i = 0; i < 5; i++) settleYear(input); // warm-up
  const runs: number[] = [];
  let result = settleYear(input);
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    result = settleYear(input);
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  report({
    name: 'in memory: settleYear, 1,000 providers + 30 communities (median)',
    value: runs[25]!,
    unit: 'ms',
    note: `point value ${result.pointValue.yuanPerPoint} yuan, 50 runs`,
  });
  report({
    name: 'in memory: process RSS with the 1M cases held (typed arrays)',
    value: process.memoryUsage().rss / 1_048_576,
    unit: 'MB',
    note: `heap ${(process.memoryUsage().heapUsed / 1_048_576).toFixed(0)} MB`,
  });
}

/** Writes items 25 at a time, retrying what DynamoDB leaves unprocessed. */
async function batchWrite(items: Record<string, unknown>[]): Promise<void> {
  const table = tableName('providers');
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  await mapLimit(chunks, 8, async (chunk) => {
    let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
      [table]: chunk.map((Item) => ({ PutRequest: { Item } })),
    };
    while (request && Object.keys(request).length > 0) {
      const out = await dynamoDocumentClient().send(new BatchWriteCommand({ RequestItems: request }));
      request = out.UnprocessedItems as typeof request;
    }
  });
}

/** What registration, budgets, the projection and twelve prepayment runs would have left in the providers table. */
async function seed(y: Year): Promise<number> {
  const items: Record<string, unknown>[] = [];
  const years = providerYears(y);
  y.codes.forEach((code, p) => {
    items.push({
      ...keys.provider(code),
      providerCode: code,
      name: code,
      region: REGION,
      level: 'secondary',
      kind: 'hospital',
      gsi1pk: `REGION#${REGION}`,
      gsi1sk: `PROVIDER#${code}`,
    });
    const t = years[p]!;
    items.push({
      ...keys.totals(code, String(YEAR)),
      providerCode: code,
      year: String(YEAR),
      centipoints: t.centipoints,
      cases: t.cases,
      claims: t.cases,
      fundPaidFen: t.fundPaidFen,
      inpatientFundPaidFen: t.pointedFundPaidFen,
      drgPointedFundPaidFen: t.pointedFundPaidFen,
    });
    items.push({ ...keys.balance(code, YEAR), providerCode: code, prepaidFen: t.prepaidFen });
    for (let m = 0; m < 12; m++) {
      const month = `${YEAR}-${String(m + 1).padStart(2, '0')}`;
      const slot = p * 12 + m;
      items.push({
        ...keys.totals(code, month),
        providerCode: code,
        month,
        centipoints: y.centipoints[slot],
        cases: y.cases[slot],
        claims: y.cases[slot],
        fundPaidFen: y.fundPaidFen[slot]! + (m === 0 ? 5_000_00 : 0),
        inpatientFundPaidFen: y.inpatientFundPaidFen[slot],
      });
      const period = month;
      items.push({
        ...keys.prepaymentLedger(code, period, 1),
        kind: 'prepayment',
        amountFen: prepaidMonth(y, p),
        runId: `PREPAY#${REGION}#${period}`,
        version: 1,
        period,
        providerCode: code,
      });
    }
  });
  y.communities.forEach((c, i) => {
    items.push({
      ...keys.community(c.id),
      communityId: c.id,
      region: REGION,
      name: `医共体${i + 1}`,
      members: c.members,
      gsi1pk: `REGION#${REGION}`,
      gsi1sk: `HC#${c.id}`,
    });
    items.push({ ...keys.assessment(c.id, YEAR), communityId: c.id, year: YEAR, scoreBasisPoints: 8_000 + i * 50, rank: i + 1 });
    c.spentByMonth.forEach((spent, m) =>
      items.push({
        ...keys.spent(c.id, `${YEAR}-${String(m + 1).padStart(2, '0')}`),
        communityId: c.id,
        month: `${YEAR}-${String(m + 1).padStart(2, '0')}`,
        fundPaidFen: spent,
        claims: 1,
      }),
    );
  });
  const budget: Budget = {
    region: REGION,
    year: YEAR,
    version: 1,
    policyVersion: policy.version,
    totalFen: 40_000_000_000_00,
    drgBudgetFen,
    providers: y.codes.map((providerCode, p) => ({ providerCode, globalBudgetFen: y.globalBudgetFen[p]! })),
    healthCommunities: y.communities.map((c) => ({ communityId: c.id, capitatedMembers: c.capitated })),
    communities: [],
    providersBudgetFen: y.globalBudgetFen.reduce((a, b) => a + b, 0),
  };
  items.push(
    { ...keys.budget(REGION, YEAR, 1), region: REGION, year: YEAR, version: 1, document: gzipSync(JSON.stringify(budget)) },
    { ...keys.budgetHead(REGION, YEAR), region: REGION, year: YEAR, latest: 1 },
    { ...keys.budgetIndex(REGION, YEAR), region: REGION, year: YEAR },
  );
  await batchWrite(items);
  return items.length;
}

/** Samples this process's RSS while `task` runs. */
async function withPeakRss<T>(task: () => Promise<T>): Promise<{ value: T; ms: number; peakMb: number; startMb: number }> {
  const startMb = process.memoryUsage().rss / 1_048_576;
  let peak = startMb;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss / 1_048_576);
  }, 10);
  const t0 = performance.now();
  try {
    const value = await task();
    return { value, ms: performance.now() - t0, peakMb: Math.max(peak, process.memoryUsage().rss / 1_048_576), startMb };
  } finally {
    clearInterval(timer);
  }
}

async function onLocalCloud(report: Report, y: Year): Promise<void> {
  const cloud = await startLocalCloud({ logLevel: 'SILENT' });
  try {
    const t0 = performance.now();
    const seeded = await seed(y);
    report({
      name: 'local cloud: seed the stored year (not part of the run)',
      value: performance.now() - t0,
      unit: 'ms',
      note: `${seeded.toLocaleString('en-US')} items: monthly and year totals of 1,000,000 cases, advances, balances`,
    });

    const staff = await cloud.mint({ sub: 'bench', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
    const post = async (body: unknown) => {
      const res = await fetch(`${cloud.apiUrl}/v1/runs/year-end`, {
        method: 'POST',
        headers: { authorization: `Bearer ${staff}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as {
        outcome?: string;
        run?: { summary?: { pointValue?: { yuanPerPoint?: string }; totals?: { cases?: number } } };
        error?: unknown;
      };
      if (res.status >= 300) throw new Error(`year-end ${res.status}: ${JSON.stringify(json)}`);
      return json;
    };
    const run = await withPeakRss(() => post({ region: REGION, year: YEAR }));
    report({
      name: 'local cloud: POST /v1/runs/year-end, 1,000 providers (1M cases)',
      value: run.ms,
      unit: 'ms',
      note: `batch-reads 1,000 year totals + 1,000 balances, 30 communities; writes 1,000 reports + ledger entries; point value ${run.value.run?.summary?.pointValue?.yuanPerPoint} yuan`,
    });
    report({
      name: 'local cloud: peak RSS of this process during the run',
      value: run.peakMb,
      unit: 'MB',
      note: `${run.startMb.toFixed(0)} MB before it`,
    });

    const again = await withPeakRss(() => post({ region: REGION, year: YEAR }));
    report({
      name: 'local cloud: the same run again (idempotent: nothing written)',
      value: again.ms,
      unit: 'ms',
      note: again.value.outcome,
    });
    const superseded = await withPeakRss(() => post({ region: REGION, year: YEAR, supersede: true, reason: 'bench' }));
    report({ name: 'local cloud: a superseding version (reads, settles, writes again)', value: superseded.ms, unit: 'ms' });

    const t1 = performance.now();
    const csv = await fetch(`${cloud.apiUrl}/v1/reports/year-end/${REGION}/${YEAR}/providers?format=csv`, {
      headers: { authorization: `Bearer ${staff}` },
    }).then((r) => r.text());
    report({
      name: 'local cloud: GET the provider report as CSV',
      value: performance.now() - t1,
      unit: 'ms',
      note: `${csv.trim().split('\r\n').length - 1} rows`,
    });

    await projectionCost(report, cloud);
  } finally {
    await cloud.stop();
  }
}

/** Times CaseGrouped events from PutEvents to their points being in the monthly totals. */
async function projectionCost(report: Report, cloud: LocalCloud): Promise<void> {
  const bus = new EventBridgeClient({ endpoint: cloud.endpoints.eventbridge, region: cloud.region, credentials: cloud.credentials });
  const SAMPLE = 2_000;
  const provider = 'JB0001';
  const event = (i: number) => ({
    claim: { providerCode: provider, claimNo: `BENCH-${i}` },
    memberId: `M-${i}`,
    region: REGION,
    year: YEAR,
    admissionDate: '2023-05-01',
    dischargeDate: '2023-05-09',
    grouping: { version: '1.1', mdc: 'F', adrg: 'FR1', drg: 'FR13', ccLevel: 'none', outcome: 'grouped' },
    points: {
      pricing: 'drg',
      weight: 10_000,
      baseCentipoints: 10_000,
      coefficient: 10_000,
      addOns: [],
      centipoints: 10_000,
      review: false,
    },
    readmissionCuts: [],
    policy: { region: REGION, year: YEAR, version: 1 },
    meta: { schemaVersion: 1, correlationId: `bench-${i}` },
  });
  const t0 = performance.now();
  const batches = Array.from({ length: SAMPLE / 10 }, (_, b) => Array.from({ length: 10 }, (_, k) => b * 10 + k));
  await mapLimit(batches, 8, (batch) =>
    bus.send(
      new PutEventsCommand({
        Entries: batch.map((i) => ({
          EventBusName: BUS_NAME,
          Source: 'yibao.drg',
          DetailType: 'CaseGrouped',
          Detail: JSON.stringify(event(i)),
        })),
      }),
    ),
  );
  for (;;) {
    const months = await monthsOfYear(provider, YEAR);
    if ((months[0]?.cases ?? 0) >= SAMPLE) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const ms = performance.now() - t0;
  report({
    name: 'local cloud: CaseGrouped → monthly totals, throughput',
    value: SAMPLE / (ms / 1000),
    unit: 'cases/s',
    note: `${SAMPLE.toLocaleString('en-US')} events, 8 senders; each a marker + an ADD in one transaction`,
  });
  report({
    name: 'local cloud: the projection for 1,000,000 cases at that rate',
    value: CASES / (SAMPLE / (ms / 1000)) / 60,
    unit: 'min',
    note: 'extrapolated, spread over the year as cases are grouped',
  });
  bus.destroy();
}

export default async function settlementYearBench(report: Report): Promise<void> {
  const y = generate();
  inMemory(report, y);
  await onLocalCloud(report, y);
}
