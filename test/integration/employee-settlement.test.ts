/**
 * Employee claims settled end to end on the local cloud (issue 12 points 3, 4, 6 and 12.5e): an
 * employee enrolled through enrolment's API (scheme employee, through an employer, one month paid),
 * Zhoushan providers registered through POST /v1/providers, the shipped 330900 2025 employee policy.
 * 门诊共济 and 大额医疗费用补助 with the worked numbers of test/unit/settlement-employee.test.ts, and
 * a June stay reversed and settled again after July's keeping its place by date.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { localName } from '../../infra/topology.ts';
import { checkCharacter } from '../../shared/enrolment/id-number.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { api, startTestCloud } from '../support/local-cloud.ts';

const y = (yuan: number) => Math.round(yuan * 100);

let cloud: LocalCloud;
let db: DynamoDBDocumentClient;
let staff: string;
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
  staff = await cloud.mint({ sub: 'clerk-1', role: 'staff', permissions: [] });
  for (const [level, providerCode] of Object.entries(PROVIDERS) as [Level, string][]) {
    const kind = level === 'primary' ? 'community-centre' : 'hospital';
    const body = { providerCode, name: `舟山市定点医疗机构 ${level}`, level, region: '330902', kind };
    const res = await api(cloud, 'POST', '/v1/providers', { token: staff, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    tokens[level] = await cloud.mint({ sub: `his-${level}`, role: 'provider', providerCode });
  }
});
afterAll(async () => {
  db?.destroy();
  await cloud?.stop();
});

let born = Date.UTC(1975, 0, 1);
/** A fresh valid ID number from Zhoushan (330902). */
function idNumber(): string {
  born += 86_400_000;
  const first17 = `330902${new Date(born).toISOString().slice(0, 10).replaceAll('-', '')}001`;
  return first17 + checkCharacter(first17);
}

/** Enrols a Zhoushan employee for 2025 through an employer and records the first month's contribution (covered from 5 January). */
async function employee(): Promise<string> {
  const enrolled = await api(cloud, 'POST', '/v1/members', {
    token: staff,
    body: {
      idNumber: idNumber(),
      year: 2025,
      region: '330900',
      scheme: 'employee',
      employeeKind: 'employer',
      employerCode: '91330900MA2A',
      monthlyBaseFen: 8_000_00,
    },
  });
  expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
  const memberId: string = enrolled.body.member.memberId;
  const paid = await api(cloud, 'POST', `/v1/members/${memberId}/contributions`, {
    token: staff,
    body: {
      contributionId: `EMP-${memberId}-2025-01`,
      year: 2025,
      amountFen: enrolled.body.enrolment.contribution.activationThresholdFen,
      paidOn: '2025-01-05',
    },
  });
  expect(paid.status, JSON.stringify(paid.body)).toBe(201);
  expect(paid.body.enrolment).toMatchObject({ status: 'active', scheme: 'employee' });
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
const settle = (bill: { providerCode: string }, level: Level) => api(cloud, 'POST', '/v1/claims', { token: tokens[level], body: bill });

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

  it('settles a Honghe employee under the 532500 employee policy: inpatient bands read on the gross cost, 大额 beyond the cap', async () => {
    const providerCode = 'H53250100021';
    const registered = await api(cloud, 'POST', '/v1/providers', {
      token: staff,
      body: { providerCode, name: '红河州某三级医院', level: 'tertiary', region: '532501', kind: 'hospital' },
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const his = await cloud.mint({ sub: 'his-honghe', role: 'provider', providerCode });
    born += 86_400_000;
    const first17 = `532501${new Date(born).toISOString().slice(0, 10).replaceAll('-', '')}002`;
    const enrolled = await api(cloud, 'POST', '/v1/members', {
      token: staff,
      body: {
        idNumber: first17 + checkCharacter(first17),
        year: 2025,
        region: '532500',
        scheme: 'employee',
        employeeKind: 'employer',
        employerCode: '91532500MA6K',
        monthlyBaseFen: 6_000_00,
      },
    });
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
    const memberId = enrolled.body.member.memberId;
    const paid = await api(cloud, 'POST', `/v1/members/${memberId}/contributions`, {
      token: staff,
      body: {
        contributionId: `EMP-${memberId}`,
        year: 2025,
        amountFen: enrolled.body.enrolment.contribution.activationThresholdFen,
        paidOn: '2025-01-05',
      },
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
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
    const again = await settle(june, 'tertiary');
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
