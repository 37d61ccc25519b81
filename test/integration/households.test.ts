/**
 * Households (家庭) on the local cloud, through the HTTP front, the JWT authorizer and the real
 * handlers: the register (create, add, remove, head, history, permission, one household at a time,
 * bulk file with row errors, RegisterEntryChanged on every change of a membership), and the family self-pay cap counted
 * over the household's year: members of one household settling at the same time, the household
 * bearing exactly the cap, a reversal giving the room back.
 *
 * Figures (Zhoushan 2025 resident policy, 低保 member, a 30,000-yuan 乙类 drug stay at a secondary
 * hospital, checked by the engine unit tests' arithmetic): a member's first such stay leaves
 * 4,383.41 yuan counted towards the family cap (covered self-pay and 先行自付 after basic, 大病 and
 * assistance), the second 1,538.25. The cap is 10,000 yuan a year.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { localName } from '../../infra/topology.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import type { Statement } from '../../shared/settlement/statement.ts';
import { api, onAuditEvent, registerProvider, eventually, startTestCloud, type ApiAnswer } from '../support/local-cloud.ts';
import { allPermissionsBut } from '../../shared/auth/principal.ts';

const y = (yuan: number) => Math.round(yuan * 100);
const CAP = y(10_000);
const FIRST_STAY = 438_341;
const SECOND_STAY = 153_825;
const HOSPITAL = 'H33090200001';

let cloud: LocalCloud;
let db: DynamoDBDocumentClient;
let clerk: string; // staff with registers:write
let reader: string; // staff without it
let hospital: string;
const events: { 'detail-type': string; detail: Record<string, any> }[] = [];

beforeAll(async () => {
  cloud = await startTestCloud();
  onAuditEvent(cloud, (body) => events.push(JSON.parse(body)));
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.region, credentials: cloud.credentials }),
  );
  clerk = await cloud.mint({ sub: 'clerk-households', role: 'staff', permissions: ['registers:write'] });
  reader = await cloud.mint({ sub: 'clerk-read-only', role: 'staff', permissions: allPermissionsBut('registers:write') });
  await registerProvider(cloud, reader, {
    providerCode: HOSPITAL,
    name: '舟山市某二级医院',
    level: 'secondary',
    region: '330902',
    kind: 'hospital',
  });
  hospital = await cloud.mint({ sub: 'his-zhoushan', role: 'provider', providerCode: HOSPITAL });
});
afterAll(async () => {
  db?.destroy();
  await cloud?.stop();
});

const nextIdNumber = idNumbers(Date.UTC(1960, 0, 1));
const idNumber = (): string => nextIdNumber('330902', '002');

/** A Zhoushan 2025 resident holding 低保 (fully subsidised: covered from 1 January). */
async function dibaoMember(): Promise<{ memberId: string; idNumber: string }> {
  const id = idNumber();
  const res = await api(cloud, 'POST', '/v1/members', {
    token: reader,
    body: { idNumber: id, year: 2025, region: '330900', scheme: 'resident', categories: [{ code: 'dibao', validFrom: '2024-01-01' }] },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.enrolment.status).toBe('active');
  return { memberId: res.body.member.memberId, idNumber: id };
}

const stay = (memberId: string, claimNo: string, admitted = '2025-03-01', discharged = '2025-03-08') => ({
  providerCode: HOSPITAL,
  claimNo,
  memberId,
  visit: { type: 'inpatient', serviceDate: admitted, dischargeDate: discharged, department: '内科' },
  diagnoses: { principal: 'I63.900' },
  lines: [exampleLine(1, 'B', 'drug', 30_000)],
});

/** As a HIS does: a 503 (CONTENTION) is retried with the same, idempotent request. */
async function settle(bill: unknown): Promise<ApiAnswer> {
  for (let retries = 0; ; retries++) {
    const res = await api(cloud, 'POST', '/v1/claims', { token: hospital, body: bill });
    if (res.status !== 503 || retries === 5) return res;
  }
}

async function accumulator(pk: string, year = 2025): Promise<{ version: number; counters: Record<string, number> }> {
  const out = await db.send(
    new GetCommand({ TableName: localName.table('accumulators'), Key: { pk, sk: `YEAR#${year}` }, ConsistentRead: true }),
  );
  return out.Item ? { version: out.Item.version, counters: out.Item.counters } : { version: 0, counters: {} };
}

const problems = (res: ApiAnswer) =>
  (res.body.error?.details?.problems ?? []).map((p: { field: string; rule: string }) => `${p.field}:${p.rule}`);
const createHousehold = (body: unknown, token = clerk) => api(cloud, 'POST', '/v1/households', { token, body });

describe('the household register', () => {
  let head: string;
  let spouse: string;
  let child: string;

  beforeAll(async () => {
    [head, spouse, child] = (await Promise.all([dibaoMember(), dibaoMember(), dibaoMember()])).map((m) => m.memberId) as [
      string,
      string,
      string,
    ];
  });

  it('refuses staff without registers:write (403 naming it) and bad input (400 naming field and rule), writing nothing', async () => {
    const body = { householdId: 'HH-330902-000001', region: '330900', from: '2025-01-01', head };
    const denied = await createHousehold(body, reader);
    expect(denied.status).toBe(403);
    expect(denied.body.error.details).toMatchObject({ requiredPermission: 'registers:write' });
    const bad = await createHousehold({ ...body, householdId: 'hh 1', members: [{ memberId: head, relation: 'head' }] });
    expect(bad.status).toBe(400);
    expect(problems(bad)).toEqual(expect.arrayContaining(['body.householdId:invalid_format', 'body.members.0.relation:invalid_value']));
    expect((await api(cloud, 'GET', '/v1/households/HH-330902-000001', { token: reader })).status).toBe(404);
  });

  it('registers a household with its head and members; the same request again is unchanged', async () => {
    const body = {
      householdId: 'HH-330902-000001',
      region: '330900',
      from: '2025-01-01',
      head,
      members: [{ memberId: spouse, relation: 'spouse' }],
      reference: '户口簿 0001',
    };
    const created = await createHousehold(body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      outcome: 'created',
      household: {
        head: { memberId: head, from: '2025-01-01' },
        members: [
          { memberId: head, relation: 'head', from: '2025-01-01' },
          { memberId: spouse, relation: 'spouse', from: '2025-01-01' },
        ],
        version: 1,
      },
    });
    const again = await createHousehold(body);
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('unchanged');
    const other = await createHousehold({ ...body, members: [] });
    expect(other.status).toBe(409);
    expect(problems(other)).toEqual(['body.householdId:exists']);
  });

  it('keeps a member in one household at a time', async () => {
    const res = await createHousehold({ householdId: 'HH-330902-000002', region: '330900', from: '2025-02-01', head: spouse });
    expect(res.status).toBe(409);
    expect(problems(res)).toEqual(['body.head:in_another_household']);
    expect(res.body.error.details).toMatchObject({ householdId: 'HH-330902-000001' });
    const unknown = await createHousehold({
      householdId: 'HH-330902-000002',
      region: '330900',
      from: '2025-02-01',
      head: 'M0000000000000000',
    });
    expect(unknown.status).toBe(404);
  });

  it('lets only one of two households racing for the same member take it', async () => {
    const [x, y1, y2] = (await Promise.all([dibaoMember(), dibaoMember(), dibaoMember()])).map((m) => m.memberId) as [
      string,
      string,
      string,
    ];
    const race = await Promise.all([
      createHousehold({
        householdId: 'HH-330902-000010',
        region: '330900',
        from: '2025-01-01',
        head: y1,
        members: [{ memberId: x, relation: 'child' }],
      }),
      createHousehold({
        householdId: 'HH-330902-000011',
        region: '330900',
        from: '2025-01-01',
        head: y2,
        members: [{ memberId: x, relation: 'child' }],
      }),
    ]);
    expect(race.map((r) => r.status).sort()).toEqual([201, 409]);
    const loser = race.find((r) => r.status === 409)!;
    expect(problems(loser)).toEqual(['body.members.0.memberId:in_another_household']);
    const theirs = await api(cloud, 'GET', `/v1/members/${x}/households`, { token: reader });
    expect(theirs.body.memberships).toHaveLength(1);
  });

  it('adds and removes members with dates, moves the head, and keeps who did what when in an append-only history', async () => {
    const path = '/v1/households/HH-330902-000001';
    const added = await api(cloud, 'POST', `${path}/members`, {
      token: clerk,
      body: { memberId: child, relation: 'child', from: '2025-04-01' },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(
      (await api(cloud, 'POST', `${path}/members`, { token: clerk, body: { memberId: child, relation: 'child', from: '2025-04-01' } })).body
        .outcome,
    ).toBe('unchanged');

    const headLeaves = await api(cloud, 'POST', `${path}/members/${head}/departure`, {
      token: clerk,
      body: { to: '2025-09-30', reason: 'deceased' },
    });
    expect(headLeaves.status).toBe(409);
    expect(problems(headLeaves)).toEqual(['path.memberId:head_leaves_last']);

    const moved = await api(cloud, 'POST', `${path}/head`, {
      token: clerk,
      body: { memberId: spouse, from: '2025-10-01', previousHeadRelation: 'spouse' },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(201);
    const left = await api(cloud, 'POST', `${path}/members/${head}/departure`, {
      token: clerk,
      body: { to: '2025-09-30', reason: 'deceased' },
    });
    expect(left.status, JSON.stringify(left.body)).toBe(201);
    expect(left.body.household.members).toContainEqual(
      expect.objectContaining({ memberId: head, relation: 'spouse', from: '2025-01-01', to: '2025-09-30', leavingReason: 'deceased' }),
    );
    const early = await api(cloud, 'POST', `${path}/members/${child}/departure`, {
      token: clerk,
      body: { to: '2025-03-01', reason: 'moved-out' },
    });
    expect(early.status).toBe(400);
    expect(problems(early)).toEqual(['body.to:before_joining']);

    const read = await api(cloud, 'GET', path, { token: reader });
    expect(read.status).toBe(200);
    expect(read.body.household).toMatchObject({ head: { memberId: spouse, from: '2025-10-01' }, version: 4 });
    // The history is the memberships' (the member register `households`): every change, who made it, when, and the entry after it.
    const history = read.body.history as any[];
    const byMember = (m: string) =>
      history.filter((h) => h.memberId === m).map((h) => [h.version, h.change, h.after.payload.relation, h.after.validTo]);
    expect(byMember(head)).toEqual([
      [1, 'created', 'head', '9999-12-31'],
      [2, 'amended', 'spouse', '9999-12-31'],
      [3, 'ended', 'spouse', '2025-09-30'],
    ]);
    expect(byMember(spouse)).toEqual([
      [1, 'created', 'spouse', '9999-12-31'],
      [2, 'amended', 'head', '9999-12-31'],
    ]);
    expect(byMember(child)).toEqual([[1, 'created', 'child', '9999-12-31']]);
    expect(history.every((h) => h.by.role === 'staff' && h.by.sub === 'clerk-households' && typeof h.at === 'string')).toBe(true);
    expect(history.find((h) => h.change === 'ended').reason).toBe('left household HH-330902-000001: deceased');
    expect(history.map((h) => h.at)).toEqual([...history.map((h) => h.at)].sort());

    // A regulator reads the households of its own region only.
    const own = await cloud.mint({ sub: 'regulator-zhoushan', role: 'regulator', region: '330900' });
    const other = await cloud.mint({ sub: 'regulator-honghe', role: 'regulator', region: '532500' });
    expect((await api(cloud, 'GET', path, { token: own })).status).toBe(200);
    // Issue 20: another region's household answers as a missing one (it was a 403).
    expect((await api(cloud, 'GET', path, { token: other })).status).toBe(404);

    const theirs = await api(cloud, 'GET', `/v1/members/${head}/households`, { token: reader });
    expect(theirs.body.memberships).toEqual([{ householdId: 'HH-330902-000001', from: '2025-01-01', to: '2025-09-30' }]);

    // Every change of a membership is a RegisterEntryChanged on the bus, by member id only.
    const published = await eventually(() => {
      const mine = events.filter(
        (e) => e['detail-type'] === 'RegisterEntryChanged' && e.detail.register === 'households' && e.detail.subject === 'HH-330902-000001',
      );
      return mine.length >= 6 ? mine : undefined;
    }, 'six RegisterEntryChanged');
    const seen = (m: string) =>
      published
        .filter((e) => e.detail.memberId === m)
        .map((e) => [e.detail.version, e.detail.change])
        .sort();
    expect(seen(head)).toEqual([
      [1, 'created'],
      [2, 'amended'],
      [3, 'ended'],
    ]);
    expect(seen(spouse)).toEqual([
      [1, 'created'],
      [2, 'amended'],
    ]);
    expect(seen(child)).toEqual([[1, 'created']]);
    expect(published.find((e) => e.detail.change === 'ended')!.detail).toMatchObject({
      region: '330900',
      validTo: '2025-09-30',
      status: 'ended',
      by: { role: 'staff' },
    });
  });

  it('imports a household file row by row: bad rows reported by row, column and rule; the same file again changes nothing', async () => {
    const [a, b, c, d] = await Promise.all([dibaoMember(), dibaoMember(), dibaoMember(), dibaoMember()]);
    expect(
      (await createHousehold({ householdId: 'HH-330902-000099', region: '330900', from: '2025-01-01', head: d.memberId })).status,
    ).toBe(201);
    const bad = `${idNumber().slice(0, 17)}Y`;
    const csv = [
      'householdId,region,memberId,idNumber,relation,from,to,reason,reference',
      `HH-330902-000100,330900,,${a.idNumber},head,2025-01-01,,,户籍 100`,
      `HH-330902-000100,,${b.memberId},,spouse,2025-01-01,,,`,
      `HH-330902-000100,,,${c.idNumber},child,2025-01-01,2025-06-30,moved-out,`,
      `HH-330902-000100,,${b.memberId},,cousin,2025-01-01,,,`,
      `HH-330902-000101,330900,,${bad},head,2025-01-01,,,`,
      `HH-330902-000102,330900,${d.memberId},,head,2025-01-01,,,`,
      `HH-330902-000103,330900,${c.memberId},,head,2025-13-01,,,`,
      `HH-330902-000104,,,,head,2025-01-01,,,`,
    ].join('\n');
    const first = await api(cloud, 'POST', '/v1/households/bulk', { token: clerk, body: { format: 'csv', content: csv } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ received: 8, written: 3, unchanged: 0, rejected: 5 });
    const rows = Object.fromEntries(first.body.rows.map((r: any) => [r.rowNumber, r]));
    expect(rows[2]).toMatchObject({ outcome: 'created', householdId: 'HH-330902-000100', memberId: a.memberId });
    expect(rows[3]).toMatchObject({ outcome: 'added', memberId: b.memberId });
    expect(rows[4]).toMatchObject({ outcome: 'removed', memberId: c.memberId });
    const rule = (n: number) => rows[n].problems.map((p: any) => `${p.field}:${p.rule}`);
    expect(rule(5)).toEqual(['relation:invalid_value']);
    expect(rule(6)).toEqual(['idNumber:id_format']);
    expect(rule(7)).toEqual(['head:in_another_household']);
    expect(rule(8)).toEqual(['from:invalid_format']);
    expect(rule(9)).toEqual(['memberId:custom', 'region:custom']);

    const again = await api(cloud, 'POST', '/v1/households/bulk', { token: clerk, body: { format: 'csv', content: csv } });
    expect(again.body).toMatchObject({ received: 8, written: 0, unchanged: 3, rejected: 5 });
    const read = await api(cloud, 'GET', '/v1/households/HH-330902-000100', { token: reader });
    expect(read.body.household.version).toBe(4);
    expect(read.body.history).toHaveLength(4);
  });
});

describe('the family self-pay cap counts the whole household, also when its members settle at once', () => {
  it('three members settling six stays concurrently: the household bears exactly the cap, and the statements add up', async () => {
    const members = (await Promise.all([dibaoMember(), dibaoMember(), dibaoMember()])).map((m) => m.memberId);
    const [head, ...others] = members as [string, string, string];
    const res = await createHousehold({
      householdId: 'HH-330902-000200',
      region: '330900',
      from: '2025-01-01',
      head,
      members: others.map((memberId) => ({ memberId, relation: 'child' })),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);

    // Alone, no member would reach the cap: two stays leave 4,383.41 + 1,538.25 = 5,921.66 yuan.
    // Together the six leave 17,764.98, so the household bears 10,000 and the cap pays 7,764.98.
    const bills = members.flatMap((m, i) => [stay(m, `HH-${i}-A`), stay(m, `HH-${i}-B`)]);
    const answers = await Promise.all(bills.map(settle));
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(201);
    const statements: Statement[] = answers.map((a) => a.body.statement);

    const patient = statements.reduce((sum, s) => sum + s.totals.patientPaidFen, 0);
    const capPaid = statements.reduce((sum, s) => sum + s.totals.byLayer.familyCap, 0);
    const counted = statements.reduce((sum, s) => sum + s.yearToDate.household!.deltas['familyCap.base']!, 0);
    expect(counted).toBe(3 * (FIRST_STAY + SECOND_STAY));
    expect(patient).toBe(CAP);
    expect(capPaid).toBe(3 * (FIRST_STAY + SECOND_STAY) - CAP);
    for (const s of statements) {
      const t = s.totals;
      expect(t.fundPaidFen + t.institutionFen + t.patientPaidFen).toBe(t.billedFen);
      expect(s.yearToDate.household!.householdId).toBe('HH-330902-000200');
    }

    // The household's year is the sum of its members' statements; each member's is its own share.
    const household = await accumulator('HOUSEHOLD#HH-330902-000200');
    expect(household.counters).toEqual({ 'familyCap.base': counted, 'familyCap.paid': capPaid });
    expect(household.version).toBe(6);
    const shares = await Promise.all(members.map((m) => accumulator(`MEMBER#${m}`)));
    expect(shares.reduce((sum, a) => sum + a.counters['familyCap.base']!, 0)).toBe(counted);
    expect(shares.reduce((sum, a) => sum + a.counters['familyCap.paid']!, 0)).toBe(capPaid);
    // A hospital asking at admission sees the household's year beside the member's.
    const eligibility = await api(cloud, 'GET', `/v1/members/${others[0]}/eligibility?date=2025-12-31`, { token: hospital });
    expect(eligibility.body.household).toEqual({
      householdId: 'HH-330902-000200',
      accumulators: { year: 2025, version: 6, counters: { 'familyCap.base': counted, 'familyCap.paid': capPaid } },
    });
  });

  it('without a household the same two stays count per member: nothing from the cap (a household of one)', async () => {
    const { memberId } = await dibaoMember();
    const answers = [await settle(stay(memberId, 'SOLO-A')), await settle(stay(memberId, 'SOLO-B'))];
    expect(answers.map((a) => a.body.statement.totals.byLayer.familyCap)).toEqual([0, 0]);
    expect(answers.map((a) => a.body.statement.totals.patientPaidFen)).toEqual([FIRST_STAY, SECOND_STAY]);
    expect(answers.every((a) => a.body.statement.yearToDate.household === undefined)).toBe(true);
  });

  it('counts the household of the settlement date, and a reversal gives the room back to the household it was taken from', async () => {
    const [a, b, late] = (await Promise.all([dibaoMember(), dibaoMember(), dibaoMember()])).map((m) => m.memberId) as [
      string,
      string,
      string,
    ];
    expect(
      (
        await createHousehold({
          householdId: 'HH-330902-000300',
          region: '330900',
          from: '2025-01-01',
          head: a,
          members: [{ memberId: b, relation: 'spouse' }],
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await api(cloud, 'POST', '/v1/households/HH-330902-000300/members', {
          token: clerk,
          body: { memberId: late, relation: 'child', from: '2025-06-01' },
        })
      ).status,
    ).toBe(201);
    // Discharged before joining: the late member is still a household of one for this stay.
    const before = await settle(stay(late, 'LATE-1', '2025-05-01', '2025-05-08'));
    expect(before.body.statement.yearToDate.household).toBeUndefined();

    const [first, second] = [await settle(stay(a, 'R-A')), await settle(stay(b, 'R-B'))];
    const third = await settle(stay(late, 'LATE-2', '2025-07-01', '2025-07-08'));
    expect(third.body.statement.yearToDate.household.householdId).toBe('HH-330902-000300');
    // 4,383.41 + 4,383.41 + the late member's second stay 1,538.25 = 10,305.07: 305.07 above the cap.
    expect([first, second, third].map((r) => r.body.statement.totals.byLayer.familyCap)).toEqual([
      0,
      0,
      FIRST_STAY * 2 + SECOND_STAY - CAP,
    ]);
    const full = await accumulator('HOUSEHOLD#HH-330902-000300');
    expect(full.counters).toEqual({ 'familyCap.base': FIRST_STAY * 2 + SECOND_STAY, 'familyCap.paid': FIRST_STAY * 2 + SECOND_STAY - CAP });

    const reversed = await api(cloud, 'POST', `/v1/claims/${HOSPITAL}/R-A/reversal`, { token: hospital, body: { reason: '退费' } });
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(200);
    const after = await accumulator('HOUSEHOLD#HH-330902-000300');
    // R-A's own deltas come off (it counted 4,383.41 and took nothing from the cap); the later stay's payment stands.
    expect(after).toEqual({
      version: full.version + 1,
      counters: { 'familyCap.base': FIRST_STAY + SECOND_STAY, 'familyCap.paid': FIRST_STAY * 2 + SECOND_STAY - CAP },
    });
    // Settled again, the stay takes the household's year as it now is: the cap pays the part above it
    // (预结算 says so first, and stores nothing).
    const preview = await api(cloud, 'POST', '/v1/claims/pre-settle', { token: hospital, body: stay(a, 'R-A') });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.statement.yearToDate.household).toMatchObject({
      householdId: 'HH-330902-000300',
      before: { 'familyCap.base': FIRST_STAY + SECOND_STAY },
    });
    expect(await accumulator('HOUSEHOLD#HH-330902-000300')).toEqual(after);
    const again = await settle({ ...stay(a, 'R-A'), resettlementOf: 1 });
    expect(again.status).toBe(201);
    expect(again.body.statement.totals.byLayer.familyCap).toBe(FIRST_STAY * 2 + SECOND_STAY - CAP);
  });
});
