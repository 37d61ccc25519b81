/**
 * Issue 14, done when: one region-year end to end over the local cloud, Zhoushan (330900) 2026, whose
 * shipped policies are now complete (enrolment, benefits, DRG, year-end). Residents are enrolled
 * through the API (their subsidised contributions are the residents' fund's income); providers are
 * registered, one with its district's code (定海区 330902) and pooled with the city; stays and an
 * outpatient claim are settled through POST /v1/claims; the DRG consumer groups the stays; one stay is
 * reversed and settled again (its case follows the claim); the outpatient claim raises a fraud alert a
 * regulator confirms with an amount to recover; twelve monthly prepayments are fired by the schedule
 * (the recovery is taken from the next one); the year-end is fired on 1 April 2027. Every settled stay
 * is in exactly one provider's entitlement, by points; the fund accounts per scheme show the year.
 *
 * Then Honghe (532500) 2025, which pays its stays by DIP: stays settled for employees (as adjudication
 * publishes them) are scored by the region's DIP catalogue, a bed-day stay among them, at a hospital
 * registered with its county-level city's code (个旧市 532501); prepayments and the year-end pay the
 * DIP budget by point value, each stay once, and the employees' fund account keeps its payments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { api, eventually, startTestCloud, type ApiAnswer } from '../support/local-cloud.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { ledgerOfYear } from '../../shared/budget/store/ledger.ts';
import { factsProjected, firingFor, harness, put, type Harness } from './prepayment-support.ts';

const REGION = '330900';
const y = (yuan: number) => Math.round(yuan * 100);

let cloud: LocalCloud;
let h: Harness;
let regulator: string;
const tokens: Record<string, string> = {};
const members: string[] = [];
/** Claims settled and standing at the year-end, by provider: what the year-end must pay once each. */
const fundPaid = new Map<string, number>();
const byLayer: Record<string, number> = {};

const nextId = idNumbers(Date.UTC(1960, 0, 1));
const staff = (method: string, path: string, body?: unknown) => api(cloud, method, path, { token: h.staff, ...(body ? { body } : {}) });
const seen = (type: string) => h.seen.get(type) ?? [];

function stay(providerCode: string, claimNo: string, memberId: string, admission: string, discharge: string, yuan: number) {
  return {
    providerCode,
    claimNo,
    memberId,
    visit: { type: 'inpatient', serviceDate: admission, admissionDate: admission, dischargeDate: discharge, department: 'respiratory' },
    // Pneumonia with respiratory failure (an MCC): ES31 under CHS-DRG 1.1.
    diagnoses: { principal: 'J18.900', secondary: ['J96.000'] },
    lines: [exampleLine(1, 'A', 'treatment', yuan)],
  };
}

async function settle(token: string, bill: unknown): Promise<ApiAnswer> {
  for (let i = 0; ; i++) {
    const res = await api(cloud, 'POST', '/v1/claims', { token, body: bill });
    if (res.status !== 503 || i === 5) return res;
  }
}

let outpatientBasic = 0;
let firstZy3: ApiAnswer;
function counted(res: ApiAnswer, providerCode: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const t = res.body.statement.totals;
  fundPaid.set(providerCode, (fundPaid.get(providerCode) ?? 0) + (t.byLayer.basic as number));
  for (const [layer, fen] of Object.entries(t.byLayer as Record<string, number>)) byLayer[layer] = (byLayer[layer] ?? 0) + fen;
}
function uncounted(body: { totals: { byLayer: Record<string, number> } }, providerCode: string) {
  fundPaid.set(providerCode, fundPaid.get(providerCode)! - body.totals.byLayer.basic!);
  for (const [layer, fen] of Object.entries(body.totals.byLayer)) byLayer[layer] = byLayer[layer]! - fen;
}

async function prepaymentComplete(period: string) {
  return eventually(
    async () => {
      const res = await staff('GET', `/v1/runs/prepayment/${REGION}/${period}?version=1`);
      return res.status === 200 && res.body.run.status === 'complete' ? res.body : undefined;
    },
    `prepayment ${period}`,
    40_000,
  );
}

beforeAll(async () => {
  cloud = await startTestCloud();
  h = await harness(cloud);
  regulator = await cloud.mint({ sub: 'inspector-zs', role: 'regulator', region: REGION });
}, 180_000);
afterAll(async () => {
  h?.bus.destroy();
  await cloud?.stop();
});

