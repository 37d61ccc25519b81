/**
 * Enrolment's events go through the transactional outbox: each write puts its events in the same
 * transaction as its state (after the state's own items, which the bulk path's reading of the
 * cancellation reasons relies on), and delivers them after the commit without ever failing the
 * request. The local cloud shows the whole flow (test/integration/enrolment.test.ts); this shows
 * the transaction's layout and the delivery's edges with the SDK mocked.
 */
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { checkEnrolment, enrolmentRequestSchema, planEnrolment, type EnrolmentPlan } from '../../shared/enrolment/enrol.ts';
import { checkCharacter } from '../../shared/enrolment/id-number.ts';
import { idHash, memberIdFor } from '../../shared/enrolment/identity.ts';
import type { MemberItems } from '../../shared/enrolment/items.ts';
import { contributionPolicy } from '../../shared/policy/enrolment.ts';
import { planContribution } from '../../shared/enrolment/contribution-recording.ts';
import { enrolmentItemCount, writeContribution, writeEnrolments, type EnrolmentWrite } from '../../shared/enrolment/store/members.ts';
import { shardOf } from '../../shared/events/outbox.ts';
import { enrolMember } from '../../functions/enrolment/services/enrol.ts';
import { contributionEvent, enrolmentEvents, eventKeys } from '../../functions/enrolment/services/events.ts';

// The policies table is an edge too: these tests read the shipped policies only (no table).
vi.mock('../../shared/policy/store/registry.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../shared/policy/store/registry.ts')>();
  return { ...actual, policies: actual.policyRegistry({ shippedOnly: true }) };
});

const dynamo = mockClient(DynamoDBDocumentClient);
const bus = mockClient(EventBridgeClient);
afterAll(() => {
  dynamo.restore();
  bus.restore();
});

const SECRET = 'unit-test-secret-unit-test-secret-123';
const NOW = '2026-11-23T10:00:00.000Z';
const NOTHING: MemberItems = { enrolments: [], categories: [], contributions: [], outOfArea: [] };
const id = (first17: string) => first17 + checkCharacter(first17);
const PEOPLE = [id('53250219850615002'), id('53250219900101001')];

beforeEach(() => {
  process.env.TABLE_MEMBERS = 'members-table';
  process.env.TABLE_OUTBOX = 'outbox-table';
  process.env.EVENT_BUS_NAME = 'test-bus';
  process.env.ID_HASH_SECRET = SECRET;
  dynamo.reset();
  bus.reset();
});

function planFor(idNumber: string, categories: { code: string; validFrom: string }[]): EnrolmentPlan {
  const checked = checkEnrolment(
    enrolmentRequestSchema.parse({ idNumber, name: '测试', year: 2025, region: '532500', scheme: 'resident', categories }),
    { today: '2026-11-23', policies: contributionPolicy },
  );
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  return planEnrolment(checked.value, { idHash: idHash(idNumber, SECRET), memberId: memberIdFor(idNumber, SECRET) }, NOTHING, NOW);
}

const writeOf = (plan: EnrolmentPlan): EnrolmentWrite => ({
  plan,
  expectedCategoriesVersion: 0,
  events: enrolmentEvents(plan, NOTHING, 'corr-1', NOW),
});
type Item = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
const tableOf = (item: Item) => item.Put?.TableName ?? item.Update?.TableName;

describe('the transaction of an enrolment', () => {
  it("puts each enrolment's events right after its own items, so a cancellation reason falls in that enrolment's slice", async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const writes = [writeOf(planFor(PEOPLE[0]!, [{ code: 'dibao', validFrom: '2025-01-01' }])), writeOf(planFor(PEOPLE[1]!, []))];
    expect(writes.map((w) => w.events.length)).toEqual([2, 1]);
    expect((await writeEnrolments(writes)).ok).toBe(true);

    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items).toHaveLength(enrolmentItemCount(writes[0]!) + enrolmentItemCount(writes[1]!));
    let at = 0;
    for (const w of writes) {
      const slice = items.slice(at, at + enrolmentItemCount(w));
      at += enrolmentItemCount(w);
      const state = slice.slice(0, slice.length - w.events.length);
      const outbox = slice.slice(state.length);
      expect(state.every((i) => tableOf(i) === 'members-table')).toBe(true);
      expect(state).toHaveLength(3 + w.plan.categories.length);
      expect(outbox.map((i) => i.Put)).toEqual(
        w.events.map((e) => ({
          TableName: 'outbox-table',
          Item: { pk: `OUTBOX#${shardOf(e.key)}`, sk: e.key, ...e },
          ConditionExpression: 'attribute_not_exists(pk)',
        })),
      );
    }
  });

  it('names each fact once: the enrolment by its id, each new category by its period and when it was recorded', () => {
    const plan = planFor(PEOPLE[0]!, [
      { code: 'dibao', validFrom: '2025-01-01' },
      { code: 'tekun', validFrom: '2025-03-01' },
    ]);
    const events = enrolmentEvents(plan, NOTHING, 'corr-1', NOW);
    expect(events.map((e) => e.key)).toEqual([
      `enrolment/${plan.enrolment.enrolmentId}/MemberEnrolled`,
      `category/${plan.member.memberId}/dibao/2025-01-01/${NOW}/MemberCategoryChanged`,
      `category/${plan.member.memberId}/tekun/2025-03-01/${NOW}/MemberCategoryChanged`,
    ]);
    for (const e of events) {
      expect(e.detail).not.toContain(PEOPLE[0]!);
      expect(e.detail).not.toContain('测试');
      expect(JSON.parse(e.detail).meta).toEqual({ schemaVersion: 1, correlationId: 'corr-1' });
    }
  });

  it('refuses a group larger than one transaction, counting the outbox items', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const base = planFor(PEOPLE[0]!, [{ code: 'dibao', validFrom: '2025-01-01' }]);
    const plan = {
      ...base,
      categories: Array.from({ length: 10 }, (_, i) => ({ ...base.categories[0]!, code: `code${i}`, sk: `CAT#2025-01-01#code${i}` })),
    };
    const write = writeOf(plan);
    // Profile, lock, enrolment and 10 categories; then MemberEnrolled and a MemberCategoryChanged for each category.
    expect(enrolmentItemCount(write)).toBe(3 + 10 + 11);
    expect((await writeEnrolments([write, write, write, write])).ok).toBe(true); // 96 items
    expect(() => writeEnrolments([write, write, write, write, write])).toThrow(RangeError); // 120
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it("passes a contribution's event to the same transaction, keyed by member, year and receipt", async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const plan = planFor(PEOPLE[0]!, []);
    const held: MemberItems = { ...NOTHING, member: plan.member, enrolments: [plan.enrolment] };
    const recorded = planContribution(
      held,
      plan.member.memberId,
      { contributionId: 'TAX-1', year: 2025, amountFen: 400_00, paidOn: '2025-01-05', channel: 'tax' },
      '2026-11-23',
      NOW,
    );
    if (!recorded.ok || recorded.outcome !== 'recorded') throw new Error('not recorded');
    const event = contributionEvent(recorded, 'corr-2', NOW);
    expect(event.key).toBe(eventKeys.contributionRecorded({ memberId: plan.member.memberId, year: 2025, contributionId: 'TAX-1' }));
    await writeContribution(recorded, [event]);
    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.map(tableOf)).toEqual(['members-table', 'members-table', 'outbox-table']);
    expect(items[2]!.Put!.Item).toMatchObject({ sk: event.key, detailType: 'ContributionRecorded' });
  });
});

