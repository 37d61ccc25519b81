/**
 * Enrolment on the local cloud (DynamoDB Local, the local bus and queues, the real handler behind
 * the HTTP front and the JWT authorizer): one test per rule of issue 3, with worked figures from
 * the shipped policies (Honghe 532500 and Zhoushan 330900: illustrative amounts; Fuxin 210900:
 * who pays from the Fuxin plan).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { localName } from '../../infra/topology.ts';
import { checkCharacter } from '../../shared/enrolment/id-number.ts';
import { loadMemberState } from '../../shared/enrolment/store/member-state.ts';
import { readMemberItems } from '../../shared/enrolment/store/members.ts';
import { relayOutbox, waitingEntry } from '../../shared/events/outbox.ts';
import { eligibilityResponse, enrolResponse, memberRecordResponse } from '../../functions/enrolment/schemas.ts';
import { eventKeys } from '../../functions/enrolment/services/events.ts';
import { api, eventually, startTestCloud, whileTheBusRefuses } from '../support/local-cloud.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

let cloud: LocalCloud;
let staff: string;
let provider: string;
let regulatorHonghe: string;
let regulatorZhoushan: string;
/** Every event body the audit consumer was handed (every yibao event passes there). */
const eventBodies: string[] = [];

beforeAll(async () => {
  cloud = await startTestCloud();
  cloud.lambda.observe((fn, event, trigger) => {
    if (fn === 'audit' && trigger === 'sqs') for (const r of (event as SQSEvent).Records) eventBodies.push(r.body);
  });
  staff = await cloud.mint({ sub: 'clerk-1', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
  provider = await cloud.mint({ sub: 'his-1', role: 'provider', providerCode: 'H5325001' });
  regulatorHonghe = await cloud.mint({ sub: 'reg-hh', role: 'regulator', region: '532500' });
  regulatorZhoushan = await cloud.mint({ sub: 'reg-zs', role: 'regulator', region: '330900' });
});
afterAll(async () => {
  await cloud?.stop();
});

// ---- people: every test enrols people nobody else uses --------------------------------------

let born = Date.UTC(1960, 0, 1);
const used: string[] = [];
/** A fresh valid ID number (Honghe address code), a day younger than the last; sex by the sequence. */
function person(sex: 'M' | 'F' = 'F'): string {
  born += 86_400_000;
  const date = new Date(born).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `532501${date}00${sex === 'M' ? '1' : '2'}`;
  const id = first17 + checkCharacter(first17);
  used.push(id);
  return id;
}
const birthDateOf = (idNumber: string) => `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;

const resident = (idNumber: string, over: Record<string, unknown> = {}) => ({
  idNumber,
  year: 2025,
  region: '532500',
  scheme: 'resident',
  ...over,
});
const enrol = (body: unknown, token = staff) => api(cloud, 'POST', '/v1/members', { token, body });
const eligibility = (memberId: string, date: string, token = provider) =>
  api(cloud, 'GET', `/v1/members/${memberId}/eligibility?date=${date}`, { token });
const post = (memberId: string, what: string, body: unknown, token = staff) =>
  api(cloud, 'POST', `/v1/members/${memberId}/${what}`, { token, body });

async function enrolled(body: Record<string, unknown>): Promise<{ memberId: string; enrolmentId: string }> {
  const res = await enrol(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { memberId: res.body.member.memberId, enrolmentId: res.body.enrolment.enrolmentId };
}

const problemsOf = (res: { body: { error?: { details?: { problems?: { field: string; rule: string }[] } } } }) =>
  res.body.error?.details?.problems?.map((p) => `${p.field}:${p.rule}`);

describe('members', () => {
  it('enrols a resident, taking birth date and sex from the ID number, and never answers with the number', async () => {
    const idNumber = person('M');
    const res = await enrol(resident(idNumber, { name: '张三' }));
    expect(res.status).toBe(201);
    expect(enrolResponse.safeParse(res.body).success).toBe(true);
    expect(res.body).toMatchObject({
      outcome: 'enrolled',
      member: {
        sex: 'M',
        birthDate: birthDateOf(idNumber),
        maskedId: `${idNumber.slice(0, 4)}**********${idNumber.slice(14)}`,
        name: '张三',
      },
      enrolment: {
        year: 2025,
        region: '532500',
        scheme: 'resident',
        validFrom: '2025-01-01',
        validTo: '2025-12-31',
        status: 'pending-contribution',
        contribution: {
          due: { individualFen: 400_00, employerFen: 0, governmentFen: 700_00, assistanceFen: 0 },
          totalDueFen: 1_100_00,
          outstandingFen: 1_100_00,
          activationThresholdFen: 400_00,
        },
      },
    });
    expect(JSON.stringify(res.body)).not.toContain(idNumber);

    const record = await api(cloud, 'GET', `/v1/members/${res.body.member.memberId}`, { token: staff });
    expect(record.status).toBe(200);
    expect(memberRecordResponse.safeParse(record.body).success).toBe(true);
    expect(record.body.enrolments).toHaveLength(1);
    expect(JSON.stringify(record.body)).not.toContain(idNumber);
  });

  it("enrols an employee through an employer and a flexible worker, with the policy's rates and base limits", async () => {
    const employee = await enrol({
      idNumber: person(),
      year: 2025,
      region: '532500',
      scheme: 'employee',
      employeeKind: 'employer',
      employerCode: '91532500MA6K',
      monthlyBaseFen: 6_000_00,
    });
    expect(employee.status).toBe(201);
    expect(employee.body.enrolment).toMatchObject({
      employeeKind: 'employer',
      employerCode: '91532500MA6K',
      contribution: {
        due: { individualFen: 1_440_00, employerFen: 4_320_00 },
        activationThresholdFen: 480_00,
        contributionBaseFen: 6_000_00,
      },
    });
    const flexible = await enrol({
      idNumber: person(),
      year: 2025,
      region: '532500',
      scheme: 'employee',
      employeeKind: 'flexible',
      monthlyBaseFen: 1_000_00,
      validFrom: '2025-10-01',
    });
    expect(flexible.body.enrolment).toMatchObject({
      validFrom: '2025-10-01',
      contribution: { due: { individualFen: 1_080_00, employerFen: 0 }, contributionBaseFen: 4_500_00 },
    });
  });

  it('refuses a bad ID number with a 400 that says which rule it broke', async () => {
    const good = person();
    const cases: [string, string][] = [
      ['53250119850615002', 'id_format'],
      [`99${good.slice(2)}`, 'id_region'],
      ['532501198502300021', 'id_birth_date'],
      [good.slice(0, 17) + (good[17] === '0' ? '1' : '0'), 'id_check_digit'],
    ];
    for (const [idNumber, rule] of cases) {
      const res = await enrol(resident(idNumber));
      expect(res.status, idNumber).toBe(400);
      expect(problemsOf(res)).toContain(`body.idNumber:${rule}`);
    }
  });

  it('answers every other bad enrolment with a 400 naming field and rule', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [resident(person(), { region: '110000' }), 'body.region:policy_missing'],
      [resident(person(), { scheme: 'employee' }), 'body.employeeKind:required_for_employee'],
      [resident(person(), { employerCode: 'ABC123' }), 'body.employerCode:not_allowed_for_resident'],
      [resident(person(), { validFrom: '2026-01-01' }), 'body.validFrom:outside_year'],
      [resident(person(), { categories: [{ code: 'wealthy', validFrom: '2025-01-01' }] }), 'body.categories.0.code:category_unknown'],
      [resident(person(), { year: '2025' }), 'body.year:invalid_type'],
      [resident(person(), { nmae: 'typo' }), 'body:unrecognized_keys'],
      [{ year: 2025 }, 'body.idNumber:invalid_type'],
    ];
    for (const [body, expected] of cases) {
      const res = await enrol(body);
      expect(res.status, expected).toBe(400);
      expect(problemsOf(res), expected).toContain(expected);
    }
  });

  it('never answers bad input with a 500, on any enrolment route', async () => {
    const { memberId } = await enrolled(resident(person()));
    const junk = fc.oneof(
      fc.constant(null),
      fc.integer(),
      fc.string(),
      fc.array(fc.anything(), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 8 }), fc.anything(), { maxKeys: 4 }),
      fc.record(
        { idNumber: fc.string(), year: fc.anything(), region: fc.anything(), scheme: fc.anything(), categories: fc.anything() },
        { requiredKeys: [] },
      ),
    );
    const targets = [
      '/v1/members',
      '/v1/members/bulk',
      '/v1/members/lookup',
      `/v1/members/${memberId}/contributions`,
      `/v1/members/${memberId}/categories`,
      `/v1/members/${memberId}/transfers`,
      `/v1/members/${memberId}/out-of-area`,
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), junk, async (path, body) => {
        const res = await api(cloud, 'POST', path, { token: staff, rawBody: JSON.stringify(body) ?? 'null' });
        expect(res.status, `${path} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${path} ${JSON.stringify(body)}`).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
    for (const path of [
      `/v1/members/not-a-member/eligibility`,
      `/v1/members/${memberId}/eligibility?date=2025-02-30`,
      '/v1/members?region=5325&year=x',
    ]) {
      const res = await api(cloud, 'GET', path, { token: staff });
      expect(res.status, path).toBe(400);
    }
  });
});

describe('one enrolment per person per year', () => {
  it('refuses a second enrolment in the year with a 409 naming the first; the same enrolment again changes nothing', async () => {
    const idNumber = person();
    const first = await enrolled(resident(idNumber));
    const again = await enrol(resident(idNumber));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'unchanged', enrolment: { enrolmentId: first.enrolmentId } });

    for (const other of [
      resident(idNumber, { region: '330900' }),
      { idNumber, year: 2025, region: '532500', scheme: 'employee', employeeKind: 'flexible', monthlyBaseFen: 5_000_00 },
    ]) {
      const second = await enrol(other);
      expect(second.status).toBe(409);
      expect(problemsOf(second)).toEqual(['body.idNumber:one_enrolment_per_year']);
      expect(second.body.error.details.existing).toMatchObject({
        enrolmentId: first.enrolmentId,
        memberId: first.memberId,
        region: '532500',
        scheme: 'resident',
      });
      expect(second.body.error.message).toContain(first.enrolmentId);
    }
    // Another year is another enrolment.
    expect((await enrol(resident(idNumber, { year: 2024 }))).status).toBe(201);
  });

  it('holds when different enrolments for one person race: exactly one wins, every other is a 409 naming it', async () => {
    const idNumber = person();
    const attempts = [
      resident(idNumber),
      resident(idNumber, { region: '330900' }),
      resident(idNumber, { region: '532500', validFrom: '2025-03-01' }),
      { idNumber, year: 2025, region: '532500', scheme: 'employee', employeeKind: 'flexible', monthlyBaseFen: 5_000_00 },
      {
        idNumber,
        year: 2025,
        region: '330900',
        scheme: 'employee',
        employeeKind: 'employer',
        employerCode: 'EMP0001',
        monthlyBaseFen: 8_000_00,
      },
      resident(idNumber, { region: '330900', categories: [{ code: 'dibao', validFrom: '2025-01-01' }] }),
      { idNumber, year: 2025, region: '330900', scheme: 'employee', employeeKind: 'flexible', monthlyBaseFen: 6_000_00 },
      resident(idNumber, { categories: [{ code: 'tekun', validFrom: '2025-01-01' }] }),
    ];
    const answers = await Promise.all(attempts.map((body) => enrol(body)));
    const won = answers.filter((a) => a.status === 201);
    expect(won).toHaveLength(1);
    const winner = won[0]!.body.enrolment.enrolmentId as string;
    for (const lost of answers.filter((a) => a.status !== 201)) {
      expect(lost.status).toBe(409);
      expect(lost.body.error.details.existing.enrolmentId).toBe(winner);
    }
    const record = await api(cloud, 'GET', `/v1/members/${won[0]!.body.member.memberId}`, { token: staff });
    expect(record.body.enrolments.map((e: { enrolmentId: string }) => e.enrolmentId)).toEqual([winner]);
    // The losers wrote nothing, not even their categories.
    const winnerCategories = (attempts[answers.indexOf(won[0]!)] as { categories?: unknown[] }).categories;
    expect(record.body.categories).toHaveLength(winnerCategories?.length ?? 0);
  });

  it('holds when the same enrolment is sent many times at once: one 201, the rest 200 naming the same enrolment', async () => {
    const idNumber = person();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => enrol(resident(idNumber, { categories: [{ code: 'dibao', validFrom: '2025-01-01' }] }))),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.enrolment.enrolmentId)).size).toBe(1);
    const record = await api(cloud, 'GET', `/v1/members/${answers[0]!.body.member.memberId}`, { token: staff });
    expect(record.body.enrolments).toHaveLength(1);
    expect(record.body.categories).toHaveLength(1);
  });
});

describe('contributions and eligibility', () => {
  it('splits contributions by policy; the enrolment is covered from the day the payable part is complete', async () => {
    const { memberId } = await enrolled(resident(person()));
    const part = await post(memberId, 'contributions', { contributionId: 'TAX-1', year: 2025, amountFen: 100_00, paidOn: '2025-01-05' });
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({
      outcome: 'recorded',
      contribution: { shares: { individualFen: 100_00, employerFen: 0, governmentFen: 0, assistanceFen: 0 } },
      enrolment: { status: 'pending-contribution', contribution: { outstandingFen: 1_000_00 } },
    });
    const rest = await post(memberId, 'contributions', { contributionId: 'TAX-2', year: 2025, amountFen: 300_00, paidOn: '2025-02-10' });
    expect(rest.body).toMatchObject({
      contribution: { shares: { individualFen: 300_00, governmentFen: 700_00 } },
      enrolment: { status: 'active', activeFrom: '2025-02-10', contribution: { outstandingFen: 0 } },
    });

    // The same receipt again changes nothing; with other figures it is a conflict; more than is payable is refused.
    expect(
      (await post(memberId, 'contributions', { contributionId: 'TAX-2', year: 2025, amountFen: 300_00, paidOn: '2025-02-10' })).body
        .outcome,
    ).toBe('unchanged');
    expect(
      problemsOf(await post(memberId, 'contributions', { contributionId: 'TAX-2', year: 2025, amountFen: 200_00, paidOn: '2025-02-10' })),
    ).toEqual(['body.contributionId:contribution_id_reused']);
    const over = await post(memberId, 'contributions', { contributionId: 'TAX-3', year: 2025, amountFen: 1, paidOn: '2025-03-01' });
    expect(over.status).toBe(409);
    expect(problemsOf(over)).toEqual(['body.amountFen:exceeds_outstanding']);
    expect(
      (await post(memberId, 'contributions', { contributionId: 'TAX-4', year: 2024, amountFen: 1, paidOn: '2024-03-01' })).status,
    ).toBe(409);

    const before = await eligibility(memberId, '2025-02-09');
    expect(before.body).toMatchObject({ eligible: false, reason: 'pending-contribution', enrolment: { status: 'pending-contribution' } });
    const after = await eligibility(memberId, '2025-02-10');
    expect(eligibilityResponse.safeParse(after.body).success).toBe(true);
    expect(after.body).toMatchObject({
      eligible: true,
      reason: 'active',
      enrolment: { region: '532500', scheme: 'resident', activeFrom: '2025-02-10' },
    });
    expect((await eligibility(memberId, '2024-06-01')).body).toMatchObject({ eligible: false, reason: 'not-enrolled', enrolment: null });
  });

  it('covers a fully subsidised member (Fuxin 特困) from the first day; the subsidy side books the public shares with a payment of 0', async () => {
    const idNumber = person();
    const res = await enrol({
      idNumber,
      year: 2020,
      region: '210900',
      scheme: 'resident',
      categories: [{ code: 'tekun', validFrom: '2019-06-01', reference: 'MZ-2019-0042' }],
    });
    expect(res.status).toBe(201);
    expect(res.body.enrolment).toMatchObject({
      status: 'active',
      activeFrom: '2020-01-01',
      contribution: {
        due: { individualFen: 0, governmentFen: 550_00, assistanceFen: 280_00 },
        subsidy: { category: 'tekun', payer: 'assistance', amountFen: 280_00 },
      },
    });
    const memberId = res.body.member.memberId as string;
    expect((await eligibility(memberId, '2020-01-01')).body).toMatchObject({
      eligible: true,
      categories: [{ code: 'tekun', validFrom: '2019-06-01' }],
    });
    const booked = await post(memberId, 'contributions', {
      contributionId: 'SUB-2020-1',
      year: 2020,
      amountFen: 0,
      paidOn: '2020-01-15',
      channel: 'subsidy',
    });
    expect(booked.body).toMatchObject({
      outcome: 'recorded',
      contribution: { shares: { individualFen: 0, employerFen: 0, governmentFen: 550_00, assistanceFen: 280_00 } },
      enrolment: { contribution: { outstandingFen: 0 } },
    });
  });

  it('returns the year-to-date accumulators settlement keeps, as of the year asked about', async () => {
    const { memberId } = await enrolled(resident(person(), { categories: [{ code: 'tekun', validFrom: '2025-01-01' }] }));
    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.region, credentials: cloud.credentials }),
    );
    await doc.send(
      new PutCommand({
        TableName: localName.table('accumulators'),
        Item: {
          pk: `MEMBER#${memberId}`,
          sk: 'YEAR#2025',
          memberId,
          year: 2025,
          version: 3,
          counters: { deductibleMetFen: 800_00, basicFundPaidFen: 12_345_67 },
        },
      }),
    );
    doc.destroy();
    expect((await eligibility(memberId, '2025-05-01')).body.accumulators).toEqual({
      year: 2025,
      version: 3,
      counters: { deductibleMetFen: 800_00, basicFundPaidFen: 12_345_67 },
    });
    expect((await eligibility(memberId, '2024-05-01')).body.accumulators).toEqual({ year: 2024, version: 0, counters: {} });
  });

  it('gives settlement the member as of a date through loadMemberState', async () => {
    const idNumber = person('M');
    const { memberId, enrolmentId } = await enrolled(
      resident(idNumber, { categories: [{ code: 'tekun', validFrom: '2025-01-01', validTo: '2025-06-30' }] }),
    );
    const state = await loadMemberState(memberId, '2025-03-01');
    expect(state).toEqual({
      member: { memberId, sex: 'M', birthDate: birthDateOf(idNumber), maskedId: `${idNumber.slice(0, 4)}**********${idNumber.slice(14)}` },
      onDate: '2025-03-01',
      enrolment: {
        enrolmentId,
        year: 2025,
        region: '532500',
        scheme: 'resident',
        status: 'active',
        validFrom: '2025-01-01',
        validTo: '2025-12-31',
        activeFrom: '2025-01-01',
      },
      categories: [{ code: 'tekun', validFrom: '2025-01-01', validTo: '2025-06-30' }],
      outOfArea: [],
    });
    expect((await loadMemberState(memberId, '2025-07-01'))!.categories).toEqual([]);
    expect(await loadMemberState('M0000000000000000', '2025-07-01')).toBeUndefined();
  });
});

