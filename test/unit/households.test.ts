/**
 * The household plans (shared/households/household.ts), pure: a membership is an entry of the member
 * register `households`; the household keeps its head and the one-household-at-a-time rule.
 */
import { describe, expect, it } from 'vitest';
import {
  householdOn,
  planAddMember,
  planChangeHead,
  planCreate,
  planRemoveMember,
  type HouseholdPlan,
  type HouseholdState,
} from '../../shared/households/household.ts';
import type { RegisterItems } from '../../shared/registers/entry.ts';
import type { Refused } from '../../shared/enrolment/problems.ts';

const NOW = '2025-05-01T08:00:00.000Z';
const clerk = { role: 'staff' as const, sub: 'clerk-1' };
const [A, B, C] = ['MAAAAAAAAAAAAAAAA', 'MBBBBBBBBBBBBBBBB', 'MCCCCCCCCCCCCCCCC'];
const empty = (): RegisterItems => ({ entries: [], history: [], locks: {} });

function state(registers: Record<string, RegisterItems> = {}, household?: HouseholdState['household']): HouseholdState {
  return { household, members: new Map([A, B, C].map((id) => [id, { exists: true, registers: registers[id] ?? empty() }])) };
}
const done = (p: HouseholdPlan | Refused) => {
  if (!p.ok || p.outcome === 'unchanged') throw new Error(`expected a change, got ${JSON.stringify(p)}`);
  return p;
};
/** The member's register items after a plan's change (what a fresh read would find). */
function withChange(items: RegisterItems, p: ReturnType<typeof done>, memberId: string): RegisterItems {
  const change = p.memberships.find((m) => m.entry.memberId === memberId);
  if (!change) return items;
  return {
    entries: [...items.entries.filter((e) => e.entryId !== change.entry.entryId), change.entry],
    history: [...items.history, change.history],
    locks: { households: (items.locks.households ?? 0) + 1 },
  };
}

describe('households', () => {
  const created = done(
    planCreate(
      state(),
      { householdId: 'HH-1', region: '330900', from: '2025-01-01', head: A, members: [{ memberId: B, relation: 'spouse' }] },
      clerk,
      NOW,
    ),
  );
  const regs = { [A]: withChange(empty(), created, A), [B]: withChange(empty(), created, B) };

  it('creates one membership entry per member, open-ended, with its history item, under the register lock', () => {
    expect(created.memberships.map((m) => [m.entry.memberId, m.entry.entryId, m.entry.validTo, m.entry.payload, m.expectedLock])).toEqual([
      [A, 'HH-1-2025-01-01', '9999-12-31', { householdId: 'HH-1', relation: 'head' }, 0],
      [B, 'HH-1-2025-01-01', '9999-12-31', { householdId: 'HH-1', relation: 'spouse' }, 0],
    ]);
    expect(created.memberships.every((m) => m.history.change === 'created' && m.history.by.sub === 'clerk-1')).toBe(true);
    expect(created.household).toMatchObject({ head: { memberId: A, from: '2025-01-01' }, version: 1 });
  });

  it('answers the household of a date from the member register, and none before joining or after leaving', () => {
    expect(householdOn(regs[A], '2025-03-01')).toBe('HH-1');
    expect(householdOn(regs[A], '2024-12-31')).toBeUndefined();
    const left = done(planRemoveMember(state(regs, created.household), 'HH-1', B, { to: '2025-06-30', reason: 'moved-out' }, clerk, NOW));
    const bAfter = withChange(regs[B]!, left, B);
    expect([householdOn(bAfter, '2025-06-30'), householdOn(bAfter, '2025-07-01')]).toEqual(['HH-1', undefined]);
    expect(left.memberships[0]!.history).toMatchObject({ change: 'ended', reason: 'left household HH-1: moved-out' });
  });

  it('keeps a member in one household at a time, naming the other household', () => {
    const refused = planAddMember(
      state(regs, { ...created.household, householdId: 'HH-2', pk: 'HOUSEHOLD#HH-2' }),
      'HH-2',
      { memberId: B, relation: 'child', from: '2025-08-01' },
      clerk,
      NOW,
    );
    expect(refused).toMatchObject({
      ok: false,
      status: 409,
      problems: [{ field: 'memberId', rule: 'in_another_household' }],
      details: { householdId: 'HH-1' },
    });
  });

  it('lets the head leave last, and moves the head by amending both memberships', () => {
    expect(planRemoveMember(state(regs, created.household), 'HH-1', A, { to: '2025-09-30', reason: 'deceased' }, clerk, NOW)).toMatchObject(
      {
        ok: false,
        status: 409,
        problems: [{ rule: 'head_leaves_last' }],
      },
    );
    const moved = done(
      planChangeHead(
        state(regs, created.household),
        'HH-1',
        { memberId: B, from: '2025-10-01', previousHeadRelation: 'spouse' },
        clerk,
        NOW,
      ),
    );
    expect(moved.memberships.map((m) => [m.entry.memberId, m.entry.payload.relation, m.history.change, m.expectedVersion])).toEqual([
      [B, 'head', 'amended', 1],
      [A, 'spouse', 'amended', 1],
    ]);
    expect(moved.household).toMatchObject({ head: { memberId: B, from: '2025-10-01' }, version: 2 });
  });

  it('answers a repeat unchanged and refuses a different household under the same id', () => {
    const again = planCreate(
      state(regs, created.household),
      { householdId: 'HH-1', region: '330900', from: '2025-01-01', head: A, members: [{ memberId: B, relation: 'spouse' }] },
      clerk,
      NOW,
    );
    expect(again).toMatchObject({ ok: true, outcome: 'unchanged' });
    expect(
      planCreate(
        state(regs, created.household),
        { householdId: 'HH-1', region: '330900', from: '2025-01-01', head: A, members: [] },
        clerk,
        NOW,
      ),
    ).toMatchObject({
      ok: false,
      status: 409,
      problems: [{ field: 'householdId', rule: 'exists' }],
    });
  });
});
