/**
 * The enrolment rules, pure: what a request is refused for (field and rule), what an enrolment
 * writes, and how contributions, categories, transfers and out-of-area registrations change a
 * member, and what settlement then reads as of a date. Items are built by the same planners the
 * function uses, without a table.
 */
import { describe, expect, it } from 'vitest';
import { planCategoryChange } from '../../shared/enrolment/category-change.ts';
import { planContribution } from '../../shared/enrolment/contribution-recording.ts';
import { checkEnrolment, enrolmentRequestSchema, planEnrolment, type EnrolmentRequest } from '../../shared/enrolment/enrol.ts';
import { checkCharacter } from '../../shared/enrolment/id-number.ts';
import { idHash, memberIdFor } from '../../shared/enrolment/identity.ts';
import type { EnrolmentItem, MemberItems } from '../../shared/enrolment/items.ts';
import { planOutOfArea } from '../../shared/enrolment/out-of-area.ts';
import { contributionPolicy } from '../../shared/policy/enrolment.ts';
import { memberStateFrom } from '../../shared/enrolment/state.ts';
import { planTransfer } from '../../shared/enrolment/transfer.ts';

const TODAY = '2026-11-23';
const NOW = '2026-11-23T10:00:00.000Z';
const SECRET = 'unit-test-secret-unit-test-secret-123';
const rules = { today: TODAY, policies: contributionPolicy };
const id = (first17: string) => first17 + checkCharacter(first17);
const PERSON = id('53250219850615002'); // born 1985-06-15, a woman (sequence 002)

const request = (over: Partial<EnrolmentRequest> = {}): EnrolmentRequest =>
  enrolmentRequestSchema.parse({ idNumber: PERSON, year: 2025, region: '532500', scheme: 'resident', ...over });

/** A member's items after enrolling with the request (nothing held before). */
function enrolled(
  over: Partial<EnrolmentRequest> = {},
  held: MemberItems = { enrolments: [], categories: [], contributions: [], outOfArea: [] },
): MemberItems {
  const checked = checkEnrolment(request(over), rules);
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  const plan = planEnrolment(checked.value, { idHash: idHash(PERSON, SECRET), memberId: memberIdFor(PERSON, SECRET) }, held, NOW);
  return {
    ...held,
    member: plan.member,
    enrolments: [...held.enrolments, plan.enrolment],
    categories: [...held.categories, ...plan.categories],
  };
}

const replace = (items: MemberItems, e: EnrolmentItem): MemberItems => ({
  ...items,
  enrolments: items.enrolments.map((x) => (x.enrolmentId === e.enrolmentId ? e : x)),
});
const rulesOf = (result: { ok: boolean; problems?: { field: string; rule: string }[] }) =>
  result.problems?.map((p) => `${p.field}:${p.rule}`);

describe('checking an enrolment request', () => {
  it('takes birth date and sex from the number and starts cover on 1 January', () => {
    const checked = checkEnrolment(request(), rules);
    expect(checked).toMatchObject({
      ok: true,
      value: {
        person: { birthDate: '1985-06-15', sex: 'F', maskedId: `5325**********002${PERSON[17]}` },
        validFrom: '2025-01-01',
        validTo: '2025-12-31',
      },
    });
  });

  it('reports every problem with its field and rule', () => {
    const wrongCheck = PERSON.slice(0, 17) + (PERSON[17] === '0' ? '1' : '0');
    expect(rulesOf(checkEnrolment(request({ idNumber: wrongCheck }), rules))).toEqual(['idNumber:id_check_digit']);
    expect(rulesOf(checkEnrolment(request({ region: '110000' }), rules))).toEqual(['region:policy_missing']);
    expect(rulesOf(checkEnrolment(request({ year: 2031 }), rules))).toEqual(['region:policy_missing']);
    expect(rulesOf(checkEnrolment(request({ scheme: 'employee' }), rules))).toEqual([
      'employeeKind:required_for_employee',
      'monthlyBaseFen:required_for_employee',
    ]);
    expect(rulesOf(checkEnrolment(request({ scheme: 'employee', employeeKind: 'employer', monthlyBaseFen: 500000 }), rules))).toEqual([
      'employerCode:required_for_employer',
    ]);
    expect(
      rulesOf(
        checkEnrolment(request({ scheme: 'employee', employeeKind: 'flexible', employerCode: 'ABC123', monthlyBaseFen: 500000 }), rules),
      ),
    ).toEqual(['employerCode:not_allowed_for_flexible']);
    expect(rulesOf(checkEnrolment(request({ employeeKind: 'flexible' }), rules))).toEqual(['employeeKind:not_allowed_for_resident']);
    expect(rulesOf(checkEnrolment(request({ validFrom: '2024-12-31' }), rules))).toEqual(['validFrom:outside_year']);
    expect(rulesOf(checkEnrolment(request({ idNumber: id('53250220250615002'), validFrom: '2025-03-01' }), rules))).toEqual([
      'validFrom:before_birth',
    ]);
    expect(rulesOf(checkEnrolment(request({ categories: [{ code: 'rich', validFrom: '2025-01-01' }] }), rules))).toEqual([
      'categories.0.code:category_unknown',
    ]);
    expect(
      rulesOf(checkEnrolment(request({ categories: [{ code: 'dibao', validFrom: '2025-06-01', validTo: '2025-01-01' }] }), rules)),
    ).toEqual(['categories.0.validTo:period_order']);
    expect(
      rulesOf(
        checkEnrolment(
          request({
            categories: [
              { code: 'dibao', validFrom: '2025-01-01' },
              { code: 'dibao', validFrom: '2025-06-01' },
            ],
          }),
          rules,
        ),
      ),
    ).toEqual(['categories.1.validFrom:category_overlap']);
  });

  it('knows the categories a region defines for itself, and only there', () => {
    expect(checkEnrolment(request({ categories: [{ code: 'orphan', validFrom: '2025-01-01' }] }), rules).ok).toBe(true);
    expect(
      rulesOf(checkEnrolment(request({ region: '330900', categories: [{ code: 'orphan', validFrom: '2025-01-01' }] }), rules)),
    ).toEqual(['categories.0.code:category_unknown']);
  });
});