describe('assistance categories', () => {
  it('keeps categories with periods, readable as of a date; a late certificate recomputes an unpaid enrolment', async () => {
    const { memberId } = await enrolled(resident(person()));
    const added = await post(memberId, 'categories', { code: 'dibao', validFrom: '2024-11-01', reference: 'MZ-DB-88' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      outcome: 'added',
      recomputedEnrolments: [{ contribution: { due: { individualFen: 40_00, assistanceFen: 360_00 } }, status: 'pending-contribution' }],
    });
    expect((await post(memberId, 'categories', { code: 'dibao', validFrom: '2024-11-01', reference: 'MZ-DB-88' })).status).toBe(200);

    const ended = await post(memberId, 'categories', { code: 'dibao', validFrom: '2024-11-01', validTo: '2025-05-31' });
    expect(ended.body).toMatchObject({ outcome: 'period-changed', category: { validTo: '2025-05-31', reference: 'MZ-DB-88' } });
    const overlap = await post(memberId, 'categories', { code: 'dibao', validFrom: '2025-05-01' });
    expect(overlap.status).toBe(409);
    expect(problemsOf(overlap)).toEqual(['body.validFrom:category_overlap']);
    expect((await post(memberId, 'categories', { code: 'monitored', validFrom: '2025-06-01' })).status).toBe(201);
    expect(problemsOf(await post(memberId, 'categories', { code: 'unheard-of', validFrom: '2025-06-01' }))).toEqual([
      'body.code:category_unknown',
    ]);
    expect(problemsOf(await post(memberId, 'categories', { code: 'tekun', validFrom: '2025-06-01', validTo: '2025-01-01' }))).toEqual([
      'body.validTo:period_order',
    ]);

    expect((await eligibility(memberId, '2025-03-01')).body.categories).toEqual([
      { code: 'dibao', validFrom: '2024-11-01', validTo: '2025-05-31' },
    ]);
    expect((await eligibility(memberId, '2025-07-01')).body.categories).toEqual([{ code: 'monitored', validFrom: '2025-06-01' }]);
    expect((await post('M0000000000000000', 'categories', { code: 'dibao', validFrom: '2025-01-01' })).status).toBe(404);
  });
});

