/**
 * The employee scheme's contributions on the local cloud, through the API (issue 12 point 1): the
 * employer register (GB 32100 credit codes, history, the contributions:write permission), an
 * employee's year month by month (contributions, a gap of arrears that suspends benefits so
 * settlement refuses naming the reason, back-payment by the tax bureau's file restoring them as
 * each region's policy says), a retiree who pays nothing and stays covered, a flexible worker who
 * pays both parts, and one EmployeeContributionPaid per paid month on the bus.
 *
 * Figures: Zhoushan 330900 and Honghe 532500 2025 (employer 6%, individual 2%, flexible 8%; grace 3
 * months; Zhoushan restores a back-paid gap, Honghe does not and waits a month: illustrative terms).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmployeeContributionPaid } from '../../events/employers.ts';
import { employeeYearResponse } from '../../functions/enrolment/employer-schemas.ts';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { creditCodeCheckCharacter } from '../../shared/employers/credit-code.ts';
import { lastDayOf, monthsFrom } from '../../shared/employers/months.ts';
import { checkCharacter } from '../../shared/enrolment/id-number.ts';
import { loadSettlementMember } from '../../shared/settlement/store/member-source.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { api, onAuditEvent, registerProvider, eventually, startTestCloud, type ApiAnswer } from '../support/local-cloud.ts';
import { allPermissionsBut } from '../../shared/auth/principal.ts';

let cloud: LocalCloud;
let clerk: string; // staff with contributions:write
let reader: string; // staff without it
let hospital: string;
const contributionEvents: Record<string, any>[] = [];

const ZS_HOSPITAL = 'H33090200001';

/** A valid credit code registered in a division (GB 32100 check character computed). */
function creditCode(division: string, serial: number): string {
  const first17 = `91${division}MA${String(serial).padStart(7, '0')}`;
  return first17 + creditCodeCheckCharacter(first17);
}
const ZS_EMPLOYER = creditCode('330902', 1);
const HH_EMPLOYER = creditCode('532501', 2);

let born = Date.UTC(1975, 0, 1);
function person(address: string, sex: 'M' | 'F' = 'M', birthYear?: number): string {
  born += 86_400_000;
  const date = new Date(born).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `${address}${birthYear ? `${birthYear}${date.slice(4)}` : date}00${sex === 'M' ? '1' : '2'}`;
  return first17 + checkCharacter(first17);
}

const problemsOf = (res: ApiAnswer) =>
  (res.body.error?.details?.problems ?? []).map((p: { field: string; rule: string }) => `${p.field}:${p.rule}`);

