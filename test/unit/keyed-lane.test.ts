import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { keyedLane } from '../../shared/runtime/concurrency.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('keyedLane', () => {
  it('runs the work of one key one at a time, first come first served, and other keys alongside', async () => {
    const lane = keyedLane();
    const log: string[] = [];
    let inA = 0;
    let mostInA = 0;
    const a = (n: number, ms: number) =>
      lane('member-a', async () => {
        inA++;
        mostInA = Math.max(mostInA, inA);
        log.push(`a${n} start`);
        await tick(ms);
        log.push(`a${n} end`);
        inA--;
        return n;
      });
    const b = lane('member-b', async () => {
      log.push('b start');
      await tick(1);
      log.push('b end');
      return 'b';
    });
    // The first takes longest: had they raced, a2 and a3 would end first.
    const results = await Promise.all([a(1, 30), a(2, 1), a(3, 1), b]);
    expect(results).toEqual([1, 2, 3, 'b']);
    expect(mostInA).toBe(1);
    expect(log.filter((l) => l.startsWith('a'))).toEqual(['a1 start', 'a1 end', 'a2 start', 'a2 end', 'a3 start', 'a3 end']);
    // member-b did not wait for member-a's lane.
    expect(log.indexOf('b end')).toBeLessThan(log.indexOf('a1 end'));
  });

  it('moves on after a failure, and the failure reaches only its own caller', async () => {
    const lane = keyedLane();
    const first = lane('k', async () => {
      throw new Error('refused');
    });
    const second = lane('k', async () => 'settled');
    await expect(first).rejects.toThrow('refused');
    await expect(second).resolves.toBe('settled');
    // An idle lane is forgotten: a later call runs at once.
    await expect(lane('k', async () => 'again')).resolves.toBe('again');
  });

  it('leaves nothing on a signal that outlives the work (middy hands one signal to every invocation until one times out)', async () => {
    const lane = keyedLane();
    const shared = new AbortController().signal;
    for (let n = 0; n < 1_000; n++) await lane(`member-${n % 7}`, async () => n, shared);
    expect(getEventListeners(shared, 'abort')).toHaveLength(0);
    // Still honoured while the work is in the lane: an abort lets the work behind it go.
    let release!: () => void;
    const controller = new AbortController();
    const stuck = lane('member-x', () => new Promise<void>((resolve) => (release = resolve)), controller.signal);
    const behind = lane('member-x', async () => 'behind');
    controller.abort();
    await expect(behind).resolves.toBe('behind');
    release();
    await stuck;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('puts one listener on a signal however many claims wait on it, and an abort still releases every lane', async () => {
    const lane = keyedLane();
    const controller = new AbortController();
    const most = { listeners: 0 };
    const gates: (() => void)[] = [];
    // 32 claims at once under one signal (the local cloud's middy), each holding up a second claim of its member.
    const first = Array.from({ length: 32 }, (_, n) =>
      lane(
        `member-${n}`,
        () =>
          new Promise<void>((resolve) => {
            most.listeners = Math.max(most.listeners, getEventListeners(controller.signal, 'abort').length);
            gates.push(resolve);
          }),
        controller.signal,
      ),
    );
    const behind = Array.from({ length: 32 }, (_, n) => lane(`member-${n}`, async () => n, controller.signal));
    await tick(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    await expect(Promise.all(behind)).resolves.toHaveLength(32);
    for (const open of gates) open();
    await Promise.all(first);
    expect(most.listeners).toBe(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);

    // Work done without an abort takes the listener with it.
    const quiet = new AbortController().signal;
    await Promise.all(Array.from({ length: 32 }, (_, n) => lane(`member-${n}`, async () => n, quiet)));
    expect(getEventListeners(quiet, 'abort')).toHaveLength(0);
  });
});
