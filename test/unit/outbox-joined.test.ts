/**
 * Deliveries after commit joined (shared/events/outbox.ts `deliverAfterCommit`): the events of the
 * commits one environment finishes at once go to the bus in shared PutEvents and their outbox entries
 * are deleted in shared BatchWriteItems, and still each caller hears about its own events only. The
 * same through the real local cloud and its bus: test/integration/outbox-joined.test.ts.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { deliverAfterCommit, type OutboxEntry } from '../../shared/events/outbox.ts';
import { setLocalIdentity } from '../../shared/runtime/aws-clients.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const bus = mockClient(EventBridgeClient);

/** What the bus saw: each PutEvents call's keys (an entry's Detail is its key here). */
let putCalls: string[][];
/** Keys deleted from the outbox, call by call. */
let deleteCalls: string[][];
/** Keys the bus refuses. */
let refusing: Set<string>;

beforeEach(() => {
  Object.assign(process.env, { TABLE_OUTBOX: 'outbox', EVENT_BUS_NAME: 'bus' });
  dynamo.reset();
  bus.reset();
  putCalls = [];
  deleteCalls = [];
  refusing = new Set();
  bus.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    putCalls.push(input.Entries.map((e) => e.Detail!));
    return {
      Entries: input.Entries.map((e, i) => (refusing.has(e.Detail!) ? { ErrorCode: 'ThrottlingException' } : { EventId: `e-${i}` })),
    };
  });
  dynamo.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, { DeleteRequest: { Key: { sk: string } } }[]> }) => {
    deleteCalls.push(input.RequestItems.outbox!.map((r) => r.DeleteRequest.Key.sk));
    return {};
  });
});
afterEach(() => setLocalIdentity(() => undefined));
afterAll(() => {
  dynamo.restore();
  bus.restore();
});

const entry = (key: string): OutboxEntry => ({
  key,
  source: 'yibao.test',
  detailType: 'Joined',
  detail: key,
  createdAt: '2026-12-05T01:00:00.000Z',
});

/** One committed request delivering its entries: resolves to the keys it was warned about. */
async function commit(keys: readonly string[]): Promise<string[]> {
  const warned: string[] = [];
  await deliverAfterCommit(keys.map(entry), (_message, extra) => warned.push(...((extra.waiting ?? extra.keys) as string[])));
  return warned;
}

