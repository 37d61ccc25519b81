/**
 * The reads the console added (issue 16.1), over the local cloud with the console's seed (Zhoushan
 * 2026 through the API): a provider's claims paged by cursor, its funds of a year, the case mix with
 * its point value, the risk report; each refused to the callers it is not for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { SEED_REGION, SEED_YEAR, seedConsoleYear, type Seeded } from '../support/console-seed.ts';
import { api, startTestCloud } from '../support/local-cloud.ts';

let cloud: LocalCloud;
let seeded: Seeded;
let staff: string;
let regulator: string;
let otherRegulator: string;
let zs0001: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  seeded = await seedConsoleYear(cloud, { members: 3 });
  staff = await cloud.mint({ sub: 'clerk', role: 'staff', permissions: [] });
  regulator = await cloud.mint({ sub: 'inspector', role: 'regulator', region: SEED_REGION });
  otherRegulator = await cloud.mint({ sub: 'inspector-2', role: 'regulator', region: '210900' });
  zs0001 = await cloud.mint({ sub: 'his', role: 'provider', providerCode: 'ZS0001' });
}, 180_000);
afterAll(async () => {
  await cloud?.stop();
});

describe("a provider's claims (GET /v1/claims/{providerCode})", () => {
  it('pages newest settlement date first; the cursor continues exactly where the page stopped', async () => {
    const first = await api(cloud, 'GET', `/v1/claims/ZS0001?year=${SEED_YEAR}&limit=5`, { token: zs0001 });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.claims).toHaveLength(5);
    const all = [...first.body.claims];
    let cursor: string | undefined = first.body.nextCursor;
    while (cursor) {
      const page = await api(cloud, 'GET', `/v1/claims/ZS0001?year=${SEED_YEAR}&limit=5&cursor=${cursor}`, { token: staff });
      expect(page.status).toBe(200);
      all.push(...page.body.claims);
      cursor = page.body.nextCursor;
    }
    expect(all.map((c) => c.claimNo).sort()).toEqual([...seeded.claims.ZS0001!].sort());
    const dates = all.map((c) => c.settlementDate);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(all.find((c) => c.claimNo === 'ZY-202602-1')).toMatchObject({ visitType: 'inpatient', status: 'settled', settlementNo: 1 });
    for (const c of all) expect(c.fundPaidFen + c.patientPaidFen).toBeLessThanOrEqual(c.billedFen);
  });

  it("refuses another provider's list, a regulator, a bad year and a cursor of another list", async () => {
    expect((await api(cloud, 'GET', `/v1/claims/ZS0201?year=${SEED_YEAR}`, { token: zs0001 })).status).toBe(403);
    expect((await api(cloud, 'GET', `/v1/claims/ZS0001?year=${SEED_YEAR}`, { token: regulator })).status).toBe(403);
    const badYear = await api(cloud, 'GET', '/v1/claims/ZS0001?year=twenty', { token: staff });
    expect(badYear.status).toBe(400);
    expect(badYear.body.error.details.problems[0].field).toBe('query.year');
    const other = await api(cloud, 'GET', `/v1/claims/ZS0201?year=${SEED_YEAR}&limit=1`, { token: staff });
    const foreign = await api(cloud, 'GET', `/v1/claims/ZS0001?year=${SEED_YEAR}&cursor=${other.body.nextCursor}`, { token: staff });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.details.problems).toEqual([
      { field: 'query.cursor', rule: 'cursor', message: 'not a cursor this list handed out' },
    ]);
    expect((await api(cloud, 'GET', `/v1/claims/ZS0001?year=${SEED_YEAR}&cursor=%%%`, { token: staff })).status).toBe(400);
  });
});

describe("a provider's funds (GET /v1/providers/{providerCode}/funds/{year})", () => {
  it('gives twelve months whose claims and payments add up to the claims it settled', async () => {
    const funds = await api(cloud, 'GET', `/v1/providers/ZS0001/funds/${SEED_YEAR}`, { token: zs0001 });
    expect(funds.status, JSON.stringify(funds.body)).toBe(200);
    expect(funds.body.months.map((m: { month: string }) => m.month)).toEqual(
      Array.from({ length: 12 }, (_, i) => `${SEED_YEAR}-${String(i + 1).padStart(2, '0')}`),
    );
    const claims = (await api(cloud, 'GET', `/v1/claims/ZS0001?year=${SEED_YEAR}&limit=100`, { token: staff })).body.claims as {
      fundPaidFen: number;
    }[];
    expect(funds.body.totals).toMatchObject({ claims: claims.length, advancedFen: 0, recoveredFen: 0, yearEndFen: null });
    // The projection counts the pooled fund's payment (the basic layer and above), not assistance: never more than all layers paid.
    expect(funds.body.totals.fundPaidFen).toBeGreaterThan(0);
    expect(funds.body.totals.fundPaidFen).toBeLessThanOrEqual(claims.reduce((a, c) => a + c.fundPaidFen, 0));
    expect(funds.body.months.reduce((a: number, m: { stays: number }) => a + m.stays, 0)).toBe(4);
    expect((await api(cloud, 'GET', `/v1/providers/ZS0201/funds/${SEED_YEAR}`, { token: zs0001 })).status).toBe(403);
    expect((await api(cloud, 'GET', `/v1/providers/ZS0001/funds/${SEED_YEAR}`, { token: regulator })).status).toBe(403);
  });
});

describe('the case mix and the risk report', () => {
  it('counts the six stays in ES31 and prices a point as the DRG pool over the points so far', async () => {
    const mix = await api(cloud, 'GET', `/v1/reports/case-mix/${SEED_REGION}/${SEED_YEAR}`, { token: regulator });
    expect(mix.status, JSON.stringify(mix.body)).toBe(200);
    expect(mix.body).toMatchObject({ method: 'drg', cases: 6, groups: [{ group: 'ES31', cases: 6, shareBp: 10_000 }] });
    // 60,000 yuan of DRG budget over the year's points: yuan per point to four places, half up.
    const points = mix.body.totalCentipoints / 100;
    expect(mix.body.pointValue).toMatchObject({ basis: 'budget-so-far', drgBudgetFen: 6_000_000 });
    expect(Number(mix.body.pointValue.yuanPerPoint)).toBeCloseTo(60_000 / points, 4);
    expect((await api(cloud, 'GET', `/v1/reports/case-mix/${SEED_REGION}/${SEED_YEAR}`, { token: otherRegulator })).status).toBe(403);
  });

  it("ranks the region's providers by risk and counts rule hits by month, for its regulator only", async () => {
    const year = new Date().getFullYear();
    const risk = await api(cloud, 'GET', `/v1/reports/risk/${SEED_REGION}/${year}`, { token: regulator });
    expect(risk.status, JSON.stringify(risk.body)).toBe(200);
    expect(risk.body.providers[0]).toMatchObject({ providerCode: 'ZS0001', alerts: 1, open: 1, atStakeFen: 2_000 });
    expect(risk.body.ruleHits).toEqual([expect.objectContaining({ ruleType: 'duplicate-charge', hits: 1 })]);
    expect((await api(cloud, 'GET', `/v1/reports/risk/${SEED_REGION}/${year}`, { token: otherRegulator })).status).toBe(403);
    expect((await api(cloud, 'GET', `/v1/reports/risk/${SEED_REGION}/${year}`, { token: zs0001 })).status).toBe(403);
    expect((await api(cloud, 'GET', `/v1/reports/risk/${SEED_REGION}/${year}`, { token: staff })).status).toBe(200);
  });
});

describe("a provider's year-end in its funds (the hospital's 预拨与清算)", () => {
  it('after the year-end, its statement and point value are those of the region report; another provider sees only its own', async () => {
    const runner = await cloud.mint({ sub: 'clerk-runs', role: 'staff', permissions: ['payments:run'] });
    const run = await api(cloud, 'POST', '/v1/runs/year-end', { token: runner, body: { region: SEED_REGION, year: SEED_YEAR } });
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    const report = await api(cloud, 'GET', `/v1/reports/year-end/${SEED_REGION}/${SEED_YEAR}/providers`, { token: staff });
    const line = report.body.providers.find((p: { providerCode: string }) => p.providerCode === 'ZS0001');
    const funds = await api(cloud, 'GET', `/v1/providers/ZS0001/funds/${SEED_YEAR}`, { token: zs0001 });
    expect(funds.status).toBe(200);
    expect(funds.body.yearEnd).toMatchObject({
      region: SEED_REGION,
      version: 1,
      pointValue: { yuanPerPoint: run.body.run.summary.pointValue.yuanPerPoint },
      statement: {
        cases: line.cases,
        centipoints: line.centipoints,
        drgPaymentFen: line.drgPaymentFen,
        entitlementFen: line.entitlementFen,
        prepaidFen: line.prepaidFen,
        netFen: line.netFen,
      },
    });
    // Four of the six stays were ZS0001's (months 1, 2, 4, 5), each paid by points.
    expect(funds.body.yearEnd.statement).toMatchObject({ cases: 4, stays: { byPoints: 4 } });
    expect(funds.body.totals.yearEndFen).toBe(line.ledgerFen);
    const other = await api(cloud, 'GET', `/v1/providers/ZS0201/funds/${SEED_YEAR}`, { token: staff });
    expect(other.body.yearEnd.statement.cases).toBe(2);
  });
});
