/**
 * Smart audit of a claim end to end on the local cloud (issue 13 points 3–5), through the API as a
 * hospital, a regulator and the agency use it: pre-settlement shows the rules a bill would hit; the
 * settled claim is scored by the fraud consumer; a suspicious-only hit (挂床住院, weight 40, under the
 * threshold of 60) still reaches the regulator's queue as a low review item; the claim's audit result
 * is readable by staff, its region's regulator and its own provider, and by no one else (answered as
 * a missing claim); the provider's appeal (申诉) is recorded on the case, once, and the regulator sees it.
 * The member is a Fuxin 2020 resident: region 210900 keeps no rule library of its own, so the national
 * baseline (000000) judges, with its alert policy (review items pushed to the queue at low severity).
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { DEFAULT_TTL_MS } from '../../shared/policy/store/registry.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { agencyDate } from '../../shared/time/agency-calendar.ts';
import { api, eventually, onAuditEvent, registerProvider, startTestCloud, type ApiAnswer } from '../support/local-cloud.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

let cloud: LocalCloud;
let staff: string;
let hospital: string;
let otherHospital: string;
let regulator: string;
let otherRegulator: string;
/** The detail-type and claim number of every event the audit consumer was handed (every yibao event passes there). */
const events: { type: string; claimNo?: string }[] = [];

const HOSPITAL = 'H21090200031';
const OTHER = 'H21090200032';
const STAY = ['2020-06-01', '2020-06-02', '2020-06-03', '2020-06-04', '2020-06-05', '2020-06-06', '2020-06-07', '2020-06-08'];

