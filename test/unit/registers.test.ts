/**
 * The register shape (shared/registers/entry.ts) and the engine's chronic cover by approvals
 * (shared/settlement/engine.ts `chronicCover`), pure: plans on items built here, statements with
 * worked Zhoushan 2025 figures (in-city primary care: outpatient 62%, chronic 65%, tuberculosis 70%).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  entrySk,
  historySk,
  holdingOn,
  lockSk,
  planAmend,
  REGISTER_BOOKKEEPING_FROM,
  planCreate,
  planEnd,
  type Actor,
  type RegisterItems,
  type RegisterPlan,
} from '../../shared/registers/entry.ts';
import { registerSpecs } from '../../shared/registers/registers.ts';
import { categorySk, contributionSk, enrolmentSk, outOfAreaSk, PROFILE_SK } from '../../shared/enrolment/items.ts';
import { employmentSk, monthlyContributionSk } from '../../shared/employers/items.ts';
import { allowanceSk, pregnancySk } from '../../shared/maternity/store/records.ts';
import { registerRow } from '../../shared/registers/bulk.ts';
import { shippedPolicy } from '../../shared/policy/benefits.ts';
import { settle } from '../../shared/settlement/engine.ts';
import { contractStandingIn, countDeltas, standingIn, weightsByContracts, yearsOf } from '../../shared/budget/capitated-population.ts';
import { exampleBill, exampleLine, exampleMember, exampleProvider } from '../../shared/settlement/examples.ts';

const staff: Actor = { role: 'staff', sub: 'clerk-1' };
const NOW = '2025-02-01T08:00:00.000Z';
const approvals = registerSpecs['chronic-approvals'].definition;
const contracts = registerSpecs['family-doctor-contracts'].definition;
const empty = (): RegisterItems => ({ entries: [], history: [], locks: {} });

const approvalRequest = (diseaseGroup: string, validFrom = '2025-01-01', validTo = '2025-12-31') =>
  registerSpecs['chronic-approvals'].toCreate({
    diseaseGroup,
    validFrom,
    validTo,
    certifyingProvider: 'H33090200011',
    certifyingDoctor: { code: 'D1', name: '王医生' },
    evidence: [{ kind: 'diagnosis-certificate', reference: 'ZD-1' }],
  });

/** Applies a plan to the items, as the store would. */
function apply(items: RegisterItems, plan: RegisterPlan): RegisterItems {
  const register = plan.entry.register;
  return {
    entries: [...items.entries.filter((e) => e.sk !== plan.entry.sk), plan.entry],
    history: plan.history ? [...items.history, plan.history] : items.history,
    locks: plan.history ? { ...items.locks, [register]: (items.locks[register] ?? 0) + 1 } : items.locks,
  };
}
const ok = (p: RegisterPlan | { ok: false }): RegisterPlan => {
  if (!p.ok) throw new Error(JSON.stringify(p));
  return p;
};

