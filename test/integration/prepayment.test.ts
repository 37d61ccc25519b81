/**
 * A month's prepayment over the local cloud, end to end: providers, a health community and a budget
 * set by staff; claims and grouped cases projected from the bus; the monthly schedule fired by hand
 * (fan-out per provider over SQS, ledger entries, PrepaymentIssued), fired again (nothing changes),
 * the staff trigger, a superseding run that pays only the difference, and fund early warnings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { api, eventually, startTestCloud } from '../support/local-cloud.ts';
import { relayAMinuteOn, waitingInOutbox, waitingOfType, whileTheBusRefusesAll } from '../support/outbox.ts';
import { ledgerOfYear } from '../../shared/budget/store/ledger.ts';
import { monthTotals, yearTotals } from '../../shared/budget/store/facts.ts';
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

const budget = (overrides: { JA0001?: number; dropVillage?: boolean } = {}) => ({
  totalFen: y(20_000_000),
  drgBudgetFen: y(8_000_000),
  // The reserve covers 26,000 ÷ 6,500 a month = 4 months: under the (illustrative) 6-month watch line.
  reserve: { balanceFen: y(26_000), asOf: '2022-12-31' },
  providers: [
    { providerCode: 'JA0001', globalBudgetFen: y(overrides.JA0001 ?? 1_200_000) },
    { providerCode: 'JA0101', globalBudgetFen: y(240_000) },
    ...(overrides.dropVillage ? [] : [{ providerCode: 'JA0201', globalBudgetFen: y(60_000) }]),
    { providerCode: 'LA0009', globalBudgetFen: y(6_000_000), agreement: 'last-month-points' },
  ],
  healthCommunities: [{ communityId: 'JA-HC-1', capitatedMembers: 100 }],
});

beforeAll(async () => {
  cloud = await startTestCloud();
  h = await harness(cloud);
  await registerJinan(
    h,
    [
      { code: 'JA0001', name: '金安区人民医院', level: 'secondary', kind: 'hospital' },
      { code: 'JA0101', name: '东桥镇卫生院', level: 'primary', kind: 'township-centre' },
      { code: 'JA0201', name: '双峰村卫生室', level: 'primary', kind: 'village-clinic' },
      { code: 'LA0009', name: '六安市人民医院', level: 'tertiary', kind: 'hospital' },
    ],
    {
      id: 'JA-HC-1',
      members: [
        { providerCode: 'JA0001', tier: 'county' },
        { providerCode: 'JA0101', tier: 'township' },
        { providerCode: 'JA0201', tier: 'village' },
      ],
    },
  );
});
afterAll(async () => {
  h?.bus.destroy();
  await cloud?.stop();
});

const linesByCode = (body: { lines: { providerCode: string }[] }) =>
  Object.fromEntries(body.lines.map((l) => [l.providerCode, l])) as Record<string, any>;

describe('budgets', () => {
  it("sets a year's budget with its split, and answers the same budget again without a new version", async () => {
    const first = await staffCall(h, 'PUT', `/v1/budgets/${REGION}/2023`, budget());
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.budget).toMatchObject({
      version: 1,
      providersBudgetFen: y(7_500_000),
      // The community's budget is its members' (1,500,000); its capitation fund is 100 × 3,070.
      communities: [{ communityId: 'JA-HC-1', globalBudgetFen: y(1_500_000), capitationFundFen: y(307_000) }],
    });
    const again = await staffCall(h, 'PUT', `/v1/budgets/${REGION}/2023`, budget());
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'unchanged', budget: { version: 1 } });
  });

  it('refuses a budget that breaks a rule, naming the field, and refuses non-staff', async () => {
    const bad = await staffCall(h, 'PUT', `/v1/budgets/${REGION}/2023`, {
      ...budget(),
      drgBudgetFen: y(30_000_000),
      providers: [{ providerCode: 'NOPE0001', globalBudgetFen: 1 }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems.map((p: { field: string; rule: string }) => `${p.field} ${p.rule}`)).toEqual(
      expect.arrayContaining(['body.drgBudgetFen exceeds_total', 'body.providers.0.providerCode not_registered']),
    );
    const provider = await cloud.mint({ sub: 'his', role: 'provider', providerCode: 'JA0001' });
    expect((await api(cloud, 'PUT', `/v1/budgets/${REGION}/2023`, { token: provider, body: budget() })).status).toBe(403);
    expect((await staffCall(h, 'PUT', `/v1/budgets/${REGION}/1999`, budget())).status).toBe(400);
  });
});

describe('the monthly run', () => {
  beforeAll(async () => {
    // February: LA0009 discharges 1,234.56 points; the village clinic spends 13,000 against a 60,000 budget
    // (pace for two months: 10,000, so 130%); a case and a claim delivered twice count once.
    await put(h, 'yibao.drg', 'CaseGrouped', caseGrouped('LA0009', 'C-0201', '2023-02-10', 60_000));
    await put(h, 'yibao.drg', 'CaseGrouped', caseGrouped('LA0009', 'C-0202', '2023-02-20', 63_456));
    await put(h, 'yibao.drg', 'CaseGrouped', caseGrouped('LA0009', 'C-0202', '2023-02-20', 63_456));
    await put(
      h,
      'yibao.adjudication',
      'ClaimSettled',
      claimSettled('JA0201', 'V-0201', 'M-OTHER-1', 'outpatient', '2023-02-11', y(13_000)),
    );
    await put(
      h,
      'yibao.adjudication',
      'ClaimSettled',
      claimSettled('JA0201', 'V-0201', 'M-OTHER-1', 'outpatient', '2023-02-11', y(13_000)),
    );
    // A readmission on 5 January halves a case discharged on 28 December, delivered before it.
    await put(h, 'yibao.drg', 'CaseGrouped', caseGrouped('JA0001', 'C-X2', '2023-01-05', 20_000, [{ earlier: 'C-X1', delta: -5_000 }]));
    await put(h, 'yibao.drg', 'CaseGrouped', caseGrouped('JA0001', 'C-X1', '2022-12-28', 10_000));
    await factsProjected(cloud);
  });

  it("projects each fact once, a readmission cut into the earlier admission's month and year, whatever the order of delivery", async () => {
    expect(await monthTotals('LA0009', '2023-02')).toMatchObject({ centipoints: 123_456, cases: 2 });
    expect(await monthTotals('JA0201', '2023-02')).toMatchObject({ claims: 1, fundPaidFen: y(13_000), inpatientFundPaidFen: 0 });
    expect(await monthTotals('JA0001', '2022-12')).toMatchObject({ centipoints: 5_000, cases: 1 });
    expect(await monthTotals('JA0001', '2023-01')).toMatchObject({ centipoints: 20_000, cases: 1 });
    expect((await yearTotals(['JA0001'], 2022)).get('JA0001')).toMatchObject({ centipoints: 5_000 });
  });

  it('fired by the schedule, advances each provider under its agreement, fanned out per provider', async () => {
    const fired = await cloud.scheduler.fire('monthlyPrepayment', firingFor('2023-03'));
    expect(fired.ok, fired.error).toBe(true);
    expect(fired.result).toMatchObject({
      run: 'prepayment',
      period: '2023-03',
      regions: [{ region: REGION, outcome: 'planned', version: 1, providers: 4 }],
    });

    const run = await runComplete(h, '2023-03', 1);
    const lines = linesByCode(run);
    // 90% of the global budget in twelve parts: 1,200,000 → 90,000; 240,000 → 18,000; 60,000 → 4,500.
    expect(lines.JA0001).toMatchObject({
      agreement: { name: 'monthly-budget' },
      amountFen: y(90_000),
      issuedBeforeFen: 0,
      differenceFen: y(90_000),
    });
    expect(lines.JA0101.amountFen).toBe(y(18_000));
    expect(lines.JA0201.amountFen).toBe(y(4_500));
    // February's 1,234.56 points (the duplicate not counted) × 95 yuan × 80% = 93,826.56.
    expect(lines.LA0009).toMatchObject({ agreement: { name: 'last-month-points' }, amountFen: 9_382_656 });
    expect(run.totals).toMatchObject({ lines: 4, amountFen: y(90_000 + 18_000 + 4_500) + 9_382_656 });

    const ledger = await ledgerOfYear('JA0001', 2023);
    expect(ledger).toEqual([expect.objectContaining({ kind: 'prepayment', amountFen: y(90_000), period: '2023-03', version: 1 })]);
  });

  it('published one PrepaymentIssued per provider', async () => {
    const issued = await waitFor(() => h.seen.get('PrepaymentIssued')?.filter((d) => d.period === '2023-03'), 4);
    expect(issued.map((d) => d.providerCode).sort()).toEqual(['JA0001', 'JA0101', 'JA0201', 'LA0009']);
    expect(issued.find((d) => d.providerCode === 'JA0001')).toMatchObject({
      runId: `PREPAY#${REGION}#2023-03`,
      version: 1,
      amountFen: y(90_000),
      differenceFen: y(90_000),
    });
  });

  it("raised fund warnings where a level was crossed: the village clinic's pace and the reserve", async () => {
    const warnings = await waitFor(() => h.seen.get('FundWarningRaised'), 2);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'budget-execution',
          providerCode: 'JA0201',
          level: 'alert',
          previousLevel: 'none',
          value: 13_000,
          throughMonth: '2023-02',
        }),
        expect.objectContaining({ kind: 'reserve-months', level: 'watch', value: 400 }),
      ]),
    );
    const report = await staffCall(h, 'GET', `/v1/reports/fund/${REGION}/2023?through=2023-02`);
    expect(report.body.reserve).toMatchObject({
      paidFen: y(13_000),
      averageMonthlyPaymentFen: y(6_500),
      monthsCovered: 400,
      level: 'watch',
    });
    const csv = await fetch(`${cloud.apiUrl}/v1/reports/fund/${REGION}/2023?through=2023-02&format=csv`, {
      headers: { authorization: `Bearer ${h.staff}` },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toContain('JA0201,60000.00,13000.00,21.67,130.00,alert');
  });

  it('fired again, changes nothing: no new version, no new ledger entry, no new event or warning', async () => {
    const again = await cloud.scheduler.fire('monthlyPrepayment', firingFor('2023-03'));
    expect(again.result).toMatchObject({ regions: [{ region: REGION, outcome: 'existing', version: 1, warningsRaised: 0 }] });
    const rerun = await staffCall(h, 'POST', '/v1/runs/prepayment', { region: REGION, period: '2023-03' });
    expect(rerun.status).toBe(200);
    expect(rerun.body).toMatchObject({ outcome: 'existing', run: { version: 1 } });
    await drained(cloud);
    expect(h.seen.get('PrepaymentIssued')!.filter((d) => d.period === '2023-03')).toHaveLength(4);
    expect(h.seen.get('FundWarningRaised')).toHaveLength(2);
    expect(await ledgerOfYear('JA0001', 2023)).toHaveLength(1);
  });

  it('run by staff for another month: March had no points for LA0009, so it is advanced nothing', async () => {
    const res = await staffCall(h, 'POST', '/v1/runs/prepayment', { region: REGION, period: '2023-04' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ outcome: 'planned', run: { version: 1, expected: 4 }, messagesSent: 4 });
    const lines = linesByCode(await runComplete(h, '2023-04', 1));
    expect(lines.LA0009.amountFen).toBe(0);
    expect(lines.JA0001.amountFen).toBe(y(90_000));
  });

  it('superseded after a correction, pays only the difference and recovers from a provider dropped from the budget', async () => {
    const missingReason = await staffCall(h, 'POST', '/v1/runs/prepayment', { region: REGION, period: '2023-03', supersede: true });
    expect(missingReason.status).toBe(400);
    expect(missingReason.body.error.details.problems[0]).toMatchObject({ field: 'body.reason' });

    // The county hospital's budget goes up to 1,320,000 (99,000 a month); the village clinic leaves the budget.
    expect(
      (await staffCall(h, 'PUT', `/v1/budgets/${REGION}/2023`, budget({ JA0001: 1_320_000, dropVillage: true }))).body.budget.version,
    ).toBe(2);
    const res = await staffCall(h, 'POST', '/v1/runs/prepayment', {
      region: REGION,
      period: '2023-03',
      supersede: true,
      reason: 'budget corrected',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.run).toMatchObject({ version: 2, budgetVersion: 2, reason: 'budget corrected', expected: 4 });

    const run = await runComplete(h, '2023-03', 2);
    const lines = linesByCode(run);
    expect(lines.JA0001).toMatchObject({ amountFen: y(99_000), issuedBeforeFen: y(90_000), differenceFen: y(9_000) });
    expect(lines.JA0201).toMatchObject({ amountFen: 0, issuedBeforeFen: y(4_500), differenceFen: -y(4_500) });
    expect(lines.JA0101).toMatchObject({ amountFen: y(18_000), differenceFen: 0 });
    expect(lines.LA0009).toMatchObject({ amountFen: 9_382_656, differenceFen: 0 });
    expect(run.totals.differenceFen).toBe(y(4_500));

    // The ledger is append-only: the first advance stands, the correction is a second entry.
    const ledger = (await ledgerOfYear('JA0001', 2023)).filter((e) => e.period === '2023-03');
    expect(ledger.map((e) => [e.version, e.amountFen])).toEqual([
      [1, y(90_000)],
      [2, y(9_000)],
    ]);
    expect((await ledgerOfYear('JA0101', 2023)).filter((e) => e.period === '2023-03')).toHaveLength(1); // nothing moved, nothing written

    const issued = await waitFor(() => h.seen.get('PrepaymentIssued')?.filter((d) => d.period === '2023-03' && d.version === 2), 4);
    expect(issued.find((d) => d.providerCode === 'JA0201')).toMatchObject({ differenceFen: -y(4_500) });
  });

  it('serves a run as CSV', async () => {
    const res = await fetch(`${cloud.apiUrl}/v1/runs/prepayment/${REGION}/2023-03?version=2&format=csv`, {
      headers: { authorization: `Bearer ${h.staff}` },
    });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const rows = (await res.text()).trim().split('\r\n');
    expect(rows[0]).toBe('provider_code,agreement,amount_yuan,issued_before_yuan,this_version_yuan,workings');
    expect(rows).toContain(
      'JA0201,monthly-budget,0.00,4500.00,-4500.00,"not in budget version 2: nothing advanced, earlier advances for the month recovered"',
    );
  });

  it('refuses a run of a region without a budget', async () => {
    const res = await staffCall(h, 'POST', '/v1/runs/prepayment', { region: '532500', period: '2025-03' });
    expect(res.status).toBe(404);
  });
});

describe('a reversed claim earns no points', () => {
  // RV0001 (not in any budget): an admission discharged 10 May (400 points) and a readmission on
  // 20 May (300 points) that halves it (−200): 500 points while both stand.
  const inpatient = (claimNo: string, date: string, settledAt?: string) => ({
    ...claimSettled('RV0001', claimNo, `M-${claimNo}`, 'inpatient', date, y(5_000)),
    ...(settledAt ? { settledAt } : {}),
  });
  const may = () => monthTotals('RV0001', '2023-05');

  it("withdraws the case's points and the cuts it made or suffered on reversal, and counts them again on re-settlement", async () => {
    await put(h, 'yibao.adjudication', 'ClaimSettled', inpatient('RV-1', '2023-05-10'));
    await put(h, 'yibao.drg', 'CaseGrouped', caseGrouped('RV0001', 'RV-1', '2023-05-10', 40_000));
    await factsProjected(cloud);
    await put(h, 'yibao.adjudication', 'ClaimSettled', inpatient('RV-2', '2023-05-20'));
    await put(h, 'yibao.drg', 'CaseGrouped', caseGrouped('RV0001', 'RV-2', '2023-05-20', 30_000, [{ earlier: 'RV-1', delta: -20_000 }]));
    await factsProjected(cloud);
    expect(await may()).toMatchObject({ centipoints: 50_000, cases: 2, claims: 2 });

    // The readmission reversed: its 300 points go, and the admission it halved gets its 200 back.
    await put(h, 'yibao.adjudication', 'ClaimReversed', claimReversed('RV0001', 'RV-2', 'M-RV-2'));
    await factsProjected(cloud);
    expect(await may()).toMatchObject({ centipoints: 40_000, cases: 1, claims: 1 });
    // Settled again (the DRG case is recorded once per claim): its points and its cut count again.
    await put(h, 'yibao.adjudication', 'ClaimSettled', inpatient('RV-2', '2023-05-20', '2023-05-25T09:00:00+08:00'));
    await factsProjected(cloud);
    expect(await may()).toMatchObject({ centipoints: 50_000, cases: 2, claims: 2 });
    // The first admission reversed: its 400 points go, with the 200 cut it suffered.
    await put(h, 'yibao.adjudication', 'ClaimReversed', claimReversed('RV0001', 'RV-1', 'M-RV-1'));
    await factsProjected(cloud);
    expect(await may()).toMatchObject({ centipoints: 30_000, cases: 1, claims: 1 });
    expect((await yearTotals(['RV0001'], 2023)).get('RV0001')).toMatchObject({ centipoints: 30_000, cases: 1, claims: 1 });
  });

  it('records a case grouped after its claim was reversed as withdrawn, and counts it if the claim is settled again', async () => {
    const june = () => monthTotals('RV0001', '2023-06');
    await put(h, 'yibao.adjudication', 'ClaimSettled', inpatient('RV-3', '2023-06-02'));
    await factsProjected(cloud);
    await put(h, 'yibao.adjudication', 'ClaimReversed', claimReversed('RV0001', 'RV-3', 'M-RV-3'));
    await factsProjected(cloud);
    await put(h, 'yibao.drg', 'CaseGrouped', caseGrouped('RV0001', 'RV-3', '2023-06-02', 12_345));
    await factsProjected(cloud);
    expect(await june()).toMatchObject({ centipoints: 0, cases: 0, claims: 0 });
    await put(h, 'yibao.adjudication', 'ClaimSettled', inpatient('RV-3', '2023-06-02', '2023-06-09T09:00:00+08:00'));
    await factsProjected(cloud);
    expect(await june()).toMatchObject({ centipoints: 12_345, cases: 1, claims: 1 });
  });
});

describe("a run's events go through the outbox", () => {
  it('commits each PrepaymentIssued with its line and a FundWarningRaised with its level; the relay publishes what the bus refused, once', async () => {
    // August: the county hospital's sub-unit JA0101 spends far past its budget's pace, so September's run raises a warning.
    await put(
      h,
      'yibao.adjudication',
      'ClaimSettled',
      claimSettled('JA0101', 'V-0801', 'M-OUTBOX-1', 'outpatient', '2023-08-11', y(1_000_000)),
    );
    await factsProjected(cloud);
    const warningsBefore = h.seen.get('FundWarningRaised')?.length ?? 0;
    const { posted, run } = await whileTheBusRefusesAll(cloud, async () => {
      const posted = await staffCall(h, 'POST', '/v1/runs/prepayment', { region: REGION, period: '2023-09' });
      return { posted, run: await runComplete(h, '2023-09', 1) };
    });
    expect(posted.status, JSON.stringify(posted.body)).toBe(202);
    const codes = Object.keys(linesByCode(run)).sort();
    expect(codes.length).toBeGreaterThanOrEqual(3);
    const keys = codes.map((code) => `prepayment/${REGION}/2023-09/1/${code}/PrepaymentIssued`);
    for (const key of keys)
      expect(await waitingInOutbox(key)).toMatchObject({ source: 'yibao.prepayment', detailType: 'PrepaymentIssued' });
    const warnings = await waitingOfType('FundWarningRaised');
    expect(warnings.map((w) => JSON.parse(w.detail))).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'budget-execution', providerCode: 'JA0101', throughMonth: '2023-08' })]),
    );
    const september = () => (h.seen.get('PrepaymentIssued') ?? []).filter((d) => d.period === '2023-09');
    expect(september()).toEqual([]);
    expect(h.seen.get('FundWarningRaised')?.length ?? 0).toBe(warningsBefore);

    expect(await relayAMinuteOn()).toMatchObject({ waiting: 0 });
    for (const key of keys) expect(await waitingInOutbox(key)).toBeUndefined();
    expect(await waitingOfType('FundWarningRaised')).toEqual([]);
    await waitFor(september, keys.length);
    await waitFor(() => h.seen.get('FundWarningRaised'), warningsBefore + warnings.length);
    await drained(cloud);
    expect(
      september()
        .map((d) => d.eventId)
        .sort(),
    ).toEqual(keys);
    expect(
      h.seen
        .get('FundWarningRaised')!
        .slice(warningsBefore)
        .map((d) => d.eventId),
    ).toEqual(expect.arrayContaining(warnings.map((w) => w.key)));
    expect(h.seen.get('FundWarningRaised')).toHaveLength(warningsBefore + warnings.length);
  });
});

async function waitFor<T>(get: () => T[] | undefined, count: number): Promise<T[]> {
  return eventually(() => {
    const items = get();
    return items && items.length >= count ? items : undefined;
  }, `${count} events`);
}

/** Waits for every queue to be empty, so an event that should not exist would have arrived. */
async function drained(c: LocalCloud): Promise<void> {
  let quiet = 0;
  await eventually(async () => {
    const depths = Object.values(await c.queueDepths());
    quiet = depths.every((d) => d.visible + d.inFlight === 0) ? quiet + 1 : 0;
    return quiet >= 3 ? true : undefined;
  }, 'every queue to drain');
}