describe('planning an enrolment', () => {
  it('keeps the ID number in the profile only; keys carry the keyed hash and the member id', () => {
    const checked = checkEnrolment(request(), rules);
    if (!checked.ok) throw new Error('refused');
    const plan = planEnrolment(
      checked.value,
      { idHash: idHash(PERSON, SECRET), memberId: memberIdFor(PERSON, SECRET) },
      { enrolments: [], categories: [], contributions: [], outOfArea: [] },
      NOW,
    );
    expect(plan.member.idNumber).toBe(PERSON);
    const { member: _m, ...others } = plan;
    expect(JSON.stringify(others)).not.toContain(PERSON);
    expect(JSON.stringify(plan.member).replace(`"idNumber":"${PERSON}"`, '')).not.toContain(PERSON);
    expect(plan.lock).toMatchObject({ pk: `PERSON#${idHash(PERSON, SECRET)}`, sk: 'YEAR#2025', enrolmentId: plan.enrolment.enrolmentId });
    expect(plan.enrolment).toMatchObject({
      status: 'pending-contribution',
      gsi2pk: 'REGION#532500#YEAR#2025',
      enrolmentId: `${plan.member.memberId}-2025-01`,
    });
  });

  it('makes a fully subsidised member covered from the first day, with nothing payable', () => {
    const items = enrolled({ categories: [{ code: 'tekun', validFrom: '2020-01-01' }] });
    expect(items.enrolments[0]).toMatchObject({
      status: 'active',
      activeFrom: '2025-01-01',
      activationThresholdFen: 0,
      subsidy: { category: 'tekun', payer: 'assistance', amountFen: 400_00 },
    });
  });

  it("counts a category already held for the new year's subsidy", () => {
    const last = enrolled({ year: 2024, categories: [{ code: 'dibao', validFrom: '2024-01-01' }] });
    const next = enrolled({}, last);
    expect(next.enrolments[1]!.due).toEqual({ individualFen: 40_00, employerFen: 0, governmentFen: 700_00, assistanceFen: 360_00 });
  });
});