describe('Zhoushan 2026, from enrolment to year-end money', () => {
  it('registers providers at any code level, pooling the district hospital with the city', async () => {
    for (const [providerCode, region, level, name] of [
      ['ZS0001', '330900', 'tertiary', '舟山医院'],
      ['ZS0201', '330902', 'secondary', '定海区人民医院'],
    ] as const) {
      const res = await staff('POST', '/v1/providers', { providerCode, name, region, level, kind: 'hospital' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      tokens[providerCode] = await cloud.mint({ sub: `his-${providerCode}`, role: 'provider', providerCode });
    }
    const district = await staff('GET', '/v1/providers/ZS0201');
    expect(district.body.provider).toMatchObject({ region: '330902', poolingRegion: '330900' });
  });

  it("sets the year's budget: global budgets, the DRG pool, and the residents' own fund with its reserve", async () => {
    const res = await staff('PUT', `/v1/budgets/${REGION}/2026`, {
      totalFen: y(2_000_000),
      drgBudgetFen: y(60_000),
      providers: [
        { providerCode: 'ZS0001', globalBudgetFen: y(120_000) },
        { providerCode: 'ZS0201', globalBudgetFen: y(12_000) },
      ],
      schemes: { resident: { budgetFen: y(1_200_000), reserve: { balanceFen: y(900_000), asOf: '2025-12-31' } } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('enrols residents through the API (fully subsidised 特困: the subsidy is the fund’s income)', async () => {
    for (const sex of ['001', '002', '003']) {
      const res = await staff('POST', '/v1/members', {
        idNumber: nextId('330902', sex),
        year: 2026,
        region: REGION,
        scheme: 'resident',
        categories: [{ code: 'tekun', validFrom: '2025-01-01' }],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.enrolment.status).toBe('active');
      members.push(res.body.member.memberId);
      // Their public shares booked when the subsidies are collected (a 0 contribution, channel subsidy).
      const booked = await staff('POST', `/v1/members/${res.body.member.memberId}/contributions`, {
        contributionId: `SUB-2026-${sex}`,
        year: 2026,
        amountFen: 0,
        paidOn: '2026-01-05',
        channel: 'subsidy',
      });
      expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    }
    const contributions = await eventually(
      () => (seen('ContributionRecorded').length >= 3 ? seen('ContributionRecorded') : undefined),
      'three contributions',
    );
    expect(contributions.every((c) => c.scheme === 'resident')).toBe(true);
  });

  it('settles stays and an outpatient claim through the API; grouping records a case per stay', async () => {
    counted(await settle(tokens.ZS0001!, stay('ZS0001', 'ZY-1', members[0]!, '2026-03-01', '2026-03-10', 20_000)), 'ZS0001');
    counted(await settle(tokens.ZS0201!, stay('ZS0201', 'ZY-2', members[1]!, '2026-04-01', '2026-04-08', 12_000)), 'ZS0201');
    firstZy3 = await settle(tokens.ZS0001!, stay('ZS0001', 'ZY-3', members[2]!, '2026-06-01', '2026-06-09', 16_000));
    counted(firstZy3, 'ZS0001');
    // The same blood test twice on one day: 重复收费, which the region's rules alert on.
    const outpatient = {
      providerCode: 'ZS0001',
      claimNo: 'MZ-1',
      memberId: members[0]!,
      visit: { type: 'outpatient', serviceDate: '2026-05-06' },
      diagnoses: { principal: 'J20.900' },
      lines: [
        { ...exampleLine(1, 'A', 'lab', 20, 1, { itemCode: '250101015' }), itemName: '血细胞分析' },
        { ...exampleLine(2, 'A', 'lab', 20, 1, { itemCode: '250101015' }), itemName: '血细胞分析' },
        exampleLine(3, 'A', 'drug', 600),
      ],
    };
    const op = await settle(tokens.ZS0001!, outpatient);
    counted(op, 'ZS0001');
    outpatientBasic = op.body.statement.totals.byLayer.basic;
    expect(outpatientBasic).toBeGreaterThan(0);
    const cases = await eventually(() => (seen('CaseGrouped').length >= 3 ? seen('CaseGrouped') : undefined), 'three cases', 40_000);
    expect(cases.map((c) => [c.claim.claimNo, c.region, c.grouping.drg]).sort()).toEqual([
      ['ZY-1', REGION, 'ES31'],
      ['ZY-2', REGION, 'ES31'], // the district hospital's stay, grouped by its city's DRG policy
      ['ZY-3', REGION, 'ES31'],
    ]);
  }, 120_000);

  it('reverses a stay and settles it again: its case is withdrawn, then counted again with the claim', async () => {
    const reversed = await api(cloud, 'POST', '/v1/claims/ZS0001/ZY-3/reversal', {
      token: tokens.ZS0001!,
      body: { reason: '费用更正', settlementNo: 1 },
    });
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(200);
    uncounted(firstZy3.body.statement, 'ZS0001');
    const again = await settle(tokens.ZS0001!, {
      ...stay('ZS0001', 'ZY-3', members[2]!, '2026-06-01', '2026-06-09', 15_000),
      resettlementOf: 1,
    });
    counted(again, 'ZS0001');
    expect(again.body.claim).toMatchObject({ settlementNo: 2 });
    await factsProjected(cloud);
    // Grouped once (the case of a claim is recorded once), counted again with its claim.
    expect(seen('CaseGrouped').filter((c) => c.claim.claimNo === 'ZY-3')).toHaveLength(1);
  }, 120_000);

  it('a regulator confirms the duplicate charge with an amount to recover: FraudRecoveryConfirmed', async () => {
    const alert = await eventually(
      async () =>
        (await api(cloud, 'GET', '/v1/alerts?claimNo=MZ-1', { token: regulator })).body.items?.[0] as { alertId: string } | undefined,
      'an alert for MZ-1',
      40_000,
    );
    const path = `/v1/alerts/${alert.alertId}/transitions`;
    expect((await api(cloud, 'POST', path, { token: regulator, body: { to: 'investigating' } })).status).toBe(200);
    const done = await api(cloud, 'POST', path, { token: regulator, body: { to: 'confirmed', recoveryFen: y(20), note: '重复收费属实' } });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const [recovery] = await eventually(
      () => (seen('FraudRecoveryConfirmed').length ? seen('FraudRecoveryConfirmed') : undefined),
      'the recovery',
    );
    expect(recovery).toMatchObject({ alertId: alert.alertId, region: REGION, providerCode: 'ZS0001', recoveryFen: y(20) });
    await factsProjected(cloud);
  }, 90_000);

  it('advances twelve months by the schedule, taking the recovery from the next advance', async () => {
    for (let m = 1; m <= 12; m++) {
      const period = `2026-${String(m).padStart(2, '0')}`;
      const fired = await cloud.scheduler.fire('monthlyPrepayment', firingFor(period));
      expect(fired.result, JSON.stringify(fired)).toMatchObject({ regions: [{ region: REGION, outcome: 'planned' }] });
      await prepaymentComplete(period);
    }
    const january = (await staff('GET', `/v1/runs/prepayment/${REGION}/2026-01?version=1`)).body.lines;
    // 80% of 120,000 over twelve months = 8,000 a month; the 20 yuan recovery taken from January's.
    expect(january.find((l: { providerCode: string }) => l.providerCode === 'ZS0001')).toMatchObject({
      amountFen: y(8_000),
      recoveredFen: y(20),
    });
    const ledger = await ledgerOfYear('ZS0001', 2026);
    expect(ledger.filter((e) => e.kind === 'recovery').map((e) => e.amountFen)).toEqual([-y(20)]);
  }, 240_000);

  it('settles the year on 1 April 2027: every settled stay in exactly one entitlement, by points; budgets settled', async () => {
    const fired = await cloud.scheduler.fire('yearEndSettlement', new Date('2027-03-31T19:00:00Z'));
    expect(fired.result, JSON.stringify(fired)).toMatchObject({ year: 2026, regions: [{ region: REGION, outcome: 'settled' }] });
    const { providers } = (await staff('GET', `/v1/reports/year-end/${REGION}/2026/providers`)).body;
    const p = Object.fromEntries(providers.map((x: { providerCode: string }) => [x.providerCode, x])) as Record<string, any>;
    // Three stays standing (ZY-3 settled again after its reversal), each once, all by points.
    expect(p.ZS0001.stays).toEqual({ settled: 2, byPoints: 2, byItems: 0 });
    expect(p.ZS0201.stays).toEqual({ settled: 1, byPoints: 1, byItems: 0 });
    expect(providers.reduce((a: number, x: { stays: { settled: number } }) => a + x.stays.settled, 0)).toBe(3);
    // Points share the DRG pool; items are only the outpatient claim's fund payment.
    expect(p.ZS0001.drgPaymentFen + p.ZS0201.drgPaymentFen).toBe(y(60_000));
    expect(p.ZS0201.drgPaymentFen).toBeGreaterThan(0);
    expect(p.ZS0001.itemPaymentFen).toBe(outpatientBasic);
    expect(p.ZS0201.itemPaymentFen).toBe(0);
    // Global budgets settled by the 2026 terms (60% of a surplus kept up to 5% of the budget; half an overrun within 10% borne by the fund).
    for (const code of ['ZS0001', 'ZS0201']) {
      const gb = p[code].globalBudget;
      const used = p[code].drgPaymentFen + p[code].itemPaymentFen;
      expect(gb.usedFen).toBe(used);
      if (used <= gb.budgetFen)
        expect(gb.adjustmentFen).toBe(Math.min(Math.round((gb.budgetFen - used) * 0.6), Math.round(gb.budgetFen * 0.05)));
      else expect(gb.adjustmentFen).toBe(-(gb.overrunFen - Math.round(Math.min(gb.overrunFen, gb.budgetFen * 0.1) * 0.5)));
      expect(p[code].entitlementFen).toBe(p[code].drgPaymentFen + p[code].itemPaymentFen + p[code].globalBudgetFen + p[code].capitationFen);
      expect(p[code].netFen).toBe(p[code].entitlementFen - p[code].prepaidFen - p[code].recoveryFen);
    }
    // The recovery was taken from January's advance, not again at the year-end.
    expect(p.ZS0001).toMatchObject({ recoveredFromPrepaymentsFen: y(20), recoveryFen: 0, recoveryNowFen: 0 });
  }, 90_000);

  it("keeps the residents' fund account apart: contribution income, payments by layer, reserve and months, budget vs execution (JSON and CSV)", async () => {
    const res = await api(cloud, 'GET', `/v1/reports/fund-accounts/${REGION}/2026?through=2026-12`, { token: regulator });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const residents = res.body.schemes.find((s: { scheme: string }) => s.scheme === 'resident');
    const contributions = seen('ContributionRecorded');
    const income = contributions.reduce(
      (a, c) => a + c.shares.individualFen + c.shares.employerFen + c.shares.governmentFen + c.shares.assistanceFen,
      0,
    );
    expect(income).toBeGreaterThan(0);
    expect(residents.income.totalFen).toBe(income);
    expect(residents.contributions).toBe(contributions.length);
    expect(residents.paidByLayer.basic).toBe(byLayer.basic);
    expect(residents.fundPaidFen).toBe((byLayer.basic ?? 0) + (byLayer.catastrophic ?? 0));
    expect(residents.reserve.balanceFen).toBe(y(900_000) + income - residents.fundPaidFen);
    expect(residents.budget).toMatchObject({ budgetFen: y(1_200_000) });
    expect(res.body.schemes.map((s: { scheme: string }) => s.scheme)).toEqual(['resident']);
    const csv = await fetch(`${cloud.apiUrl}/v1/reports/fund-accounts/${REGION}/2026?through=2026-12&format=csv`, {
      headers: { authorization: `Bearer ${regulator}` },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const csvText = await csv.text();
    if (process.env.SHOW_REPORTS) console.log(csvText);
    const lines = csvText.trim().split('\r\n');
    expect(lines[0]).toMatch(/^scheme,month,income_yuan,/);
    expect(lines.at(-1)).toMatch(/^resident,total,/);
    // Another region's regulator reads nothing of it.
    const other = await cloud.mint({ sub: 'r2', role: 'regulator', region: '532500' });
    expect((await api(cloud, 'GET', `/v1/reports/fund-accounts/${REGION}/2026`, { token: other })).status).toBe(403);
  });
});

describe('Honghe 2025, a DIP region: stays scored by the catalogue, paid once by DIP points', () => {
  const H = '532500';
  const stays: { providerCode: string; claimNo: string; fundFen: number }[] = [];
  let outpatientFen = 0;
  const settledStay = (
    providerCode: string,
    claimNo: string,
    discharge: string,
    billedFen: number,
    bedDay?: { programme: string; days: number },
  ) => {
    const fundFen = Math.round(billedFen * 0.7);
    return {
      claim: { providerCode, claimNo },
      memberId: `M-${claimNo}`,
      region: H,
      scheme: 'employee',
      provider: { code: providerCode, level: 'secondary', region: providerCode === 'HH0002' ? '532501' : H, poolingRegion: H },
      visit: {
        type: bedDay ? 'bed-day' : 'inpatient',
        serviceDate: `${discharge.slice(0, 8)}01`,
        admissionDate: `${discharge.slice(0, 8)}01`,
        dischargeDate: discharge,
        ...(bedDay ? { bedDay } : {}),
      },
      patient: { sex: 'M', ageYears: 70 },
      // Interstitial lung disease with a lung biopsy: the catalogue's core group J84|34.51.
      diagnoses: { principal: bedDay ? 'C34.900' : 'J84.100x006', secondary: [] },
      procedures: bedDay ? [] : ['34.5101'],
      inpatient: { lengthOfStayDays: 9, ...(bedDay ? { bedDays: bedDay.days } : {}) },
      lines: [],
      totals: { billedFen, fundPaidFen: fundFen, patientPaidFen: billedFen - fundFen, byLayer: { basic: fundFen } },
      settledAt: `${discharge}T10:00:00+08:00`,
      settlementNo: 1,
      meta: { schemaVersion: 1, correlationId: `corr-${claimNo}` },
    };
  };

  it('registers its hospitals (one with its county-level city code) and sets the budget with the DIP pool and the employees’ fund', async () => {
    for (const [providerCode, region] of [
      ['HH0001', H],
      ['HH0002', '532501'],
    ] as const) {
      const res = await staff('POST', '/v1/providers', {
        providerCode,
        name: `红河 ${providerCode}`,
        region,
        level: 'secondary',
        kind: 'hospital',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.provider.poolingRegion).toBe(H);
    }
    const res = await staff('PUT', `/v1/budgets/${H}/2025`, {
      totalFen: y(5_000_000),
      drgBudgetFen: y(300_000),
      providers: [
        { providerCode: 'HH0001', globalBudgetFen: y(240_000) },
        { providerCode: 'HH0002', globalBudgetFen: y(120_000) },
      ],
      schemes: { employee: { budgetFen: y(3_600_000), reserve: { balanceFen: y(1_000_000), asOf: '2024-12-31' } } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('scores each settled stay by the DIP catalogue (a bed-day stay by the cost ratio) and projects it', async () => {
    const claims = [
      settledStay('HH0001', 'HZ-1', '2025-03-10', 7_000_000),
      settledStay('HH0002', 'HZ-2', '2025-04-10', 6_000_000),
      settledStay('HH0001', 'HZ-3', '2025-05-10', 400_000, { programme: 'hospice', days: 10 }),
    ];
    for (const c of claims) {
      stays.push({ providerCode: c.claim.providerCode, claimNo: c.claim.claimNo, fundFen: c.totals.fundPaidFen });
      await put(h, 'yibao.adjudication', 'ClaimSettled', c);
    }
    const outpatient = {
      ...settledStay('HH0001', 'HM-1', '2025-05-20', 200_000),
      visit: { type: 'outpatient', serviceDate: '2025-05-20' },
      procedures: [],
      inpatient: undefined,
    };
    outpatientFen = outpatient.totals.fundPaidFen;
    await put(h, 'yibao.adjudication', 'ClaimSettled', outpatient);
    const cases = await eventually(
      () => {
        const dip = seen('CaseGrouped').filter((c) => c.region === H);
        return dip.length >= 3 ? dip : undefined;
      },
      'three DIP cases',
      40_000,
    );
    expect(cases.every((c) => c.method === 'dip')).toBe(true);
    expect(cases.find((c) => c.claim.claimNo === 'HZ-3')!.points.pricing).toBe('bed-day');
    await factsProjected(cloud);
  }, 90_000);

  it('advances the first quarter and settles the year on 1 April 2026 by DIP point value, each stay once', async () => {
    for (const period of ['2025-01', '2025-02', '2025-03']) {
      const fired = await cloud.scheduler.fire('monthlyPrepayment', firingFor(period));
      expect(fired.result, JSON.stringify(fired)).toMatchObject({ regions: [{ region: H, outcome: 'planned' }] });
      await eventually(
        async () => {
          const res = await staff('GET', `/v1/runs/prepayment/${H}/${period}?version=1`);
          return res.status === 200 && res.body.run.status === 'complete' ? true : undefined;
        },
        `prepayment ${period}`,
        40_000,
      );
    }
    const fired = await cloud.scheduler.fire('yearEndSettlement', new Date('2026-03-31T19:00:00Z'));
    expect(fired.result, JSON.stringify(fired)).toMatchObject({ year: 2025, regions: [{ region: H, outcome: 'settled' }] });
    const run = (await staff('GET', `/v1/runs/year-end/${H}/2025`)).body.run;
    expect(run.summary).toMatchObject({ payBy: 'dip', totals: { stays: 3, staysByPoints: 3, staysByItems: 0, drgPaymentFen: y(300_000) } });
    const points = seen('CaseGrouped')
      .filter((c) => c.region === H)
      .reduce((a, c) => a + c.points.centipoints, 0);
    expect(run.summary.pointValue.totalCentipoints).toBe(points);
    const { providers } = (await staff('GET', `/v1/reports/year-end/${H}/2025/providers`)).body;
    const p = Object.fromEntries(providers.map((x: { providerCode: string }) => [x.providerCode, x])) as Record<string, any>;
    expect(p.HH0001.stays).toEqual({ settled: 2, byPoints: 2, byItems: 0 });
    expect(p.HH0002.stays).toEqual({ settled: 1, byPoints: 1, byItems: 0 });
    // Items: only the outpatient claim; the stays' fund payments are paid by their points instead.
    expect(p.HH0001.itemPaymentFen).toBe(outpatientFen);
    expect(p.HH0002.itemPaymentFen).toBe(0);
    // Prepaid: three months of 85% of each global budget ÷ 12.
    expect(p.HH0001.prepaidFen).toBe(3 * Math.round((y(240_000) * 0.85) / 12));
    const summary = await fetch(`${cloud.apiUrl}/v1/reports/year-end/${H}/2025/summary`, {
      headers: { authorization: `Bearer ${h.staff}` },
    });
    const summaryText = await summary.text();
    expect(summaryText).toContain('stays: 3 settled, 3 paid by points, 0 by items (each once)');
    // SHOW_REPORTS=1 prints what the README quotes.
    if (process.env.SHOW_REPORTS) console.log(summaryText);
  }, 180_000);

  it('the year-end provider CSV names the method, stays by points and items, bed-day points, the global budget and recoveries', async () => {
    const bedDayPoints = seen('CaseGrouped').find((c) => c.region === H && c.claim.claimNo === 'HZ-3')!.points.centipoints as number;
    expect(bedDayPoints).toBeGreaterThan(0);
    const { providers } = (await staff('GET', `/v1/reports/year-end/${H}/2025/providers`)).body;
    const p = Object.fromEntries(providers.map((x: { providerCode: string }) => [x.providerCode, x])) as Record<string, any>;
    expect(p.HH0001).toMatchObject({ method: 'dip', bedDayCentipoints: bedDayPoints, globalBudget: null });
    expect(p.HH0002).toMatchObject({ method: 'dip', bedDayCentipoints: 0 });
    const csv = await fetch(`${cloud.apiUrl}/v1/reports/year-end/${H}/2025/providers?format=csv`, {
      headers: { authorization: `Bearer ${h.staff}` },
    });
    const [header, ...rows] = (await csv.text()).trim().split('\r\n');
    const columns = header!.split(',');
    const row = Object.fromEntries(
      rows
        .find((r) => r.startsWith('HH0001,'))!
        .split(',')
        .map((v, i) => [columns[i], v]),
    );
    if (process.env.SHOW_REPORTS) console.log([header, ...rows].join('\n'));
    expect(row).toMatchObject({
      method: 'dip',
      stays_settled: '2',
      stays_by_points: '2',
      stays_by_items: '0',
      bed_day_points: (bedDayPoints / 100).toFixed(2),
      // Honghe 2025's settlement policy sets no global-budget terms: nothing settled against the 240,000 line.
      global_budget_yuan: '',
      global_budget_used_yuan: '',
      global_budget_outcome: '',
      global_budget_adjustment_yuan: '0.00',
      recoveries_yuan: '0.00',
      recovered_from_prepayments_yuan: '0.00',
    });
  });

  it("keeps the employees' fund account apart from the residents': its claims' payments by layer and its reserve", async () => {
    const res = await staff('GET', `/v1/reports/fund-accounts/${H}/2025?through=2025-12`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.schemes.map((s: { scheme: string }) => s.scheme)).toEqual(['employee']);
    const employees = res.body.schemes[0];
    const paid = stays.reduce((a, s) => a + s.fundFen, 0) + outpatientFen;
    expect(employees).toMatchObject({ claims: 4, fundPaidFen: paid, paidByLayer: { basic: paid } });
    expect(employees.reserve.balanceFen).toBe(y(1_000_000) - paid);
  });
});
