/**
 * Issue 16, point 2: the demo year `npm start` runs, at a small scale, against a local cloud of its
 * own, through the API only. Its figures must agree with what the platform itself reports: every
 * settled claim counted once (the fund accounts per scheme count the same claims and pay the same
 * basic layer), a prepayment run complete for every month, a year-end with a point value above zero
 * whose stays are the demo's stays, each paid once, and every injected fraud pattern raised by the rule
 * that is there to catch it, the confirmed duplicate charges recovered at the year-end. The programmes
 * Zhoushan has no policy for run in Honghe 2025 (infra/local/demo/honghe.ts): each disability assessment
 * concluded at the level its scores give, the care fund's spending the demo's care claims, every
 * pregnancy's antenatal care, delivery and allowance on record, every Honghe stay scored by DIP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import type { DemoProgress } from '../../infra/local/demo/progress.ts';
import { runDemoYear, type DemoYearResult } from '../../infra/local/demo/year.ts';
import { api, startTestCloud } from '../support/local-cloud.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

const REGION = '330900';
let cloud: LocalCloud;
let staff: string;
let year: DemoYearResult;
let before: DemoProgress;
const seen: DemoProgress[] = [];

beforeAll(async () => {
  cloud = await startTestCloud();
  staff = await cloud.mint({ sub: 'demo-test', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
  before = (await api(cloud, 'GET', '/local/demo/progress')).body;
  let latest: DemoProgress | undefined;
  cloud.setDemoProgress(() => latest!);
  year = await runDemoYear({
    baseUrl: cloud.apiUrl,
    mint: (p) => cloud.mint(p),
    scale: 60,
    lanes: 4,
    onProgress: (p) => {
      latest = p;
      seen.push(p);
    },
  });
}, 600_000);
afterAll(async () => {
  await cloud?.stop();
});

describe('the demo year at a small scale, through the API', () => {
  it('settles every generated claim once, and the fund accounts count the same claims and the same basic layer', async () => {
    const f = year.figures;
    expect(year.refused).toEqual([]);
    expect(f.members).toBe(60);
    expect(f.employees + f.residents).toBe(60);
    expect(f.claims).toBe(year.settled.length);
    expect(new Set(year.settled.map((c) => `${c.providerCode}/${c.claimNo}`)).size).toBe(f.claims);
    expect(Object.values(f.claimsByType).reduce((a, b) => a + b, 0)).toBe(f.claims);
    expect(f.fundPaidFen).toBe(year.settled.reduce((a, c) => a + c.fundPaidFen, 0));

    const accounts = await api(cloud, 'GET', `/v1/reports/fund-accounts/${REGION}/2026?through=2026-12`, { token: staff });
    expect(accounts.status, JSON.stringify(accounts.body)).toBe(200);
    const schemes = accounts.body.schemes as { scheme: string; claims: number; paidByLayer: Record<string, number> }[];
    expect(schemes.reduce((a, s) => a + s.claims, 0)).toBe(f.claims);
    const basic = schemes.reduce((a, s) => a + (s.paidByLayer.basic ?? 0), 0);
    expect(basic).toBe(year.paidByLayerFen.basic);

    // One claim read back as its provider sees it: the same statement the demo counted.
    const one = year.settled.find((c) => c.visitType === 'inpatient')!;
    const his = await cloud.mint({ sub: 'his', role: 'provider', providerCode: one.providerCode });
    const claim = await api(cloud, 'GET', `/v1/claims/${one.providerCode}/${one.claimNo}`, { token: his });
    expect(claim.status).toBe(200);
    expect(claim.body.statement.totals.fundPaidFen).toBe(one.fundPaidFen);
  });

  it('advances every month of the year, each run complete', async () => {
    expect(year.figures.prepaymentMonths).toBe(12);
    let prepaid = 0;
    for (let m = 1; m <= 12; m++) {
      const period = `2026-${String(m).padStart(2, '0')}`;
      const run = await api(cloud, 'GET', `/v1/runs/prepayment/${REGION}/${period}?version=1`, { token: staff });
      expect(run.status, period).toBe(200);
      expect(run.body.run.status).toBe('complete');
      prepaid += (run.body.lines as { amountFen: number }[]).reduce((a, l) => a + l.amountFen, 0);
    }
    expect(prepaid).toBe(year.figures.prepaidFen);
    expect(prepaid).toBeGreaterThan(0);
  });

  it('settles the year with a point value above zero, every stay of the demo paid once', async () => {
    const f = year.figures;
    expect(Number(f.pointValue)).toBeGreaterThan(0);
    const stays = year.settled.filter((c) => c.visitType === 'inpatient' || c.visitType === 'bed-day').length;
    expect(stays).toBeGreaterThan(0);
    expect(year.yearEnd.run.summary.totals?.stays).toBe(stays);
    expect((f.staysByPoints ?? 0) + (f.staysByItems ?? 0)).toBe(stays);
    const { providers } = (await api(cloud, 'GET', `/v1/reports/year-end/${REGION}/2026/providers`, { token: staff })).body;
    expect(providers.reduce((a: number, p: { stays: { settled: number } }) => a + p.stays.settled, 0)).toBe(stays);
  });

  it('raises an alert on every injected fraud pattern, by the rule made for it; the confirmed duplicate charges are recovered', async () => {
    expect(year.injected.length).toBe(16);
    expect(year.injected.filter((i) => !i.caught)).toEqual([]);
    expect(new Set(year.injected.map((i) => i.pattern))).toEqual(
      new Set([
        'duplicate-charge',
        'price-limit',
        'sex-age-restriction',
        'excess-quantity',
        'trace-code-reuse',
        'readmission',
        'ghost-bed',
      ]),
    );
    expect(year.figures.alerts).toBeGreaterThanOrEqual(year.figures.injectedCaught);
    const regulator = await cloud.mint({ sub: 'r', role: 'regulator', region: REGION });
    const duplicates = year.injected.filter((i) => i.pattern === 'duplicate-charge');
    for (const d of duplicates) {
      const alert = await api(cloud, 'GET', `/v1/alerts/${d.alertId}`, { token: regulator });
      expect(alert.body.status).toBe('confirmed');
    }
    // Confirmed after the last advance, so the year-end takes each 20.00 recovery.
    const { providers } = (await api(cloud, 'GET', `/v1/reports/year-end/${REGION}/2026/providers`, { token: staff })).body;
    const recovered = providers.reduce((a: number, p: { recoveryFen: number }) => a + p.recoveryFen, 0);
    expect(recovered).toBe(duplicates.length * 2_000);
  });

  it('reports its progress on GET /local/demo/progress, from off to ready, done equal to total', async () => {
    expect(before).toMatchObject({ phase: 'off', done: 0, total: 0 });
    const phases = [...new Set(seen.map((p) => p.phase))];
    expect(phases).toEqual([
      'starting',
      'policies',
      'catalogues',
      'providers',
      'members',
      'registers',
      'budget',
      'claims',
      'fraud-review',
      'year-end',
      'ready',
    ]);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThanOrEqual(seen[i - 1]!.done);
    const res = await api(cloud, 'GET', '/local/demo/progress');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ phase: 'ready', region: REGION, year: 2026, scale: 60 });
    expect(res.body.done).toBe(res.body.total);
    expect(res.body.readyAt).toBeDefined();
    expect(res.body.figures).toMatchObject({ members: 60, claims: year.figures.claims, pointValue: year.figures.pointValue });
  });
});

describe("the programmes Zhoushan's papers do not give it, in Honghe 2025 (long-term care, maternity, DIP)", () => {
  const HONGHE = '532500';

  it('concludes every disability assessment at the level its scores give, and bills the qualifying members’ care', async () => {
    const g = year.figures.programmes!;
    const { population, memberIds } = year.programmes!;
    expect(g.members).toBe(40);
    const cared = population.people.filter((p) => p.care);
    expect(cared.length).toBeGreaterThan(0);
    expect(g.longTermCare.assessments).toBe(cared.length);
    for (const p of cared) {
      const res = await api(cloud, 'GET', `/v1/ltc/members/${memberIds[p.index]}/level?date=${p.care!.concludedOn}`, { token: staff });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.level).toMatchObject({ level: p.care!.level, qualifies: p.care!.level >= 3 });
    }
    expect(g.longTermCare.careClaims).toBeGreaterThan(0);
    const fund = await api(cloud, 'GET', `/v1/ltc/fund/${HONGHE}/2025`, { token: staff });
    expect(fund.status).toBe(200);
    // The fund's ledger pays exactly what the demo's care claims were paid; employees' paid months fund it.
    expect(fund.body.spending.totalFen).toBe(g.longTermCare.fundPaidFen);
    expect(fund.body.income.totalFen).toBe(g.longTermCare.fundIncomeFen);
    expect(fund.body.income.totalFen).toBeGreaterThan(0);
  });

  it('holds every pregnancy’s antenatal care, delivery and allowance; the allowances add up to the figure', async () => {
    const g = year.figures.programmes!;
    const { population, memberIds } = year.programmes!;
    const pregnant = population.people.filter((p) => p.pregnancy);
    expect(pregnant.length).toBeGreaterThan(0);
    expect([g.maternity.pregnancies, g.maternity.antenatal, g.maternity.deliveries, g.maternity.allowances]).toEqual(
      Array(4).fill(pregnant.length),
    );
    let allowances = 0;
    for (const p of pregnant) {
      const id = `P${p.pregnancy!.expectedDeliveryDate.replaceAll('-', '')}`;
      const res = await api(cloud, 'GET', `/v1/maternity/pregnancies/${memberIds[p.index]}/${id}`, { token: staff });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.claims.antenatal).toMatchObject({ providerCode: p.pregnancy!.registeredAt });
      expect(res.body.claims.delivery).toMatchObject({ providerCode: p.pregnancy!.deliveredAt });
      allowances += res.body.allowance.allowance.amountFen;
    }
    expect(allowances).toBe(g.maternity.allowanceFen);
    expect(allowances).toBeGreaterThan(0);
  });

  it('scores every Honghe stay by DIP (none by DRG: Honghe has no DRG policy)', async () => {
    const g = year.figures.programmes!;
    const mix = await api(cloud, 'GET', `/v1/reports/case-mix/${HONGHE}/2025`, { token: staff });
    expect(mix.status).toBe(200);
    expect(mix.body.method).toBe('dip');
    expect(g.claimsByType.inpatient).toBeGreaterThan(0);
    expect(mix.body.cases).toBe(g.claimsByType.inpatient);
    expect(g.dip.cases).toBe(mix.body.cases);
  });
});
