/**
 * Employee claims settled end to end on the local cloud (issue 12 points 3, 4, 6 and 12.5e): employers
 * registered, employees enrolled through enrolment's API (scheme employee, through an employer), their
 * employment recorded and their months paid (cover follows what was paid), a retiree recorded as
 * retired; Zhoushan and Honghe providers registered through POST /v1/providers; the shipped 2025
 * employee policies. 门诊共济 (in service and retired) and 大额医疗费用补助 with the worked numbers of
 * test/unit/settlement-employee.test.ts, and a June stay reversed and settled again after July's
 * keeping its place by date; a civil servant (by employment status) gets 公务员医疗补助 on the same stay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { localName } from '../../infra/topology.ts';
import { creditCodeCheckCharacter } from '../../shared/employers/credit-code.ts';
import { lastDayOf } from '../../shared/employers/months.ts';
import { checkCharacter } from '../../shared/enrolment/id-number.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { api, registerProvider, startTestCloud } from '../support/local-cloud.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

const y = (yuan: number) => Math.round(yuan * 100);

let cloud: LocalCloud;
let db: DynamoDBDocumentClient;
let staff: string;
let clerk: string; // staff with contributions:write (employers, employment, contributions)
/** A valid unified social credit code registered in a division (GB 32100 check character computed). */
function creditCode(division: string, serial: number): string {
  const first17 = `91${division}MA${String(serial).padStart(7, '0')}`;
  return first17 + creditCodeCheckCharacter(first17);
}
const ZS_EMPLOYER = creditCode('330902', 7);
const HH_EMPLOYER = creditCode('532501', 8);
const PROVIDERS = {
  primary: 'H33090200101',
  secondary: 'H33090200102',
  tertiary: 'H33090200103',
} as const;
type Level = keyof typeof PROVIDERS;
const tokens = {} as Record<Level, string>;