beforeAll(async () => {
  cloud = await startTestCloud();
  onAuditEvent(cloud, (body) => {
    const envelope = JSON.parse(body);
    if (envelope['detail-type'] === 'EmployeeContributionPaid') contributionEvents.push(envelope.detail);
  });
  clerk = await cloud.mint({ sub: 'clerk-contrib', role: 'staff', permissions: ['contributions:write'] });
  reader = await cloud.mint({ sub: 'clerk-plain', role: 'staff', permissions: allPermissionsBut('contributions:write') });
  await registerProvider(cloud, reader, {
    providerCode: ZS_HOSPITAL,
    name: '舟山市某医院',
    level: 'secondary',
    region: '330902',
    kind: 'hospital',
  });
  hospital = await cloud.mint({ sub: 'his-zs', role: 'provider', providerCode: ZS_HOSPITAL });
  for (const [creditCode, name, region] of [
    [ZS_EMPLOYER, '舟山示例渔业有限公司', '330900'],
    [HH_EMPLOYER, '红河示例建材有限公司', '532500'],
  ]) {
    const registered = await api(cloud, 'POST', '/v1/employers', {
      token: clerk,
      body: { creditCode, name, region, validFrom: '2024-01-01' },
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  }
});
afterAll(async () => {
  await cloud?.stop();
});

async function employee(region: '330900' | '532500', opts: { kind?: 'employer' | 'flexible'; sex?: 'M' | 'F'; birthYear?: number } = {}) {
  const kind = opts.kind ?? 'employer';
  const idNumber = person(region === '330900' ? '330902' : '532501', opts.sex, opts.birthYear);
  const res = await api(cloud, 'POST', '/v1/members', {
    token: reader,
    body: {
      idNumber,
      year: 2025,
      region,
      scheme: 'employee',
      employeeKind: kind,
      ...(kind === 'employer' ? { employerCode: region === '330900' ? ZS_EMPLOYER : HH_EMPLOYER } : {}),
      monthlyBaseFen: 8_000_00,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { memberId: res.body.member.memberId as string, idNumber };
}

const employment = (memberId: string, body: Record<string, unknown>, token = clerk) =>
  api(cloud, 'POST', `/v1/members/${memberId}/employment`, { token, body });
const pay = (memberId: string, body: Record<string, unknown>, token = clerk) =>
  api(cloud, 'POST', `/v1/members/${memberId}/employee-contributions`, { token, body });
const eligibility = (memberId: string, date: string) =>
  api(cloud, 'GET', `/v1/members/${memberId}/eligibility?date=${date}`, { token: hospital });
const settle = (memberId: string, claimNo: string, serviceDate: string) =>
  api(cloud, 'POST', '/v1/claims', {
    token: hospital,
    body: {
      providerCode: ZS_HOSPITAL,
      claimNo,
      memberId,
      visit: { type: 'outpatient', serviceDate, department: '内科' },
      diagnoses: { principal: 'J06.900', secondary: [] },
      lines: [exampleLine(1, 'A', 'drug', 200)],
    },
  });
const importFile = (csv: string) =>
  api(cloud, 'POST', '/v1/employee-contributions/bulk', { token: clerk, body: { format: 'csv', content: csv } });

describe('the employer register', () => {
  it('checks the credit code, needs contributions:write, keeps a history, and lists a region', async () => {
    const wrongCheck = ZS_EMPLOYER.slice(0, 17) + (ZS_EMPLOYER[17] === '0' ? '1' : '0');
    const bad = await api(cloud, 'POST', '/v1/employers', { token: clerk, body: { creditCode: wrongCheck, name: 'X', region: '330900' } });
    expect(bad.status).toBe(400);
    expect(problemsOf(bad)).toEqual(['body.creditCode:credit_code_check']);
    const forbidden = await api(cloud, 'POST', '/v1/employers', {
      token: reader,
      body: { creditCode: creditCode('330902', 9), name: 'X', region: '330900' },
    });
    expect(forbidden.status).toBe(403);
    expect(JSON.stringify(forbidden.body)).toContain('contributions:write');

    const again = await api(cloud, 'POST', '/v1/employers', {
      token: clerk,
      body: { creditCode: ZS_EMPLOYER, name: '舟山示例渔业有限公司', region: '330900', validFrom: '2024-01-01' },
    });
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('unchanged');
    const renamed = await api(cloud, 'PUT', `/v1/employers/${ZS_EMPLOYER}`, {
      token: clerk,
      body: { name: '舟山示例海洋渔业有限公司', validFrom: '2025-06-01', reason: '更名', expectedRevision: 1 },
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(201);
    const stale = await api(cloud, 'PUT', `/v1/employers/${ZS_EMPLOYER}`, {
      token: clerk,
      body: { status: 'closed', validFrom: '2025-07-01', expectedRevision: 1 },
    });
    expect(stale.status).toBe(409);
    expect(problemsOf(stale)).toEqual(['body.expectedRevision:stale_revision']);

    const record = await api(cloud, 'GET', `/v1/employers/${ZS_EMPLOYER}`, { token: reader });
    expect(record.body.employer).toMatchObject({ name: '舟山示例海洋渔业有限公司', revision: 2, status: 'active' });
    expect(record.body.history).toMatchObject([
      { revision: 1, change: 'registered', name: '舟山示例渔业有限公司', recordedBy: 'clerk-contrib' },
      { revision: 2, change: 'changed', name: '舟山示例海洋渔业有限公司', reason: '更名', validFrom: '2025-06-01' },
    ]);
    const list = await api(cloud, 'GET', '/v1/employers?region=330900', { token: reader });
    expect(list.body.employers.map((e: { creditCode: string }) => e.creditCode)).toContain(ZS_EMPLOYER);
  });
});

describe("an employee's year month by month (Zhoushan: back-payment restores the gap)", () => {
  it('contributions, a gap of arrears that suspends benefits (settlement refuses, naming why), back-payment by file restoring them', async () => {
    const { memberId, idNumber } = await employee('330900');
    expect((await employment(memberId, { status: 'in-service', employerCode: ZS_EMPLOYER, validFrom: '2025-01-01' })).status).toBe(201);

    // Nothing paid yet: enrolled, not covered.
    expect((await eligibility(memberId, '2025-01-15')).body).toMatchObject({ eligible: false, reason: 'pending-contribution' });

    // January–April paid by the employer at month end, on a wage of 8,000 yuan: 480.00 + 160.00 a month.
    for (const month of monthsFrom('2025-01', '2025-04')) {
      const res = await pay(memberId, {
        month,
        employerCode: ZS_EMPLOYER,
        declaredWageFen: 8_000_00,
        paidOn: lastDayOf(month),
        channel: 'employer',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.contribution).toMatchObject({
        wageBaseFen: 8_000_00,
        employerFen: 480_00,
        individualFen: 160_00,
        contributionKind: 'monthly',
      });
    }
    // The same month again changes nothing; other figures for it are a conflict; another employer is not this member's.
    const repeat = await pay(memberId, {
      month: '2025-01',
      employerCode: ZS_EMPLOYER,
      declaredWageFen: 8_000_00,
      paidOn: '2025-01-31',
      channel: 'employer',
    });
    expect(repeat.status).toBe(200);
    expect(repeat.body.outcome).toBe('unchanged');
    const changed = await pay(memberId, {
      month: '2025-01',
      employerCode: ZS_EMPLOYER,
      declaredWageFen: 9_000_00,
      paidOn: '2025-01-31',
      channel: 'employer',
    });
    expect(changed.status).toBe(409);
    expect(problemsOf(changed)).toEqual(['body.month:month_already_paid']);
    const otherEmployer = await pay(memberId, {
      month: '2025-09',
      employerCode: creditCode('330902', 5),
      declaredWageFen: 8_000_00,
      paidOn: '2025-09-30',
    });
    expect(problemsOf(otherEmployer)).toEqual(['body.employerCode:employer_mismatch']);

    // May–August: the employer pays nothing. September–November paid again at month end.
    for (const month of monthsFrom('2025-09', '2025-11')) {
      expect((await pay(memberId, { month, employerCode: ZS_EMPLOYER, declaredWageFen: 8_000_00, paidOn: lastDayOf(month) })).status).toBe(
        201,
      );
    }

    expect((await eligibility(memberId, '2025-03-10')).body).toMatchObject({ eligible: true, enrolment: { coverage: { basis: 'paid' } } });
    // Within the 3 months' grace of May: still covered.
    expect((await eligibility(memberId, '2025-08-20')).body).toMatchObject({ eligible: true, enrolment: { coverage: { basis: 'grace' } } });
    // May overdue from 1 September: suspended; by mid-October May and June.
    const suspended = await eligibility(memberId, '2025-09-10');
    expect(suspended.body).toMatchObject({
      eligible: false,
      reason: 'suspended',
      enrolment: { status: 'suspended', coverage: { status: 'suspended', rule: 'arrears', arrearsMonths: ['2025-05'] } },
      employment: { status: 'in-service', employerCode: ZS_EMPLOYER },
    });
    expect((await eligibility(memberId, '2025-10-15')).body.enrolment.coverage.arrearsMonths).toEqual(['2025-05', '2025-06']);

    // Settlement refuses a claim on a suspended day, naming the reason.
    const refused = await settle(memberId, 'ZS-EMP-1', '2025-09-10');
    expect(refused.status).toBe(400);
    expect(problemsOf(refused)).toEqual(['body.memberId:benefits_suspended']);
    expect(refused.body.error.message).toContain('2025-05');

    // The year as a clerk sees it.
    const year = await api(cloud, 'GET', `/v1/members/${memberId}/employee-contributions?year=2025`, { token: reader });
    expect(employeeYearResponse.safeParse(year.body).success).toBe(true);
    expect(year.body.months.map((m: { payment: string }) => m.payment)).toEqual([
      ...Array(4).fill('paid'),
      ...Array(4).fill('unpaid'),
      ...Array(3).fill('paid'),
      'unpaid',
    ]);
    expect(year.body.totals).toEqual({ employerFen: 7 * 480_00, individualFen: 7 * 160_00, months: 7 });

    // The tax bureau's file back-pays May–August on 20 October; its bad rows are named by row, column and rule.
    const csv = [
      'idNumber,month,employerCode,declaredWageFen,paidOn,channel,reference',
      ...monthsFrom('2025-05', '2025-08').map((m) => `${idNumber},${m},${ZS_EMPLOYER},800000,2025-10-20,tax,SW-2025-10-${m}`),
      `${idNumber},2025-13,${ZS_EMPLOYER},800000,2025-10-20,tax,`,
      `${idNumber},2025-12,${ZS_EMPLOYER.slice(0, 17)}0,800000,2025-10-20,tax,`,
      `${idNumber},2025-12,${ZS_EMPLOYER},eight thousand,2025-10-20,tax,`,
    ].join('\n');
    const imported = await importFile(csv);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body).toMatchObject({ received: 7, recorded: 4, unchanged: 0, rejected: 3 });
    expect(
      imported.body.rows
        .filter((r: { outcome: string }) => r.outcome === 'recorded')
        .map((r: { contributionKind: string }) => r.contributionKind),
    ).toEqual(['back-payment', 'back-payment', 'monthly', 'monthly']);
    const rejected = imported.body.rows
      .filter((r: { outcome: string }) => r.outcome === 'rejected')
      .map(
        (r: { rowNumber: number; problems: { field: string; rule: string }[] }) =>
          `${r.rowNumber}:${r.problems.map((p) => `${p.field}:${p.rule}`).join(',')}`,
      );
    expect(rejected).toEqual(['6:month:invalid_format', '7:employerCode:credit_code_check', '8:declaredWageFen:invalid_type']);
    // Importing the same file again changes nothing.
    expect((await importFile(csv)).body).toMatchObject({ recorded: 0, unchanged: 4, rejected: 3 });

    // Zhoushan restores the gap: the suspended day is covered now, and settlement no longer refuses the member.
    expect((await eligibility(memberId, '2025-09-10')).body).toMatchObject({
      eligible: true,
      enrolment: { coverage: { basis: 'back-paid' } },
    });
    const again = await settle(memberId, 'ZS-EMP-2', '2025-09-10');
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.statement).toBeDefined();
    // December unpaid is within its grace at the end of the year.
    expect((await eligibility(memberId, '2025-12-20')).body).toMatchObject({ eligible: true, enrolment: { coverage: { basis: 'grace' } } });

    // One EmployeeContributionPaid per paid month of this member: 11 months, each once, on contract.
    const mine = await eventually(() => {
      const found = contributionEvents.filter((e) => e.memberId === memberId);
      return found.length >= 11 ? found : undefined;
    }, 'eleven EmployeeContributionPaid events');
    const byMonth = new Map(mine.map((e) => [e.month, e]));
    expect([...byMonth.keys()].sort()).toEqual([...monthsFrom('2025-01', '2025-11')]);
    for (const e of mine) expect(EmployeeContributionPaid.detail.safeParse(e).success).toBe(true);
    expect(byMonth.get('2025-05')).toMatchObject({
      eventId: `employee-contribution/${memberId}/2025-05/EmployeeContributionPaid`,
      region: '330900',
      wageBaseFen: 8_000_00,
      employerFen: 480_00,
      individualFen: 160_00,
      kind: 'back-payment',
      employmentStatus: 'in-service',
      employerCode: ZS_EMPLOYER,
      paidOn: '2025-10-20',
    });
    expect(JSON.stringify(mine)).not.toContain(idNumber);
  });

  it('two requests for the same month at once: one records it, the other finds it recorded', async () => {
    const { memberId } = await employee('330900');
    await employment(memberId, { status: 'in-service', employerCode: ZS_EMPLOYER, validFrom: '2025-01-01' });
    const body = { month: '2025-02', employerCode: ZS_EMPLOYER, declaredWageFen: 3_000_00, paidOn: '2025-02-28' };
    const answers = await Promise.all([pay(memberId, body), pay(memberId, body), pay(memberId, body)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
    // A wage under the floor pays on the floor: 4,800 yuan.
    expect(answers[0]!.body.contribution).toMatchObject({ wageBaseFen: 4_800_00, employerFen: 288_00, individualFen: 96_00 });
  });
});

describe('Honghe: a back-paid gap stays uncovered and benefits wait a month', () => {
  it('suspended days stay refused after the back-payment; cover resumes the first day of the next month', async () => {
    const { memberId } = await employee('532500');
    expect((await employment(memberId, { status: 'in-service', employerCode: HH_EMPLOYER, validFrom: '2025-01-01' })).status).toBe(201);
    for (const month of [...monthsFrom('2025-01', '2025-04'), '2025-09']) {
      expect((await pay(memberId, { month, employerCode: HH_EMPLOYER, declaredWageFen: 6_000_00, paidOn: lastDayOf(month) })).status).toBe(
        201,
      );
    }
    for (const month of monthsFrom('2025-05', '2025-08')) {
      expect((await pay(memberId, { month, employerCode: HH_EMPLOYER, declaredWageFen: 6_000_00, paidOn: '2025-10-20' })).status).toBe(201);
    }
    expect((await eligibility(memberId, '2025-09-10')).body).toMatchObject({
      eligible: false,
      enrolment: { coverage: { rule: 'gap_not_restored', arrearsMonths: ['2025-05'] } },
    });
    expect((await eligibility(memberId, '2025-10-25')).body).toMatchObject({
      eligible: false,
      enrolment: { coverage: { rule: 'waiting_after_back_payment', resumesOn: '2025-11-01' } },
    });
    expect((await eligibility(memberId, '2025-11-01')).body).toMatchObject({ eligible: true });
  });
});

describe('retirees and flexible workers', () => {
  it('a retiree pays nothing and stays covered, in the group retired; one short of the years is refused', async () => {
    const { memberId } = await employee('330900', { sex: 'M', birthYear: 1962 });
    await employment(memberId, { status: 'in-service', employerCode: ZS_EMPLOYER, validFrom: '2024-06-01' }).then((r) =>
      expect(r.status, JSON.stringify(r.body)).toBe(409),
    );
    expect((await employment(memberId, { status: 'in-service', employerCode: ZS_EMPLOYER, validFrom: '2025-01-01' })).status).toBe(201);
    const short = await employment(memberId, { status: 'retired', validFrom: '2025-03-01', contributionYears: 29 });
    expect(short.status).toBe(409);
    expect(problemsOf(short)).toEqual(['body.contributionYears:retiree_not_qualified']);
    const retired = await employment(memberId, {
      status: 'retired',
      validFrom: '2025-03-01',
      contributionYears: 34,
      reference: '舟人社退〔2025〕12号',
    });
    expect(retired.status, JSON.stringify(retired.body)).toBe(201);
    expect(retired.body).toMatchObject({ employment: { status: 'retired' }, ended: { status: 'in-service', validTo: '2025-02-28' } });

    // Nothing paid, ever: covered from retirement on.
    expect((await eligibility(memberId, '2025-07-01')).body).toMatchObject({
      eligible: true,
      employment: { status: 'retired' },
      enrolment: { coverage: { basis: 'retired' } },
    });
    expect((await eligibility(memberId, '2025-02-10')).body).toMatchObject({ eligible: false, reason: 'pending-contribution' });
    const paying = await pay(memberId, { month: '2025-05', declaredWageFen: 5_000_00, paidOn: '2025-05-31' });
    expect(paying.status).toBe(409);
    expect(problemsOf(paying)).toEqual(['body.month:retiree_pays_nothing']);
    // Settlement's member is in the group retired (the engine's retiree terms apply).
    const member = await loadSettlementMember({ memberId, visit: { serviceDate: '2025-07-01' } } as never);
    expect(member.groups).toEqual(['retired']);
    const claim = await settle(memberId, 'ZS-RET-1', '2025-07-01');
    expect(claim.status, JSON.stringify(claim.body)).toBe(201);
    // …and settles under the retiree terms of the employee policy (门诊共济 for retirees).
    expect(JSON.stringify(claim.body.statement)).toContain('basic.ratios[outpatient-retired]');
  });

  it('a civil servant (公务员) is in the group civil-servant, in service and when retired', async () => {
    const { memberId } = await employee('330900', { sex: 'F', birthYear: 1964 });
    const flexible = await employment(memberId, { status: 'flexible', validFrom: '2025-01-01', civilServant: true });
    expect(problemsOf(flexible)).toEqual(['body.civilServant:not_allowed_for_flexible']);
    expect(
      (await employment(memberId, { status: 'in-service', employerCode: ZS_EMPLOYER, validFrom: '2025-01-01', civilServant: true })).status,
    ).toBe(201);
    expect(
      (await pay(memberId, { month: '2025-01', employerCode: ZS_EMPLOYER, declaredWageFen: 9_000_00, paidOn: '2025-01-31' })).status,
    ).toBe(201);
    const inService = await loadSettlementMember({ memberId, visit: { serviceDate: '2025-01-20' } } as never);
    expect(inService.groups).toEqual(['civil-servant']);
    expect(
      (await employment(memberId, { status: 'retired', validFrom: '2025-06-01', contributionYears: 31, civilServant: true })).status,
    ).toBe(201);
    const retired = await loadSettlementMember({ memberId, visit: { serviceDate: '2025-07-01' } } as never);
    expect(retired.groups).toEqual(['retired', 'civil-servant']);
    expect((await eligibility(memberId, '2025-07-01')).body.employment).toMatchObject({ status: 'retired', civilServant: true });
  });

  it('a flexible worker pays both parts himself, without an employer', async () => {
    const { memberId } = await employee('330900', { kind: 'flexible' });
    expect((await employment(memberId, { status: 'flexible', validFrom: '2025-01-01' })).status).toBe(201);
    const withEmployer = await pay(memberId, {
      month: '2025-01',
      employerCode: ZS_EMPLOYER,
      declaredWageFen: 6_000_00,
      paidOn: '2025-01-20',
    });
    expect(problemsOf(withEmployer)).toEqual(['body.employerCode:not_allowed_for_flexible']);
    const paid = await pay(memberId, { month: '2025-01', declaredWageFen: 6_000_00, paidOn: '2025-01-20', channel: 'counter' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    // 8% of 6,000 yuan = 480.00, of which the individual part (2%) is 120.00 and the employer part 360.00.
    expect(paid.body.contribution).toMatchObject({
      employmentStatus: 'flexible',
      employerFen: 360_00,
      individualFen: 120_00,
      contributionKind: 'flexible',
    });
    expect((await eligibility(memberId, '2025-01-25')).body).toMatchObject({ eligible: true, employment: { status: 'flexible' } });
    const event = await eventually(() => contributionEvents.find((e) => e.memberId === memberId), 'the flexible worker’s event');
    expect(event).toMatchObject({ kind: 'flexible', employmentStatus: 'flexible', employerFen: 360_00, individualFen: 120_00 });
    expect(event.employerCode).toBeUndefined();
  });
});
