/**
 * One-stop settlement on the local cloud, through the HTTP front, the JWT authorizer and the real
 * handlers: members are enrolled through enrolment's API, providers registered through the admin
 * function's POST /v1/providers, policies are the shipped documents the local cloud seeds. Worked
 * figures are those of test/unit/settlement-engine.test.ts (Fuxin 2020).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { localName } from '../../infra/topology.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { deliver, relayOutbox, type OutboxEntry } from '../../shared/events/outbox.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { loadShippedPolicies } from '../../shared/policy/benefits.ts';
import type { Statement } from '../../shared/settlement/statement.ts';
import { allConsumersDone, waitingInOutbox } from '../support/outbox.ts';
import {
  api,
  onAuditEvent,
  registerProvider,
  eventually,
  startTestCloud,
  whileTheBusRefuses,
  type ApiAnswer,
} from '../support/local-cloud.ts';

const y = (yuan: number) => Math.round(yuan * 100);

let cloud: LocalCloud;
let db: DynamoDBDocumentClient;
let staff: string;
let hospital: string; // 阜新 secondary hospital
let clinic: string; // 阜新 township health centre
/** Every event the audit consumer was handed (every yibao event passes there). */
const events: { 'detail-type': string; detail: Record<string, any> }[] = [];
const rawEvents: string[] = [];

const HOSPITAL = 'H21090200001';
const CLINIC = 'H21092100007';

beforeAll(async () => {
  cloud = await startTestCloud();
  onAuditEvent(cloud, (body) => {
    rawEvents.push(body);
    events.push(JSON.parse(body));
  });
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.region, credentials: cloud.credentials }),
  );
  staff = await cloud.mint({ sub: 'clerk-1', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
  // The provider register (定点医药机构): settlement takes level and region from it, never from the bill.
  for (const [providerCode, level, region, name, kind] of [
    [HOSPITAL, 'secondary', '210902', '阜新市第二人民医院', 'hospital'],
    [CLINIC, 'primary', '210921', '阜蒙县某乡镇卫生院', 'township-centre'],
  ] as const) {
    await registerProvider(cloud, staff, { providerCode, name, level, region, kind });
  }
  hospital = await cloud.mint({ sub: 'his-hospital', role: 'provider', providerCode: HOSPITAL });
  clinic = await cloud.mint({ sub: 'his-clinic', role: 'provider', providerCode: CLINIC });
});
afterAll(async () => {
  db?.destroy();
  await cloud?.stop();
});

// ---- members, bills, reads -----------------------------------------------------------------

const nextIdNumber = idNumbers(Date.UTC(1950, 0, 1));
/** A fresh valid ID number from Fuxin (210902), a day younger than the last. */
const idNumber = (sex: 'M' | 'F'): string => nextIdNumber('210902', sex === 'M' ? '001' : '002');

