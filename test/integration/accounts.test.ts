/**
 * Personal accounts (个人账户) on the local cloud, through the HTTP front, the bus and the queues:
 * credited monthly from the employers' EmployeeContributionPaid facts (once per event id), a
 * retiree's monthly credit from the schedule, paying a claim's patient share at settlement (the
 * in-catalogue part, by the test policy), paying a bound family member's self-pay (家庭共济),
 * refused beyond the balance, restored by a reversal, moved with its member, and concurrent payments
 * that never overdraw it.
 *
 * The account terms are those of an employee benefit policy for Zhoushan 2025 this file publishes
 * (the 2025 resident document's benefits, scheme employee, with a `personalAccount` section), so the
 * figures here are the test's own: in-service 100% of the individual contribution, retirees 90 yuan a
 * month, family use for spouse, parent and child, the in-catalogue part of the patient share payable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { BUS_NAME } from '../../infra/topology.ts';
import { creditCodeCheckCharacter } from '../../shared/employers/credit-code.ts';
import { lastDayOf } from '../../shared/employers/months.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import zhoushan2025 from '../../policies/benefits/330900/2025-resident.json' with { type: 'json' };
import { api, onAuditEvent, registerProvider, eventually, startTestCloud, type ApiAnswer } from '../support/local-cloud.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

let cloud: LocalCloud;
let bus: EventBridgeClient;
let staff: string; // accounts:write
let clerk: string; // staff without accounts:write
let clinic: string;
const events: { 'detail-type': string; detail: Record<string, any> }[] = [];

const CLINIC = 'H33090200077';
const YEAR = 2025;

/** The test's employee policy for Zhoushan 2025: the resident document's benefits with account terms. */
const employeePolicy = {
  ...zhoushan2025,
  id: 'zhoushan-employee-accounts-test',
  title: '舟山市职工基本医疗保险 (test: personal-account terms)',
  scheme: 'employee',
  version: 90,
  personalAccount: {
    inService: {
      rule: 'individual-contribution',
      share: '100%',
      basis: { illustrative: 'The reform credits the whole individual contribution (test).' },
    },
    flexible: { rule: 'none', basis: { illustrative: 'Flexible workers credited nothing (test).' } },
    retirees: { monthly: 90, basis: { illustrative: '90 yuan a month (test).' } },
    familyUse: {
      relations: ['spouse', 'parent', 'child'],
      uses: ['self-pay', 'resident-contribution'],
      basis: { illustrative: '国办发〔2021〕14号: spouse, parents, children (test).' },
    },
    settlement: { payable: 'in-catalogue', basis: { illustrative: 'Out-of-catalogue items stay cash (test).' } },
  },
};