beforeAll(async () => {
  cloud = await startTestCloud();
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.region, credentials: cloud.credentials }),
  );
  staff = await cloud.mint({ sub: 'clerk-1', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
  clerk = await cloud.mint({ sub: 'clerk-2', role: 'staff', permissions: ['contributions:write'] });
  for (const [creditCode, name, region] of [
    [ZS_EMPLOYER, '舟山示例水产有限公司', '330900'],
    [HH_EMPLOYER, '红河示例锡业有限公司', '532500'],
  ]) {
    const res = await api(cloud, 'POST', '/v1/employers', { token: clerk, body: { creditCode, name, region, validFrom: '2024-01-01' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  for (const [level, providerCode] of Object.entries(PROVIDERS) as [Level, string][]) {
    const kind = level === 'primary' ? 'community-centre' : 'hospital';
    const body = { providerCode, name: `舟山市定点医疗机构 ${level}`, level, region: '330902', kind };
    await registerProvider(cloud, staff, body);
    tokens[level] = await cloud.mint({ sub: `his-${level}`, role: 'provider', providerCode });
  }
});
afterAll(async () => {
  db?.destroy();
  await cloud?.stop();
});

let born = Date.UTC(1975, 0, 1);
/** A fresh valid ID number from a division (born in `birthYear` if given). */
function idNumber(division = '330902', birthYear?: number): string {
  born += 86_400_000;
  const date = new Date(born).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `${division}${birthYear ? `${birthYear}${date.slice(4)}` : date}001`;
  return first17 + checkCharacter(first17);
}

/**
 * Enrols an employee for 2025 through an employer, records the employment from 1 January and the
 * employer's monthly contributions on an 8,000-yuan wage for `months` (cover follows what was paid);
 * `retiredFrom` records retirement (退休) from that day instead, after which nothing is paid.
 */
async function employee(
  opts: { region?: '330900' | '532500'; months?: number; retiredFrom?: string; civilServant?: boolean } = {},
): Promise<string> {
  const region = opts.region ?? '330900';
  const employerCode = region === '330900' ? ZS_EMPLOYER : HH_EMPLOYER;
  const division = region === '330900' ? '330902' : '532501';
  const enrolled = await api(cloud, 'POST', '/v1/members', {
    token: staff,
    body: {
      idNumber: idNumber(division, opts.retiredFrom ? 1962 : undefined),
      year: 2025,
      region,
      scheme: 'employee',
      employeeKind: 'employer',
      employerCode,
      monthlyBaseFen: 8_000_00,
    },
  });
  expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
  const memberId: string = enrolled.body.member.memberId;
  const employed = await api(cloud, 'POST', `/v1/members/${memberId}/employment`, {
    token: clerk,
    body: { status: 'in-service', employerCode, validFrom: '2025-01-01', ...(opts.civilServant ? { civilServant: true } : {}) },
  });
  expect(employed.status, JSON.stringify(employed.body)).toBe(201);
  if (opts.retiredFrom) {
    const retired = await api(cloud, 'POST', `/v1/members/${memberId}/employment`, {
      token: clerk,
      body: { status: 'retired', validFrom: opts.retiredFrom, contributionYears: 34 },
    });
    expect(retired.status, JSON.stringify(retired.body)).toBe(201);
    return memberId;
  }
  for (let m = 1; m <= (opts.months ?? 7); m++) {
    const month = `2025-${String(m).padStart(2, '0')}`;
    const paid = await api(cloud, 'POST', `/v1/members/${memberId}/employee-contributions`, {
      token: clerk,
      body: { month, employerCode, declaredWageFen: 8_000_00, paidOn: lastDayOf(month), channel: 'employer' },
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
  }
  return memberId;
}

const outpatient = (memberId: string, level: Level, claimNo: string, serviceDate: string, yuan: number) => ({
  providerCode: PROVIDERS[level],
  claimNo,
  memberId,
  visit: { type: 'outpatient', serviceDate },
  diagnoses: { principal: 'J06.900' },
  lines: [exampleLine(1, 'A', 'drug', yuan)],
});
const inpatient = (memberId: string, level: Level, claimNo: string, admitted: string, discharged: string, yuan: number) => ({
  providerCode: PROVIDERS[level],
  claimNo,
  memberId,
  visit: { type: 'inpatient', serviceDate: admitted, dischargeDate: discharged, department: '普外科' },
  diagnoses: { principal: 'K80.100' },
  procedures: ['51.2300'],
  lines: [exampleLine(1, 'A', 'surgery', yuan)],
});
const settle = (bill: { providerCode: string; resettlementOf?: number }, level: Level) =>
  api(cloud, 'POST', '/v1/claims', { token: tokens[level], body: bill });

async function counters(memberId: string): Promise<Record<string, number>> {
  const out = await db.send(
    new GetCommand({
      TableName: localName.table('accumulators'),
      Key: { pk: `MEMBER#${memberId}`, sk: 'YEAR#2025' },
      ConsistentRead: true,
    }),
  );
  return out.Item?.counters ?? {};
}

describe('employee claims under the Zhoushan 2025 employee policy', () => {
  it('门诊共济: no deductible at primary care, one 1,000 deductible a year elsewhere, 70/60/50% by level, the 3,000 annual cap', async () => {
    const memberId = await employee();
    const visits: [Level, string, string, number][] = [
      ['primary', 'MZ-1', '2025-02-01', 200],
      ['secondary', 'MZ-2', '2025-03-01', 1_500],
      ['tertiary', 'MZ-3', '2025-04-01', 3_000],
      ['tertiary', 'MZ-4', '2025-05-01', 4_000],
    ];
    const statements = [];
    for (const [level, claimNo, date, yuan] of visits) {
      const res = await settle(outpatient(memberId, level, claimNo, date, yuan), level);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      statements.push(res.body.statement);
    }
    expect(statements.map((s) => s.policy.id)).toEqual(Array(4).fill('zhoushan-employee'));
    expect(statements.map((s) => s.totals.deductibleFen)).toEqual([0, y(1_000), 0, 0]);
    // 200 × 70%; (1,500 − 1,000) × 60%; 3,000 × 50%; 4,000 × 50% = 2,000, cut to the 1,060 left under 3,000.
    expect(statements.map((s) => s.totals.byLayer.basic)).toEqual([y(140), y(300), y(1_500), y(1_060)]);
    expect(statements.map((s) => s.totals.patientPaidFen)).toEqual([y(60), y(1_200), y(1_500), y(2_940)]);
    expect(await counters(memberId)).toMatchObject({
      'basic.cap.outpatient-pool': y(3_000),
      'basic.deductible.outpatient.paid': y(1_000),
      'basic.paid': y(3_000),
    });
  });

  it('门诊共济 for a retiree (退休, recorded by employment status, paying nothing): 700 deductible, +10 points, 4,000 a year', async () => {
    const memberId = await employee({ retiredFrom: '2025-03-01' });
    const visits: [Level, string, string, number][] = [
      ['primary', 'RT-1', '2025-04-01', 200],
      ['secondary', 'RT-2', '2025-05-01', 1_500],
      ['tertiary', 'RT-3', '2025-06-01', 3_000],
      ['tertiary', 'RT-4', '2025-07-01', 4_000],
    ];
    const statements = [];
    for (const [level, claimNo, date, yuan] of visits) {
      const res = await settle(outpatient(memberId, level, claimNo, date, yuan), level);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      statements.push(res.body.statement);
    }
    expect(statements.map((s) => s.totals.deductibleFen)).toEqual([0, y(700), 0, 0]);
    // 200 × 80%; (1,500 − 700) × 70%; 3,000 × 60%; 4,000 × 60% = 2,400, cut to the 1,480 left under 4,000.
    expect(statements.map((s) => s.totals.byLayer.basic)).toEqual([y(160), y(560), y(1_800), y(1_480)]);
    expect(statements[0].steps.map((x: { rule: string }) => x.rule)).toContain('basic.ratios[outpatient-retired]');
    expect(await counters(memberId)).toMatchObject({
      'basic.cap.outpatient-pool-retired': y(4_000),
      'basic.deductible.outpatient-retired.paid': y(700),
    });
  });

  it('大额医疗费用补助: a 200,000 stay is paid by basic to its 150,000 cap, then 90% of the covered cost beyond it', async () => {
    const memberId = await employee();
    const res = await settle(inpatient(memberId, 'tertiary', 'ZY-BIG', '2025-06-02', '2025-06-28', 200_000), 'tertiary');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const s = res.body.statement;
    // (200,000 − 800) × 85% = 169,320 → 150,000; 150,000 / 85% = 176,470.58 of cost inside the cap;
    // 22,729.42 beyond it × 90% = 20,456.48; the patient pays 800 + 26,470.58 + 2,272.94 = 29,543.52.
    expect(s.totals).toMatchObject({
      deductibleFen: y(800),
      byLayer: { basic: y(150_000), catastrophic: y(20_456.48), subsidy: 0 },
      fundPaidFen: y(170_456.48),
      patientPaidFen: y(29_543.52),
    });
    expect(
      s.steps.find((x: { layer: string; figure: string }) => x.layer === 'catastrophic' && x.figure === 'payment before cap').text,
    ).toContain("the covered cost beyond basic's caps 22729.42");
    const read = await api(cloud, 'GET', `/v1/claims/${PROVIDERS.tertiary}/ZY-BIG`, { token: tokens.tertiary });
    expect(read.body.statement.totals.byLayer.catastrophic).toBe(y(20_456.48));
    expect(await counters(memberId)).toMatchObject({ 'basic.cap.annual': y(150_000), 'catastrophic.paid': y(20_456.48) });
  });

  it('公务员医疗补助 through the API: a civil servant (by employment status) gets the subsidy on the same 200,000 stay', async () => {
    const memberId = await employee({ civilServant: true });
    const res = await settle(inpatient(memberId, 'tertiary', 'ZY-GWY', '2025-06-02', '2025-06-28', 200_000), 'tertiary');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // As test/unit/settlement-employee.test.ts works it: 80% of the burden inside the cap above 1,000
    // (21,016.46) + 5% of the cost beyond it (22,729.42 × 5% = 1,136.47) = 22,152.93 on top of basic and 大额.
    expect(res.body.statement.totals).toMatchObject({
      byLayer: { basic: y(150_000), catastrophic: y(20_456.48), subsidy: y(22_152.93) },
      patientPaidFen: y(7_390.59),
    });
  });

  it('settles a Honghe employee under the 532500 employee policy: inpatient bands read on the gross cost, 大额 beyond the cap', async () => {
    const providerCode = 'H53250100021';
    const registered = await api(cloud, 'POST', '/v1/providers', {
      token: staff,
      body: { providerCode, name: '红河州某三级医院', level: 'tertiary', region: '532501', kind: 'hospital' },
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const his = await cloud.mint({ sub: 'his-honghe', role: 'provider', providerCode });
    const memberId = await employee({ region: '532500', months: 3 });
    const res = await api(cloud, 'POST', '/v1/claims', {
      token: his,
      body: { ...inpatient(memberId, 'tertiary', 'HH-ZY-1', '2025-03-02', '2025-03-20', 150_000), providerCode },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const s = res.body.statement;
    expect(s.policy.id).toBe('honghe-employee');
    // Deductible 900; [900, 50,000) × 85% = 41,735 + [50,000, 150,000) × 90% = 90,000: 131,735, cut to the
    // 120,000 cap: 41,735 + 78,265 (86,961.11 of cost at 90%) inside it; 150,000 − 900 − 49,100 − 86,961.11 =
    // 13,038.89 beyond it × 90% = 11,735.001 → 11,735.00 from 大额.
    expect(s.totals).toMatchObject({
      deductibleFen: y(900),
      byLayer: { basic: y(120_000), catastrophic: y(11_735) },
      patientPaidFen: y(18_265),
    });
  });

  it('a June stay reversed and settled again after July’s keeps its place by date: the full deductible again, not half', async () => {
    const memberId = await employee();
    const june = inpatient(memberId, 'tertiary', 'ZY-JUNE', '2025-06-10', '2025-06-15', 5_000);
    const july = inpatient(memberId, 'primary', 'ZY-JULY', '2025-07-05', '2025-07-10', 2_000);
    const first = await settle(june, 'tertiary');
    expect(first.body.statement.totals.deductibleFen).toBe(y(800));
    expect((await settle(july, 'primary')).body.statement.totals.deductibleFen).toBe(y(150)); // 2nd admission: 300 × 50%
    const reversed = await api(cloud, 'POST', `/v1/claims/${PROVIDERS.tertiary}/ZY-JUNE/reversal`, {
      token: tokens.tertiary,
      body: { reason: 'corrected bill' },
    });
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(200);
    const again = await settle({ ...june, resettlementOf: 1 }, 'tertiary');
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.claim).toMatchObject({ status: 'settled', settlementNo: 2 });
    // By date June is the first admission: 800, and basic (5,000 − 800) × 85% = 3,570 (by settlement
    // order it would have been the second: 400, and the fund would have paid 340 too much).
    expect(again.body.statement.totals.deductibleFen).toBe(y(800));
    expect(again.body.statement.totals.byLayer.basic).toBe(y(3_570));
    expect(await counters(memberId)).toMatchObject({
      'basic.deductible.inpatient.claims': 2,
      'basic.deductible.inpatient.on.2025-06-10.80000': 1,
      'basic.deductible.inpatient.on.2025-07-05.30000': 1,
      'basic.deductible.inpatient.paid': y(950),
    });
  });
});
