/**
 * The member registers on the local cloud (issue 11 points 3, 4, 6, 7), through the HTTP front, the
 * JWT authorizer and the real handlers: chronic-disease approvals, family-doctor contracts and
 * supplementary-plan enrolments, their history, permissions, bulk import and events; and settlement
 * reading them. Members are Zhoushan (330900) 2025 residents, covered by a recorded contribution;
 * figures from the shipped 2025 Zhoushan benefit policy (in-city primary care: ordinary outpatient
 * 60% + 2 = 62%, chronic outpatient 65%, tuberculosis 70%, family doctor +3 points; 舟惠保 pays 60%
 * of the outpatient self-pay above a 10,000-yuan deductible).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { contractedMembers } from '../../shared/budget/store/capitated-population.ts';
import { readMemberItems } from '../../shared/enrolment/store/members.ts';
import { api, onAuditEvent, registerProvider, eventually, startTestCloud } from '../support/local-cloud.ts';
import { ALL_STAFF_PERMISSIONS, allPermissionsBut } from '../../shared/auth/principal.ts';

const y = (yuan: number) => Math.round(yuan * 100);

let cloud: LocalCloud;
let clerk: string; // staff with registers:write
let readOnlyStaff: string; // staff without it
let clinic: string; // the township centre's HIS
let otherClinic: string;
let regulatorZhoushan: string;
let regulatorElsewhere: string;
const events: { 'detail-type': string; detail: Record<string, any> }[] = [];
const rawEvents: string[] = [];

const CLINIC = 'H33090200011';
const OTHER_CLINIC = 'H33090200012';

beforeAll(async () => {
  cloud = await startTestCloud();
  onAuditEvent(cloud, (body) => {
    rawEvents.push(body);
    events.push(JSON.parse(body));
  });
  clerk = await cloud.mint({ sub: 'clerk-r', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
  readOnlyStaff = await cloud.mint({ sub: 'clerk-ro', role: 'staff', permissions: allPermissionsBut('registers:write') });
  for (const code of [CLINIC, OTHER_CLINIC]) {
    await registerProvider(cloud, clerk, {
      providerCode: code,
      name: '舟山某社区卫生服务中心',
      level: 'primary',
      region: '330902',
      kind: 'township-centre',
    });
  }
  clinic = await cloud.mint({ sub: 'his-clinic', role: 'provider', providerCode: CLINIC });
  otherClinic = await cloud.mint({ sub: 'his-other', role: 'provider', providerCode: OTHER_CLINIC });
  regulatorZhoushan = await cloud.mint({ sub: 'reg-zs', role: 'regulator', region: '330900' });
  regulatorElsewhere = await cloud.mint({ sub: 'reg-hh', role: 'regulator', region: '532500' });
});
afterAll(async () => {
  await cloud?.stop();
});

const nextIdNumber = idNumbers(Date.UTC(1955, 0, 1));
const idNumber = (): string => nextIdNumber('330902', '001');

/** A Zhoushan 2025 resident, covered from the day the 400-yuan individual share is paid (1 January). */
async function member(): Promise<{ memberId: string; idNumber: string }> {
  const id = idNumber();
  const res = await api(cloud, 'POST', '/v1/members', {
    token: clerk,
    body: { idNumber: id, year: 2025, region: '330900', scheme: 'resident' },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const memberId = res.body.member.memberId as string;
  const paid = await api(cloud, 'POST', `/v1/members/${memberId}/contributions`, {
    token: clerk,
    body: { year: 2025, contributionId: `R-${memberId}`, amountFen: 40_000, paidOn: '2025-01-01', channel: 'counter' },
  });
  expect(paid.status, JSON.stringify(paid.body)).toBe(201);
  expect(paid.body.enrolment.status).toBe('active');
  return { memberId, idNumber: id };
}

const registerPath = (memberId: string, register: string) => `/v1/members/${memberId}/registers/${register}`;
const record = (memberId: string, register: string, body: unknown, token = clerk) =>
  api(cloud, 'POST', registerPath(memberId, register), { token, body });

const approval = (diseaseGroup: string, over: Record<string, unknown> = {}) => ({
  diseaseGroup,
  validFrom: '2025-01-01',
  validTo: '2025-12-31',
  certifyingProvider: CLINIC,
  certifyingDoctor: { code: 'D330902001', name: '王医生' },
  evidence: [{ kind: 'diagnosis-certificate', reference: 'ZD-2025-0012' }],
  ...over,
});

let claimSeq = 0;
function bill(memberId: string, visit: Record<string, unknown>, principal: string, yuan = 300) {
  claimSeq += 1;
  return {
    providerCode: CLINIC,
    claimNo: `RG-${claimSeq}`,
    memberId,
    visit: { serviceDate: '2025-06-01', ...visit },
    diagnoses: { principal },
    lines: [exampleLine(1, 'A', 'drug', yuan)],
  };
}
const settle = (body: unknown) => api(cloud, 'POST', '/v1/claims', { token: clinic, body });
const problems = (res: { body: any }) => (res.body.error?.details?.problems ?? []).map((p: any) => `${p.field}:${p.rule}`);

describe('the register shape: history, permissions, events', () => {
  it('records an approval with who and when, answers a repeat unchanged, and keeps every change as a history item', async () => {
    const { memberId } = await member();
    const created = await record(memberId, 'chronic-approvals', approval('hypertension'));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      outcome: 'created',
      entry: {
        register: 'chronic-approvals',
        entryId: 'hypertension-2025-01-01',
        region: '330900',
        status: 'active',
        version: 1,
        created: { by: { role: 'staff', sub: 'clerk-r' } },
      },
    });
    const again = await record(memberId, 'chronic-approvals', approval('hypertension'));
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('unchanged');

    const entryPath = `${registerPath(memberId, 'chronic-approvals')}/hypertension-2025-01-01`;
    const amended = await api(cloud, 'POST', `${entryPath}/amendments`, {
      token: clerk,
      body: { payload: { evidence: [{ kind: 'test-report', reference: 'LAB-889' }] }, reason: 'second report', expectedVersion: 1 },
    });
    expect(amended.status, JSON.stringify(amended.body)).toBe(201);
    expect(amended.body.entry.version).toBe(2);
    const stale = await api(cloud, 'POST', `${entryPath}/amendments`, {
      token: clerk,
      body: { validTo: '2025-11-30', reason: 'late', expectedVersion: 1 },
    });
    expect(stale.status).toBe(409);
    expect(problems(stale)).toEqual(['body.expectedVersion:stale']);
    const renamed = await api(cloud, 'POST', `${entryPath}/amendments`, {
      token: clerk,
      body: { payload: { diseaseGroup: 'tb' }, reason: 'wrong group' },
    });
    expect(renamed.status).toBe(400);
    expect(problems(renamed)).toEqual(['body.payload.diseaseGroup:fixed']);
    const ended = await api(cloud, 'POST', `${entryPath}/end`, {
      token: clerk,
      body: { action: 'end', endDate: '2025-09-30', reason: 'cured' },
    });
    expect(ended.status, JSON.stringify(ended.body)).toBe(201);
    expect(ended.body.entry).toMatchObject({ status: 'ended', validTo: '2025-09-30', version: 3 });

    const list = await api(cloud, 'GET', registerPath(memberId, 'chronic-approvals'), { token: regulatorZhoushan });
    expect(list.status).toBe(200);
    const [entry] = list.body.entries;
    expect(entry.history.map((h: any) => [h.version, h.change, h.by.sub, h.reason ?? null])).toEqual([
      [1, 'created', 'clerk-r', null],
      [2, 'amended', 'clerk-r', 'second report'],
      [3, 'ended', 'clerk-r', 'cured'],
    ]);
    expect(entry.history[0].after.payload.evidence).toEqual([{ kind: 'diagnosis-certificate', reference: 'ZD-2025-0012' }]);
    expect(entry.history[2].after.validTo).toBe('2025-09-30');
    const onDate = await api(cloud, 'GET', `${registerPath(memberId, 'chronic-approvals')}?date=2025-10-01`, { token: clerk });
    expect(onDate.body.entries).toEqual([]);
    // Issue 20: another region's member answers as a missing one (it was a 403).
    expect((await api(cloud, 'GET', registerPath(memberId, 'chronic-approvals'), { token: regulatorElsewhere })).status).toBe(404);

    // One event per change, written with it; no name, ID number or doctor's name in any of them.
    const mine = await eventually(() => {
      const found = events.filter((e) => e['detail-type'] === 'RegisterEntryChanged' && e.detail.memberId === memberId);
      return found.length === 3 ? found : undefined;
    }, 'three RegisterEntryChanged events');
    expect(mine.map((e) => [e.detail.change, e.detail.version, e.detail.subject, e.detail.register])).toEqual([
      ['created', 1, 'hypertension', 'chronic-approvals'],
      ['amended', 2, 'hypertension', 'chronic-approvals'],
      ['ended', 3, 'hypertension', 'chronic-approvals'],
    ]);
    for (const raw of rawEvents) expect(raw).not.toContain('王医生');
  });

  it('refuses staff without registers:write (403 naming it), a regulator, bad input by field and rule, codes the policy does not name, and overlaps', async () => {
    const { memberId } = await member();
    const denied = await record(
      memberId,
      'family-doctor-contracts',
      { providerCode: CLINIC, teamCode: 'T1', validFrom: '2025-01-01', validTo: '2025-12-31' },
      readOnlyStaff,
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.details.requiredPermission).toBe('registers:write');
    expect((await record(memberId, 'chronic-approvals', approval('tb'), regulatorZhoushan)).status).toBe(403);

    const bad = await record(memberId, 'chronic-approvals', { ...approval('tb'), validFrom: '2025-13-01', evidence: [] });
    expect(bad.status).toBe(400);
    expect(problems(bad)).toEqual(expect.arrayContaining(['body.validFrom:invalid_format', 'body.evidence:too_small']));
    const unknown = await record(memberId, 'chronic-approvals', approval('gout'));
    expect(unknown.status).toBe(400);
    expect(problems(unknown)).toEqual(['body.diseaseGroup:unknown_code']);
    const plan = await record(memberId, 'supplementary-plans', { planCode: 'huiminbao-x', year: 2025 });
    expect(problems(plan)).toEqual(['body.planCode:unknown_code']);

    expect(
      (
        await record(memberId, 'family-doctor-contracts', {
          providerCode: CLINIC,
          teamCode: 'T1',
          validFrom: '2025-01-01',
          validTo: '2025-12-31',
        })
      ).status,
    ).toBe(201);
    const second = await record(memberId, 'family-doctor-contracts', {
      providerCode: OTHER_CLINIC,
      teamCode: 'T9',
      validFrom: '2025-06-01',
      validTo: '2026-05-31',
    });
    expect(second.status).toBe(409);
    expect(problems(second)).toEqual(['body.validFrom:overlap']);
    expect(second.body.error.details.existing.entryId).toBe(`${CLINIC}-2025-01-01`);
  });

  it('lets only one of four overlapping approvals recorded at the same time through (the register lock), with one event', async () => {
    const { memberId } = await member();
    const answers = await Promise.all(
      ['2025-01-01', '2025-02-01', '2025-03-01', '2025-04-01'].map((validFrom) =>
        record(memberId, 'chronic-approvals', approval('copd', { validFrom, validTo: '2025-12-31' })),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409]);
    const list = await api(cloud, 'GET', registerPath(memberId, 'chronic-approvals'), { token: clerk });
    expect(list.body.entries).toHaveLength(1);
    const changed = await eventually(() => {
      const found = events.filter((e) => e['detail-type'] === 'RegisterEntryChanged' && e.detail.memberId === memberId);
      return found.length >= 1 ? found : undefined;
    }, 'the approval event');
    expect(changed).toHaveLength(1);
  });

  it('lets a provider approve only as itself, only for the groups the agency certified it for', async () => {
    const { memberId } = await member();
    const uncertified = await record(memberId, 'chronic-approvals', approval('diabetes'), clinic);
    expect(uncertified.status).toBe(403);
    expect(uncertified.body.error.details.rule).toBe('not_certified');
    const cert = await api(cloud, 'PUT', `/v1/registers/chronic-approvals/certified-providers/${CLINIC}`, {
      token: clerk,
      body: {
        region: '330900',
        diseaseGroups: ['diabetes', 'hypertension'],
        validFrom: '2025-01-01',
        validTo: '2030-12-31',
        reason: '慢病认定机构 2025',
      },
    });
    expect(cert.status, JSON.stringify(cert.body)).toBe(201);
    const asOther = await record(memberId, 'chronic-approvals', approval('diabetes'), otherClinic);
    expect(asOther.status).toBe(403);
    expect(asOther.body.error.details.rule).toBe('own_provider');
    const tb = await record(memberId, 'chronic-approvals', approval('tb'), clinic);
    expect(tb.status).toBe(403);
    const ok = await record(memberId, 'chronic-approvals', approval('diabetes'), clinic);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.entry.created.by).toEqual({ role: 'provider', sub: 'his-clinic', providerCode: CLINIC });
    // A provider may not record contracts or plans.
    const contract = await record(
      memberId,
      'family-doctor-contracts',
      { providerCode: CLINIC, teamCode: 'T1', validFrom: '2025-01-01', validTo: '2025-12-31' },
      clinic,
    );
    expect(contract.status).toBe(403);
  });
});