beforeAll(async () => {
  cloud = await startTestCloud();
  onAuditEvent(cloud, (body) => events.push(JSON.parse(body)));
  bus = new EventBridgeClient({ endpoint: cloud.endpoints.eventbridge, region: cloud.region, credentials: cloud.credentials });
  staff = await cloud.mint({ sub: 'clerk-accounts', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
  clerk = await cloud.mint({ sub: 'clerk-plain', role: 'staff', permissions: [] });
  await registerProvider(cloud, staff, {
    providerCode: CLINIC,
    name: '舟山市某社区卫生服务中心',
    level: 'primary',
    region: '330902',
    kind: 'township-centre',
  });
  clinic = await cloud.mint({ sub: 'his-clinic', role: 'provider', providerCode: CLINIC });
  const published = await api(cloud, 'POST', '/v1/policies', { token: staff, body: employeePolicy });
  expect(published.status, JSON.stringify(published.body)).toBe(201);
});
afterAll(async () => {
  bus?.destroy();
  await cloud?.stop();
});

// ---- members and helpers ------------------------------------------------------------------

const nextIdNumber = idNumbers(Date.UTC(1960, 0, 1));
const idNumber = (): string => nextIdNumber('330902', '001');

/** An employee of Zhoushan 2025, covered (the activation threshold paid), with an open account unless asked not to. */
async function employee(options: { account?: boolean } = {}): Promise<string> {
  const res = await api(cloud, 'POST', '/v1/members', {
    token: staff,
    body: {
      idNumber: idNumber(),
      year: YEAR,
      region: '330900',
      scheme: 'employee',
      employeeKind: 'employer',
      employerCode: '91330900MA2A',
      monthlyBaseFen: 600_000,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const memberId = res.body.member.memberId as string;
  const paid = await api(cloud, 'POST', `/v1/members/${memberId}/contributions`, {
    token: staff,
    body: {
      contributionId: `EMP-${memberId}`,
      year: YEAR,
      amountFen: res.body.enrolment.contribution.activationThresholdFen,
      paidOn: '2025-01-15',
      channel: 'employer',
    },
  });
  expect(paid.status, JSON.stringify(paid.body)).toBe(201);
  if (options.account !== false) {
    const opened = await api(cloud, 'PUT', `/v1/accounts/${memberId}`, { token: staff, body: { region: '330900', status: 'in-service' } });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  }
  return memberId;
}

/** A fully subsidised (低保) resident of Zhoushan 2025: covered from 1 January. */
async function resident(): Promise<string> {
  const res = await api(cloud, 'POST', '/v1/members', {
    token: staff,
    body: {
      idNumber: idNumber(),
      year: YEAR,
      region: '330900',
      scheme: 'resident',
      categories: [{ code: 'dibao', validFrom: '2024-01-01' }],
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.member.memberId as string;
}

/** Puts an employers' fact on the bus as enrolment would (the employers engineer's contract). */
async function putEvent(detailType: string, detail: Record<string, unknown>, eventId: string): Promise<void> {
  const out = await bus.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: BUS_NAME,
          Source: 'yibao.enrolment',
          DetailType: detailType,
          Detail: JSON.stringify({ ...detail, eventId, meta: { schemaVersion: 1, correlationId: `corr-${eventId.replaceAll('/', '-')}` } }),
        },
      ],
    }),
  );
  expect(out.FailedEntryCount).toBe(0);
}

const paidMonth = (memberId: string, month: string, individualFen = 12_000) =>
  putEvent(
    'EmployeeContributionPaid',
    {
      memberId,
      region: '330900',
      month,
      wageBaseFen: 600_000,
      declaredWageFen: 600_000,
      employerFen: 36_000,
      individualFen,
      kind: 'monthly',
      employmentStatus: 'in-service',
      employerCode: '91330900MA2AXXXX1X',
      paidOn: `${month}-15`,
      enrolmentId: `${memberId}-2025-01`,
      policyVersion: 1,
    },
    `employee-contribution/${memberId}/${month}/EmployeeContributionPaid`,
  );

const account = async (memberId: string) => (await api(cloud, 'GET', `/v1/accounts/${memberId}`, { token: staff })).body.account;
const balance = async (memberId: string): Promise<number | undefined> => (await account(memberId))?.balanceFen;
const entries = async (memberId: string) =>
  (await api(cloud, 'GET', `/v1/accounts/${memberId}/entries?limit=100`, { token: staff })).body.entries as any[];

async function credit(memberId: string, amountFen: number, reference: string): Promise<ApiAnswer> {
  return api(cloud, 'POST', `/v1/accounts/${memberId}/adjustments`, {
    token: staff,
    body: { reference, amountFen, reason: 'test credit' },
  });
}

async function bind(holder: string, member: string, relation: 'spouse' | 'parent' | 'child') {
  const res = await api(cloud, 'PUT', `/v1/accounts/${holder}/family/${member}`, {
    token: staff,
    body: { relation, validFrom: '2025-01-01', evidence: '户口簿 page 2' },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

/** An outpatient bill at the primary clinic: one 甲 drug line of `yuan`, and a 丙 (out-of-catalogue) line of `selfPayYuan`. */
function bill(memberId: string, claimNo: string, yuan: number, selfPayYuan = 0, payment?: Record<string, unknown>) {
  return {
    providerCode: CLINIC,
    claimNo,
    memberId,
    visit: { type: 'outpatient', serviceDate: '2025-06-10' },
    diagnoses: { principal: 'J06.900' },
    lines: [exampleLine(1, 'A', 'drug', yuan), ...(selfPayYuan > 0 ? [exampleLine(2, 'C', 'drug', selfPayYuan)] : [])],
    ...(payment ? { payment } : {}),
  };
}
const settle = (b: unknown) => api(cloud, 'POST', '/v1/claims', { token: clinic, body: b });
async function settleRetrying(b: unknown): Promise<ApiAnswer> {
  for (let i = 0; ; i++) {
    const res = await settle(b);
    if (res.status !== 503 || i === 5) return res;
  }
}
const problems = (res: ApiAnswer) =>
  (res.body.error?.details?.problems ?? []).map((p: { field: string; rule: string }) => `${p.field}:${p.rule}`);

// ---- tests -----------------------------------------------------------------------------------

describe('monthly credits', () => {
  it("credits each paid month's individual contribution once, opening the account with the first", async () => {
    const e = await employee({ account: false });
    expect((await api(cloud, 'GET', `/v1/accounts/${e}`, { token: staff })).status).toBe(404);
    await paidMonth(e, '2025-01');
    await paidMonth(e, '2025-02');
    await paidMonth(e, '2025-01'); // the same fact again (a relay or replay): credited once
    await paidMonth(e, '2025-03', 12_345);
    await eventually(async () => ((await balance(e)) === 36_345 ? true : undefined), 'three months credited');
    const ledger = await entries(e);
    expect(ledger.map((x) => [x.kind, x.month, x.amountFen])).toEqual(
      expect.arrayContaining([
        ['contribution-credit', '2025-01', 12_000],
        ['contribution-credit', '2025-02', 12_000],
        ['contribution-credit', '2025-03', 12_345],
      ]),
    );
    expect(ledger).toHaveLength(3);
    // Newest first, each with the balance after it (the queue may deliver the months in any order): a running sum ending at 36,345.
    const ordered = [...ledger].reverse();
    ordered.reduce((running, x) => {
      expect(x.balanceAfterFen).toBe(running + x.amountFen);
      return x.balanceAfterFen;
    }, 0);
    expect(ledger[0].balanceAfterFen).toBe(36_345);
    expect(ledger.map((x) => x.seq)).toEqual([3, 2, 1]);
    expect(await account(e)).toMatchObject({ region: '330900', status: 'in-service', version: 3 });
    const posted = await eventually(
      () =>
        events.filter((x) => x['detail-type'] === 'PersonalAccountEntryPosted' && x.detail.memberId === e).length === 3 ? true : undefined,
      'three PersonalAccountEntryPosted events',
    );
    expect(posted).toBe(true);
    expect(JSON.stringify(events.filter((x) => x.detail.memberId === e))).not.toMatch(/\d{17}[\dX]/);
  });

  it('credits the months an employer pays through the contributions API (EmployeeContributionPaid), a back-payment too, and a retirement from employment status', async () => {
    const clerk = await cloud.mint({ sub: 'clerk-contributions', role: 'staff', permissions: ['contributions:write'] });
    const first17 = '91330902MA0000042';
    const employerCode = first17 + creditCodeCheckCharacter(first17);
    const registered = await api(cloud, 'POST', '/v1/employers', {
      token: clerk,
      body: { creditCode: employerCode, name: '舟山示例船舶有限公司', region: '330900', validFrom: '2024-01-01' },
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const e = await employee({ account: false });
    const employed = await api(cloud, 'POST', `/v1/members/${e}/employment`, {
      token: clerk,
      body: { status: 'in-service', employerCode, validFrom: '2025-01-01' },
    });
    expect(employed.status, JSON.stringify(employed.body)).toBe(201);
    // January and February on time; March paid late (a back-payment): 2% of an 8,000-yuan wage each, 160 yuan.
    for (const [month, paidOn] of [
      ['2025-01', lastDayOf('2025-01')],
      ['2025-02', lastDayOf('2025-02')],
      ['2025-03', '2025-08-15'],
    ] as const) {
      const paid = await api(cloud, 'POST', `/v1/members/${e}/employee-contributions`, {
        token: clerk,
        body: { month, employerCode, declaredWageFen: 800_000, paidOn, channel: 'employer' },
      });
      expect(paid.status, JSON.stringify(paid.body)).toBe(201);
      expect(paid.body.contribution.individualFen).toBe(16_000);
    }
    await eventually(async () => ((await balance(e)) === 48_000 ? true : undefined), 'three months of 16,000 fen credited');
    expect((await entries(e)).map((x) => x.month).sort()).toEqual(['2025-01', '2025-02', '2025-03']);
    expect(await account(e)).toMatchObject({ status: 'in-service', region: '330900' });
    // Retired from 1 September (EmploymentRecorded): from then the pooled fund credits the month's fixed amount.
    const retired = await api(cloud, 'POST', `/v1/members/${e}/employment`, {
      token: clerk,
      body: { status: 'retired', validFrom: '2025-09-01', contributionYears: 34 },
    });
    expect(retired.status, JSON.stringify(retired.body)).toBe(201);
    await eventually(async () => ((await account(e))?.status === 'retired' ? true : undefined), 'the account following the retirement');
    const october = await cloud.scheduler.fire('retireeAccountCredits', new Date('2025-09-30T19:00:00Z'));
    expect(october.ok, october.error).toBe(true);
    expect(await balance(e)).toBe(48_000 + 9_000);
    expect((await entries(e)).slice(0, 2).map((x) => [x.kind, x.month ?? null])).toEqual([
      ['retiree-credit', '2025-10'],
      ['status-change', null],
    ]);
  });

  it("credits a retiree's account from the pooled fund on the 1st of each month, once per month", async () => {
    const r = await employee({ account: false });
    await putEvent(
      'EmploymentRecorded',
      { memberId: r, region: '330900', status: 'retired', validFrom: '2025-05-01' },
      `employment/${r}/2025-05-01/EmploymentRecorded`,
    );
    await eventually(async () => ((await account(r))?.status === 'retired' ? true : undefined), 'the retiree account opened');
    // 03:00 on 1 June 2025 in Shanghai.
    const first = await cloud.scheduler.fire('retireeAccountCredits', new Date('2025-05-31T19:00:00Z'));
    expect(first.ok, first.error).toBe(true);
    expect(await balance(r)).toBe(9_000);
    const again = await cloud.scheduler.fire('retireeAccountCredits', new Date('2025-05-31T19:00:00Z'));
    expect(again.ok).toBe(true);
    expect(await balance(r)).toBe(9_000);
    await cloud.scheduler.fire('retireeAccountCredits', new Date('2025-06-30T19:00:00Z'));
    expect(await balance(r)).toBe(18_000);
    expect((await entries(r)).filter((x) => x.kind === 'retiree-credit').map((x) => x.month)).toEqual(['2025-07', '2025-06']);
  });
});

describe('the settlement payment channel', () => {
  it("pays a claim's in-catalogue patient share, shows it on the statement and in ClaimSettled, and a reversal gives it back", async () => {
    const e = await employee();
    expect((await credit(e, 50_000, 'open-50000')).status).toBe(201);
    const pre = await api(cloud, 'POST', '/v1/claims/pre-settle', {
      token: clinic,
      body: bill(e, 'PA-1', 200, 30, { personalAccount: {} }),
    });
    expect(pre.status, JSON.stringify(pre.body)).toBe(200);
    const res = await settle(bill(e, 'PA-1', 200, 30, { personalAccount: {} }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const s = res.body.statement;
    // 丙 30 yuan stays cash; the account pays the rest of the patient's share.
    expect(s.totals.outOfCatalogueFen).toBe(3_000);
    const inCatalogue = s.totals.patientPaidFen - 3_000;
    expect(inCatalogue).toBeGreaterThan(0);
    expect(s.payment).toMatchObject({
      personalAccountFen: inCatalogue,
      cashFen: 3_000,
      payableFen: inCatalogue,
      accountHolderMemberId: e,
      balanceAfterFen: 50_000 - inCatalogue,
    });
    expect(s.payment.personalAccountFen + s.payment.cashFen).toBe(s.totals.patientPaidFen);
    expect(pre.body.statement.payment).toMatchObject({ personalAccountFen: inCatalogue, cashFen: 3_000 });
    expect(await balance(e)).toBe(50_000 - inCatalogue);
    const [payment] = await entries(e);
    expect(payment).toMatchObject({
      kind: 'claim-payment',
      amountFen: -inCatalogue,
      claim: { providerCode: CLINIC, claimNo: 'PA-1', settlementNo: 1 },
    });
    const settled = await eventually(
      () => events.find((x) => x['detail-type'] === 'ClaimSettled' && x.detail.claim.claimNo === 'PA-1'),
      'ClaimSettled of PA-1',
    );
    expect(settled.detail.payment).toEqual({ personalAccountFen: inCatalogue, cashFen: 3_000, accountHolderMemberId: e });
    // The claim's own ledger says it too.
    const claim = await api(cloud, 'GET', `/v1/claims/${CLINIC}/PA-1`, { token: clinic });
    expect(claim.body.ledger[0].amounts.personalAccountFen).toBe(inCatalogue);

    const reversed = await api(cloud, 'POST', `/v1/claims/${CLINIC}/PA-1/reversal`, { token: clinic, body: { reason: '退费' } });
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(200);
    expect(await balance(e)).toBe(50_000);
    const [refund] = await entries(e);
    expect(refund).toMatchObject({ kind: 'claim-refund', amountFen: inCatalogue, balanceAfterFen: 50_000 });
    const reversedEvent = await eventually(
      () => events.find((x) => x['detail-type'] === 'ClaimReversed' && x.detail.claim.claimNo === 'PA-1'),
      'ClaimReversed of PA-1',
    );
    expect(reversedEvent.detail.payment).toEqual({ personalAccountFen: inCatalogue, accountHolderMemberId: e });
    // Settled again after the reversal: paid again, once.
    const again = await settle({ ...bill(e, 'PA-1', 200, 30, { personalAccount: {} }), resettlementOf: 1 });
    expect(again.status).toBe(201);
    expect(await balance(e)).toBe(50_000 - inCatalogue);
  });

  it('pays no more than the balance (the rest is cash) or the maximum the HIS asks', async () => {
    const e = await employee();
    expect((await credit(e, 1_000, 'open-1000')).status).toBe(201);
    const res = await settle(bill(e, 'PA-2', 300, 0, { personalAccount: {} }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const p = res.body.statement.payment;
    expect(res.body.statement.totals.patientPaidFen).toBeGreaterThan(1_000);
    expect(p).toMatchObject({ personalAccountFen: 1_000, balanceAfterFen: 0, cashFen: res.body.statement.totals.patientPaidFen - 1_000 });
    expect(await balance(e)).toBe(0);
    expect((await credit(e, 5_000, 'more-5000')).status).toBe(201);
    const capped = await settle(bill(e, 'PA-3', 300, 0, { personalAccount: { maxFen: 700 } }));
    expect(capped.body.statement.payment).toMatchObject({ personalAccountFen: 700, balanceAfterFen: 4_300 });
    // Without the field, the account is not touched.
    const cash = await settle(bill(e, 'PA-4', 300));
    expect(cash.body.statement.payment).toBeUndefined();
    expect(await balance(e)).toBe(4_300);
  });

  it("pays a bound family member's self-pay (家庭共济), and refuses one who is not bound", async () => {
    const holder = await employee();
    const spouse = await resident();
    const stranger = await resident();
    expect((await credit(holder, 20_000, 'open-20000')).status).toBe(201);
    const unbound = await settle(bill(stranger, 'FAM-0', 100, 0, { personalAccount: { holderMemberId: holder } }));
    expect(unbound.status).toBe(400);
    expect(problems(unbound)).toEqual(['body.payment.personalAccount.holderMemberId:not_bound']);
    expect((await api(cloud, 'GET', `/v1/claims/${CLINIC}/FAM-0`, { token: clinic })).status).toBe(404);

    await bind(holder, spouse, 'spouse');
    const res = await settle(bill(spouse, 'FAM-1', 100, 0, { personalAccount: { holderMemberId: holder } }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const p = res.body.statement.payment;
    expect(p).toMatchObject({
      accountHolderMemberId: holder,
      relation: 'spouse',
      personalAccountFen: res.body.statement.totals.patientPaidFen,
      cashFen: 0,
    });
    // The holder's balance is not shown on a family member's statement.
    expect(p.balanceAfterFen).toBeUndefined();
    expect(await balance(holder)).toBe(20_000 - p.personalAccountFen);
    const [entry] = await entries(holder);
    expect(entry).toMatchObject({ kind: 'claim-payment', beneficiary: { memberId: spouse, relation: 'spouse' } });
    const family = await api(cloud, 'GET', `/v1/accounts/${holder}/family`, { token: staff });
    expect(family.body.family).toEqual([expect.objectContaining({ memberId: spouse, relation: 'spouse', evidence: '户口簿 page 2' })]);
    // A resident has no account of their own to pay from.
    const none = await settle(bill(spouse, 'FAM-2', 100, 0, { personalAccount: {} }));
    expect(problems(none)).toEqual(['body.payment.personalAccount:no_account']);
  });

  it('never overdraws the account under concurrent payments from several family members', async () => {
    const holder = await employee();
    const children = await Promise.all([resident(), resident(), resident(), resident()]);
    for (const child of children) await bind(holder, child, 'child');
    expect((await credit(holder, 10_000, 'open-10000')).status).toBe(201);
    const bills = children.flatMap((child, i) =>
      [0, 1].map((j) => bill(child, `CC-${i}-${j}`, 400, 0, { personalAccount: { holderMemberId: holder } })),
    );
    const answers = await Promise.all(bills.map((b) => settleRetrying(b)));
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(201);
    const paid = answers.map((a) => a.body.statement.payment.personalAccountFen as number);
    const shares = answers.map((a) => a.body.statement.totals.patientPaidFen as number);
    const finalBalance = (await balance(holder))!;
    expect(finalBalance).toBeGreaterThanOrEqual(0);
    // Every fen the account paid is in a statement, and none twice: 10,000 = Σ paid + what is left.
    expect(paid.reduce((a, b) => a + b, 0) + finalBalance).toBe(10_000);
    // The shares are more than the balance: the account ran dry, and the claims paid after it paid cash.
    expect(shares.reduce((a, b) => a + b, 0)).toBeGreaterThan(10_000);
    expect(finalBalance).toBe(0);
    const ledger = await entries(holder);
    expect(ledger.filter((x) => x.kind === 'claim-payment').reduce((a, x) => a + x.amountFen, 0)).toBe(-10_000);
    // The ledger's running balance is consistent entry by entry.
    const ordered = [...ledger].reverse();
    let running = 0;
    for (const x of ordered) {
      running += x.amountFen;
      expect(x.balanceAfterFen).toBe(running);
      expect(running).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('family mutual use (家庭共济) of resident contributions', () => {
  it("pays a bound child's resident contribution in one transaction with the enrolment, refused beyond the balance", async () => {
    const holder = await employee();
    // A Zhoushan 2025 resident who pays the individual share (400 yuan): pending until paid.
    const enrolled = await api(cloud, 'POST', '/v1/members', {
      token: staff,
      body: { idNumber: idNumber(), year: YEAR, region: '330900', scheme: 'resident' },
    });
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
    const child = enrolled.body.member.memberId as string;
    expect(enrolled.body.enrolment).toMatchObject({ status: 'pending-contribution', contribution: { due: { individualFen: 40_000 } } });
    const pay = (amountFen: number, reference: string) =>
      api(cloud, 'POST', `/v1/accounts/${holder}/family-contributions`, {
        token: staff,
        body: { reference, beneficiaryMemberId: child, year: YEAR, amountFen },
      });
    expect(problems(await pay(40_000, 'FC-0'))).toEqual(['body.beneficiaryMemberId:not_bound']);
    await bind(holder, child, 'child');
    expect((await credit(holder, 30_000, 'open')).status).toBe(201);
    const beyond = await pay(40_000, 'FC-1');
    expect(beyond.status).toBe(409);
    expect(problems(beyond)).toEqual(['body.amountFen:insufficient_balance']);
    // Refused whole: neither the account nor the enrolment moved.
    expect(await balance(holder)).toBe(30_000);
    expect((await api(cloud, 'GET', `/v1/members/${child}`, { token: staff })).body.enrolments[0].status).toBe('pending-contribution');

    expect((await credit(holder, 15_000, 'more')).status).toBe(201);
    const paid = await pay(40_000, 'FC-2');
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    expect(paid.body).toMatchObject({ outcome: 'posted', balanceFen: 5_000, enrolmentStatus: 'active' });
    expect(paid.body.entry).toMatchObject({
      kind: 'family-contribution',
      amountFen: -40_000,
      beneficiary: { memberId: child, relation: 'child' },
    });
    const record = await api(cloud, 'GET', `/v1/members/${child}`, { token: staff });
    expect(record.body.enrolments[0].status).toBe('active');
    const again = await pay(40_000, 'FC-2');
    expect(again.status).toBe(200);
    expect(await balance(holder)).toBe(5_000);
    const recorded = await eventually(
      () => events.find((x) => x['detail-type'] === 'ContributionRecorded' && x.detail.memberId === child),
      'ContributionRecorded of the child',
    );
    expect(recorded.detail).toMatchObject({ channel: 'personal-account', contributionId: 'PA.FC-2', amountFen: 40_000, activated: true });
  });
});

describe('staff changes', () => {
  it('refuses a correction beyond the balance, whole, also when corrections race', async () => {
    const e = await employee();
    expect((await credit(e, 10_000, 'open')).status).toBe(201);
    const beyond = await credit(e, -10_001, 'too-much');
    expect(beyond.status).toBe(409);
    expect(problems(beyond)).toEqual(['body.amountFen:insufficient_balance']);
    expect(beyond.body.error.details.balanceFen).toBe(10_000);
    const racing = await Promise.all(Array.from({ length: 6 }, (_, i) => credit(e, -3_000, `race-${i}`)));
    expect(racing.filter((r) => r.status === 201)).toHaveLength(3);
    expect(racing.filter((r) => r.status === 409)).toHaveLength(3);
    expect(await balance(e)).toBe(1_000);
    // The same reference again changes nothing.
    const replay = await credit(e, 10_000, 'open');
    expect(replay.status).toBe(200);
    expect(replay.headers.get('x-idempotent-replay')).toBe('true');
    expect(await balance(e)).toBe(1_000);
  });

  it('needs accounts:write to change an account; a provider sees only the balance', async () => {
    const e = await employee();
    const denied = await api(cloud, 'POST', `/v1/accounts/${e}/adjustments`, {
      token: clerk,
      body: { reference: 'x', amountFen: 100, reason: 'r' },
    });
    expect(denied.status).toBe(403);
    expect((await credit(e, 2_500, 'open')).status).toBe(201);
    const seen = await api(cloud, 'GET', `/v1/accounts/${e}`, { token: clinic });
    expect(seen.body).toEqual({ account: { memberId: e, balanceFen: 2_500, closed: false } });
    expect((await api(cloud, 'GET', `/v1/accounts/${e}/entries`, { token: clinic })).status).toBe(403);
    const bad = await api(cloud, 'POST', `/v1/accounts/${e}/adjustments`, {
      token: staff,
      body: { reference: 'y', amountFen: 1.5, reason: 'r' },
    });
    expect(bad.status).toBe(400);
    expect(problems(bad)).toEqual(['body.amountFen:invalid_type']);
  });

  it('moves the account with its member to another region, keeping the balance, and pays it out to an agency outside', async () => {
    const e = await employee();
    expect((await credit(e, 7_000, 'open')).status).toBe(201);
    const moved = await api(cloud, 'POST', `/v1/accounts/${e}/transfers`, {
      token: staff,
      body: { reference: 'T-1', toRegion: '532500', transferDate: '2025-09-01' },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(201);
    expect(moved.body.account).toMatchObject({ region: '532500', balanceFen: 7_000 });
    expect(moved.body.entry).toMatchObject({
      kind: 'transfer',
      amountFen: 0,
      transfer: { fromRegion: '330900', toRegion: '532500', external: false },
    });
    const out = await api(cloud, 'POST', `/v1/accounts/${e}/transfers`, {
      token: staff,
      body: { reference: 'T-2', toRegion: '110100', transferDate: '2025-10-01', external: true },
    });
    expect(out.status, JSON.stringify(out.body)).toBe(201);
    expect(out.body.account).toMatchObject({ balanceFen: 0, closed: { reason: 'transferred to 110100' } });
    expect(out.body.entry).toMatchObject({ amountFen: -7_000, balanceAfterFen: 0 });
    // A closed account takes no further credit.
    expect((await credit(e, 100, 'after')).status).toBe(409);
  });
});
