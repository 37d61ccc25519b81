/**
 * A year-end settlement over the local cloud, end to end, for Jin'an 2023: a health community with
 * capitated members, a year of grouped cases (with a readmission cut and a duplicate delivery) and
 * claims (some outside the capitation package, one reversed) projected from the bus, twelve monthly
 * prepayment runs fired by the schedule, then the year-end fired by its schedule on 1 April 2024:
 * point value, DRG payments, capitation surplus by assessment score split 2 : 6 : 2, netting of the
 * advances, reports as JSON and CSV, YearEndSettled; run again (nothing changes) and superseded
 * after a corrected assessment (only the difference moves).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { eventually, startTestCloud } from '../support/local-cloud.ts';
import { relayAMinuteOn, waitingInOutbox, whileTheBusRefusesAll } from '../support/outbox.ts';
import { ledgerOfYear } from '../../shared/budget/store/ledger.ts';
import { yearEndDemo } from '../../functions/year-end-settlement/demo.ts';
import {
  REGION,
  caseGrouped,
  claimReversed,
  claimSettled,
  factsProjected,
  firingFor,
  harness,
  put,
  registerJinan,
  runComplete,
  staffCall,
  type Harness,
} from './prepayment-support.ts';

let cloud: LocalCloud;
let h: Harness;
const y = (yuan: number) => yuan * 100;

beforeAll(async () => {
  cloud = await startTestCloud();
  h = await harness(cloud);
  await registerJinan(
    h,
    [
      { code: 'JA0001', name: '金安区人民医院', level: 'secondary', kind: 'hospital' },
      { code: 'JA0101', name: '东桥镇卫生院', level: 'primary', kind: 'township-centre' },
      { code: 'JA0102', name: '木厂镇卫生院', level: 'primary', kind: 'township-centre' },
      { code: 'JA0201', name: '双峰村卫生室', level: 'primary', kind: 'village-clinic' },
      { code: 'JA0202', name: '龙井村卫生室', level: 'primary', kind: 'village-clinic' },
      { code: 'LA0009', name: '六安市人民医院', level: 'tertiary', kind: 'hospital' },
    ],
    {
      id: 'JA-HC-1',
      members: [
        { providerCode: 'JA0001', tier: 'county' },
        { providerCode: 'JA0101', tier: 'township' },
        { providerCode: 'JA0102', tier: 'township' },
        { providerCode: 'JA0201', tier: 'village' },
        { providerCode: 'JA0202', tier: 'village' },
      ],
    },
  );
  const budget = await staffCall(h, 'PUT', `/v1/budgets/${REGION}/2023`, {
    totalFen: y(20_000_000),
    drgBudgetFen: y(1_000_000),
    providers: [
      { providerCode: 'JA0001', globalBudgetFen: y(1_200_000) },
      { providerCode: 'JA0101', globalBudgetFen: y(240_000) },
      { providerCode: 'JA0102', globalBudgetFen: y(240_000) },
      { providerCode: 'JA0201', globalBudgetFen: y(60_000) },
      { providerCode: 'JA0202', globalBudgetFen: y(60_000) },
      { providerCode: 'LA0009', globalBudgetFen: y(480_000), agreement: 'last-month-points' },
    ],
    healthCommunities: [{ communityId: 'JA-HC-1', capitatedMembers: 100 }],
  });
  expect(budget.status, JSON.stringify(budget.body)).toBe(201);
  const capitated = await staffCall(h, 'POST', '/v1/health-communities/JA-HC-1/capitated-members', {
    year: 2023,
    memberIds: ['M-CAP-1', 'M-CAP-2', 'M-CAP-3'],
  });
  expect(capitated.body).toMatchObject({ added: 3, already: 0, inOtherCommunity: [] });

  // The year's cases: the county hospital 6,000 points; the city hospital 2,000 + 3,000 points, its
  // June readmission halving the first (−1,000), the readmission delivered twice. One case falls in 2024.
  const cases = [
    caseGrouped('JA0001', 'C-A1', '2023-03-15', 200_000),
    caseGrouped('JA0001', 'C-A2', '2023-08-15', 200_000),
    caseGrouped('JA0001', 'C-A3', '2023-12-20', 200_000),
    caseGrouped('JA0001', 'C-A4', '2024-01-02', 150_000),
    caseGrouped('LA0009', 'C-B1', '2023-06-10', 200_000),
    caseGrouped('LA0009', 'C-B3', '2023-06-20', 300_000, [{ earlier: 'C-B1', delta: -100_000 }]),
  ];
  for (const c of cases) await put(h, 'yibao.drg', 'CaseGrouped', c);
  await put(h, 'yibao.drg', 'CaseGrouped', cases[5]);
  // The capitated members' claims: counted 150,000 + 20,000 + 50,000 = 220,000 against a fund of 100 × 3,070.
  const claims = [
    // Each stay is the claim of one of the cases above (a stay is paid by its case's points, not by items too).
    claimSettled('JA0001', 'C-A1', 'M-CAP-1', 'inpatient', '2023-05-10', y(150_000)),
    claimSettled('JA0101', 'K-2', 'M-CAP-2', 'chronic-outpatient', '2023-04-01', y(20_000)),
    claimSettled('JA0201', 'K-3', 'M-CAP-3', 'outpatient', '2023-04-02', y(5_000)), // ordinary outpatient: outside the package
    claimSettled('LA0009', 'C-B1', 'M-CAP-1', 'inpatient', '2023-07-01', y(30_000), 'S72.001'), // accidental injury: outside
    claimSettled('LA0009', 'C-B3', 'M-CAP-2', 'inpatient', '2023-11-30', y(50_000)), // outside the community, still in the package
    claimSettled('JA0201', 'K-6', 'M-CAP-3', 'chronic-outpatient', '2023-09-09', y(10_000)), // reversed below
    claimSettled('JA0001', 'K-7', 'M-OTHER', 'outpatient', '2023-06-06', y(40_000)),
    claimSettled('JA0001', 'C-A4', 'M-CAP-1', 'inpatient', '2024-01-02', y(99_000)), // next year
  ];
  for (const c of claims) await put(h, 'yibao.adjudication', 'ClaimSettled', c);
  await put(h, 'yibao.adjudication', 'ClaimSettled', claims[1]);
  await factsProjected(cloud);
  await put(h, 'yibao.adjudication', 'ClaimReversed', claimReversed('JA0201', 'K-6', 'M-CAP-3'));
  await factsProjected(cloud);

  // Twelve monthly runs, as the schedule fires them.
  for (let m = 1; m <= 12; m++) {
    const period = `2023-${String(m).padStart(2, '0')}`;
    const fired = await cloud.scheduler.fire('monthlyPrepayment', firingFor(period));
    expect(fired.result, JSON.stringify(fired)).toMatchObject({ regions: [{ region: REGION, outcome: 'planned' }] });
    await runComplete(h, period, 1);
  }
}, 240_000);
afterAll(async () => {
  h?.bus.destroy();
  await cloud?.stop();
});

const byCode = <T extends { providerCode: string }>(rows: T[]) =>
  Object.fromEntries(rows.map((r) => [r.providerCode, r])) as Record<string, any>;
const text = async (path: string) => {
  const res = await fetch(`${cloud.apiUrl}${path}`, { headers: { authorization: `Bearer ${h.staff}` } });
  return { type: res.headers.get('content-type'), body: await res.text() };
};

describe('year-end settlement', () => {
  it('waits for the assessment the surplus rule needs, naming the community', async () => {
    const res = await staffCall(h, 'POST', '/v1/runs/year-end', { region: REGION, year: 2023 });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'CONFLICT', details: { communityId: 'JA-HC-1' } });
    expect(res.body.error.message).toContain('no annual assessment');
  });

  it('fired by the schedule on 1 April, settles the year before', async () => {
    expect((await staffCall(h, 'PUT', '/v1/health-communities/JA-HC-1/assessments/2023', { score: 90, rank: 8 })).status).toBe(200);
    const fired = await cloud.scheduler.fire('yearEndSettlement', new Date('2024-03-31T19:00:00Z'));
    expect(fired.result, JSON.stringify(fired)).toMatchObject({
      run: 'year-end',
      year: 2023,
      regions: [{ region: REGION, outcome: 'settled', version: 1 }],
    });

    const run = (await staffCall(h, 'GET', `/v1/runs/year-end/${REGION}/2023`)).body.run;
    // 1,000,000 yuan ÷ (6,000 + 4,000) points: the 2024 case and the duplicate are not counted, the cut is.
    expect(run).toMatchObject({
      version: 1,
      status: 'complete',
      budgetVersion: 1,
      summary: { pointValue: { drgBudgetFen: y(1_000_000), totalCentipoints: 1_000_000, yuanPerPoint: '100.0000' } },
    });
    expect(run.summary.totals).toMatchObject({ providers: 6, drgPaymentFen: y(1_000_000), toPayFen: y(96_000), toRecoverFen: y(876_700) });
  });

  it("reports each provider: DRG payment, item payments, capitation share, net of the year's advances", async () => {
    const { providers } = (await staffCall(h, 'GET', `/v1/reports/year-end/${REGION}/2023/providers`)).body;
    const p = byCode(providers);
    // County hospital: 600,000 (points) + 40,000 (outpatient) + 15,660 (2/10 of 90% of the 87,000 surplus) − 12 × 90,000.
    expect(p.JA0001).toMatchObject({
      centipoints: 600_000,
      cases: 3,
      drgPaymentFen: y(600_000),
      itemPaymentFen: y(40_000),
      capitationFen: y(15_660),
      prepaidFen: y(1_080_000),
      netFen: -y(424_340),
      toRecoverFen: y(424_340),
      tier: 'county',
    });
    // City hospital: 4,000 points; advanced once, in July, 80% of June's 4,000 points at 95 yuan.
    expect(p.LA0009).toMatchObject({
      centipoints: 400_000,
      drgPaymentFen: y(400_000),
      itemPaymentFen: 0,
      capitationFen: 0,
      prepaidFen: y(304_000),
      netFen: y(96_000),
      toPayFen: y(96_000),
      communityId: null,
    });
    // Townships: 6/10 of 78,300 halved; villages 2/10 halved; K-6 was reversed, K-3 is an item payment.
    expect(p.JA0101).toMatchObject({ itemPaymentFen: y(20_000), capitationFen: y(23_490), prepaidFen: y(216_000), netFen: -y(172_510) });
    expect(p.JA0102).toMatchObject({ capitationFen: y(23_490), netFen: -y(192_510) });
    expect(p.JA0201).toMatchObject({ itemPaymentFen: y(5_000), capitationFen: y(7_830), prepaidFen: y(54_000), netFen: -y(41_170) });
    expect(p.JA0202).toMatchObject({ capitationFen: y(7_830), netFen: -y(46_170) });
  });

  it('reports the health community: fund, spending by discharge date, surplus by score, 2 : 6 : 2', async () => {
    const { communities } = (await staffCall(h, 'GET', `/v1/reports/year-end/${REGION}/2023/health-communities`)).body;
    expect(communities).toHaveLength(1);
    expect(communities[0]).toMatchObject({
      communityId: 'JA-HC-1',
      capitatedMembers: 100,
      fundFen: y(307_000),
      spentFen: y(220_000),
      outcome: 'surplus',
      surplusFen: y(87_000),
      distributedFen: y(78_300),
      toGlobalSettlementFen: y(8_700),
      scoreBasisPoints: 9_000,
      rank: 8,
    });
  });

  it('serves the reports as CSV and a readable summary', async () => {
    const providers = await text(`/v1/reports/year-end/${REGION}/2023/providers?format=csv`);
    expect(providers.type).toContain('text/csv');
    expect(providers.body.split('\r\n')).toContain(
      // Issue 14's columns appended: method, stays settled / by points / by items, bed-day points, global budget (none here), recoveries.
      'LA0009,,,2,4000.00,400000.00,0.00,0.00,400000.00,304000.00,96000.00,96000.00,0.00,0.00,96000.00' +
        ',drg,2,2,0,0.00,,,,0.00,0.00,0.00',
    );
    const communities = await text(`/v1/reports/year-end/${REGION}/2023/health-communities?format=csv`);
    expect(communities.body).toContain(
      'JA-HC-1,金安区第一医共体,100,3070.00,307000.00,220000.00,surplus,90.00,8,87000.00,78300.00,8700.00',
    );
    const summary = await text(`/v1/reports/year-end/${REGION}/2023/summary`);
    expect(summary.type).toContain('text/plain');
    expect(summary.body).toContain('point value: DRG budget 1000000.00 yuan ÷ 10000.00 points = 100.0000 yuan a point');
    expect(summary.body).toContain(
      'JA-HC-1 金安区第一医共体: capitation 100 × 3070.00 = 307000.00, spent 220000.00 → surplus 87000.00: 78300.00 to the units, 8700.00 to the global settlement',
    );
  });

  it('published YearEndSettled once the reports were stored', async () => {
    const settled = await eventually(() => h.seen.get('YearEndSettled'), 'YearEndSettled');
    expect(settled[0]).toMatchObject({
      runId: `YEAREND#${REGION}#2023`,
      version: 1,
      providers: 6,
      communities: 1,
      pointValue: { yuanPerPoint: '100.0000' },
      totals: { toPayFen: y(96_000), toRecoverFen: y(876_700) },
    });
  });

  it('run again, changes nothing', async () => {
    const fired = await cloud.scheduler.fire('yearEndSettlement', new Date('2024-03-31T19:00:00Z'));
    expect(fired.result).toMatchObject({ regions: [{ region: REGION, outcome: 'existing', version: 1 }] });
    const posted = await staffCall(h, 'POST', '/v1/runs/year-end', { region: REGION, year: 2023 });
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ outcome: 'existing', run: { version: 1 } });
    expect((await ledgerOfYear('JA0001', 2023)).filter((e) => e.kind === 'year-end')).toHaveLength(1);
  });

  it('superseded after a corrected assessment, moves only the difference', async () => {
    // Score 95, ranked 3rd: 95% of 87,000 = 82,650 distributed (was 78,300).
    await staffCall(h, 'PUT', '/v1/health-communities/JA-HC-1/assessments/2023', { score: 95, rank: 3 });
    const res = await staffCall(h, 'POST', '/v1/runs/year-end', {
      region: REGION,
      year: 2023,
      supersede: true,
      reason: 'assessment corrected',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ outcome: 'settled', run: { version: 2, reason: 'assessment corrected' } });

    const p = byCode((await staffCall(h, 'GET', `/v1/reports/year-end/${REGION}/2023/providers`)).body.providers);
    // County: 16,530 instead of 15,660 → 870 more; the earlier −424,340 stands on the ledger.
    expect(p.JA0001).toMatchObject({ capitationFen: y(16_530), netFen: -y(423_470), settledBeforeFen: -y(424_340), ledgerFen: y(870) });
    expect(p.JA0101).toMatchObject({ capitationFen: y(24_795), ledgerFen: y(1_305) });
    expect(p.LA0009).toMatchObject({ netFen: y(96_000), ledgerFen: 0 });
    const ledger = (await ledgerOfYear('JA0001', 2023)).filter((e) => e.kind === 'year-end');
    expect(ledger.map((e) => [e.version, e.amountFen])).toEqual([
      [1, -y(424_340)],
      [2, y(870)],
    ]);
    // Version 1's reports are kept.
    const v1 = byCode((await staffCall(h, 'GET', `/v1/reports/year-end/${REGION}/2023/providers?version=1`)).body.providers);
    expect(v1.JA0001.capitationFen).toBe(y(15_660));

    const settled = await eventually(() => {
      const s = h.seen.get('YearEndSettled');
      return s && s.length >= 2 ? s : undefined;
    }, 'the second YearEndSettled');
    expect(settled[1]).toMatchObject({ version: 2, totals: { ledgerFen: y(870 + 2 * 1_305 + 2 * 435) } });
  });

  it("lets a regulator read its own region's reports and no other", async () => {
    const own = await cloud.mint({ sub: 'reg', role: 'regulator', region: REGION });
    const other = await cloud.mint({ sub: 'reg2', role: 'regulator', region: '532500' });
    const path = `/v1/reports/year-end/${REGION}/2023/health-communities`;
    expect((await fetch(`${cloud.apiUrl}${path}`, { headers: { authorization: `Bearer ${own}` } })).status).toBe(200);
    expect((await fetch(`${cloud.apiUrl}${path}`, { headers: { authorization: `Bearer ${other}` } })).status).toBe(403);
    expect(
      (
        await fetch(`${cloud.apiUrl}/v1/runs/year-end`, {
          method: 'POST',
          headers: { authorization: `Bearer ${own}`, 'content-type': 'application/json' },
          body: JSON.stringify({ region: REGION, year: 2023 }),
        })
      ).status,
    ).toBe(403);
  });

  it("tells the demo's story for Honghe 2025: overrun borne by the units (超支自担), and again without change", async () => {
    const lines: string[] = [];
    await yearEndDemo(cloud, (line) => lines.push(line));
    const text = lines.join('\n');
    // 2,000,000 yuan over 20,000 points; 600,000 spent against 200 × 2,800 = 560,000: 40,000 borne 4 : 5 : 1.
    expect(text).toContain('= 100.0000 yuan a point');
    expect(text).toContain(
      'HH-HC-1 个旧市紧密型医共体: capitation 200 × 2800.00 = 560000.00, spent 600000.00 → overrun 40000.00: 40000.00 borne by the units',
    );
    expect(text).toContain('prepayment 532500 2025-02 (planned): 4 providers, 920500.00 yuan advanced');
    const again: string[] = [];
    await yearEndDemo(cloud, (line) => again.push(line));
    expect(again.join('\n')).toContain('POST /v1/runs/year-end → existing, version 1');
  });
});

describe('YearEndSettled goes through the outbox', () => {
  it('commits YearEndSettled with the completed version; while the bus refuses it, it waits in the outbox, and the relay publishes it once', async () => {
    const res = await whileTheBusRefusesAll(cloud, () =>
      staffCall(h, 'POST', '/v1/runs/year-end', { region: REGION, year: 2023, supersede: true, reason: 'outbox check' }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ outcome: 'settled', run: { version: 3, status: 'complete' } });
    const key = `year-end/${REGION}/2023/3/YearEndSettled`;
    expect(await waitingInOutbox(key)).toMatchObject({ source: 'yibao.year-end', detailType: 'YearEndSettled' });
    const third = () => (h.seen.get('YearEndSettled') ?? []).filter((d) => d.version === 3);
    expect(third()).toEqual([]);

    expect(await relayAMinuteOn()).toMatchObject({ waiting: 0 });
    expect(await waitingInOutbox(key)).toBeUndefined();
    await eventually(() => (third().length ? true : undefined), 'YearEndSettled v3 on the bus');
    expect(third()).toEqual([expect.objectContaining({ eventId: key, runId: `YEAREND#${REGION}#2023` })]);
    // Run again: nothing new, and nothing to deliver.
    const again = await staffCall(h, 'POST', '/v1/runs/year-end', { region: REGION, year: 2023 });
    expect(again.body).toMatchObject({ outcome: 'existing', run: { version: 3 } });
  });
});
