/**
 * Long-term care insurance (issue 15, long-term care) on the local cloud, through the API: a
 * disability assessment from application through appeal (a Honghe 532500 member living in Kunming
 * 530100, assessed there by Kunming's assessors), a care institution's month settled within the
 * level's limits (idempotent, reversed, settled again), one billed during a hospital stay caught by
 * audit (the stay learned from ClaimSettled on the bus), a stay learned after a month was paid, the
 * beds rule, the funding from paid employee months, and the month's report.
 *
 * Figures: policies/long-term-care/532500/2025.json (illustrative): level 3 institutional 60 yuan a
 * bed-day, fund 70%, monthly limit 1,200 yuan; funding 0.2% + 0.1% of the wage base, 5 yuan transfer,
 * 2 yuan subsidy a member-month.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { localName } from '../../infra/topology.ts';
import { creditCodeCheckCharacter } from '../../shared/employers/credit-code.ts';
import { monthsFrom } from '../../shared/employers/months.ts';
import { ITEMS } from '../../shared/long-term-care/grading-standard.ts';
import honghe2025 from '../../policies/long-term-care/532500/2025.json' with { type: 'json' };
import { exampleLine } from '../../shared/settlement/examples.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { api, eventually, onAuditEvent, registerProvider, startTestCloud, type ApiAnswer } from '../support/local-cloud.ts';
import { allPermissionsBut } from '../../shared/auth/principal.ts';

let cloud: LocalCloud;
let db: DynamoDBDocumentClient;
let manager: string; // staff with ltc:manage and contributions:write
let counter: string; // staff at the counter, no permission
let hospital: string;
let home: string; // the care institution
const assessors: Record<string, string> = {};
const careEvents: Record<string, any>[] = [];

const HOSPITAL = 'H53250100001';
const CARE_HOME = 'C53250100001';
const newId = idNumbers(Date.UTC(1940, 0, 1));
const first17 = '91532501MA0000077';
const EMPLOYER = first17 + creditCodeCheckCharacter(first17);

const problemsOf = (res: ApiAnswer) =>
  (res.body.error?.details?.problems ?? []).map((p: { field: string; rule: string }) => `${p.field}:${p.rule}`);

function scores(adl: Record<string, number> = {}, cognition: Record<string, number> = {}) {
  const full = (i: keyof typeof ITEMS) => Object.fromEntries(Object.entries(ITEMS[i]).map(([k, s]) => [k, s.max]));
  return { adl: { ...full('adl'), ...adl }, cognition: { ...full('cognition'), ...cognition }, perception: full('perception') };
}
/** ADL 30 (重度受损): with intact cognition, level 3 重度失能Ⅰ级. */
const SEVERE = { eating: 5, bathing: 0, grooming: 0, dressing: 5, bowels: 5, bladder: 5, toileting: 0, transfer: 5, walking: 5, stairs: 0 };
/** ADL 55 (中度受损): level 2, which does not qualify. */
const MODERATE = { ...SEVERE, eating: 10, dressing: 10, transfer: 15, walking: 10 };