describe('transfers (转移接续) and out-of-area registration (异地就医备案)', () => {
  it('closes the old enrolment the day before and opens the new one, keeping history and cover', async () => {
    const idNumber = person();
    const { memberId, enrolmentId } = await enrolled(resident(idNumber));
    await post(memberId, 'contributions', { contributionId: 'T-1', year: 2025, amountFen: 400_00, paidOn: '2025-01-03' });
    const moved = await post(memberId, 'transfers', { toRegion: '330900', transferDate: '2025-07-01' });
    expect(moved.status).toBe(201);
    expect(moved.body).toMatchObject({
      outcome: 'transferred',
      from: { enrolmentId, region: '532500', status: 'closed', validTo: '2025-06-30', transferredTo: { region: '330900' } },
      to: {
        region: '330900',
        status: 'active',
        validFrom: '2025-07-01',
        validTo: '2025-12-31',
        activeFrom: '2025-07-01',
        transferredFrom: { enrolmentId, region: '532500' },
        contribution: { outstandingFen: 0 },
      },
    });
    const newId = moved.body.to.enrolmentId as string;
    expect((await post(memberId, 'transfers', { toRegion: '330900', transferDate: '2025-07-01' })).body).toMatchObject({
      outcome: 'unchanged',
      to: { enrolmentId: newId },
    });

    expect((await eligibility(memberId, '2025-06-30')).body).toMatchObject({
      eligible: true,
      enrolment: { enrolmentId, region: '532500' },
    });
    expect((await eligibility(memberId, '2025-07-01')).body).toMatchObject({
      eligible: true,
      enrolment: { enrolmentId: newId, region: '330900' },
    });

    const record = await api(cloud, 'GET', `/v1/members/${memberId}`, { token: staff });
    expect(record.body.enrolments.map((e: { region: string; status: string }) => `${e.region}:${e.status}`)).toEqual([
      '532500:closed',
      '330900:active',
    ]);
    // Still one open enrolment a year: a new enrolment is refused naming the new one; the old request is a repeat.
    const again = await enrol({
      idNumber,
      year: 2025,
      region: '330900',
      scheme: 'employee',
      employeeKind: 'flexible',
      monthlyBaseFen: 5_000_00,
    });
    expect(again.status).toBe(409);
    expect(again.body.error.details.existing.enrolmentId).toBe(newId);
    expect((await enrol(resident(idNumber))).body).toMatchObject({ outcome: 'unchanged', enrolment: { enrolmentId: newId } });

    expect(problemsOf(await post(memberId, 'transfers', { toRegion: '330900', transferDate: '2025-09-01' }))).toEqual([
      'body.toRegion:same_region',
    ]);
    expect(problemsOf(await post(memberId, 'transfers', { toRegion: '110000', transferDate: '2025-09-01' }))).toEqual([
      'body.toRegion:policy_missing',
    ]);
    expect((await post(memberId, 'transfers', { toRegion: '532500', transferDate: '2024-09-01' })).status).toBe(409);
  });

  it('records where a member lives or works elsewhere, with dates, and shows it on the dates it holds', async () => {
    const { memberId } = await enrolled(resident(person()));
    const reg = await post(memberId, 'out-of-area', {
      kind: 'work-elsewhere',
      region: '440300',
      validFrom: '2025-04-01',
      validTo: '2025-09-30',
      reference: 'BA-2025-7',
    });
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({
      outcome: 'registered',
      registration: { kind: 'work-elsewhere', region: '440300', validFrom: '2025-04-01', validTo: '2025-09-30' },
    });
    expect(
      (
        await post(memberId, 'out-of-area', {
          kind: 'work-elsewhere',
          region: '440300',
          validFrom: '2025-04-01',
          validTo: '2025-09-30',
          reference: 'BA-2025-7',
        })
      ).status,
    ).toBe(200);
    expect((await eligibility(memberId, '2025-05-01')).body.outOfArea).toEqual([
      { kind: 'work-elsewhere', region: '440300', validFrom: '2025-04-01', validTo: '2025-09-30' },
    ]);
    expect((await eligibility(memberId, '2025-10-01')).body.outOfArea).toEqual([]);

    expect(problemsOf(await post(memberId, 'out-of-area', { kind: 'temporary', region: '532500', validFrom: '2025-11-01' }))).toEqual([
      'body.region:same_region',
    ]);
    expect(problemsOf(await post(memberId, 'out-of-area', { kind: 'temporary', region: '310000', validFrom: '2025-09-01' }))).toEqual([
      'body.validFrom:registration_overlap',
    ]);
    expect(problemsOf(await post(memberId, 'out-of-area', { kind: 'temporary', region: '310000', validFrom: '2024-09-01' }))).toEqual([
      'body.validFrom:not_enrolled',
    ]);
    expect(problemsOf(await post(memberId, 'out-of-area', { kind: 'abroad', region: '310000', validFrom: '2025-11-01' }))).toEqual([
      'body.kind:invalid_value',
    ]);
  });
});