beforeAll(async () => {
  cloud = await startTestCloud();
  onAuditEvent(cloud, (body) => {
    const e = JSON.parse(body) as { 'detail-type': string; detail: { claim?: { claimNo: string } } };
    events.push({ type: e['detail-type'], ...(e.detail.claim ? { claimNo: e.detail.claim.claimNo } : {}) });
  });
  staff = await cloud.mint({ sub: 'clerk-audit', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
  for (const [providerCode, name] of [
    [HOSPITAL, '阜新市某二级医院'],
    [OTHER, '阜新市另一家二级医院'],
  ] as const) {
    await registerProvider(cloud, staff, { providerCode, name, level: 'secondary', region: '210902', kind: 'hospital' });
  }
  hospital = await cloud.mint({ sub: 'his-31', role: 'provider', providerCode: HOSPITAL });
  otherHospital = await cloud.mint({ sub: 'his-32', role: 'provider', providerCode: OTHER });
  regulator = await cloud.mint({ sub: 'reg-fuxin', role: 'regulator', region: '210900' });
  otherRegulator = await cloud.mint({ sub: 'reg-zhoushan', role: 'regulator', region: '330900' });
});
afterAll(async () => {
  await cloud?.stop();
});

const nextIdNumber = idNumbers(Date.UTC(1955, 0, 1));

/** A Fuxin 2020 resident in a fully subsidised category: covered from 1 January, nothing to pay. */
async function member(): Promise<string> {
  const res = await api(cloud, 'POST', '/v1/members', {
    token: staff,
    body: {
      idNumber: nextIdNumber('210902', '001'),
      year: 2020,
      region: '210900',
      scheme: 'resident',
      categories: [{ code: 'registered-poor', validFrom: '2019-01-01' }],
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.member.memberId;
}

/**
 * An eight-day stay billed almost only for its bed (挂床住院): a bed line each day, one blood count on
 * the first (at its price limit). Beds are 400 of 420 yuan (95.2%, the rule's limit 70%) and care is on 1 day of 8.
 */
function ghostBedBill(memberId: string, claimNo: string, month = '06') {
  const days = STAY.map((d) => d.replace('-06-', `-${month}-`));
  return {
    providerCode: HOSPITAL,
    claimNo,
    memberId,
    visit: { type: 'inpatient', serviceDate: days[0], dischargeDate: `2020-${month}-09`, department: '内科' },
    diagnoses: { principal: 'I10.x00', secondary: [] },
    lines: [
      ...days.map((serviceDate, i) =>
        exampleLine(i + 1, 'A', 'bed', 50, 1, { itemCode: 'BED0001', itemName: '普通病房床位费', serviceDate }),
      ),
      exampleLine(9, 'A', 'lab', 20, 1, { itemCode: '250101015', itemName: '血细胞分析', serviceDate: days[0] }),
    ],
  };
}

const audit = (claimNo: string, token: string, provider = HOSPITAL) =>
  api(cloud, 'GET', `/v1/claims/${provider}/${claimNo}/audit`, { token });
const appeal = (claimNo: string, token: string, body: unknown, provider = HOSPITAL) =>
  api(cloud, 'POST', `/v1/claims/${provider}/${claimNo}/appeals`, { token, body });
const scored = (claimNo: string) =>
  eventually(async () => {
    const res = await audit(claimNo, staff);
    return res.status === 200 ? res : undefined;
  }, `the audit result of ${claimNo}`);
const problems = (res: ApiAnswer) =>
  (res.body.error?.details?.problems ?? []).map((p: { field: string; rule: string }) => `${p.field}:${p.rule}`);

describe('a claim’s smart audit, from pre-settlement to the appeal', () => {
  it('pre-settle shows the rules the bill would hit, and stores nothing', async () => {
    const memberId = await member();
    const res = await api(cloud, 'POST', '/v1/claims/pre-settle', { token: hospital, body: ghostBedBill(memberId, 'CA-PRE') });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.statement.totals.billedFen).toBe(42_000);
    expect(res.body.audit).toEqual({
      catalogue: { region: '000000', version: 1 },
      // The knowledge-base layers in force on the stay's dates (none yet in 2020: the rules' own parameters judge).
      knowledge: [],
      score: 40,
      threshold: 60,
      wouldRaise: 'review',
      severity: 'low',
      reason: '若按此结算：得分 40 低于告警阈值 60，按本地区告警策略以“低”级复核条目进入监管队列。',
      hits: [
        {
          ruleId: 'CN-GHOST-01',
          type: 'ghost-bed',
          title: '挂床住院',
          severity: 'high',
          result: 'suspicious',
          weight: 40,
          explanations: [expect.stringContaining('住院 8 天')],
          amountFen: 40_000,
          lines: [1, 2, 3, 4, 5, 6, 7, 8],
        },
      ],
    });
    expect(res.body.audit.hits[0].explanations[0]).toContain('有诊疗记录的天数 1');
    // Nothing stored: no claim, so no audit result either.
    expect((await audit('CA-PRE', staff)).status).toBe(404);
  });

  it('a suspicious-only hit reaches the regulator’s queue; the result is readable by the right roles only; an appeal is recorded', async () => {
    const memberId = await member();
    const settled = await api(cloud, 'POST', '/v1/claims', { token: hospital, body: ghostBedBill(memberId, 'CA-1') });
    expect(settled.status, JSON.stringify(settled.body)).toBe(201);

    // The regulator's queue: a review item (score 40 < 60) at the policy's low severity.
    const item = await eventually(async () => {
      const res = await api(cloud, 'GET', '/v1/alerts?claimNo=CA-1', { token: regulator });
      return res.body.items?.[0];
    }, 'the review item in the regulator’s queue');
    expect(item).toMatchObject({
      kind: 'claim',
      tier: 'review',
      severity: 'low',
      score: 40,
      threshold: 60,
      result: 'suspicious',
      region: '210900',
      providerCode: HOSPITAL,
      status: 'open',
      rules: [{ ruleId: 'CN-GHOST-01', type: 'ghost-bed', result: 'suspicious' }],
    });
    const reviews = await api(cloud, 'GET', `/v1/alerts?tier=review&providerCode=${HOSPITAL}`, { token: regulator });
    expect(reviews.body.items.map((a: { alertId: string }) => a.alertId)).toContain(item.alertId);
    expect((await api(cloud, 'GET', `/v1/alerts?tier=alert&providerCode=${HOSPITAL}`, { token: regulator })).body.items).toEqual([]);

    // The claim's own result, for its provider: the rule, why, the score, the policy's decision, the case.
    const own = await scored('CA-1');
    const forProvider = await audit('CA-1', hospital);
    expect(forProvider.status).toBe(200);
    expect(forProvider.body).toMatchObject({
      claim: { providerCode: HOSPITAL, claimNo: 'CA-1' },
      region: '210900',
      reversed: false,
      catalogue: { region: '000000', version: 1 },
      knowledge: [],
      score: 40,
      threshold: 60,
      result: 'suspicious',
      atStakeFen: 40_000,
      hits: [{ ruleId: 'CN-GHOST-01', weight: 40, findings: 1, explanations: [expect.stringContaining('床位和护理费占 95.2%')] }],
      alerting: { tier: 'review', delivery: 'push', severity: 'low' },
      thresholds: { claimScore: 60, providerScore: 50, explanations: { claimScore: expect.stringContaining('60 分') } },
      case: { alertId: item.alertId, tier: 'review', status: 'open', appeals: [] },
    });
    expect(own.body).toEqual(forProvider.body);
    expect((await audit('CA-1', regulator)).body).toEqual(forProvider.body);

    // Another region's regulator and another provider learn nothing: the same 404 as a claim that does not exist.
    const missing = await audit('CA-NONE', staff);
    expect(missing.status).toBe(404);
    for (const [token, provider] of [
      [otherRegulator, HOSPITAL],
      [otherHospital, HOSPITAL],
    ] as const) {
      const refused = await audit('CA-1', token, provider);
      expect(refused.status).toBe(404);
      expect(refused.body.error.code).toBe(missing.body.error.code);
      expect(refused.body.error.message).toBe(missing.body.error.message.replace('CA-NONE', 'CA-1'));
    }
    expect((await appeal('CA-1', otherHospital, { text: '我院未收治该患者' })).status).toBe(404);

    // The provider appeals: recorded on the case with who, when and the text; the same appeal again records nothing new.
    expect(problems(await appeal('CA-1', hospital, { text: '  ' }))).toEqual(['body.text:too_small']);
    expect((await appeal('CA-1', regulator, { text: '不适用' })).status).toBe(403);
    const text = '患者高龄，住院期间每日监测血压并口服降压药（自备药，未计费），护理记录可证；非挂床。';
    const first = await appeal('CA-1', hospital, { text });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.appeal).toMatchObject({ alertId: item.alertId, by: 'his-31', text, caseStatus: 'open' });
    const again = await appeal('CA-1', hospital, { text });
    expect(again.status).toBe(200);
    expect(again.headers.get('x-idempotent-replay')).toBe('true');
    expect(again.body.appeal).toEqual(first.body.appeal);

    // The regulator sees it on the case, and the case counts it.
    const detail = await api(cloud, 'GET', `/v1/alerts/${item.alertId}`, { token: regulator });
    expect(detail.body).toMatchObject({ appealCount: 1, lastAppealAt: first.body.appeal.at });
    expect(detail.body.appeals).toEqual([
      {
        appealId: first.body.appeal.appealId,
        alertId: item.alertId,
        providerCode: HOSPITAL,
        claimNo: 'CA-1',
        by: 'his-31',
        at: first.body.appeal.at,
        text,
        caseStatus: 'open',
      },
    ]);
    expect((await audit('CA-1', hospital)).body.case.appeals).toEqual([
      { appealId: first.body.appeal.appealId, by: 'his-31', at: first.body.appeal.at, text, caseStatus: 'open' },
    ]);
  });

  it('a claim that hit nothing has no case to appeal', async () => {
    const memberId = await member();
    const clean = {
      providerCode: HOSPITAL,
      claimNo: 'CA-2',
      memberId,
      visit: { type: 'outpatient', serviceDate: '2020-07-01' },
      diagnoses: { principal: 'J06.900' },
      lines: [exampleLine(1, 'A', 'drug', 20, 1, { supplyDays: 3 })],
    };
    const pre = await api(cloud, 'POST', '/v1/claims/pre-settle', { token: hospital, body: clean });
    expect(pre.body.audit).toMatchObject({
      score: 0,
      wouldRaise: null,
      severity: null,
      hits: [],
      reason: '若按此结算：未命中任何审核规则。',
    });
    expect((await api(cloud, 'POST', '/v1/claims', { token: hospital, body: clean })).status).toBe(201);
    const result = await scored('CA-2');
    expect(result.body).toMatchObject({ score: 0, hits: [], alerting: { reason: '未命中任何审核规则。' } });
    expect(result.body.case).toBeUndefined();
    const refused = await appeal('CA-2', hospital, { text: '无' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toMatchObject({ rule: 'no_case', score: 0 });
  });

  it('a region whose alert policy keeps review items for the daily digest: in the inbox and the day’s digest, not pushed one by one', async () => {
    // Fuxin publishes its own library from September 2020: the baseline's rules, review items for the digest.
    const baseline = JSON.parse(readFileSync('policies/fraud-rules/000000/v1.json', 'utf8')) as Record<string, any>;
    const fuxin = {
      ...baseline,
      region: '210900',
      regionName: '阜新市',
      fallback: false,
      version: 1,
      effectiveFrom: '2020-09-01',
      alerting: { ...baseline.alerting, belowThreshold: { delivery: 'digest', minScore: 1, severity: 'low' } },
      rules: baseline.rules.map((r: { id: string }) => ({ ...r, id: r.id.replace(/^CN-/, 'FX-') })),
    };
    const published = await api(cloud, 'POST', '/v1/policies', { token: staff, body: fuxin });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    const publishedAt = Date.now();

    const memberId = await member();
    // Each function trusts its list of a region's versions for a few seconds (shared/policy/store/registry.ts).
    const pre = await eventually(async () => {
      const res = await api(cloud, 'POST', '/v1/claims/pre-settle', { token: hospital, body: ghostBedBill(memberId, 'CA-3', '09') });
      return res.body.audit?.catalogue.region === '210900' ? res : undefined;
    }, 'the published library in force');
    await sleep(Math.max(0, publishedAt + DEFAULT_TTL_MS + 100 - Date.now()));
    expect(pre.body.audit).toMatchObject({
      catalogue: { region: '210900', version: 1 },
      wouldRaise: 'review',
      reason: '若按此结算：得分 40 低于告警阈值 60，按本地区告警策略以“低”级复核条目汇入当日汇总。',
      hits: [{ ruleId: 'FX-GHOST-01' }],
    });
    expect((await api(cloud, 'POST', '/v1/claims', { token: hospital, body: ghostBedBill(memberId, 'CA-3', '09') })).status).toBe(201);
    const result = await scored('CA-3');
    expect(result.body).toMatchObject({ score: 40, alerting: { tier: 'review', delivery: 'digest', severity: 'low' } });
    expect(result.body.case).toMatchObject({ tier: 'review', status: 'open' });

    // In the inbox, marked for the digest; never published on its own (no FraudAlertRaised for it).
    const [item] = (await api(cloud, 'GET', '/v1/alerts?claimNo=CA-3', { token: regulator })).body.items;
    expect(item).toMatchObject({ tier: 'review', digest: true, severity: 'low', alertId: result.body.case.alertId });
    await eventually(() => events.find((e) => e.type === 'ClaimSettled' && e.claimNo === 'CA-3'), 'CA-3 settled on the bus');
    expect(events.filter((e) => e.type === 'FraudAlertRaised' && e.claimNo === 'CA-3')).toEqual([]);
    // CA-1's review item, by contrast, was pushed.
    expect(events.filter((e) => e.type === 'FraudAlertRaised' && e.claimNo === 'CA-1')).toHaveLength(1);

    // The day's digest (the agency's day the items were raised): CA-1 pushed, CA-3 kept for it.
    const today = agencyDate(new Date(item.raisedAt));
    const digest = await api(cloud, 'GET', `/v1/alerts/digests/${today}`, { token: regulator });
    expect(digest.status, JSON.stringify(digest.body)).toBe(200);
    expect(digest.body).toMatchObject({
      region: '210900',
      date: today,
      timeZone: 'Asia/Shanghai',
      reviewItems: 2,
      digestOnly: 1,
      atStakeFen: 80_000,
      byRuleType: [{ type: 'ghost-bed', title: '挂床住院', items: 2, amountFen: 80_000 }],
      byProvider: [{ providerCode: HOSPITAL, items: 2, atStakeFen: 80_000 }],
    });
    expect(digest.body.items.map((i: { claimNo: string; digestOnly: boolean }) => [i.claimNo, i.digestOnly])).toEqual([
      ['CA-1', false],
      ['CA-3', true],
    ]);
    // Another region's digest of the same day holds none of them; a day before any item is empty; a bad date is a 400.
    expect((await api(cloud, 'GET', `/v1/alerts/digests/${today}`, { token: otherRegulator })).body).toMatchObject({
      reviewItems: 0,
      items: [],
    });
    expect((await api(cloud, 'GET', '/v1/alerts/digests/2020-01-01', { token: regulator })).body.reviewItems).toBe(0);
    expect(problems(await api(cloud, 'GET', '/v1/alerts/digests/2020-13-01', { token: regulator }))).toEqual(['path.date:invalid_format']);
    expect((await api(cloud, 'GET', `/v1/alerts/digests/${today}`, { token: hospital })).status).toBe(403);
  });
});