describe('deliveries after commit, joined', () => {
  it('twelve commits at once share two PutEvents (ten and two) and one BatchWriteItem, and none is warned', async () => {
    const warned = await Promise.all(Array.from({ length: 12 }, (_, i) => commit([`c/${i}`])));
    expect(warned.flat()).toEqual([]);
    expect(putCalls.map((c) => c.length)).toEqual([10, 2]);
    expect(deleteCalls).toHaveLength(1);
    expect(deleteCalls[0]!.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `c/${i}`).sort());
  });

  it('a commit alone delivers alone, in one PutEvents of its own entries', async () => {
    expect(await commit(['alone/1', 'alone/2'])).toEqual([]);
    expect(putCalls).toEqual([['alone/1', 'alone/2']]);
    expect(deleteCalls).toEqual([['alone/1', 'alone/2']]);
  });

  it('an entry the bus refuses is told to the commit that made it, and to no other', async () => {
    refusing.add('r/2');
    const warned = await Promise.all([commit(['r/1']), commit(['r/2', 'r/3']), commit(['r/4'])]);
    expect(warned).toEqual([[], ['r/2'], []]);
    expect(deleteCalls.flat().sort()).toEqual(['r/1', 'r/3', 'r/4']);
  });

  it('a bus that fails the joined call: each commit is warned of its own entries, nothing is deleted, and the next delivery goes', async () => {
    bus.on(PutEventsCommand).rejectsOnce(Object.assign(new Error('bus down'), { $fault: 'server' }));
    const warned = await Promise.all([commit(['f/1']), commit(['f/2', 'f/3'])]);
    expect(warned).toEqual([['f/1'], ['f/2', 'f/3']]);
    expect(deleteCalls).toEqual([]);
    bus.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      putCalls.push(input.Entries.map((e) => e.Detail!));
      return { Entries: input.Entries.map(() => ({ EventId: 'e' })) };
    });
    expect(await commit(['f/4'])).toEqual([]);
    expect(deleteCalls).toEqual([['f/4']]);
  });

  it('an event named by two commits (a replay and its original) is sent and deleted once', async () => {
    await Promise.all([commit(['same/1']), commit(['same/1', 'other/1'])]);
    expect(putCalls.flat().sort()).toEqual(['other/1', 'same/1']);
    expect(deleteCalls.flat().sort()).toEqual(['other/1', 'same/1']);
  });

  it('at most two joined deliveries under way; what arrives meanwhile goes in the next, together', async () => {
    const gates: (() => void)[] = [];
    bus.on(PutEventsCommand).callsFake(async (input: { Entries: PutEventsRequestEntry[] }) => {
      putCalls.push(input.Entries.map((e) => e.Detail!));
      await new Promise<void>((open) => gates.push(open));
      return { Entries: input.Entries.map(() => ({ EventId: 'e' })) };
    });
    const turn = () => new Promise((r) => setImmediate(r));
    const first = commit(['g/1']);
    await turn();
    const second = commit(['g/2']);
    await turn();
    const rest = Array.from({ length: 5 }, (_, i) => commit([`g/${i + 3}`]));
    await turn();
    await turn();
    expect(putCalls).toEqual([['g/1'], ['g/2']]);
    gates.shift()!();
    await first;
    while (putCalls.length < 3) await turn();
    expect(putCalls[2]!.sort()).toEqual(['g/3', 'g/4', 'g/5', 'g/6', 'g/7']);
    while (gates.length) {
      gates.shift()!();
      await turn();
    }
    await Promise.all([second, ...rest]);
    expect(deleteCalls.flat().sort()).toEqual(['g/1', 'g/2', 'g/3', 'g/4', 'g/5', 'g/6', 'g/7']);
  });

  it('two joined deliveries that hang hold back the next one for a second, not for ever', async () => {
    const hung: string[][] = [];
    bus.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      const keys = input.Entries.map((e) => e.Detail!);
      if (keys.some((k) => k.startsWith('hang/'))) {
        hung.push(keys);
        return new Promise(() => {});
      }
      putCalls.push(keys);
      return { Entries: input.Entries.map(() => ({ EventId: 'e' })) };
    });
    // The clock that releases a slow delivery is the test's; the event loop's turns stay real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const turn = () => new Promise((r) => setImmediate(r));
      const turns = async (n: number) => {
        for (let i = 0; i < n; i++) await turn();
      };
      void commit(['hang/1']);
      await turn();
      void commit(['hang/2']);
      await turn();
      let answered = false;
      const after = commit(['after/1']).then((warned) => {
        answered = true;
        return warned;
      });
      await turns(5);
      expect(hung).toEqual([['hang/1'], ['hang/2']]);
      expect(putCalls).toEqual([]);
      vi.advanceTimersByTime(999);
      await turns(5);
      expect(putCalls).toEqual([]);
      expect(answered).toBe(false);
      vi.advanceTimersByTime(1);
      expect(await after).toEqual([]);
      expect(putCalls).toEqual([['after/1']]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('never joins two signers’ deliveries: each function’s events go out signed as that function', async () => {
    const running = new AsyncLocalStorage<string>();
    setLocalIdentity(() => {
      const fn = running.getStore();
      return fn ? { credentials: { accessKeyId: `localFn${fn}`, secretAccessKey: 'local' }, prepare: () => {} } : undefined;
    });
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => {
        const fn = i % 2 ? 'A' : 'B';
        return running.run(fn, () => commit([`${fn}/${i}`]));
      }),
    );
    expect(putCalls).toHaveLength(2);
    for (const call of putCalls) expect(new Set(call.map((k) => k[0])).size).toBe(1);
    expect(putCalls.flat()).toHaveLength(8);
  });

  it('whatever arrives together and whatever the bus refuses: each entry is sent once and either deleted once or told to each commit that made it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 10 }),
        async (commits, refused) => {
          putCalls = [];
          deleteCalls = [];
          refusing = new Set(refused.map((n) => `p/${n}`));
          const keysOf = commits.map((c) => [...new Set(c.map((n) => `p/${n}`))]);
          const warned = await Promise.all(keysOf.map((keys) => commit(keys)));
          const unique = [...new Set(keysOf.flat())];
          expect(putCalls.flat().sort()).toEqual([...unique].sort());
          for (const call of putCalls) expect(call.length).toBeLessThanOrEqual(10);
          expect(deleteCalls.flat().sort()).toEqual(unique.filter((k) => !refusing.has(k)).sort());
          keysOf.forEach((keys, i) => expect(warned[i]).toEqual(keys.filter((k) => refusing.has(k))));
        },
      ),
      { numRuns: 60 },
    );
  });
});