describe('roles', () => {
  it('lets a provider look a person up and read eligibility, and nothing else', async () => {
    const idNumber = person();
    const { memberId } = await enrolled(resident(idNumber));
    const found = await api(cloud, 'POST', '/v1/members/lookup', { token: provider, body: { idNumber } });
    expect(found).toMatchObject({ status: 200, body: { memberId, maskedId: `${idNumber.slice(0, 4)}**********${idNumber.slice(14)}` } });
    expect((await api(cloud, 'POST', '/v1/members/lookup', { token: provider, body: { idNumber: person() } })).status).toBe(404);
    expect(problemsOf(await api(cloud, 'POST', '/v1/members/lookup', { token: provider, body: { idNumber: '123' } }))).toEqual([
      'body.idNumber:id_format',
    ]);
    expect((await eligibility(memberId, '2025-03-01', provider)).status).toBe(200);

    for (const [method, path, body] of [
      ['POST', '/v1/members', resident(person())],
      ['GET', `/v1/members/${memberId}`, undefined],
      ['GET', '/v1/members?region=532500&year=2025', undefined],
      ['POST', '/v1/members/bulk', { rows: [{ rowNumber: 2 }] }],
      ['POST', `/v1/members/${memberId}/contributions`, { contributionId: 'X', year: 2025, amountFen: 1, paidOn: '2025-01-01' }],
      ['POST', `/v1/members/${memberId}/categories`, { code: 'dibao', validFrom: '2025-01-01' }],
      ['POST', `/v1/members/${memberId}/transfers`, { toRegion: '330900', transferDate: '2025-05-01' }],
      ['POST', `/v1/members/${memberId}/out-of-area`, { kind: 'temporary', region: '310000', validFrom: '2025-05-01' }],
    ] as const) {
      const res = await api(cloud, method, path, { token: provider, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect((await api(cloud, 'GET', `/v1/members/${memberId}/eligibility`)).status).toBe(401);
  });

  it('lets a regulator read within its own region only', async () => {
    const { memberId } = await enrolled(resident(person()));
    expect((await api(cloud, 'GET', `/v1/members/${memberId}`, { token: regulatorHonghe })).status).toBe(200);
    expect((await api(cloud, 'GET', `/v1/members/${memberId}`, { token: regulatorHonghe })).body.member.name).toBeUndefined();
    expect((await eligibility(memberId, '2025-03-01', regulatorHonghe)).status).toBe(200);
    expect((await api(cloud, 'GET', '/v1/members?region=532500&year=2025&limit=5', { token: regulatorHonghe })).status).toBe(200);

    // Issue 20: another region's member answers exactly as a missing one (it was a 403 that told it exists).
    const refused = await api(cloud, 'GET', `/v1/members/${memberId}`, { token: regulatorZhoushan });
    const missing = await api(cloud, 'GET', '/v1/members/M0000000000000000', { token: regulatorZhoushan });
    expect(refused.status).toBe(404);
    expect(JSON.stringify(refused.body).replaceAll(memberId, '?')).toBe(JSON.stringify(missing.body).replaceAll('M0000000000000000', '?'));
    expect((await eligibility(memberId, '2025-03-01', regulatorZhoushan)).status).toBe(404);
    expect((await api(cloud, 'GET', '/v1/members?region=532500&year=2025', { token: regulatorZhoushan })).status).toBe(403);
    expect((await enrol(resident(person()), regulatorHonghe)).status).toBe(403);
    expect((await api(cloud, 'POST', '/v1/members/lookup', { token: regulatorHonghe, body: { idNumber: person() } })).status).toBe(403);
  });
});

describe('listing a region', () => {
  it("lists a region's enrolments for a year, page by page, with masked numbers only", async () => {
    const ids = [person(), person(), person()];
    for (const idNumber of ids) await enrolled({ idNumber, year: 2024, region: '330900', scheme: 'resident' });
    const first = await api(cloud, 'GET', '/v1/members?region=330900&year=2024&limit=2', { token: staff });
    expect(first.status).toBe(200);
    expect(first.body.enrolments).toHaveLength(2);
    expect(first.body.nextCursor).toBeTruthy();
    const rest = await api(cloud, 'GET', `/v1/members?region=330900&year=2024&limit=2&cursor=${first.body.nextCursor}`, { token: staff });
    const all = [...first.body.enrolments, ...rest.body.enrolments];
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(
      all.every(
        (e: { region: string; year: number; maskedId: string }) =>
          e.region === '330900' && e.year === 2024 && /^\d{4}\*{10}\d{3}[\dX]$/.test(e.maskedId),
      ),
    ).toBe(true);
    for (const idNumber of ids) expect(JSON.stringify(all)).not.toContain(idNumber);
    const other = await api(cloud, 'GET', `/v1/members?region=532500&year=2024&cursor=${first.body.nextCursor}`, { token: staff });
    expect(problemsOf(other)).toEqual(['query.cursor:cursor']);
  });
});

describe('events', () => {
  it('publishes MemberEnrolled, ContributionRecorded, MemberCategoryChanged and EnrolmentTransferred, by member id', async () => {
    const idNumber = person();
    const name = '事件测试';
    const { memberId } = await enrolled(resident(idNumber, { name, categories: [{ code: 'monitored', validFrom: '2025-01-01' }] }));
    await post(memberId, 'contributions', { contributionId: 'EV-1', year: 2025, amountFen: 80_00, paidOn: '2025-01-10' });
    await post(memberId, 'categories', { code: 'monitored', validFrom: '2025-01-01', validTo: '2025-03-31' });
    await post(memberId, 'transfers', { toRegion: '330900', transferDate: '2025-04-01' });

    const mine = await eventually(() => {
      const found = eventBodies
        .map((b) => JSON.parse(b) as { 'detail-type': string; source: string; detail: Record<string, unknown> })
        .filter((e) => e.detail.memberId === memberId);
      return found.length >= 5 ? found : undefined;
    }, "the member's five events in the audit queue");
    expect(mine.map((e) => e['detail-type']).sort()).toEqual([
      'ContributionRecorded',
      'EnrolmentTransferred',
      'MemberCategoryChanged',
      'MemberCategoryChanged',
      'MemberEnrolled',
    ]);
    expect(new Set(mine.map((e) => e.source))).toEqual(new Set(['yibao.enrolment']));
    expect(mine.find((e) => e['detail-type'] === 'MemberEnrolled')!.detail).toMatchObject({
      maskedId: `${idNumber.slice(0, 4)}**********${idNumber.slice(14)}`,
      status: 'pending-contribution',
      categories: ['monitored'],
      subsidy: { category: 'monitored', amountFen: 320_00 },
    });
    expect(mine.find((e) => e['detail-type'] === 'ContributionRecorded')!.detail).toMatchObject({
      shares: { individualFen: 80_00, governmentFen: 700_00, assistanceFen: 320_00 },
      activated: true,
      complete: true,
    });
    expect(mine.find((e) => e['detail-type'] === 'EnrolmentTransferred')!.detail).toMatchObject({
      region: '330900',
      from: { region: '532500', validTo: '2025-03-31' },
      to: { region: '330900', validFrom: '2025-04-01' },
    });
    for (const e of mine) expect(JSON.stringify(e)).not.toContain(name);
  });

  const traced = (correlationId: string) => ({ token: staff, headers: { 'x-correlation-id': correlationId } });
  /** The audit trail of a correlation id once it holds `count` events (every yibao event is archived there). */
  const trailOf = (correlationId: string, count: number) =>
    eventually(async () => {
      const res = await api(cloud, 'GET', `/v1/audit/${correlationId}`, { token: staff });
      const events = res.body.events as { detailType: string; detail: Record<string, any> }[];
      return events.length >= count ? events : undefined;
    }, `${count} events in the audit trail of ${correlationId}`);
  const stillWaiting = async (keys: string[]) => (await Promise.all(keys.map(waitingEntry))).filter((e) => e !== undefined);

  it('loses no enrolment event the bus refused after the commit: the repeated request delivers it', async () => {
    const idNumber = person();
    const body = resident(idNumber, { name: '外箱', categories: [{ code: 'dibao', validFrom: '2025-01-01' }] });
    const correlationId = `outbox-enrol-${Date.now()}`;
    const first = await whileTheBusRefuses(() => api(cloud, 'POST', '/v1/members', { ...traced(correlationId), body }));
    // The state committed, so the request succeeded, though its events did not reach the bus.
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const { memberId, enrolmentId } = first.body.enrolment as { memberId: string; enrolmentId: string };
    const category = (await readMemberItems(memberId)).categories[0]!;
    const keys = [eventKeys.memberEnrolled(enrolmentId), eventKeys.categoryChanged(category)];
    const waiting = await stillWaiting(keys);
    expect(waiting.map((e) => e.detailType).sort()).toEqual(['MemberCategoryChanged', 'MemberEnrolled']);
    for (const e of waiting) {
      expect(e.detail).not.toContain(idNumber);
      expect(e.detail).not.toContain('外箱');
    }

    const again = await enrol(body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'unchanged', enrolment: { enrolmentId } });
    // Delivered under the first request's correlation id: these are the events it committed.
    const trail = await trailOf(correlationId, 2);
    expect(trail.map((e) => e.detailType).sort()).toEqual(['MemberCategoryChanged', 'MemberEnrolled']);
    expect(trail.find((e) => e.detailType === 'MemberEnrolled')!.detail).toMatchObject({
      memberId,
      enrolmentId,
      categories: ['dibao'],
      meta: { correlationId },
    });
    expect(await stillWaiting(keys)).toEqual([]);
  });

  it('loses no contribution, category or transfer event either: each repeated change delivers its own', async () => {
    const { memberId, enrolmentId } = await enrolled(resident(person()));
    const changes = [
      ['contributions', { contributionId: 'OB-1', year: 2025, amountFen: 400_00, paidOn: '2025-01-10' }],
      ['categories', { code: 'monitored', validFrom: '2025-02-01' }],
      ['transfers', { toRegion: '330900', transferDate: '2025-06-01' }],
    ] as const;
    const correlationId = `outbox-changes-${Date.now()}`;
    for (const [what, body] of changes) {
      const res = await whileTheBusRefuses(() => api(cloud, 'POST', `/v1/members/${memberId}/${what}`, { ...traced(correlationId), body }));
      expect(res.status, `${what} ${JSON.stringify(res.body)}`).toBe(201);
    }
    const items = await readMemberItems(memberId);
    const to = items.enrolments.find((e) => e.transferredFrom?.enrolmentId === enrolmentId)!;
    const keys = [
      eventKeys.contributionRecorded({ memberId, year: 2025, contributionId: 'OB-1' }),
      eventKeys.categoryChanged(items.categories.find((c) => c.code === 'monitored')!),
      eventKeys.enrolmentTransferred(to.enrolmentId),
    ];
    expect(await stillWaiting(keys)).toHaveLength(3);

    for (const [what, body] of changes) {
      const res = await post(memberId, what, body);
      expect(res.status, what).toBe(200);
      expect(res.body.outcome, what).toBe('unchanged');
    }
    const trail = await trailOf(correlationId, 3);
    expect(trail.map((e) => e.detailType).sort()).toEqual(['ContributionRecorded', 'EnrolmentTransferred', 'MemberCategoryChanged']);
    expect(trail.find((e) => e.detailType === 'EnrolmentTransferred')!.detail).toMatchObject({
      memberId,
      to: { enrolmentId: to.enrolmentId, region: '330900' },
    });
    expect(await stillWaiting(keys)).toEqual([]);
  });

  it('leaves what no repeat comes for to the relay, which publishes it once the grace period is over', async () => {
    const { memberId } = await enrolled(resident(person()));
    const correlationId = `outbox-relay-${Date.now()}`;
    const body = { contributionId: 'OB-R', year: 2025, amountFen: 100_00, paidOn: '2025-01-10' };
    const paid = await whileTheBusRefuses(() =>
      api(cloud, 'POST', `/v1/members/${memberId}/contributions`, { ...traced(correlationId), body }),
    );
    expect(paid.status).toBe(201);
    const key = eventKeys.contributionRecorded({ memberId, year: 2025, contributionId: 'OB-R' });
    expect(await stillWaiting([key])).toHaveLength(1);
    // Within the grace period the relay leaves it alone (the request may still be delivering it).
    await relayOutbox(new Date());
    expect(await stillWaiting([key])).toHaveLength(1);

    const report = await relayOutbox(new Date(Date.now() + 60_000));
    expect(report).toMatchObject({ waiting: 0 });
    expect(report.delivered).toBeGreaterThanOrEqual(1);
    const trail = await trailOf(correlationId, 1);
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({
      detailType: 'ContributionRecorded',
      detail: { memberId, contributionId: 'OB-R', meta: { correlationId } },
    });
    expect(await stillWaiting([key])).toEqual([]);
  });

  it('never puts a full ID number or a name on the bus, for any member of this file', async () => {
    await eventually(() => (eventBodies.length > 10 ? true : undefined), 'events in the audit queue');
    const all = eventBodies.join('\n');
    for (const idNumber of used) expect(all).not.toContain(idNumber);
    expect(all).not.toContain('张三');
    expect(all).not.toContain('外箱');
  });
});