async function employee(): Promise<string> {
  const res = await api(cloud, 'POST', '/v1/members', {
    token: counter,
    body: {
      idNumber: newId('532501', '001'),
      year: 2025,
      region: '532500',
      scheme: 'employee',
      employeeKind: 'employer',
      employerCode: EMPLOYER,
      monthlyBaseFen: 8_000_00,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const memberId = res.body.member.memberId as string;
  const emp = await api(cloud, 'POST', `/v1/members/${memberId}/employment`, {
    token: manager,
    body: { status: 'in-service', employerCode: EMPLOYER, validFrom: '2025-01-01' },
  });
  expect(emp.status, JSON.stringify(emp.body)).toBe(201);
  for (const month of monthsFrom('2025-01', '2025-06')) {
    const paid = await api(cloud, 'POST', `/v1/members/${memberId}/employee-contributions`, {
      token: manager,
      body: { month, employerCode: EMPLOYER, declaredWageFen: 8_000_00, paidOn: `${month}-15` },
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
  }
  return memberId;
}

const step = (path: string, token: string, body: Record<string, unknown>) =>
  api(cloud, 'POST', `/v1/ltc/assessments${path}`, { token, body });

/** A member assessed level 3 in Honghe itself, concluded on `on`. */
async function assessedLevel3(memberId: string, on: string): Promise<string> {
  const applied = await step('', counter, { memberId, applicant: { kind: 'member' }, reason: '脑卒中后遗症', appliedOn: on });
  expect(applied.status, JSON.stringify(applied.body)).toBe(201);
  const id = applied.body.assessment.assessmentId;
  expect((await step(`/${id}/assignment`, manager, { primary: 'hh-1', second: 'hh-2' })).status).toBe(200);
  expect((await step(`/${id}/scores`, assessors['hh-1']!, { scores: scores(SEVERE) })).status).toBe(200);
  const done = await step(`/${id}/confirmation`, assessors['hh-2']!, { agree: true, concludedOn: on });
  expect(done.body.assessment.result).toMatchObject({ level: 3, qualifies: true, validFrom: on });
  return id;
}

const claim = (body: Record<string, unknown>, token = home) => api(cloud, 'POST', '/v1/ltc/care-claims', { token, body });

beforeAll(async () => {
  cloud = await startTestCloud();
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.region, credentials: cloud.credentials }),
  );
  onAuditEvent(cloud, (body) => {
    const envelope = JSON.parse(body);
    if (envelope.source === 'yibao.long-term-care') careEvents.push({ type: envelope['detail-type'], ...envelope.detail });
  });
  manager = await cloud.mint({
    sub: 'ltc-manager',
    role: 'staff',
    permissions: ['ltc:manage', 'contributions:write', 'policies:publish', 'members:write'],
  });
  counter = await cloud.mint({ sub: 'counter-1', role: 'staff', permissions: allPermissionsBut('ltc:manage', 'ltc:assess') });
  for (const [id, region] of [
    ['km-1', '530100'],
    ['km-2', '530100'],
    ['km-3', '530100'],
    ['km-4', '530100'],
    ['hh-1', '532500'],
    ['hh-2', '532500'],
  ] as const) {
    const res = await api(cloud, 'PUT', `/v1/ltc/assessors/${id}`, {
      token: manager,
      body: { regions: [region], qualification: '执业护士 评估员证书', validFrom: '2025-01-01', validTo: '2030-12-31' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    assessors[id] = await cloud.mint({ sub: id, role: 'staff', permissions: ['ltc:assess'] });
  }
  const employer = await api(cloud, 'POST', '/v1/employers', {
    token: manager,
    body: { creditCode: EMPLOYER, name: '红河示例护理测试有限公司', region: '532500', validFrom: '2024-01-01' },
  });
  expect(employer.status, JSON.stringify(employer.body)).toBe(201);
  await registerProvider(cloud, counter, {
    providerCode: HOSPITAL,
    name: '红河州某医院',
    level: 'secondary',
    region: '532501',
    kind: 'hospital',
  });
  await registerProvider(cloud, counter, {
    providerCode: CARE_HOME,
    name: '红河州某护理院',
    level: 'primary',
    region: '532501',
    kind: 'other',
  });
  hospital = await cloud.mint({ sub: 'his-hh', role: 'provider', providerCode: HOSPITAL });
  home = await cloud.mint({ sub: 'care-home', role: 'provider', providerCode: CARE_HOME });
}, 120_000);
afterAll(async () => {
  await cloud?.stop();
});

describe('care institutions and assessors', () => {
  it('certifies a registered provider as a care institution (settings, beds), refuses an unregistered one', async () => {
    const body = {
      region: '532500',
      settings: ['institutional', 'home-care'],
      beds: 1,
      validFrom: '2025-01-01',
      validTo: '2027-12-31',
      reason: '定点护理机构协议 2025',
    };
    expect((await api(cloud, 'PUT', `/v1/ltc/institutions/${CARE_HOME}`, { token: counter, body })).status).toBe(403);
    const certified = await api(cloud, 'PUT', `/v1/ltc/institutions/${CARE_HOME}`, { token: manager, body });
    expect(certified.status, JSON.stringify(certified.body)).toBe(201);
    expect(certified.body.certification).toMatchObject({ version: 1, beds: 1, settings: ['home-care', 'institutional'] });
    const again = await api(cloud, 'PUT', `/v1/ltc/institutions/${CARE_HOME}`, { token: manager, body });
    expect([again.status, again.headers.get('x-idempotent-replay')]).toEqual([200, 'true']);
    const unknown = await api(cloud, 'PUT', '/v1/ltc/institutions/C99999999999', { token: manager, body });
    expect([unknown.status, problemsOf(unknown)]).toEqual([404, ['providerCode:not_registered']]);
    const elsewhere = await api(cloud, 'PUT', `/v1/ltc/institutions/${CARE_HOME}`, { token: manager, body: { ...body, region: '530100' } });
    expect([elsewhere.status, problemsOf(elsewhere)]).toEqual([409, ['body.region:wrong_region']]);
    const read = await api(cloud, 'GET', `/v1/ltc/institutions/${CARE_HOME}`, { token: home });
    expect(read.body.history).toHaveLength(1);
  });
});

describe('a disability assessment from application through appeal', () => {
  it('is assessed where the member lives in the province, every step logged with who and when', async () => {
    const memberId = await employee();
    const applied = await step('', counter, {
      memberId,
      residenceRegion: '530100',
      applicant: { kind: 'family', relation: '女儿' },
      reason: '脑梗死后右侧偏瘫, 长期卧床',
      appliedOn: '2025-02-10',
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const id = applied.body.assessment.assessmentId as string;
    expect(applied.body.assessment).toMatchObject({ region: '532500', assessingRegion: '530100', status: 'applied', round: 1 });
    // One open assessment per member.
    const twice = await step('', counter, { memberId, applicant: { kind: 'member' }, reason: 'another', appliedOn: '2025-02-11' });
    expect([twice.status, problemsOf(twice)]).toEqual([409, ['body.memberId:open_assessment']]);

    // Honghe's own assessors do not assess in Kunming, where she lives.
    const wrong = await step(`/${id}/assignment`, manager, { primary: 'hh-1', second: 'km-2' });
    expect([wrong.status, problemsOf(wrong)]).toEqual([409, ['body.primary:wrong_region']]);
    expect((await step(`/${id}/assignment`, manager, { primary: 'km-1', second: 'km-2' })).status).toBe(200);

    // Only the first assessor scores; the scores are checked item by item against the standard.
    expect((await step(`/${id}/scores`, assessors['km-2']!, { scores: scores(MODERATE) })).status).toBe(403);
    const bad = await step(`/${id}/scores`, assessors['km-1']!, { scores: scores({ ...MODERATE, eating: 7 }) });
    expect([bad.status, problemsOf(bad)]).toEqual([400, ['body.scores.adl.eating:step']]);
    const scored = await step(`/${id}/scores`, assessors['km-1']!, { scores: scores(MODERATE) });
    expect(scored.body.assessment.scores.grading).toMatchObject({ adl: { total: 55, grade: 'moderate' }, level: 2 });
    const concluded = await step(`/${id}/confirmation`, assessors['km-2']!, { agree: true, concludedOn: '2025-02-20' });
    expect(concluded.body.assessment.result).toMatchObject({
      round: 1,
      level: 2,
      levelName: '中度失能',
      qualifies: false,
      validFrom: '2025-02-20',
      validTo: '2027-02-19',
      reassessOn: '2026-12-21',
      appealBy: '2025-03-22',
    });

    // The family appeals; the round is assessed by two other Kunming assessors.
    const appealed = await step(`/${id}/appeal`, counter, { reason: '家属认为评估时患者状态偏好', appealedOn: '2025-02-25' });
    expect(appealed.body.assessment).toMatchObject({ status: 'appealed', round: 2, formerAssessors: ['km-1', 'km-2'] });
    const same = await step(`/${id}/assignment`, manager, { primary: 'km-1', second: 'km-3' });
    expect(problemsOf(same)).toEqual(['body.primary:assessed_before']);
    expect((await step(`/${id}/assignment`, manager, { primary: 'km-3', second: 'km-4' })).status).toBe(200);
    await step(`/${id}/scores`, assessors['km-3']!, { scores: scores({ ...SEVERE, walking: 10 }) });
    const returned = await step(`/${id}/confirmation`, assessors['km-4']!, { agree: false, note: '平地行走现场复核为5分' });
    expect(returned.body.assessment?.status, JSON.stringify(returned.body)).toBe('assigned');
    await step(`/${id}/scores`, assessors['km-3']!, { scores: scores(SEVERE) });
    const final = await step(`/${id}/confirmation`, assessors['km-4']!, { agree: true, concludedOn: '2025-03-05' });
    expect(final.body.assessment.result).toMatchObject({
      round: 2,
      level: 3,
      levelName: '重度失能Ⅰ级',
      qualifies: true,
      validFrom: '2025-03-05',
    });
    const again = await step(`/${id}/appeal`, counter, { reason: 'again' });
    expect(problemsOf(again)).toEqual(['assessmentId:already_appealed']);

    // The log: every step, who and when, append-only.
    const read = await api(cloud, 'GET', `/v1/ltc/assessments/${id}`, { token: manager });
    expect(read.body.log.map((e: any) => `${e.seq}:${e.step}:${e.round}:${e.by.id}`)).toEqual([
      '1:applied:1:counter-1',
      '2:assigned:1:ltc-manager',
      '3:scored:1:km-1',
      '4:confirmed:1:km-2',
      '5:concluded:1:km-2',
      '6:appealed:2:counter-1',
      '7:assigned:2:ltc-manager',
      '8:scored:2:km-3',
      '9:returned:2:km-4',
      '10:scored:2:km-3',
      '11:confirmed:2:km-4',
      '12:concluded:2:km-4',
    ]);
    for (const e of read.body.log) expect(e.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    // The level in force: 2 from 20 February, 3 from 5 March.
    const level = (date: string) => api(cloud, 'GET', `/v1/ltc/members/${memberId}/level?date=${date}`, { token: hospital });
    expect((await level('2025-02-19')).body.level).toBeNull();
    expect((await level('2025-03-01')).body.level).toMatchObject({ level: 2, qualifies: false });
    expect((await level('2025-03-05')).body.level).toMatchObject({ level: 3, qualifies: true, round: 2 });

    const steps = await eventually(() => {
      const mine = careEvents.filter((e) => e.type === 'CareAssessmentStepRecorded' && e.assessmentId === id);
      return mine.length === 12 ? mine : undefined;
    }, 'twelve CareAssessmentStepRecorded');
    expect(new Set(steps.map((e) => e.seq)).size).toBe(12);
    await eventually(
      () => (careEvents.filter((e) => e.type === 'CareLevelDetermined' && e.assessmentId === id).length === 2 ? true : undefined),
      'two CareLevelDetermined',
    );
    expect(JSON.stringify(careEvents)).not.toMatch(/\d{17}[\dX]/);
  });
});

describe("a care institution's month", () => {
  let memberA: string;
  let memberB: string;

  beforeAll(async () => {
    memberA = await employee();
    memberB = await employee();
    await assessedLevel3(memberA, '2025-03-01');
    await assessedLevel3(memberB, '2025-03-01');
  }, 120_000);

  it('is settled within the level’s limits, idempotent, reversible, and settled again', async () => {
    const body = {
      providerCode: CARE_HOME,
      memberId: memberA,
      month: '2025-04',
      institutional: { periods: [{ from: '2025-04-01', to: '2025-04-30' }], dailyChargeFen: 6_500 },
    };
    const settled = await claim(body);
    expect(settled.status, JSON.stringify(settled.body)).toBe(201);
    // 30 bed-days: billed 30 × 65 = 1,950.00; allowed 30 × 60 = 1,800.00; 70% = 1,260.00, held to the 1,200.00 limit; the member 750.00.
    expect(settled.body.claim.statement.lines[0]).toMatchObject({
      setting: 'institutional',
      billedFen: 195_000,
      allowedFen: 180_000,
      fundPaidFen: 120_000,
      overLimitFen: 6_000,
      memberPaidFen: 75_000,
      refusedFen: 0,
      monthlyLimitFen: 120_000,
      byLevel: [{ level: 3, quantity: 30, allowedFen: 180_000, fundFen: 126_000 }],
    });
    expect(settled.body.claim).toMatchObject({ settlementNo: 1, state: 'settled', findings: [] });

    const replay = await claim(body);
    expect([replay.status, replay.headers.get('x-idempotent-replay'), replay.body.outcome]).toEqual([200, 'true', 'unchanged']);
    const other = await claim({ ...body, institutional: { ...body.institutional, dailyChargeFen: 7_000 } });
    expect([other.status, problemsOf(other)]).toEqual([409, ['body.month:already_settled']]);
    const homeCare = await claim({
      ...body,
      month: '2025-05',
      institutional: undefined,
      familyCarer: { periods: [{ from: '2025-05-01', to: '2025-05-31' }] },
    });
    expect(problemsOf(homeCare)).toEqual(['body.familyCarer:setting_not_certified']);

    const path = `/v1/ltc/care-claims/${CARE_HOME}/${memberA}/2025-04`;
    expect((await api(cloud, 'POST', `${path}/reversal`, { token: home, body: { reason: 'x' } })).status).toBe(403);
    const reversed = await api(cloud, 'POST', `${path}/reversal`, { token: manager, body: { reason: '机构申报日费有误' } });
    expect(reversed.body.claim).toMatchObject({ state: 'reversed', settlementNo: 1 });
    const again = await claim({ ...body, institutional: { ...body.institutional, dailyChargeFen: 6_000 } });
    expect(again.status).toBe(201);
    expect(again.body.claim).toMatchObject({
      settlementNo: 2,
      statement: { totals: { billedFen: 180_000, fundPaidFen: 120_000, memberPaidFen: 60_000, refusedFen: 0 } },
    });
    const read = await api(cloud, 'GET', path, { token: manager });
    expect(read.body.ledger.map((l: any) => `${l.sk}:${l.fundPaidFen}`)).toEqual([
      'LEDGER#0001#0-SETTLEMENT:120000',
      'LEDGER#0001#1-REVERSAL:-120000',
      'LEDGER#0002#0-SETTLEMENT:120000',
    ]);
  });

  it('billed during a hospital stay is caught by audit: the nights in hospital refused, the finding recorded and published', async () => {
    const inpatient = await api(cloud, 'POST', '/v1/claims', {
      token: hospital,
      body: {
        providerCode: HOSPITAL,
        claimNo: 'IP-LTC-0001',
        memberId: memberB,
        visit: { type: 'inpatient', serviceDate: '2025-04-10', dischargeDate: '2025-04-15', department: '神经内科' },
        diagnoses: { principal: 'I63.900' },
        lines: [exampleLine(1, 'A', 'treatment', 3_000)],
      },
    });
    expect(inpatient.status, JSON.stringify(inpatient.body)).toBe(201);
    // The stay reaches long-term care from ClaimSettled on the bus.
    await eventually(async () => {
      const out = await db.send(
        new QueryCommand({
          TableName: localName.table('longTermCare'),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
          ExpressionAttributeValues: { ':pk': `MEMBER#${memberB}`, ':s': 'STAY#' },
        }),
      );
      return out.Items?.length ? out.Items : undefined;
    }, 'the stay projected');

    const settled = await claim({
      providerCode: CARE_HOME,
      memberId: memberB,
      month: '2025-04',
      institutional: { periods: [{ from: '2025-04-01', to: '2025-04-30' }], dailyChargeFen: 6_000 },
    });
    expect(settled.status, JSON.stringify(settled.body)).toBe(201);
    // 30 days billed, 10–14 April (5 nights in hospital) refused: 25 × 60 = 1,500.00 × 70% = 1,050.00; refused 300.00; the member 450.00.
    expect(settled.body.claim.statement.totals).toEqual({
      billedFen: 180_000,
      fundPaidFen: 105_000,
      memberPaidFen: 45_000,
      refusedFen: 30_000,
    });
    const rules = settled.body.claim.findings.map((f: any) => `${f.rule}:${f.action}`).sort();
    // One bed, and member A is already in it this month: flagged (paid).
    expect(rules).toEqual(['care-during-hospital-stay:deny', 'members-beyond-beds:flag']);
    expect(settled.body.claim.findings.find((f: any) => f.rule === 'care-during-hospital-stay')).toMatchObject({
      severity: 'high',
      dates: ['2025-04-10', '2025-04-11', '2025-04-12', '2025-04-13', '2025-04-14'],
      when: 'at-settlement',
    });
    const flagged = await eventually(
      () => careEvents.find((e) => e.type === 'CareClaimFlagged' && e.claim.memberId === memberB && e.rule === 'care-during-hospital-stay'),
      'CareClaimFlagged',
    );
    expect(flagged).toMatchObject({ action: 'deny', when: 'at-settlement', region: '532500' });
  });

  it('a stay learned after the month was paid flags that month for recovery', async () => {
    const inpatient = await api(cloud, 'POST', '/v1/claims', {
      token: hospital,
      body: {
        providerCode: HOSPITAL,
        claimNo: 'IP-LTC-0002',
        memberId: memberA,
        visit: { type: 'inpatient', serviceDate: '2025-04-20', dischargeDate: '2025-04-23', department: '呼吸内科' },
        diagnoses: { principal: 'J18.900' },
        lines: [exampleLine(1, 'A', 'treatment', 2_000)],
      },
    });
    expect(inpatient.status, JSON.stringify(inpatient.body)).toBe(201);
    const path = `/v1/ltc/care-claims/${CARE_HOME}/${memberA}/2025-04`;
    const later = await eventually(async () => {
      const res = await api(cloud, 'GET', path, { token: manager });
      return res.body.claim.findings.find((f: any) => f.when === 'after-settlement');
    }, 'the later finding');
    expect(later).toMatchObject({ rule: 'care-during-hospital-stay', dates: ['2025-04-20', '2025-04-21', '2025-04-22'] });
  });

  it('reports the month: members by level, spending by setting, the fund’s income from paid months', async () => {
    const report = await eventually(async () => {
      const res = await api(cloud, 'GET', '/v1/ltc/reports/532500/2025-04', { token: manager });
      return res.body.fund?.income.members >= 3 ? res : undefined;
    }, 'the April funding');
    // Three employees paid April (8,000 yuan base): 16.00 + 8.00 + 5.00 + 2.00 each.
    expect(report.body.fund.income).toEqual({
      members: 3,
      employerFen: 4_800,
      individualFen: 2_400,
      basicFundTransferFen: 1_500,
      governmentSubsidyFen: 600,
      totalFen: 9_300,
    });
    expect(report.body.membersByLevel).toMatchObject({ onDate: '2025-04-30', 3: 3 });
    expect(report.body.spendingBySetting.institutional).toEqual({
      claims: 2,
      billedFen: 360_000,
      fundPaidFen: 225_000,
      memberPaidFen: 105_000,
      refusedFen: 30_000,
    });
    expect(report.body.claims).toEqual({ settled: 2, reversed: 0 });
    expect(report.body.findingsByRule).toEqual({ 'care-during-hospital-stay': 2, 'members-beyond-beds': 1 });
    const regulator = await cloud.mint({ sub: 'reg-km', role: 'regulator', region: '530100' });
    expect((await api(cloud, 'GET', '/v1/ltc/reports/532500/2025-04', { token: regulator })).status).toBe(403);
    void GetCommand;
  });
});

describe('the beds rule under simultaneous claims (exact: one count per institution and month, written conditionally)', () => {
  const HOME_TWO_BEDS = 'C53250100002';
  const members: string[] = [];
  let homeTwo: string;

  beforeAll(async () => {
    await registerProvider(cloud, counter, {
      providerCode: HOME_TWO_BEDS,
      name: '红河州某养护院',
      level: 'primary',
      region: '532501',
      kind: 'other',
    });
    const certified = await api(cloud, 'PUT', `/v1/ltc/institutions/${HOME_TWO_BEDS}`, {
      token: manager,
      body: {
        region: '532500',
        settings: ['institutional'],
        beds: 2,
        validFrom: '2025-01-01',
        validTo: '2027-12-31',
        reason: '定点护理机构协议 2025',
      },
    });
    expect(certified.status, JSON.stringify(certified.body)).toBe(201);
    homeTwo = await cloud.mint({ sub: 'care-home-2', role: 'provider', providerCode: HOME_TWO_BEDS });
    for (let i = 0; i < 5; i++) members.push(await employee());
    for (const m of members) await assessedLevel3(m, '2025-03-01');
  }, 240_000);

  it('five members billed for May at the same moment by a two-bed institution: exactly three flagged, the count holds five', async () => {
    const answers = await Promise.all(
      members.map((memberId) =>
        claim(
          {
            providerCode: HOME_TWO_BEDS,
            memberId,
            month: '2025-05',
            institutional: { periods: [{ from: '2025-05-01', to: '2025-05-31' }], dailyChargeFen: 6_000 },
          },
          homeTwo,
        ),
      ),
    );
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(201);
    const flagged = answers.filter((a) => a.body.claim.findings.some((f: any) => f.rule === 'members-beyond-beds'));
    // Two beds: the first two claims to commit fit, each later one counts a third, fourth, fifth member.
    expect([flagged.length, answers.length - flagged.length]).toEqual([3, 2]);
    expect(flagged.map((a) => a.body.claim.findings.find((f: any) => f.rule === 'members-beyond-beds').facts.members).sort()).toEqual([
      3, 4, 5,
    ]);
    const occupancy = async () =>
      (
        await db.send(
          new GetCommand({
            TableName: localName.table('longTermCare'),
            Key: { pk: `OCCUPANCY#${HOME_TWO_BEDS}#2025-05`, sk: 'BEDS' },
            ConsistentRead: true,
          }),
        )
      ).Item;
    expect(await occupancy()).toMatchObject({ members: [...members].sort(), version: 5 });

    // A reversal takes the member out of the count; the month settled again counts them back in.
    const first = members[0]!;
    const path = `/v1/ltc/care-claims/${HOME_TWO_BEDS}/${first}/2025-05`;
    const reversed = await api(cloud, 'POST', `${path}/reversal`, { token: manager, body: { reason: '重复申报' } });
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(200);
    expect(await occupancy()).toMatchObject({ members: members.slice(1).sort(), version: 6 });
    const again = await claim(
      {
        providerCode: HOME_TWO_BEDS,
        memberId: first,
        month: '2025-05',
        institutional: { periods: [{ from: '2025-05-01', to: '2025-05-31' }], dailyChargeFen: 5_900 },
      },
      homeTwo,
    );
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.claim.findings.find((f: any) => f.rule === 'members-beyond-beds')?.facts).toEqual({ beds: 2, members: 5 });
    expect(await occupancy()).toMatchObject({ members: [...members].sort(), version: 7 });
  });
});

describe('a maternity delivery is a hospital stay for long-term care', () => {
  const female = idNumbers(Date.UTC(1985, 0, 1));
  let mother: string;

  beforeAll(async () => {
    const idNumber = female('532501', '002');
    for (const year of [2024, 2025]) {
      const res = await api(cloud, 'POST', '/v1/members', {
        token: counter,
        body: {
          idNumber,
          year,
          region: '532500',
          scheme: 'employee',
          employeeKind: 'employer',
          employerCode: EMPLOYER,
          monthlyBaseFen: 8_000_00,
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      mother = res.body.member.memberId;
    }
    const emp = await api(cloud, 'POST', `/v1/members/${mother}/employment`, {
      token: manager,
      body: { status: 'in-service', employerCode: EMPLOYER, validFrom: '2024-01-01' },
    });
    expect(emp.status, JSON.stringify(emp.body)).toBe(201);
    for (const month of monthsFrom('2024-01', '2025-06')) {
      const paid = await api(cloud, 'POST', `/v1/members/${mother}/employee-contributions`, {
        token: manager,
        body: { month, employerCode: EMPLOYER, declaredWageFen: 8_000_00, paidOn: `${month}-15` },
      });
      expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    }
    await assessedLevel3(mother, '2025-03-01');
  }, 240_000);

  it('care billed for the nights of a delivery stay (ClaimSettled, visit type delivery) is refused by the hospital-stay rule', async () => {
    const registered = await api(cloud, 'POST', '/v1/maternity/pregnancies', {
      token: hospital,
      body: { memberId: mother, expectedDeliveryDate: '2025-06-20', providerCode: HOSPITAL, registeredOn: '2025-01-10' },
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const delivery = await api(cloud, 'POST', '/v1/claims', {
      token: hospital,
      body: {
        providerCode: HOSPITAL,
        claimNo: 'DEL-LTC-0001',
        memberId: mother,
        visit: { type: 'delivery', serviceDate: '2025-06-18', dischargeDate: '2025-06-23', department: '产科' },
        diagnoses: { principal: 'O82.000', secondary: [] },
        procedures: ['74.1x00'],
        maternity: { pregnancyId: 'P20250620', deliveryType: 'caesarean', babies: 1, deliveryDate: '2025-06-20' },
        lines: [exampleLine(1, 'A', 'surgery', 4200), exampleLine(2, 'A', 'bed', 2000)],
      },
    });
    expect(delivery.status, JSON.stringify(delivery.body)).toBe(201);
    const stays = await eventually(async () => {
      const out = await db.send(
        new QueryCommand({
          TableName: localName.table('longTermCare'),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
          ExpressionAttributeValues: { ':pk': `MEMBER#${mother}`, ':s': 'STAY#' },
        }),
      );
      return out.Items?.length ? out.Items : undefined;
    }, 'the delivery stay projected');
    expect(stays).toMatchObject([{ claimNo: 'DEL-LTC-0001', admissionDate: '2025-06-18', dischargeDate: '2025-06-23' }]);

    const settled = await claim({
      providerCode: CARE_HOME,
      memberId: mother,
      month: '2025-06',
      institutional: { periods: [{ from: '2025-06-01', to: '2025-06-30' }], dailyChargeFen: 6_000 },
    });
    expect(settled.status, JSON.stringify(settled.body)).toBe(201);
    // 30 days billed, 18–22 June (5 nights in the maternity ward) refused: 25 × 60 = 1,500.00 × 70% = 1,050.00; refused 300.00.
    expect(settled.body.claim.statement.totals).toEqual({
      billedFen: 180_000,
      fundPaidFen: 105_000,
      memberPaidFen: 45_000,
      refusedFen: 30_000,
    });
    expect(settled.body.claim.findings.find((f: any) => f.rule === 'care-during-hospital-stay')).toMatchObject({
      action: 'deny',
      dates: ['2025-06-18', '2025-06-19', '2025-06-20', '2025-06-21', '2025-06-22'],
    });
  });
});

describe("the long-term care fund of a region's year (issue 15, funding): income by source and scheme, spending by setting", () => {
  it("Honghe 2025: every employee's paid month by the policy's rates, every settled care month by setting, on the ledger", async () => {
    // Nine employees paid January to June 2025 at an 8,000.00 base (54 member-months; 2024 is before the policy):
    // employer 16.00, individual 8.00, transfer 5.00, subsidy 2.00 a member-month.
    const report = await eventually(async () => {
      const res = await api(cloud, 'GET', '/v1/ltc/fund/532500/2025', { token: manager });
      return res.body.income?.totalFen === 54 * 3_100 ? res : undefined;
    }, 'the fund income of 54 paid months');
    expect(report.body.income).toEqual({
      totalFen: 167_400,
      bySource: { employer: 86_400, individual: 43_200, 'basic-fund-transfer': 27_000, 'government-subsidy': 10_800 },
      byScheme: {
        employee: { employer: 86_400, individual: 43_200, 'basic-fund-transfer': 27_000, 'government-subsidy': 10_800, totalFen: 167_400 },
        resident: { employer: 0, individual: 0, 'basic-fund-transfer': 0, 'government-subsidy': 0, totalFen: 0 },
      },
    });
    // Institutional care paid: April 1,200.00 (A: settled, reversed, settled again) + 1,050.00 (B); May five × 1,200.00
    // (the two-bed home, one reversed and settled again); June 1,050.00 (the mother's month around her delivery).
    expect(report.body.spending).toEqual({ totalFen: 930_000, bySetting: { institutional: 930_000, 'home-care': 0, 'family-carer': 0 } });
    expect(report.body.balanceFen).toBe(167_400 - 930_000);
    expect(report.body.months.map((m: any) => [m.month, m.incomeFen, m.spendingFen])).toEqual([
      ['2025-01', 27_900, 0],
      ['2025-02', 27_900, 0],
      ['2025-03', 27_900, 0],
      ['2025-04', 27_900, 225_000],
      ['2025-05', 27_900, 600_000],
      ['2025-06', 27_900, 105_000],
    ]);
    const csv = await fetch(`${cloud.apiUrl}/v1/ltc/fund/532500/2025?format=csv`, { headers: { authorization: `Bearer ${manager}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    if (process.env.SHOW_REPORTS) console.log(lines.join('\n'));
    expect(lines[0]).toBe(
      'month,income_employer_yuan,income_individual_yuan,income_basic_fund_transfer_yuan,income_government_subsidy_yuan,income_yuan,spending_institutional_yuan,spending_home_care_yuan,spending_family_carer_yuan,spending_yuan,balance_yuan',
    );
    expect(lines.at(-1)).toBe('total,864.00,432.00,270.00,108.00,1674.00,9300.00,0.00,0.00,9300.00,-7626.00');
    const regulator = await cloud.mint({ sub: 'reg-km-2', role: 'regulator', region: '530100' });
    expect((await api(cloud, 'GET', '/v1/ltc/fund/532500/2025', { token: regulator })).status).toBe(403);
    const bad = await api(cloud, 'GET', '/v1/ltc/fund/5325/2025', { token: manager });
    expect([bad.status, problemsOf(bad)]).toEqual([400, ['path.region:invalid_format']]);
  });

  it('a policy extending cover to residents funds each resident’s year from their complete contribution (Zhoushan 2026, published)', async () => {
    // A later policy a region publishes: employees and, from July, residents; 40 + 30 + 20 yuan a resident-year (illustrative).
    const zhoushan = {
      ...structuredClone(honghe2025),
      region: '330900',
      regionName: '舟山市',
      effectiveFrom: '2026-01-01',
      year: 2026,
      summary: 'Test: long-term care for employees and, from July 2026, residents (illustrative figures).',
      coverage: {
        startDate: '2026-01-01',
        schemes: ['employee', 'resident'],
        residentsFrom: '2026-07-01',
        basis: { illustrative: 'test: residents covered from July', source: 'nhsa-2020-37' },
      },
      funding: {
        ...honghe2025.funding,
        residents: {
          individualPerYear: 40,
          basicFundTransferPerYear: 30,
          governmentSubsidyPerYear: 20,
          basis: { illustrative: 'test figures', source: 'nhsa-2020-37' },
        },
      },
    };
    const published = await api(cloud, 'POST', '/v1/policies', { token: manager, body: zhoushan });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    const resident = await api(cloud, 'POST', '/v1/members', {
      token: counter,
      body: {
        idNumber: newId('330902', '003'),
        year: 2026,
        region: '330900',
        scheme: 'resident',
        categories: [{ code: 'tekun', validFrom: '2025-01-01' }],
      },
    });
    expect(resident.status, JSON.stringify(resident.body)).toBe(201);
    const memberId = resident.body.member.memberId as string;
    const booked = await api(cloud, 'POST', `/v1/members/${memberId}/contributions`, {
      token: counter,
      body: { contributionId: 'LTC-SUB-2026-1', year: 2026, amountFen: 0, paidOn: '2026-01-05', channel: 'subsidy' },
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    // Six covered months of the year: 20.00 + 15.00 + 10.00, booked in January when the year was paid up.
    const report = await eventually(async () => {
      const res = await api(cloud, 'GET', '/v1/ltc/fund/330900/2026', { token: manager });
      return res.body.income?.totalFen > 0 ? res : undefined;
    }, 'the resident year funded');
    expect(report.body.income.byScheme.resident).toEqual({
      employer: 0,
      individual: 2_000,
      'basic-fund-transfer': 1_500,
      'government-subsidy': 1_000,
      totalFen: 4_500,
    });
    expect(report.body.months.map((m: any) => [m.month, m.incomeFen])).toEqual([['2026-01', 4_500]]);
    // The same contribution again (a replay) funds nothing twice.
    const again = await api(cloud, 'POST', `/v1/members/${memberId}/contributions`, {
      token: counter,
      body: { contributionId: 'LTC-SUB-2026-1', year: 2026, amountFen: 0, paidOn: '2026-01-05', channel: 'subsidy' },
    });
    expect(again.status).toBeLessThan(300);
    const item = await db.send(
      new GetCommand({
        TableName: localName.table('longTermCare'),
        Key: { pk: `MEMBER#${memberId}`, sk: 'FUNDING#RESIDENT#2026' },
        ConsistentRead: true,
      }),
    );
    expect(item.Item).toMatchObject({ scheme: 'resident', year: 2026, coveredMonths: 6, individualFen: 2_000 });
    expect((await api(cloud, 'GET', '/v1/ltc/fund/330900/2026', { token: manager })).body.income.totalFen).toBe(4_500);
  });
});
