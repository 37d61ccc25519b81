/**
 * Maternity insurance (生育保险, issue 15) on the local cloud, through the API: Honghe 532500, whose
 * plan merges maternity with the employee scheme (住院分娩按病种支付, 产前检查按人头支付). Figures are the
 * illustrative ones of policies/maternity/532500/2025.json.
 *
 * One employer (红河示例建材) pays 林 at 6,000.00 a month and 张 at 9,000.00 through 2024, and 王 at 6,000.00
 * from November: its declared wages of 2024 are 192,000.00 over 26 employee-months (7,384.62 a month). 林 registers
 * her pregnancy at a secondary clinic (expected 2025-06-20), has her antenatal care paid per capita
 * there (800.00 of 1,150.00), and delivers by caesarean at a tertiary hospital on 2025-06-20 (5,500.00
 * per case of 6,200.00 covered; 300.00 out of catalogue hers). Her allowance: 192,000.00 × 173 days
 * (98 + 15 for the caesarean + 60 regional) ÷ (26 × 30) = 42,584.62, rounded once (rounding the average
 * to 7,384.62 first would give 42,584.64), to the employer. 王 joined in November 2024:
 * seven months paid before her June delivery, refused naming the 12-month rule.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { creditCodeCheckCharacter } from '../../shared/employers/credit-code.ts';
import { lastDayOf, monthsFrom } from '../../shared/employers/months.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { api, eventually, onAuditEvent, registerProvider, startTestCloud, type ApiAnswer } from '../support/local-cloud.ts';
import { allPermissionsBut } from '../../shared/auth/principal.ts';

let cloud: LocalCloud;
let clerk: string; // contributions:write and maternity:write
let reader: string; // staff without permissions
let clinic: string;
let hospital: string;
const events: Record<string, any>[] = [];

const CLINIC = 'H53250100002';
const HOSPITAL = 'H53250100001';
const first17 = '91532501MA0000077';
const EMPLOYER = first17 + creditCodeCheckCharacter(first17);
const person = idNumbers(Date.UTC(1994, 2, 1));

const problemsOf = (res: ApiAnswer) =>
  (res.body.error?.details?.problems ?? []).map((p: { field: string; rule: string }) => `${p.field}:${p.rule}`);
const ok = (res: ApiAnswer, status: number) => expect(res.status, JSON.stringify(res.body)).toBe(status);

async function employee(sex: 'F' | 'M', from: string, to: string, wageYuan: number): Promise<string> {
  const idNumber = person('532501', sex === 'F' ? '002' : '001');
  let memberId = '';
  for (const year of [2024, 2025]) {
    const res = await api(cloud, 'POST', '/v1/members', {
      token: reader,
      body: {
        idNumber,
        year,
        region: '532500',
        scheme: 'employee',
        employeeKind: 'employer',
        employerCode: EMPLOYER,
        monthlyBaseFen: wageYuan * 100,
      },
    });
    ok(res, 201);
    memberId = res.body.member.memberId;
  }
  ok(
    await api(cloud, 'POST', `/v1/members/${memberId}/employment`, {
      token: clerk,
      body: { status: 'in-service', employerCode: EMPLOYER, validFrom: `${from}-01` },
    }),
    201,
  );
  for (const month of monthsFrom(from, to)) {
    const paid = await api(cloud, 'POST', `/v1/members/${memberId}/employee-contributions`, {
      token: clerk,
      body: { month, employerCode: EMPLOYER, declaredWageFen: wageYuan * 100, paidOn: lastDayOf(month) },
    });
    ok(paid, 201);
  }
  return memberId;
}

const register = (token: string, body: Record<string, unknown>) => api(cloud, 'POST', '/v1/maternity/pregnancies', { token, body });
const settle = (token: string, body: Record<string, unknown>) => api(cloud, 'POST', '/v1/claims', { token, body });

const antenatalBill = (memberId: string, claimNo: string, providerCode = CLINIC) => ({
  providerCode,
  claimNo,
  memberId,
  visit: { type: 'antenatal', serviceDate: '2025-03-02', department: '产科' },
  diagnoses: { principal: 'Z34.900', secondary: [] },
  maternity: { pregnancyId: 'P20250620' },
  lines: [exampleLine(1, 'A', 'exam', 150, 5), exampleLine(2, 'A', 'lab', 400)],
});
const deliveryBill = (memberId: string, claimNo: string) => ({
  providerCode: HOSPITAL,
  claimNo,
  memberId,
  visit: { type: 'delivery', serviceDate: '2025-06-18', dischargeDate: '2025-06-23', department: '产科' },
  diagnoses: { principal: 'O82.000', secondary: [] },
  procedures: ['74.1x00'],
  maternity: { pregnancyId: 'P20250620', deliveryType: 'caesarean', babies: 1, deliveryDate: '2025-06-20' },
  lines: [exampleLine(1, 'A', 'surgery', 4200), exampleLine(2, 'A', 'bed', 2000), exampleLine(3, 'C', 'drug', 300)],
});

let lin = '';
let wang = '';

beforeAll(async () => {
  cloud = await startTestCloud();
  onAuditEvent(cloud, (body) => {
    const envelope = JSON.parse(body);
    if (envelope.source === 'yibao.maternity' || envelope['detail-type'] === 'ClaimSettled') events.push(envelope);
  });
  clerk = await cloud.mint({
    sub: 'clerk-maternity',
    role: 'staff',
    permissions: ['contributions:write', 'maternity:write', 'policies:publish'],
  });
  reader = await cloud.mint({
    sub: 'clerk-plain',
    role: 'staff',
    permissions: allPermissionsBut('contributions:write', 'maternity:write', 'policies:publish'),
  });
  await registerProvider(cloud, reader, {
    providerCode: CLINIC,
    name: '红河州某妇幼保健院',
    level: 'secondary',
    region: '532501',
    kind: 'hospital',
  });
  await registerProvider(cloud, reader, {
    providerCode: HOSPITAL,
    name: '红河州某人民医院',
    level: 'tertiary',
    region: '532501',
    kind: 'hospital',
  });
  clinic = await cloud.mint({ sub: 'his-clinic', role: 'provider', providerCode: CLINIC });
  hospital = await cloud.mint({ sub: 'his-hospital', role: 'provider', providerCode: HOSPITAL });
  ok(
    await api(cloud, 'POST', '/v1/employers', {
      token: clerk,
      body: { creditCode: EMPLOYER, name: '红河示例建材有限公司', region: '532500', validFrom: '2024-01-01' },
    }),
    201,
  );
  lin = await employee('F', '2024-01', '2025-06', 6_000);
  await employee('M', '2024-01', '2024-12', 9_000);
  wang = await employee('F', '2024-11', '2025-05', 6_000);
}, 240_000);
afterAll(async () => {
  await cloud?.stop();
});

describe('a pregnancy registered (生育登记)', () => {
  it('by its provider, once; a repeat is unchanged; another pregnancy within 180 days is refused naming it', async () => {
    const body = { memberId: lin, expectedDeliveryDate: '2025-06-20', providerCode: CLINIC, registeredOn: '2025-01-10' };
    const first = await register(clinic, body);
    ok(first, 201);
    expect(first.body.pregnancy).toMatchObject({ pregnancyId: 'P20250620', region: '532500', scheme: 'employee' });
    const again = await register(clinic, body);
    ok(again, 200);
    expect(again.headers.get('x-idempotent-replay')).toBe('true');
    const overlapping = await register(clinic, { ...body, expectedDeliveryDate: '2025-07-01' });
    ok(overlapping, 409);
    expect(overlapping.body.error.details).toMatchObject({ rule: 'overlapping_pregnancy', existing: 'P20250620' });
    ok(await register(hospital, body), 403);
    await eventually(
      () => events.find((e) => e['detail-type'] === 'PregnancyRegistered' && e.detail.memberId === lin),
      'PregnancyRegistered',
    );
  });
});

describe('antenatal care paid per capita, once per pregnancy', () => {
  it('the clinic holding the pregnancy is paid 800.00 of 1,150.00; a second antenatal claim is a 409 naming the first', async () => {
    const settled = await settle(clinic, antenatalBill(lin, 'ANC-1'));
    ok(settled, 201);
    expect(settled.body.statement.totals).toMatchObject({
      billedFen: 115_000,
      fundPaidFen: 80_000,
      institutionFen: 35_000,
      patientPaidFen: 0,
    });
    expect(settled.body.statement.maternity).toMatchObject({
      service: 'antenatal',
      pregnancyId: 'P20250620',
      standardFen: 80_000,
      rule: 'antenatal.perPregnancy.employee.secondary',
    });
    const second = await settle(clinic, antenatalBill(lin, 'ANC-2'));
    ok(second, 409);
    expect(second.body.error.details).toMatchObject({ rule: 'one_per_pregnancy', claim: { providerCode: CLINIC, claimNo: 'ANC-1' } });
    const elsewhere = await settle(hospital, antenatalBill(lin, 'ANC-3', HOSPITAL));
    ok(elsewhere, 400);
    expect(problemsOf(elsewhere)).toEqual(['body.providerCode:not_the_pregnancy_provider']);
  });
});

describe('a delivery settled per case, as a statement like any other', () => {
  it('caesarean at a tertiary hospital: 5,500.00 paid, 700.00 the hospital’s, 300.00 out of catalogue the patient’s; replayed, reversed, settled again', async () => {
    const settled = await settle(hospital, deliveryBill(lin, 'DEL-1'));
    ok(settled, 201);
    const s = settled.body.statement;
    expect(s.totals).toMatchObject({
      billedFen: 650_000,
      coveredFen: 620_000,
      fundPaidFen: 550_000,
      institutionFen: 70_000,
      patientPaidFen: 30_000,
    });
    expect(s.maternity).toMatchObject({
      service: 'delivery',
      deliveryType: 'caesarean',
      standardFen: 550_000,
      rule: 'delivery.standards.employee.caesarean.tertiary',
    });
    expect(s.maternity.eligibility.rule).toBe('eligibility.employee.minContributionMonths');
    expect(s.policy).toMatchObject({ region: '532500', year: 2025, version: 1 });

    const replay = await settle(hospital, deliveryBill(lin, 'DEL-1'));
    ok(replay, 200);
    expect(replay.headers.get('x-idempotent-replay')).toBe('true');
    const twice = await settle(hospital, deliveryBill(lin, 'DEL-2'));
    ok(twice, 409);
    expect(twice.body.error.details.rule).toBe('one_per_pregnancy');

    const reversed = await api(cloud, 'POST', `/v1/claims/${HOSPITAL}/DEL-1/reversal`, {
      token: hospital,
      body: { reason: '费用录入错误' },
    });
    ok(reversed, 200);
    expect(reversed.body.ledgerEntry.amounts).toMatchObject({ fundPaidFen: -550_000 });
    // The reversal gave the pregnancy's delivery back: the corrected claim settles (settlement 2).
    const again = await settle(hospital, { ...deliveryBill(lin, 'DEL-1'), resettlementOf: 1 });
    ok(again, 201);
    expect(again.body.claim.settlementNo).toBe(2);

    const settledEvent = await eventually(
      () => events.find((e) => e['detail-type'] === 'ClaimSettled' && e.detail.claim.claimNo === 'DEL-1' && e.detail.settlementNo === 2),
      'ClaimSettled of the delivery',
    );
    expect(settledEvent.detail.visit.type).toBe('delivery');
    const view = await api(cloud, 'GET', `/v1/maternity/pregnancies/${lin}/P20250620`, { token: reader });
    ok(view, 200);
    expect(view.body.claims).toMatchObject({ delivery: { claimNo: 'DEL-1', settlementNo: 2 }, antenatal: { claimNo: 'ANC-1' } });
  });
});

describe('the maternity allowance (生育津贴)', () => {
  it("the employer's 2024 wages 192,000.00 over 26 employee-months ÷ 30 × 173 days = 42,584.62 (rounded once), to the employer, once per birth", async () => {
    const wages = await eventually(
      async () => {
        const res = await api(cloud, 'GET', `/v1/maternity/employer-wages/${EMPLOYER}/2024`, { token: reader });
        return res.body.wages?.employeeMonths === 26 ? res.body.wages : undefined;
      },
      "the employer's 2024 wages",
      60_000,
    );
    expect(wages).toMatchObject({ totalWagesFen: 19_200_000, employeeMonths: 26, averageMonthlyFen: 738_462 });

    const forbidden = await api(cloud, 'POST', '/v1/maternity/allowances', {
      token: reader,
      body: { memberId: lin, pregnancyId: 'P20250620' },
    });
    ok(forbidden, 403);
    const granted = await api(cloud, 'POST', '/v1/maternity/allowances', {
      token: clerk,
      body: { memberId: lin, pregnancyId: 'P20250620' },
    });
    ok(granted, 201);
    const a = granted.body.allowance;
    expect(a.allowance.leave).toMatchObject({ base: 98, total: 173 });
    expect(a.allowance.leave.additions.map((x: { id: string }) => x.id)).toEqual(['difficult-delivery', 'regional-extension']);
    expect(a.allowance).toMatchObject({ amountFen: 4_258_462, divisor: 30, payee: { kind: 'employer', employerCode: EMPLOYER } });
    expect(a.delivery).toMatchObject({ providerCode: HOSPITAL, claimNo: 'DEL-1', deliveryDate: '2025-06-20', deliveryType: 'caesarean' });

    const again = await api(cloud, 'POST', '/v1/maternity/allowances', { token: clerk, body: { memberId: lin, pregnancyId: 'P20250620' } });
    ok(again, 200);
    expect(again.body.allowance.allowance.amountFen).toBe(4_258_462);
    const event = await eventually(() => events.find((e) => e['detail-type'] === 'MaternityAllowanceGranted'), 'MaternityAllowanceGranted');
    expect(event.detail).toMatchObject({ memberId: lin, leaveDays: 173, amountFen: 4_258_462, payee: { kind: 'employer' } });
  });
});

describe("a member's pregnancies listed (the console's member record)", () => {
  it('staff see the pregnancy with its claims and allowance; its provider too; another provider and another region see none', async () => {
    const staff = await api(cloud, 'GET', `/v1/maternity/pregnancies/${lin}`, { token: reader });
    ok(staff, 200);
    expect(staff.body.memberId).toBe(lin);
    expect(staff.body.pregnancies).toHaveLength(1);
    expect(staff.body.pregnancies[0]).toMatchObject({
      pregnancy: { pregnancyId: 'P20250620', providerCode: CLINIC, region: '532500' },
      claims: {
        delivery: { providerCode: HOSPITAL, claimNo: 'DEL-1', settlementNo: 2 },
        antenatal: { providerCode: CLINIC, claimNo: 'ANC-1' },
      },
      allowance: { allowance: { amountFen: 4_258_462 } },
    });
    const own = await api(cloud, 'GET', `/v1/maternity/pregnancies/${lin}`, { token: clinic });
    expect(own.body.pregnancies.map((p: { pregnancy: { pregnancyId: string } }) => p.pregnancy.pregnancyId)).toEqual(['P20250620']);
    expect((await api(cloud, 'GET', `/v1/maternity/pregnancies/${lin}`, { token: hospital })).body.pregnancies).toEqual([]);
    const elsewhere = await cloud.mint({ sub: 'inspector-zs', role: 'regulator', region: '330900' });
    expect((await api(cloud, 'GET', `/v1/maternity/pregnancies/${lin}`, { token: elsewhere })).body.pregnancies).toEqual([]);
    const honghe = await cloud.mint({ sub: 'inspector-hh', role: 'regulator', region: '532500' });
    expect((await api(cloud, 'GET', `/v1/maternity/pregnancies/${lin}`, { token: honghe })).body.pregnancies).toHaveLength(1);
    ok(await api(cloud, 'GET', '/v1/maternity/pregnancies/bad%20id', { token: reader }), 400);
  });
});

describe('eligibility refused where contributions are short', () => {
  it('seven of the twelve months before the delivery: the clerk sees the missing months; the delivery claim is refused naming the rule', async () => {
    ok(
      await register(clinic, { memberId: wang, expectedDeliveryDate: '2025-06-20', providerCode: CLINIC, registeredOn: '2025-02-01' }),
      201,
    );
    const check = await api(cloud, 'GET', `/v1/maternity/eligibility/${wang}?date=2025-06-20`, { token: hospital });
    ok(check, 200);
    expect(check.body.eligibility).toMatchObject({
      eligible: false,
      rule: 'eligibility.employee.minContributionMonths',
      monthsCounted: 7,
      required: 12,
      missing: ['2024-06', '2024-07', '2024-08', '2024-09', '2024-10'],
    });
    const refused = await settle(hospital, deliveryBill(wang, 'DEL-W1'));
    ok(refused, 400);
    expect(problemsOf(refused)).toEqual(['body.memberId:eligibility.employee.minContributionMonths']);
    expect(refused.body.error.message).toContain('contributions short: 7 of the 12 months');
    const noClaim = await api(cloud, 'GET', `/v1/claims/${HOSPITAL}/DEL-W1`, { token: hospital });
    ok(noClaim, 404);
  });
});

describe("a resident's delivery (Honghe residents, under a resident benefit policy staff publish)", () => {
  it('a resident covered on the delivery date is paid the residents’ standard per case, eligibility by cover, not months', async () => {
    // Honghe ships no resident benefit policy (its plan keeps residents' maternity costs covered but prints no
    // figures): staff publish one for the test, Zhoushan's resident terms under Honghe's code, labelled as a stand-in.
    const document = JSON.parse(readFileSync(new URL('../../policies/benefits/330900/2025-resident.json', import.meta.url), 'utf8'));
    const published = await api(cloud, 'POST', '/v1/policies', {
      token: clerk,
      body: {
        ...document,
        id: 'honghe-resident-test',
        title: '红河州城乡居民基本医疗保险待遇 (test stand-in: Zhoushan resident terms)',
        region: '532500',
        regionName: '红河哈尼族彝族自治州',
      },
    });
    ok(published, 201);
    const enrolled = await api(cloud, 'POST', '/v1/members', {
      token: reader,
      body: {
        idNumber: person('532501', '004'),
        year: 2025,
        region: '532500',
        scheme: 'resident',
        categories: [{ code: 'tekun', validFrom: '2024-01-01' }],
      },
    });
    ok(enrolled, 201);
    const zhao = enrolled.body.member.memberId as string;
    ok(
      await api(cloud, 'POST', `/v1/members/${zhao}/contributions`, {
        token: reader,
        body: { contributionId: 'HH-RES-2025-1', year: 2025, amountFen: 0, paidOn: '2025-01-05', channel: 'subsidy' },
      }),
      201,
    );
    const pregnancyId = 'P20250715';
    ok(
      await register(clinic, { memberId: zhao, expectedDeliveryDate: '2025-07-15', providerCode: CLINIC, registeredOn: '2025-02-01' }),
      201,
    );
    const eligibility = await api(cloud, 'GET', `/v1/maternity/eligibility/${zhao}?date=2025-07-15`, { token: hospital });
    ok(eligibility, 200);
    expect(eligibility.body.eligibility).toMatchObject({ eligible: true, rule: 'eligibility.resident.coveredOnDeliveryDate' });
    const settled = await settle(hospital, {
      providerCode: HOSPITAL,
      claimNo: 'DEL-R1',
      memberId: zhao,
      visit: { type: 'delivery', serviceDate: '2025-07-14', dischargeDate: '2025-07-17', department: '产科' },
      diagnoses: { principal: 'O80.000', secondary: [] },
      maternity: { pregnancyId, deliveryType: 'vaginal', babies: 1, deliveryDate: '2025-07-15' },
      lines: [exampleLine(1, 'A', 'treatment', 1000), exampleLine(2, 'A', 'bed', 600), exampleLine(3, 'C', 'drug', 100)],
    });
    ok(settled, 201);
    const s = settled.body.statement;
    // Residents' standard for a vaginal delivery at a tertiary hospital: 1,200.00 of 1,600.00 covered; 400.00 the hospital's; 100.00 out of catalogue hers.
    expect(s.maternity).toMatchObject({
      service: 'delivery',
      deliveryType: 'vaginal',
      rule: 'delivery.standards.resident.vaginal.tertiary',
    });
    expect(s.maternity.eligibility.rule).toBe('eligibility.resident.coveredOnDeliveryDate');
    expect(s.totals).toMatchObject({
      billedFen: 170_000,
      coveredFen: 160_000,
      fundPaidFen: 120_000,
      institutionFen: 40_000,
      patientPaidFen: 10_000,
    });
    if (process.env.SHOW_REPORTS) console.log(JSON.stringify({ maternity: s.maternity, totals: s.totals }, null, 2));
  });
});