describe('contributions', () => {
  const items = enrolled();
  const memberId = items.member!.memberId;
  const pay = (amountFen: number, contributionId = 'R1', paidOn = '2025-02-10') => ({
    contributionId,
    year: 2025,
    amountFen,
    paidOn,
    channel: 'tax' as const,
  });

  it('makes the enrolment active from the day the payable part is complete', () => {
    const plan = planContribution(items, memberId, pay(400_00), TODAY, NOW);
    expect(plan).toMatchObject({
      ok: true,
      outcome: 'recorded',
      activated: true,
      complete: true,
      expectedVersion: 0,
      enrolment: { status: 'active', activeFrom: '2025-02-10', version: 1 },
    });
    expect(plan.ok && plan.contribution.shares).toEqual({ individualFen: 400_00, employerFen: 0, governmentFen: 700_00, assistanceFen: 0 });
  });

  it('treats the same receipt as done, and the same receipt with other figures as a conflict', () => {
    const first = planContribution(items, memberId, pay(100_00), TODAY, NOW);
    if (!first.ok || first.outcome !== 'recorded') throw new Error('not recorded');
    const after: MemberItems = { ...replace(items, first.enrolment), contributions: [first.contribution] };
    expect(planContribution(after, memberId, pay(100_00), TODAY, NOW)).toMatchObject({ ok: true, outcome: 'unchanged' });
    expect(rulesOf(planContribution(after, memberId, pay(200_00), TODAY, NOW) as never)).toEqual(['contributionId:contribution_id_reused']);
    expect(rulesOf(planContribution(after, memberId, pay(300_01, 'R2'), TODAY, NOW) as never)).toEqual(['amountFen:exceeds_outstanding']);
  });

  it('refuses a year without an enrolment and a payment dated after today', () => {
    expect(planContribution(items, memberId, { ...pay(1), year: 2024 }, TODAY, NOW)).toMatchObject({
      ok: false,
      status: 409,
      problems: [{ rule: 'not_enrolled' }],
    });
    expect(planContribution(items, memberId, pay(1, 'R9', '2026-12-01'), TODAY, NOW)).toMatchObject({
      ok: false,
      status: 400,
      problems: [{ rule: 'in_future' }],
    });
  });
});

describe('categories', () => {
  const items = enrolled();
  const memberId = items.member!.memberId;

  it('recomputes an enrolment with nothing paid, so a 低保 certificate after the campaign still relieves the member', () => {
    const plan = planCategoryChange(items, memberId, { code: 'dibao', validFrom: '2024-10-01' }, contributionPolicy, NOW);
    expect(plan).toMatchObject({ ok: true, outcome: 'added', region: undefined });
    if (!plan.ok || plan.outcome === 'unchanged') return;
    expect(plan.recomputed).toHaveLength(1);
    expect(plan.recomputed[0]!.enrolment.due).toEqual({
      individualFen: 40_00,
      employerFen: 0,
      governmentFen: 700_00,
      assistanceFen: 360_00,
    });
  });

  it('ends a period by posting it with its last day; refuses an overlapping period of the same code', () => {
    const added = planCategoryChange(items, memberId, { code: 'dibao', validFrom: '2025-03-01' }, contributionPolicy, NOW);
    if (!added.ok || added.outcome === 'unchanged') throw new Error('not added');
    expect(added.recomputed).toHaveLength(0); // starts after the first day of cover: the year's due stands
    const held: MemberItems = { ...items, categories: [added.category] };
    expect(planCategoryChange(held, memberId, { code: 'dibao', validFrom: '2025-03-01' }, contributionPolicy, NOW)).toMatchObject({
      ok: true,
      outcome: 'unchanged',
    });
    expect(
      planCategoryChange(held, memberId, { code: 'dibao', validFrom: '2025-03-01', validTo: '2025-08-31' }, contributionPolicy, NOW),
    ).toMatchObject({ ok: true, outcome: 'period-changed', previous: { validFrom: '2025-03-01' }, category: { validTo: '2025-08-31' } });
    expect(planCategoryChange(held, memberId, { code: 'dibao', validFrom: '2025-06-01' }, contributionPolicy, NOW)).toMatchObject({
      ok: false,
      status: 409,
      problems: [{ rule: 'category_overlap' }],
    });
    expect(planCategoryChange(held, memberId, { code: 'tekun', validFrom: '2025-06-01' }, contributionPolicy, NOW)).toMatchObject({
      ok: true,
      outcome: 'added',
      region: '532500',
    });
  });
});