describe('settlement reads the registers', () => {
  it('settles a chronic visit without an approval as ordinary outpatient with a note, and one with an approval covering its diagnosis at the chronic ratio', async () => {
    const { memberId } = await member();
    const without = await settle(bill(memberId, { type: 'chronic-outpatient', disease: 'hypertension' }, 'I10.x00'));
    expect(without.status, JSON.stringify(without.body)).toBe(201);
    const s1 = without.body.statement;
    expect(s1.visit.type).toBe('outpatient');
    expect(s1.visit.declared).toEqual({ type: 'chronic-outpatient', disease: 'hypertension' });
    expect(s1.visit.notes[0]).toMatch(/no chronic-disease approval .* covers diagnosis I10.x00 .*ordinary outpatient/);
    expect(s1.totals.byLayer.basic).toBe(y(186)); // 300 × 62%

    expect((await record(memberId, 'chronic-approvals', approval('hypertension'))).status).toBe(201);
    const withApproval = await settle(bill(memberId, { type: 'chronic-outpatient', disease: 'hypertension' }, 'I10.x00'));
    const s2 = withApproval.body.statement;
    expect(s2.visit.type).toBe('chronic-outpatient');
    expect(s2.visit.approval).toEqual({ entryId: 'hypertension-2025-01-01', diseaseGroup: 'hypertension', validTo: '2025-12-31' });
    expect(s2.totals.byLayer.basic).toBe(y(195)); // 300 × 65%

    // The case: tuberculosis declared on a hypertension diagnosis never earns TB's 70%.
    const tbOnI10 = await settle(bill(memberId, { type: 'chronic-outpatient', disease: 'tb' }, 'I10.x00'));
    const s3 = tbOnI10.body.statement;
    expect(s3.visit).toMatchObject({
      type: 'chronic-outpatient',
      disease: 'hypertension',
      declared: { type: 'chronic-outpatient', disease: 'tb' },
    });
    expect(s3.totals.byLayer.basic).toBe(y(195));
    // An approval for a group that does not cover the diagnosis does not open the chronic cover.
    const copd = await settle(bill(memberId, { type: 'chronic-outpatient', disease: 'hypertension' }, 'J44.900'));
    expect(copd.body.statement.visit.type).toBe('outpatient');
    // After the approval ends, the chronic cover ends with it.
    await api(cloud, 'POST', `${registerPath(memberId, 'chronic-approvals')}/hypertension-2025-01-01/end`, {
      token: clerk,
      body: { action: 'end', endDate: '2025-06-30', reason: 'review' },
    });
    const later = await settle(
      bill(memberId, { type: 'chronic-outpatient', disease: 'hypertension', serviceDate: '2025-07-01' }, 'I10.x00'),
    );
    expect(later.body.statement.visit.type).toBe('outpatient');
  });

  it("reads the member for a claim without the registers' history and locks, which grow with every change", async () => {
    const { memberId } = await member();
    expect((await record(memberId, 'chronic-approvals', approval('hypertension'))).status).toBe(201);
    const entryPath = `${registerPath(memberId, 'chronic-approvals')}/hypertension-2025-01-01`;
    for (let version = 1; version <= 4; version++) {
      const amended = await api(cloud, 'POST', `${entryPath}/amendments`, {
        token: clerk,
        body: {
          payload: { evidence: [{ kind: 'test-report', reference: `LAB-${version}` }] },
          reason: 'another report',
          expectedVersion: version,
        },
      });
      expect(amended.status, JSON.stringify(amended.body)).toBe(201);
    }
    // On DynamoDB Local: the whole partition holds five history items and the lock; the read a
    // member's state on a date makes holds neither, and everything else the same.
    const whole = await readMemberItems(memberId);
    expect(whole.registers?.history.map((h) => h.version)).toEqual([1, 2, 3, 4, 5]);
    expect(whole.registers?.locks).toEqual({ 'chronic-approvals': 5 });
    const { registers, ...rest } = await readMemberItems(memberId, { registerBookkeeping: false });
    expect(registers).toEqual({ entries: whole.registers?.entries, history: [], locks: {} });
    expect(registers?.entries.map((e) => [e.entryId, e.version])).toEqual([['hypertension-2025-01-01', 5]]);
    const { registers: _, ...wholeRest } = whole;
    expect(rest).toEqual(wholeRest);
    // The claim still meets the approval in force: 300 × 65%.
    const settled = await settle(bill(memberId, { type: 'chronic-outpatient', disease: 'hypertension' }, 'I10.x00'));
    expect(settled.status, JSON.stringify(settled.body)).toBe(201);
    expect(settled.body.statement.visit.approval).toMatchObject({ entryId: 'hypertension-2025-01-01' });
    expect(settled.body.statement.totals.byLayer.basic).toBe(y(195));
  });

  it('adds the family-doctor +3 points from the contract register, never from the bill flag', async () => {
    const { memberId } = await member();
    const flagOnly = await settle(bill(memberId, { type: 'outpatient', familyDoctorContract: true }, 'J06.900', 200));
    expect(flagOnly.body.statement.visit.familyDoctor).toBe(false);
    expect(flagOnly.body.statement.totals.byLayer.basic).toBe(y(124)); // 200 × 62%
    const contract = await record(memberId, 'family-doctor-contracts', {
      providerCode: CLINIC,
      teamCode: 'T-07',
      validFrom: '2025-03-01',
      validTo: '2026-02-28',
    });
    expect(contract.status, JSON.stringify(contract.body)).toBe(201);
    const signed = await settle(bill(memberId, { type: 'outpatient', familyDoctorContract: false }, 'J06.900', 200));
    expect(signed.body.statement.visit.familyDoctor).toBe(true);
    expect(signed.body.statement.totals.byLayer.basic).toBe(y(130)); // 200 × 65%
    const before = await settle(bill(memberId, { type: 'outpatient', serviceDate: '2025-02-28' }, 'J06.900', 200));
    expect(before.body.statement.totals.byLayer.basic).toBe(y(124));
  });

  it("pays an enrolled 舟惠保 member's outpatient self-pay from the plan, and not an unenrolled one's; bulk import reports bad rows and re-imports change nothing", async () => {
    const enrolledMember = await member();
    const other = await member();
    const stranger = idNumber();
    const csv = [
      'idNumber,planCode,year,policyNumber',
      `${enrolledMember.idNumber},zhouhuibao,2025,ZHB-0001`,
      `${other.idNumber},zhouhuibao,2024,ZHB-0002`, // no 2024 enrolment of this member
      `${stranger},zhouhuibao,2025,ZHB-0003`, // never enrolled
      `${enrolledMember.idNumber},zhouhuibao,twenty,ZHB-0004`,
      `${other.idNumber},huiminbao-x,2025,ZHB-0005`,
    ].join('\n');
    const imported = await api(cloud, 'POST', '/v1/registers/supplementary-plans/bulk', {
      token: clerk,
      body: { format: 'csv', content: csv },
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body).toMatchObject({ received: 5, written: 1, unchanged: 0, rejected: 4 });
    expect(
      imported.body.rows.map((r: any) => [r.rowNumber, r.outcome, (r.problems ?? []).map((p: any) => `${p.field}:${p.rule}`).join()]),
    ).toEqual([
      [2, 'created', ''],
      [3, 'rejected', 'validFrom:not_enrolled'],
      [4, 'rejected', 'idNumber:not_enrolled'],
      [5, 'rejected', 'year:invalid_type'],
      [6, 'rejected', 'planCode:unknown_code'],
    ]);
    const again = await api(cloud, 'POST', '/v1/registers/supplementary-plans/bulk', {
      token: clerk,
      body: { format: 'csv', content: csv },
    });
    expect(again.body).toMatchObject({ received: 5, written: 0, unchanged: 1, rejected: 4 });
    const readOnly = await api(cloud, 'POST', '/v1/registers/supplementary-plans/bulk', {
      token: readOnlyStaff,
      body: { format: 'csv', content: csv },
    });
    expect(readOnly.status).toBe(403);

    // A 20,000-yuan outpatient bill at the clinic: the basic layer pays its 3,000-yuan yearly
    // outpatient cap and leaves 17,000 to the member; 舟惠保 pays 60% of the self-pay above its
    // 10,000-yuan deductible, (17,000 − 10,000) × 60% = 4,200, for the enrolled member only.
    const big = (memberId: string) => bill(memberId, { type: 'outpatient' }, 'J06.900', 20_000);
    const insured = (await settle(big(enrolledMember.memberId))).body.statement;
    expect(insured.totals.byLayer).toMatchObject({ basic: y(3_000), supplementary: y(4_200) });
    expect(insured.totals.patientPaidFen).toBe(y(12_800));
    const plain = (await settle(big(other.memberId))).body.statement;
    expect(plain.totals.byLayer).toMatchObject({ basic: y(3_000), supplementary: 0 });
    expect(plain.totals.patientPaidFen).toBe(y(17_000));
  });
});

describe('family-doctor contracts are the per-capita basis', () => {
  it('counts the members contracted with a provider in a year, and a revoked contract no longer counts', async () => {
    const [a, b] = [await member(), await member()];
    const contract = { providerCode: OTHER_CLINIC, teamCode: 'T-2', validFrom: '2025-01-01', validTo: '2025-12-31' };
    expect((await record(a.memberId, 'family-doctor-contracts', contract)).status).toBe(201);
    expect((await record(b.memberId, 'family-doctor-contracts', { ...contract, validFrom: '2025-05-01' })).status).toBe(201);
    await eventually(
      async () => ((await contractedMembers([OTHER_CLINIC], 2025)).get(OTHER_CLINIC) === 2 ? true : undefined),
      'two contracted members',
    );
    const revoked = await api(cloud, 'POST', `${registerPath(b.memberId, 'family-doctor-contracts')}/${OTHER_CLINIC}-2025-05-01/end`, {
      token: clerk,
      body: { action: 'revoke', reason: 'signed in error' },
    });
    expect(revoked.status).toBe(201);
    await eventually(
      async () => ((await contractedMembers([OTHER_CLINIC], 2025)).get(OTHER_CLINIC) === 1 ? true : undefined),
      'one contracted member',
    );
    expect((await contractedMembers([OTHER_CLINIC], 2026)).get(OTHER_CLINIC)).toBe(0);
  });
});

describe("approvals are the capitation's capitated population (Jin'an 341502)", () => {
  it('counts the members holding an approval certified in the health community, per group, into a budget that leaves the count out', async () => {
    // The Jin'an community and its providers; a 2023 enrolment policy for Jin'an (none ships), published as staff would.
    const providers = [
      ['JA0001', 'secondary', 'hospital'],
      ['JA0101', 'primary', 'township-centre'],
      ['JA0201', 'primary', 'village-clinic'],
      ['LA0009', 'tertiary', 'hospital'],
    ] as const;
    for (const [code, level, kind] of providers) {
      const res = await api(cloud, 'POST', '/v1/providers', {
        token: clerk,
        body: { providerCode: code, name: `金安 ${code}`, region: '341502', level, kind },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const community = await api(cloud, 'POST', '/v1/health-communities', {
      token: clerk,
      body: {
        communityId: 'JA-HC-9',
        region: '341502',
        name: '金安区医共体',
        members: [
          { providerCode: 'JA0001', tier: 'county' },
          { providerCode: 'JA0101', tier: 'township' },
          { providerCode: 'JA0201', tier: 'village' },
        ],
      },
    });
    expect(community.status, JSON.stringify(community.body)).toBe(201);
    const shipped = JSON.parse(readFileSync(new URL('../../policies/enrolment/330900/2025.json', import.meta.url), 'utf8'));
    const jinan = { ...shipped, region: '341502', regionName: '六安市金安区', year: 2023, version: 1, effectiveFrom: '2023-01-01' };
    const published = await api(cloud, 'POST', '/v1/policies', { token: clerk, body: jinan });
    expect(published.status, JSON.stringify(published.body)).toBe(201);

    const enrolJinan = async () => {
      const res = await api(cloud, 'POST', '/v1/members', {
        token: clerk,
        body: { idNumber: nextIdNumber('341502', '001'), year: 2023, region: '341502', scheme: 'resident' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const memberId = res.body.member.memberId as string;
      const paid = await api(cloud, 'POST', `/v1/members/${memberId}/contributions`, {
        token: clerk,
        body: {
          year: 2023,
          contributionId: `J-${memberId}`,
          amountFen: res.body.enrolment.contribution.due.individualFen,
          paidOn: '2023-01-01',
          channel: 'counter',
        },
      });
      expect(paid.status, JSON.stringify(paid.body)).toBe(201);
      return memberId;
    };
    const jinanApproval = (group: string, provider: string, validFrom = '2023-01-01') =>
      approval(group, { certifyingProvider: provider, validFrom, validTo: '2023-12-31' });
    const [a, b, c, d] = [await enrolJinan(), await enrolJinan(), await enrolJinan(), await enrolJinan()];
    expect((await record(a, 'chronic-approvals', jinanApproval('hypertension', 'JA0101'))).status).toBe(201);
    expect((await record(b, 'chronic-approvals', jinanApproval('diabetes', 'JA0201'))).status).toBe(201);
    expect((await record(b, 'chronic-approvals', jinanApproval('stroke', 'JA0001', '2023-03-01'))).status).toBe(201);
    expect((await record(c, 'chronic-approvals', jinanApproval('copd', 'LA0009'))).status).toBe(201); // not in the community
    expect((await record(d, 'chronic-approvals', jinanApproval('heart-failure', 'JA0101'))).status).toBe(201);
    const revoked = await api(cloud, 'POST', `${registerPath(d, 'chronic-approvals')}/heart-failure-2023-01-01/end`, {
      token: clerk,
      body: { action: 'revoke', reason: 'recorded for the wrong person' },
    });
    expect(revoked.status).toBe(201);

    const budget = (version: number) => ({
      totalFen: y(20_000_000),
      drgBudgetFen: y(1_000_000),
      providers: [
        { providerCode: 'JA0001', globalBudgetFen: y(1_200_000) },
        { providerCode: 'JA0101', globalBudgetFen: y(240_000) },
        { providerCode: 'JA0201', globalBudgetFen: y(60_000) },
        { providerCode: 'LA0009', globalBudgetFen: y(480_000 + version) },
      ],
      healthCommunities: [{ communityId: 'JA-HC-9' }],
    });
    // The projection follows the events; the budget takes the count the register gives when it is set.
    let attempt = 0;
    const set = await eventually(
      async () => {
        const res = await api(cloud, 'PUT', '/v1/budgets/341502/2023', { token: clerk, body: budget(attempt++) });
        expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
        const hc = res.body.budget.communities[0];
        return hc.capitatedMembers === 2 && Object.keys(hc.capitatedByGroup).length === 3 ? hc : undefined;
      },
      'the capitated population of JA-HC-9',
      45_000,
    ); // behind a queue: a loaded two-core CI machine can take over 20 s
    expect(set).toEqual({
      communityId: 'JA-HC-9',
      capitatedMembers: 2,
      capitatedMembersFrom: 'approvals-register',
      capitatedByGroup: { diabetes: 1, hypertension: 1, stroke: 1 },
      globalBudgetFen: y(1_500_000),
      capitationFundFen: y(6_140), // 2 × 3,070 yuan
    });
  });
});