describe('delivering after the commit', () => {
  const request = () => enrolmentRequestSchema.parse({ idNumber: PEOPLE[1]!, year: 2025, region: '532500', scheme: 'resident' });
  const context = (warn = vi.fn()) => ({ clock: { today: '2026-11-23', now: NOW }, correlationId: 'corr-3', logger: { warn } });

  beforeEach(() => {
    dynamo.on(QueryCommand).resolves({ Items: [] }); // nobody known by this number
    dynamo.on(TransactWriteCommand).resolves({});
    dynamo.on(BatchWriteCommand).resolves({});
  });

  it('publishes the committed event and deletes it from the outbox', async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const result = await enrolMember(request(), context());
    expect(result).toMatchObject({ ok: true, outcome: 'enrolled' });
    const key = eventKeys.memberEnrolled((result as { enrolment: { enrolmentId: string } }).enrolment.enrolmentId);
    const committed = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(committed.at(-1)!.Put).toMatchObject({ TableName: 'outbox-table', Item: { sk: key } });
    const deleted = dynamo.commandCalls(BatchWriteCommand)[0]!.args[0].input.RequestItems!['outbox-table'];
    expect(deleted).toEqual([{ DeleteRequest: { Key: { pk: `OUTBOX#${shardOf(key)}`, sk: key } } }]);
  });

  it('still answers enrolled when the bus refuses, leaves the event in the outbox and says so in the log', async () => {
    bus
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'no bus' }] });
    const warn = vi.fn();
    const result = await enrolMember(request(), context(warn));
    expect(result).toMatchObject({ ok: true, outcome: 'enrolled' });
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(0);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('outbox relay'), {
      waiting: [expect.stringMatching(/^enrolment\/.+\/MemberEnrolled$/)],
    });
  });

  it('still answers enrolled when the bus cannot be reached at all', async () => {
    bus.on(PutEventsCommand).rejects(new Error('connect ECONNREFUSED'));
    const warn = vi.fn();
    expect(await enrolMember(request(), context(warn))).toMatchObject({ ok: true, outcome: 'enrolled' });
    expect(warn).toHaveBeenCalledOnce();
  });

  it('reads again and decides again when the outbox refused the same fact: the repeat delivers what waits', async () => {
    const plan = planFor(PEOPLE[1]!, []);
    // The first commit is cancelled on its outbox item; the re-read finds the enrolment another request wrote.
    dynamo.on(TransactWriteCommand).rejects(
      Object.assign(new Error('cancelled'), {
        name: 'TransactionCanceledException',
        CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
      }),
    );
    dynamo.on(QueryCommand, { IndexName: 'byIdentity' }).resolves({ Items: [] });
    dynamo
      .on(QueryCommand, { KeyConditionExpression: 'pk = :pk' })
      .resolves({ Items: [{ ...plan.member, name: undefined }, plan.enrolment] });
    const waiting = enrolmentEvents(plan, NOTHING, 'corr-first', NOW)[0]!;
    dynamo.on(GetCommand).resolves({ Item: { pk: `OUTBOX#${shardOf(waiting.key)}`, sk: waiting.key, ...waiting } });
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-2' }] });

    const result = await enrolMember(request(), context());
    expect(result).toMatchObject({ ok: true, outcome: 'unchanged', enrolment: { enrolmentId: plan.enrolment.enrolmentId } });
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input.Key).toEqual({ pk: `OUTBOX#${shardOf(waiting.key)}`, sk: waiting.key });
    // The waiting entry, as its first request committed it (its correlation id), not a new one.
    expect(bus.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries).toEqual([
      expect.objectContaining({ DetailType: 'MemberEnrolled', Detail: waiting.detail }),
    ]);
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(1);
  });
});