describe('transfers and what settlement reads as of a date', () => {
  const base = enrolled({ categories: [{ code: 'monitored', validFrom: '2025-01-01', validTo: '2025-06-30' }] });
  const memberId = base.member!.memberId;
  const paid = planContribution(
    base,
    memberId,
    { contributionId: 'R1', year: 2025, amountFen: 80_00, paidOn: '2025-01-20', channel: 'tax' },
    TODAY,
    NOW,
  );
  if (!paid.ok || paid.outcome !== 'recorded') throw new Error('not paid');
  const active = { ...replace(base, paid.enrolment), contributions: [paid.contribution] };

  it("closes the old enrolment the day before, opens the new one, and carries the year's account and cover", () => {
    const plan = planTransfer(active, { toRegion: '330900', transferDate: '2025-07-01' }, contributionPolicy, NOW);
    expect(plan).toMatchObject({
      ok: true,
      outcome: 'transferred',
      expectedVersion: 1,
      from: { region: '532500', status: 'closed', validTo: '2025-06-30', transferredTo: { region: '330900' } },
      to: {
        region: '330900',
        status: 'active',
        validFrom: '2025-07-01',
        validTo: '2025-12-31',
        activeFrom: '2025-07-01',
        seq: 2,
        transferredFrom: { region: '532500' },
      },
    });
    if (!plan.ok) return;
    expect(plan.to.paid).toEqual(plan.from.paid);
  });

  it('refuses a transfer to the same region, before the enrolment starts, or where no policy exists', () => {
    expect(rulesOf(planTransfer(active, { toRegion: '532500', transferDate: '2025-07-01' }, contributionPolicy, NOW) as never)).toEqual([
      'toRegion:same_region',
    ]);
    expect(rulesOf(planTransfer(active, { toRegion: '330900', transferDate: '2025-01-01' }, contributionPolicy, NOW) as never)).toEqual([
      'transferDate:transfer_date',
    ]);
    expect(rulesOf(planTransfer(active, { toRegion: '110000', transferDate: '2025-07-01' }, contributionPolicy, NOW) as never)).toEqual([
      'toRegion:policy_missing',
    ]);
    expect(planTransfer(active, { toRegion: '330900', transferDate: '2026-03-01' }, contributionPolicy, NOW)).toMatchObject({
      ok: false,
      status: 409,
      problems: [{ rule: 'not_enrolled' }],
    });
  });

  it('answers "as of a date": region, cover, categories and registrations of that day', () => {
    const plan = planTransfer(active, { toRegion: '330900', transferDate: '2025-07-01' }, contributionPolicy, NOW);
    if (!plan.ok || plan.outcome !== 'transferred') throw new Error('not transferred');
    let items: MemberItems = { ...replace(active, plan.from), enrolments: [plan.from, plan.to] };
    const ooa = planOutOfArea(
      items,
      memberId,
      { kind: 'work-elsewhere', region: '310000', validFrom: '2025-08-01', validTo: '2025-10-31' },
      NOW,
    );
    if (!ooa.ok) throw new Error('not registered');
    items = { ...items, outOfArea: [ooa.registration] };

    expect(memberStateFrom(items, '2025-01-10')).toMatchObject({
      enrolment: { region: '532500', status: 'pending-contribution' },
      categories: [{ code: 'monitored' }],
    });
    expect(memberStateFrom(items, '2025-03-01')).toMatchObject({
      enrolment: { region: '532500', status: 'active' },
      categories: [{ code: 'monitored' }],
      outOfArea: [],
    });
    expect(memberStateFrom(items, '2025-09-15')).toMatchObject({
      member: { memberId, sex: 'F', birthDate: '1985-06-15' },
      enrolment: { region: '330900', status: 'active', scheme: 'resident' },
      categories: [],
      outOfArea: [{ kind: 'work-elsewhere', region: '310000' }],
    });
    expect(memberStateFrom(items, '2024-12-31')!.enrolment).toBeNull();
    expect(memberStateFrom({ enrolments: [], categories: [], contributions: [], outOfArea: [] }, '2025-01-01')).toBeUndefined();
  });

  it("out-of-area: refuses the member's own region, a day without enrolment, and overlapping registrations", () => {
    expect(planOutOfArea(active, memberId, { kind: 'temporary', region: '532500', validFrom: '2025-03-01' }, NOW)).toMatchObject({
      ok: false,
      status: 400,
      problems: [{ rule: 'same_region' }],
    });
    expect(planOutOfArea(active, memberId, { kind: 'temporary', region: '310000', validFrom: '2024-03-01' }, NOW)).toMatchObject({
      ok: false,
      status: 409,
      problems: [{ rule: 'not_enrolled' }],
    });
    const first = planOutOfArea(active, memberId, { kind: 'long-term-residence', region: '310000', validFrom: '2025-03-01' }, NOW);
    if (!first.ok) throw new Error('refused');
    const held = { ...active, outOfArea: [first.registration] };
    expect(planOutOfArea(held, memberId, { kind: 'temporary', region: '440300', validFrom: '2025-05-01' }, NOW)).toMatchObject({
      ok: false,
      status: 409,
      problems: [{ rule: 'registration_overlap' }],
    });
    expect(
      planOutOfArea(held, memberId, { kind: 'long-term-residence', region: '310000', validFrom: '2025-03-01', validTo: '2025-04-30' }, NOW),
    ).toMatchObject({ ok: true, outcome: 'period-changed' });
  });
});