/** Enrols a Fuxin 2020 resident in a fully subsidised category (covered from 1 January). */
async function poorMember(
  category: 'registered-poor' | 'tekun' | 'dibao',
  sex: 'M' | 'F' = 'F',
): Promise<{ memberId: string; idNumber: string }> {
  const id = idNumber(sex);
  const res = await api(cloud, 'POST', '/v1/members', {
    token: staff,
    body: { idNumber: id, year: 2020, region: '210900', scheme: 'resident', categories: [{ code: category, validFrom: '2019-01-01' }] },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.enrolment.status).toBe('active');
  return { memberId: res.body.member.memberId, idNumber: id };
}

function inpatientBill(memberId: string, claimNo: string, extra: Record<string, unknown> = {}) {
  return {
    providerCode: HOSPITAL,
    claimNo,
    memberId,
    visit: { type: 'inpatient', serviceDate: '2020-06-01', dischargeDate: '2020-06-09', department: '普外科' },
    diagnoses: { principal: 'K35.800', secondary: ['I10.x00'] },
    procedures: ['47.0901'],
    lines: [exampleLine(1, 'A', 'surgery', 30_000)],
    ...extra,
  };
}

function outpatientBill(memberId: string, claimNo: string, serviceDate = '2020-05-11', yuan = 100) {
  return {
    providerCode: CLINIC,
    claimNo,
    memberId,
    visit: { type: 'outpatient', serviceDate },
    diagnoses: { principal: 'J06.900' },
    lines: [exampleLine(1, 'A', 'drug', yuan)],
  };
}

const settle = (bill: unknown, token = hospital) => api(cloud, 'POST', '/v1/claims', { token, body: bill });

/** As a HIS does: a 503 (CONTENTION: the member's counters kept moving) is retried with the same, idempotent request. */
async function settleRetrying(bill: unknown, token: string): Promise<ApiAnswer & { retries: number }> {
  for (let retries = 0; ; retries++) {
    const res = await settle(bill, token);
    if (res.status !== 503 || retries === 5) return { ...res, retries };
  }
}
const getClaim = (provider: string, claimNo: string, token = hospital) => api(cloud, 'GET', `/v1/claims/${provider}/${claimNo}`, { token });
const reverse = (provider: string, claimNo: string, body: unknown, token = hospital) =>
  api(cloud, 'POST', `/v1/claims/${provider}/${claimNo}/reversal`, { token, body });

async function accumulator(memberId: string, year = 2020): Promise<{ version: number; counters: Record<string, number> }> {
  const out = await db.send(
    new GetCommand({
      TableName: localName.table('accumulators'),
      Key: { pk: `MEMBER#${memberId}`, sk: `YEAR#${year}` },
      ConsistentRead: true,
    }),
  );
  return out.Item ? { version: out.Item.version, counters: out.Item.counters } : { version: 0, counters: {} };
}

const problems = (res: ApiAnswer) =>
  (res.body.error?.details?.problems ?? []).map((p: { field: string; rule: string }) => `${p.field}:${p.rule}`);
const eventsOf = (type: string, claimNo: string) => events.filter((e) => e['detail-type'] === type && e.detail.claim?.claimNo === claimNo);

/** Sums the statements' counter deltas, counter by counter. */
function sumOfDeltas(statements: Statement[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const s of statements) for (const [k, v] of Object.entries(s.yearToDate.deltas)) sum[k] = (sum[k] ?? 0) + v;
  return sum;
}
const nonZero = (counters: Record<string, number>) => Object.fromEntries(Object.entries(counters).filter(([, v]) => v !== 0));

// ---------------------------------------------------------------------------------------------

describe('policies in the policies table', () => {
  it('holds the shipped documents, seeded at start, readable by version and in force on a date', async () => {
    const res = await api(cloud, 'GET', '/v1/policies/benefits/210900?year=2020&scheme=resident&on=2020-06-09', { token: staff });
    expect(res.status).toBe(200);
    expect(res.body.versions).toEqual([
      expect.objectContaining({ version: 1, effectiveFrom: '2020-01-01', id: 'fuxin-resident', publishedBy: 'seed:policies/benefits' }),
    ]);
    expect(res.body.inForce[0]).toMatchObject({
      scheme: 'resident',
      version: 1,
      document: { sources: [{ title: '阜新市医疗保障扶贫三年行动实施方案(2018—2020年)' }] },
    });
  });
});

describe('settle, replay, reverse and settle again', () => {
  let memberId: string;
  let personId: string;
  let first: ApiAnswer;

  beforeAll(async () => {
    ({ memberId, idNumber: personId } = await poorMember('registered-poor'));
  });

  it('pre-settles (预结算) without storing anything', async () => {
    const res = await api(cloud, 'POST', '/v1/claims/pre-settle', { token: hospital, body: inpatientBill(memberId, 'ZY-0001') });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ preSettlement: true, statement: { totals: { billedFen: y(30_000), fundPaidFen: y(28_089) } } });
    expect((await getClaim(HOSPITAL, 'ZY-0001')).status).toBe(404);
    expect(await accumulator(memberId)).toEqual({ version: 0, counters: {} });
  });

  it('settles across every layer in one statement, commits the accumulators with the claim, and publishes ClaimSettled', async () => {
    first = await settle(inpatientBill(memberId, 'ZY-0001'));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const statement: Statement = first.body.statement;
    // basic (30,000 − 500) × 70%; 大病 1,850 above the halved deductible at 70%; 救助 (8,055 − 1,000) × 60%; top-up 50% of the rest.
    expect(statement.totals.byLayer).toMatchObject({
      basic: y(20_650),
      catastrophic: y(1_295),
      assistance: y(4_233),
      supplementary: y(1_911),
    });
    expect(statement.totals.patientPaidFen).toBe(y(1_911));
    expect(statement.policy).toMatchObject({ id: 'fuxin-resident', version: 1, year: 2020 });
    expect(first.body.claim).toMatchObject({ status: 'settled', settlementNo: 1 });
    const acc = await accumulator(memberId);
    expect(acc.version).toBe(1);
    expect(acc.counters).toEqual(statement.yearToDate.after);

    const [event] = await eventually(
      () => (eventsOf('ClaimSettled', 'ZY-0001').length ? eventsOf('ClaimSettled', 'ZY-0001') : undefined),
      'ClaimSettled',
    );
    expect(event!.detail).toMatchObject({
      memberId,
      region: '210900',
      scheme: 'resident',
      settlementNo: 1,
      policy: { id: 'fuxin-resident', version: 1 },
      provider: { code: HOSPITAL, level: 'secondary', region: '210902' },
      visit: { type: 'inpatient', admissionDate: '2020-06-01', dischargeDate: '2020-06-09' },
      patient: { sex: 'F' },
      diagnoses: { principal: 'K35.800' },
      procedures: ['47.0901'],
      inpatient: { lengthOfStayDays: 8 },
      totals: { billedFen: y(30_000), fundPaidFen: y(28_089), patientPaidFen: y(1_911) },
    });
    expect(rawEvents.some((body) => body.includes(personId))).toBe(false);
  });

  it('replays the stored statement for the same provider, claim number and bill, moving nothing', async () => {
    const again = await settle(inpatientBill(memberId, 'ZY-0001'));
    expect(again.status).toBe(200);
    expect(again.headers.get('x-idempotent-replay')).toBe('true');
    expect(again.body.statement).toEqual(first.body.statement);
    expect((await accumulator(memberId)).version).toBe(1);
  });

  it('answers 409 for the same claim number with a different bill', async () => {
    const changed = await settle(inpatientBill(memberId, 'ZY-0001', { lines: [exampleLine(1, 'A', 'surgery', 31_000)] }));
    expect(changed.status).toBe(409);
    expect(changed.body.error.details).toMatchObject({ field: 'body.claimNo', rule: 'different_bill' });
    expect((await accumulator(memberId)).version).toBe(1);
  });

  it("shows the claim with its ledger to its provider, staff and the region's regulator, and to no one else", async () => {
    const own = await getClaim(HOSPITAL, 'ZY-0001');
    expect(own.status).toBe(200);
    expect(own.body.ledger).toEqual([
      expect.objectContaining({ kind: 'settlement', settlementNo: 1, amounts: expect.objectContaining({ fundPaidFen: y(28_089) }) }),
    ]);
    expect((await getClaim(HOSPITAL, 'ZY-0001', staff)).status).toBe(200);
    expect((await getClaim(HOSPITAL, 'ZY-0001', await cloud.mint({ sub: 'r', role: 'regulator', region: '210900' }))).status).toBe(200);
    // Issue 20: another region's or provider's claim answers as a missing one (it was a 403).
    expect((await getClaim(HOSPITAL, 'ZY-0001', await cloud.mint({ sub: 'r', role: 'regulator', region: '330900' }))).status).toBe(404);
    expect((await getClaim(HOSPITAL, 'ZY-0001', clinic)).status).toBe(404);
  });

  it('reverses by a negative ledger entry that restores the accumulators, and publishes ClaimReversed', async () => {
    const res = await reverse(HOSPITAL, 'ZY-0001', { reason: '退费: 患者放弃手术', settlementNo: 1 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.claim).toMatchObject({ status: 'reversed', settlementNo: 1, reversal: { reason: '退费: 患者放弃手术' } });
    expect(res.body.ledgerEntry).toMatchObject({
      kind: 'reversal',
      amounts: { billedFen: -y(30_000), fundPaidFen: -y(28_089), patientPaidFen: -y(1_911) },
    });
    const acc = await accumulator(memberId);
    expect(acc.version).toBe(2);
    expect(nonZero(acc.counters)).toEqual({});
    await eventually(() => (eventsOf('ClaimReversed', 'ZY-0001').length ? true : undefined), 'ClaimReversed');
    expect(eventsOf('ClaimReversed', 'ZY-0001')[0]!.detail).toMatchObject({ settlementNo: 1, totals: { fundPaidFen: y(28_089) } });

    const twice = await reverse(HOSPITAL, 'ZY-0001', { reason: '退费: 患者放弃手术' });
    expect(twice.status).toBe(200);
    expect(twice.headers.get('x-idempotent-replay')).toBe('true');
    expect((await accumulator(memberId)).version).toBe(2);
  });

  it('settles the claim number again (settlement 2), and a stale reversal of settlement 1 cannot touch it', async () => {
    const corrected = inpatientBill(memberId, 'ZY-0001', { lines: [exampleLine(1, 'A', 'surgery', 28_000)], resettlementOf: 1 });
    const res = await settle(corrected);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.claim).toMatchObject({ status: 'settled', settlementNo: 2 });
    const acc = await accumulator(memberId);
    expect(acc.counters).toEqual(res.body.statement.yearToDate.after);
    expect(acc.counters.billed).toBe(y(28_000));
    expect((await reverse(HOSPITAL, 'ZY-0001', { reason: 'late retry', settlementNo: 1 })).status).toBe(409);
    const ledger = (await getClaim(HOSPITAL, 'ZY-0001')).body.ledger.map(
      (e: { kind: string; settlementNo: number; amounts: { billedFen: number } }) => [e.kind, e.settlementNo, e.amounts.billedFen],
    );
    expect(ledger).toEqual([
      ['settlement', 1, y(30_000)],
      ['reversal', 1, -y(30_000)],
      ['settlement', 2, y(28_000)],
    ]);
    await eventually(
      () => (eventsOf('ClaimSettled', 'ZY-0001').some((e) => e.detail.settlementNo === 2) ? true : undefined),
      'ClaimSettled of settlement 2',
    );
  });

  it('settles a claim racing itself once: one 201, the rest replays', async () => {
    const bill = outpatientBill(memberId, 'MZ-SELF-RACE');
    const answers = await Promise.all(Array.from({ length: 6 }, () => settle(bill, clinic)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    const ledger = (await getClaim(CLINIC, 'MZ-SELF-RACE', clinic)).body.ledger;
    expect(ledger).toHaveLength(1);
  });
});

describe('50 concurrent claims for one member', () => {
  it('end with accumulators equal to the sum of the statements, and the outpatient cap never exceeded', async () => {
    const { memberId } = await poorMember('tekun');
    // Each visit: 100 yuan of 甲 drugs at a township centre, 50% basic → 50 yuan; the 1,000-yuan
    // outpatient pool is exhausted after 20 of them, whichever order they commit in.
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => settleRetrying(outpatientBill(memberId, `MZ-RACE-${String(i).padStart(2, '0')}`), clinic)),
    );
    expect(answers.map((a) => a.status)).toEqual(new Array(50).fill(201));
    const statements: Statement[] = answers.map((a) => a.body.statement);
    const acc = await accumulator(memberId);
    expect(acc.version).toBe(50);
    expect(nonZero(acc.counters)).toEqual(nonZero(sumOfDeltas(statements)));
    expect(acc.counters.claims).toBe(50);
    const basic = statements.reduce((a, s) => a + s.totals.byLayer.basic, 0);
    expect(basic).toBe(y(1_000));
    expect(acc.counters['basic.cap.outpatient']).toBe(y(1_000));
    expect(statements.filter((s) => s.totals.byLayer.basic === y(50))).toHaveLength(20);
    // 特困 assistance: 90% of what basic leaves on every visit.
    expect(statements.reduce((a, s) => a + s.totals.byLayer.assistance, 0)).toBe(20 * y(45) + 30 * y(90));
  }, 180_000); // DynamoDB Local serialises the commits; on a busy two-core machine that takes a while.
});