describe('the register shape', () => {
  it('creates, repeats unchanged, amends, ends and revokes, each change one history item numbered by version', () => {
    let items = empty();
    const created = ok(planCreate(approvals, items, 'M1', '330900', approvalRequest('hypertension'), staff, NOW));
    expect(created).toMatchObject({ outcome: 'created', expectedLock: 0, entry: { entryId: 'hypertension-2025-01-01', version: 1 } });
    items = apply(items, created);
    expect(ok(planCreate(approvals, items, 'M1', '330900', approvalRequest('hypertension'), staff, NOW)).outcome).toBe('unchanged');
    const amended = ok(
      planAmend(approvals, items, 'hypertension-2025-01-01', { validTo: '2025-10-31', reason: 'review date' }, staff, NOW),
    );
    expect(amended).toMatchObject({
      outcome: 'amended',
      expectedVersion: 1,
      expectedLock: 1,
      entry: { version: 2, validTo: '2025-10-31' },
    });
    items = apply(items, amended);
    const ended = ok(
      planEnd(approvals, items, 'hypertension-2025-01-01', { action: 'end', endDate: '2025-06-30', reason: 'cured' }, staff, NOW),
    );
    items = apply(items, ended);
    expect(holdingOn(items, 'chronic-approvals', '2025-06-30')).toHaveLength(1);
    expect(holdingOn(items, 'chronic-approvals', '2025-07-01')).toHaveLength(0);
    const revoked = ok(planEnd(approvals, items, 'hypertension-2025-01-01', { action: 'revoke', reason: 'recorded in error' }, staff, NOW));
    items = apply(items, revoked);
    expect(holdingOn(items, 'chronic-approvals', '2025-03-01')).toHaveLength(0);
    expect(items.history.map((h) => [h.version, h.change, h.reason ?? null])).toEqual([
      [1, 'created', null],
      [2, 'amended', 'review date'],
      [3, 'ended', 'cured'],
      [4, 'revoked', 'recorded in error'],
    ]);
    // A revoked entry is void; amending it is refused, revoking it again changes nothing.
    expect(planAmend(approvals, items, 'hypertension-2025-01-01', { validTo: '2025-12-31', reason: 'x' }, staff, NOW)).toMatchObject({
      ok: false,
      status: 409,
    });
    expect(ok(planEnd(approvals, items, 'hypertension-2025-01-01', { action: 'revoke', reason: 'again' }, staff, NOW)).outcome).toBe(
      'unchanged',
    );
  });

  it('refuses an overlap of the same conflict key (one contract at a time), but not of different groups', () => {
    let items = empty();
    items = apply(items, ok(planCreate(approvals, items, 'M1', '330900', approvalRequest('hypertension'), staff, NOW)));
    expect(planCreate(approvals, items, 'M1', '330900', approvalRequest('diabetes'), staff, NOW)).toMatchObject({ ok: true });
    expect(
      planCreate(approvals, items, 'M1', '330900', approvalRequest('hypertension', '2025-06-01', '2026-05-31'), staff, NOW),
    ).toMatchObject({
      ok: false,
      status: 409,
      problems: [{ field: 'validFrom', rule: 'overlap' }],
    });
    const contract = (providerCode: string, validFrom: string, validTo: string) =>
      registerSpecs['family-doctor-contracts'].toCreate({ providerCode, teamCode: 'T', validFrom, validTo });
    let held = empty();
    held = apply(held, ok(planCreate(contracts, held, 'M1', '330900', contract('H0001', '2025-01-01', '2025-12-31'), staff, NOW)));
    expect(planCreate(contracts, held, 'M1', '330900', contract('H0002', '2025-12-31', '2026-12-30'), staff, NOW)).toMatchObject({
      ok: false,
    });
    expect(planCreate(contracts, held, 'M1', '330900', contract('H0002', '2026-01-01', '2026-12-31'), staff, NOW)).toMatchObject({
      ok: true,
    });
  });

  it('never lets two entries of one conflict key hold on the same day, whatever the sequence of requests (property)', () => {
    const day = fc.integer({ min: 0, max: 360 }).map((d) => new Date(Date.UTC(2025, 0, 1 + d)).toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.array(fc.tuple(day, day), { maxLength: 12 }), (periods) => {
        let items = empty();
        for (const [a, b] of periods) {
          const [from, to] = a <= b ? [a, b] : [b, a];
          const plan = planCreate(approvals, items, 'M1', '330900', approvalRequest('tb', from, to), staff, NOW);
          if (plan.ok) items = apply(items, plan);
        }
        for (let d = 0; d < 365; d += 7) {
          const date = new Date(Date.UTC(2025, 0, 1 + d)).toISOString().slice(0, 10);
          expect(holdingOn(items, 'chronic-approvals', date).length).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('reads a bulk row: evidence cells, the doctor columns, and problems naming the column and rule', () => {
    const row = registerRow('chronic-approvals', {
      idNumber: '330902195501020011',
      diseaseGroup: 'tb',
      validFrom: '2025-01-01',
      validTo: '2025-12-31',
      certifyingProvider: 'H33090200011',
      doctorCode: 'D1',
      doctorName: '王医生',
      evidence: 'diagnosis-certificate:ZD-1;LAB-2',
    });
    expect(row).toMatchObject({
      member: { idNumber: '330902195501020011' },
      request: {
        payload: {
          certifyingDoctor: { code: 'D1', name: '王医生' },
          evidence: [
            { kind: 'diagnosis-certificate', reference: 'ZD-1' },
            { kind: 'other', reference: 'LAB-2' },
          ],
        },
      },
    });
    const bad = registerRow('supplementary-plans', { planCode: 'zhouhuibao', year: 'twenty', extra: 'x' });
    expect('problems' in bad && bad.problems.map((p) => `${p.field}:${p.rule}`)).toEqual([
      'memberId:required',
      'year:invalid_type',
      'row:unrecognized_keys',
    ]);
  });
});

describe('the chronic-outpatient cover follows the approvals register', () => {
  const policy = shippedPolicy('zhoushan-resident', 2025);
  const provider = exampleProvider('primary', '330902');
  const member = (approved: string[]) =>
    exampleMember({
      enrolment: { region: '330900', scheme: 'resident', year: 2025 },
      chronicApprovals: approved.map((disease) => ({ entryId: `${disease}-2025-01-01`, disease, validTo: '2025-12-31' })),
    });
  const chronic = (disease: string, principal: string) =>
    exampleBill([exampleLine(1, 'A', 'drug', 300)], {
      visit: { type: 'chronic-outpatient', serviceDate: '2025-06-01', disease },
      diagnoses: { principal, secondary: [] },
    });
  const run = (bill: ReturnType<typeof chronic>, approved: string[]) =>
    settle({ bill, member: member(approved), provider, yearToDate: {}, policy });

  it('pays tuberculosis 70% on a TB diagnosis with a TB approval: 300 → 210', () => {
    const s = run(chronic('tb', 'A15.000'), ['tb']);
    expect(s.visit).toMatchObject({ type: 'chronic-outpatient', disease: 'tb', approval: { entryId: 'tb-2025-01-01' } });
    expect(s.totals.byLayer.basic).toBe(21_000);
    expect(s.visit.notes).toBeUndefined();
  });

  it('never pays TB 70% on a hypertension (I10) diagnosis: under the approved hypertension group 65% (195), without one as outpatient 62% (186)', () => {
    const approved = run(chronic('tb', 'I10.x00'), ['tb', 'hypertension']);
    expect(approved.visit).toMatchObject({ type: 'chronic-outpatient', disease: 'hypertension', declared: { disease: 'tb' } });
    expect(approved.totals.byLayer.basic).toBe(19_500);
    const onlyTb = run(chronic('tb', 'I10.x00'), ['tb']);
    expect(onlyTb.visit).toMatchObject({ type: 'outpatient', declared: { type: 'chronic-outpatient', disease: 'tb' } });
    expect(onlyTb.visit.notes![0]).toContain('(approved: tb)');
    expect(onlyTb.totals.byLayer.basic).toBe(18_600);
  });

  it('settles a chronic visit without any approval as ordinary outpatient with a note; a literal member without the register keeps the declared cover', () => {
    const none = run(chronic('hypertension', 'I10.x00'), []);
    expect(none.visit.type).toBe('outpatient');
    expect(none.visit.notes).toEqual([
      'no chronic-disease approval (门诊慢特病认定) of the member covers diagnosis I10.x00 on 2025-06-01: settled as an ordinary outpatient visit (普通门诊)',
    ]);
    const unknown = settle({
      bill: chronic('hypertension', 'I10.x00'),
      member: exampleMember({ enrolment: { region: '330900', scheme: 'resident', year: 2025 } }),
      provider,
      yearToDate: {},
      policy,
    });
    expect(unknown.visit.type).toBe('chronic-outpatient');
    expect(unknown.totals.byLayer.basic).toBe(19_500);
  });

  it('keeps today’s behaviour where the policy does not require approval', () => {
    const lax = {
      ...policy,
      visits: { ...policy.visits, 'chronic-outpatient': { ...policy.visits['chronic-outpatient']!, requireApproval: false } },
    };
    const s = settle({ bill: chronic('tb', 'I10.x00'), member: member([]), provider, yearToDate: {}, policy: lax });
    expect(s.visit.type).toBe('chronic-outpatient');
    expect(s.totals.byLayer.basic).toBe(21_000);
  });
});

describe('the capitated population from approvals (shared/budget/capitated-population.ts)', () => {
  const fact = (
    entryId: string,
    diseaseGroup: string,
    validFrom: string,
    validTo: string,
    communityId: string | null,
    status: 'active' | 'revoked' = 'active',
  ) => ({
    entryId,
    version: 1,
    status,
    validFrom,
    validTo,
    diseaseGroup,
    communityId,
  });

  it('places a member in the community of its earliest approval holding in the year, once, in each approved group of that community', () => {
    const facts = [
      fact('stroke-2023-03-01', 'stroke', '2023-03-01', '2024-02-29', 'HC-1'),
      fact('diabetes-2023-01-01', 'diabetes', '2023-01-01', '2023-12-31', 'HC-1'),
      fact('copd-2022-06-01', 'copd', '2022-06-01', '2023-01-31', null),
      fact('tb-2023-01-01', 'heart-failure', '2023-01-01', '2023-12-31', 'HC-1', 'revoked'),
    ];
    expect(standingIn(facts, 2023)).toEqual({ communityId: 'HC-1', groups: ['diabetes', 'stroke'] });
    expect(standingIn(facts, 2024)).toEqual({ communityId: 'HC-1', groups: ['stroke'] });
    expect(standingIn(facts, 2022)).toEqual({ communityId: null, groups: [] });
    expect(yearsOf(facts[0]!)).toEqual([2023, 2024]);
    expect(yearsOf(facts[3]!)).toEqual([]);
  });

  it('moves the counters by the change of standing only', () => {
    expect(countDeltas({ communityId: null, groups: [] }, { communityId: 'HC-1', groups: ['diabetes', 'stroke'] })).toEqual([
      { communityId: 'HC-1', members: 1, groups: { diabetes: 1, stroke: 1 } },
    ]);
    expect(countDeltas({ communityId: 'HC-1', groups: ['diabetes'] }, { communityId: 'HC-1', groups: ['diabetes', 'stroke'] })).toEqual([
      { communityId: 'HC-1', members: 0, groups: { stroke: 1 } },
    ]);
    expect(countDeltas({ communityId: 'HC-1', groups: ['diabetes'] }, { communityId: null, groups: [] })).toEqual([
      { communityId: 'HC-1', members: -1, groups: { diabetes: -1 } },
    ]);
    expect(countDeltas({ communityId: 'HC-1', groups: ['x'] }, { communityId: 'HC-1', groups: ['x'] })).toEqual([]);
  });
});

describe('family-doctor contracts as the per-capita basis', () => {
  it('counts a member with the provider of its latest contract in the year, and weights a tier by contracted members', () => {
    const contract = (entryId: string, provider: string, validFrom: string, validTo: string) => ({
      entryId,
      version: 1,
      status: 'active' as const,
      validFrom,
      validTo,
      diseaseGroup: provider,
      communityId: provider,
    });
    const facts = [contract('A-2024-07-01', 'A', '2024-07-01', '2025-03-31'), contract('B-2025-04-01', 'B', '2025-04-01', '2026-03-31')];
    expect(contractStandingIn(facts, 2024)).toEqual({ communityId: 'A', groups: [] });
    expect(contractStandingIn(facts, 2025)).toEqual({ communityId: 'B', groups: [] });
    const members = [
      { providerCode: 'C1', tier: 'county', weight: 1 },
      { providerCode: 'T1', tier: 'township', weight: 1 },
      { providerCode: 'T2', tier: 'township', weight: 1 },
      { providerCode: 'V1', tier: 'village', weight: 1 },
    ];
    const weighted = weightsByContracts(
      members,
      new Map([
        ['T1', 300],
        ['T2', 100],
      ]),
    );
    // Townships share 3 : 1 by contracted members; the county and village tiers, with none, keep equal weights.
    expect(weighted.map((m) => m.weight)).toEqual([1, 300, 100, 1]);
  });
});

describe("a member's state on a date reads the partition up to the registers' bookkeeping", () => {
  // DynamoDB orders sort keys by their UTF-8 bytes; these keys differ from the bound within their
  // ASCII prefix, where bytes and JavaScript's comparison agree, so whatever follows cannot matter.
  const text = fc.string({ unit: 'binary', maxLength: 30 });
  const date = fc
    .date({ min: new Date('1950-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));

  it('keeps every key a state is built from below the bound (property)', () => {
    fc.assert(
      fc.property(text, text, date, fc.integer({ min: 1990, max: 2099 }), fc.integer({ min: 0, max: 99 }), (a, b, day, year, seq) => {
        const kept = [
          PROFILE_SK,
          enrolmentSk(year, seq),
          categorySk(day, a),
          contributionSk(year, a),
          outOfAreaSk(day, a),
          employmentSk(day),
          monthlyContributionSk(day.slice(0, 7)),
          entrySk(a, b),
          // Maternity's records share the partition too.
          pregnancySk(a),
          allowanceSk(a),
        ];
        for (const key of kept) expect(key < REGISTER_BOOKKEEPING_FROM, key).toBe(true);
      }),
    );
  });

  it('leaves every history item and lock of the registers at or above it (property)', () => {
    fc.assert(
      fc.property(text, text, fc.integer({ min: 1, max: 9999 }), (register, entryId, version) => {
        expect(historySk(register, entryId, version) >= REGISTER_BOOKKEEPING_FROM).toBe(true);
        expect(lockSk(register) >= REGISTER_BOOKKEEPING_FROM).toBe(true);
      }),
    );
  });
});