describe('bad bills: a 400 naming the field', () => {
  let memberId: string;
  beforeAll(async () => {
    ({ memberId } = await poorMember('dibao'));
  });

  it('refuses a malformed diagnosis or procedure code, a negative quantity and a line total that does not match', async () => {
    const bill = inpatientBill(memberId, 'BAD-1', { diagnoses: { principal: 'K35' }, procedures: ['4709'] });
    expect(problems(await settle(bill))).toEqual(['body.diagnoses.principal:invalid_format', 'body.procedures.0:invalid_format']);
    const line = exampleLine(1, 'A', 'drug', 10, 3);
    expect(problems(await settle(inpatientBill(memberId, 'BAD-2', { lines: [{ ...line, quantity: -3 }] })))).toEqual([
      'body.lines.0.quantity:too_small',
    ]);
    expect(problems(await settle(inpatientBill(memberId, 'BAD-3', { lines: [{ ...line, amountFen: line.amountFen + 1 }] })))).toEqual([
      'body.lines.0.amountFen:line_total',
    ]);
  });

  it('refuses a member not covered on the date of service, an unknown member, and an unregistered provider', async () => {
    const before = await settle(
      inpatientBill(memberId, 'BAD-4', { visit: { type: 'inpatient', serviceDate: '2019-12-20', dischargeDate: '2020-01-03' } }),
    );
    expect(before.status).toBe(400);
    expect(problems(before)).toEqual(['body.memberId:not_enrolled']);
    expect(problems(await settle(inpatientBill('MNOSUCHMEMBER0000', 'BAD-5')))).toEqual(['body.memberId:not_found']);
    const stranger = await cloud.mint({ sub: 'x', role: 'provider', providerCode: 'H21099999999' });
    expect(problems(await settle({ ...inpatientBill(memberId, 'BAD-6'), providerCode: 'H21099999999' }, stranger))).toEqual([
      'body.providerCode:not_registered',
    ]);
  });

  it('refuses a visit type the policy does not cover, and settles nothing for any refused bill', async () => {
    const bedDay = inpatientBill(memberId, 'BAD-7', {
      visit: { type: 'bed-day', serviceDate: '2020-06-01', dischargeDate: '2020-06-09', bedDay: { programme: 'hospice', days: 8 } },
    });
    expect(problems(await settle(bedDay))).toEqual(['body.visit.type:not_covered']);
    expect((await accumulator(memberId)).version).toBe(0);
    expect(events.some((e) => String(e.detail.claim?.claimNo).startsWith('BAD-'))).toBe(false);
  });

  it('lets a provider settle only its own bills, and no regulator settle at all', async () => {
    expect((await settle(inpatientBill(memberId, 'BAD-8'), clinic)).body.error).toMatchObject({
      code: 'FORBIDDEN',
      details: { field: 'providerCode' },
    });
    expect(
      (await settle(inpatientBill(memberId, 'BAD-9'), await cloud.mint({ sub: 'r', role: 'regulator', region: '210900' }))).status,
    ).toBe(403);
  });
});

describe('publishing a new policy version', () => {
  const v2 = () => {
    const document = structuredClone(
      loadShippedPolicies().find((p) => p.policy.id === 'fuxin-resident' && p.policy.year === 2020)!.document,
    );
    return {
      ...document,
      version: 2,
      effectiveFrom: '2020-07-01',
      basic: {
        ...document.basic,
        ratios: document.basic.ratios.map((r) =>
          r.id === 'outpatient' ? { ...r, set: { primary: '60%', secondary: '40%', tertiary: '30%' } } : r,
        ),
      },
    };
  };

  it('lets staff publish, keeps history, and settles each claim under the version in force on its date', async () => {
    const published = await api(cloud, 'POST', '/v1/policies', { token: staff, body: v2() });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body.published).toMatchObject({ version: 2, effectiveFrom: '2020-07-01', publishedBy: 'clerk-1' });
    const { memberId } = await poorMember('tekun');
    const june = await settle(outpatientBill(memberId, 'MZ-V1', '2020-06-30'), clinic);
    const july = await settle(outpatientBill(memberId, 'MZ-V2', '2020-07-01'), clinic);
    expect([june.body.statement.policy.version, july.body.statement.policy.version]).toEqual([1, 2]);
    expect([june.body.statement.totals.byLayer.basic, july.body.statement.totals.byLayer.basic]).toEqual([y(50), y(60)]);
    const listed = await api(cloud, 'GET', '/v1/policies/benefits/210900?year=2020&scheme=resident', { token: staff });
    expect(listed.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
  });

  it('replays the same version, and refuses a changed one, an older one, a bad document and a non-staff caller', async () => {
    expect((await api(cloud, 'POST', '/v1/policies', { token: staff, body: v2() })).status).toBe(200);
    const changed = { ...v2(), title: 'changed after publishing' };
    expect((await api(cloud, 'POST', '/v1/policies', { token: staff, body: changed })).body.error.details).toMatchObject({
      field: 'body.version',
      rule: 'version_exists',
    });
    const older = { ...v2(), version: 1, effectiveFrom: '2020-09-01' };
    expect((await api(cloud, 'POST', '/v1/policies', { token: staff, body: older })).body.error.details).toMatchObject({
      field: 'body.version',
      rule: 'not_newer',
    });
    const bad = {
      ...v2(),
      version: 3,
      basic: { ...v2().basic, ratios: [{ id: 'x', set: '0.85', basis: { illustrative: 'a ratio written as a fraction' } }] },
    };
    const refused = await api(cloud, 'POST', '/v1/policies', { token: staff, body: bad });
    expect(refused.status).toBe(400);
    expect(problems(refused)[0]).toMatch(/^body\.basic\.ratios\.0\.set:/);
    expect((await api(cloud, 'POST', '/v1/policies', { token: hospital, body: { ...v2(), version: 9 } })).status).toBe(403);
  });
});

describe('events survive a bus that refuses them (the transactional outbox)', () => {
  // Earlier tests' claims set consumers off (fraud, audit…); let them finish first, so the bus refused
  // below refuses only this test's events and the relay finds only what these tests left waiting.
  beforeAll(() => allConsumersDone(cloud));
  /** The entry waiting under a key, read back as the outbox reads it (a long detail is stored gzipped). */
  const waiting = waitingInOutbox;

  it('settles while the bus refuses ClaimSettled, keeps the event in the outbox, and a replay of the request publishes it', async () => {
    const { memberId } = await poorMember('dibao');
    const bill = outpatientBill(memberId, 'OB-1');
    const first = await whileTheBusRefuses(() => settle(bill, clinic));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const key = `claim/${CLINIC}/OB-1/1/ClaimSettled`;
    expect(await waiting(key)).toMatchObject({ source: 'yibao.adjudication', detailType: 'ClaimSettled' });
    expect(eventsOf('ClaimSettled', 'OB-1')).toEqual([]);

    const again = await settle(bill, clinic);
    expect(again.status).toBe(200);
    expect(again.headers.get('x-idempotent-replay')).toBe('true');
    const archived = await eventually(() => eventsOf('ClaimSettled', 'OB-1')[0], 'the ClaimSettled the outbox kept');
    expect(archived.detail).toMatchObject({
      claim: { providerCode: CLINIC, claimNo: 'OB-1' },
      memberId,
      meta: { correlationId: expect.any(String) },
    });
    expect(await waiting(key)).toBeUndefined();
  });

  it('publishes what no request came back for: the relay, after its grace period, settlement and reversal alike', async () => {
    const { memberId } = await poorMember('dibao');
    expect((await whileTheBusRefuses(() => settle(outpatientBill(memberId, 'OB-2'), clinic))).status).toBe(201);
    expect((await whileTheBusRefuses(() => reverse(CLINIC, 'OB-2', { reason: '退费' }, clinic))).status).toBe(200);
    const keys = [`claim/${CLINIC}/OB-2/1/ClaimSettled`, `claim/${CLINIC}/OB-2/1/ClaimReversed`];
    for (const key of keys) expect(await waiting(key)).toBeDefined();

    // The scheduled relay leaves entries younger than its grace period: their request may still be delivering them.
    const early = await cloud.scheduler.fire('outboxRelay', new Date());
    expect(early.result).toMatchObject({ run: 'outbox-relay', found: 0 });
    // Later (here: as the relay will see it a minute on), it publishes both and empties the outbox.
    expect(await relayOutbox(new Date(Date.now() + 60_000))).toEqual({ found: 2, delivered: 2, waiting: 0 });
    await eventually(
      () => (eventsOf('ClaimSettled', 'OB-2').length && eventsOf('ClaimReversed', 'OB-2').length ? true : undefined),
      'both events on the bus',
    );
    for (const key of keys) expect(await waiting(key)).toBeUndefined();
  });

  it('keeps a settlement replayed while its event waits once: one audit entry and one scoring, though the fact reached the bus twice', async () => {
    const { memberId } = await poorMember('dibao');
    const bill = outpatientBill(memberId, 'OB-3');
    expect((await whileTheBusRefuses(() => settle(bill, clinic))).status).toBe(201);
    const key = `claim/${CLINIC}/OB-3/1/ClaimSettled`;
    // The entry as a relay run reads it, just before the replay delivers and deletes it.
    const left: OutboxEntry | undefined = await waiting(key);
    expect(left).toMatchObject({ key, detailType: 'ClaimSettled' });
    const again = await settle(bill, clinic);
    expect(again.headers.get('x-idempotent-replay')).toBe('true');
    expect(await waiting(key)).toBeUndefined();
    // That relay run now publishes what it read: the race the outbox allows. The same fact is on the bus twice.
    expect(await deliver([left!])).toEqual({ delivered: [key], waiting: [] });

    const copies = await eventually(() => {
      const seen = eventsOf('ClaimSettled', 'OB-3');
      return seen.length >= 2 ? seen : undefined;
    }, 'both publications handed to the audit consumer');
    expect(copies.map((e) => e.detail.eventId)).toEqual([key, key]);
    expect(new Set(copies.map((e) => (e as unknown as { id: string }).id)).size).toBe(2); // two envelopes, one fact
    await eventually(async () => {
      const depths = await cloud.queueDepths();
      return Object.values(depths).every((d) => d.visible + d.inFlight === 0) ? true : undefined;
    }, 'queues to drain');

    const correlationId = JSON.parse(left!.detail).meta.correlationId as string;
    const trail = await api(cloud, 'GET', `/v1/audit/${correlationId}`, { token: staff });
    expect(trail.status).toBe(200);
    const archived = trail.body.events.filter((e: { detailType: string }) => e.detailType === 'ClaimSettled');
    expect(archived).toHaveLength(1);
    expect(archived[0]).toMatchObject({ eventId: key, detail: { claim: { claimNo: 'OB-3' }, eventId: key } });

    // Fraud scoring applied the fact once, under its id.
    const scoring = await db.send(
      new QueryCommand({
        TableName: localName.table('alerts'),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `CLAIM#${CLINIC}#OB-3` },
        ConsistentRead: true,
      }),
    );
    const items = scoring.Items ?? [];
    expect(items.filter((i) => String(i.sk).startsWith('EVENT#')).map((i) => i.sk)).toEqual([`EVENT#${key}`]);
    expect(items.find((i) => i.sk === 'SCORE')).toMatchObject({ eventId: key, reversed: false });
  });
});
