/**
 * The version check of the policy and catalogue caches (issue 17.1, shared/runtime/epoch.ts); the
 * registry's use of it is tested in policy-registry.test.ts ("with the epoch told").
 */
import { describe, expect, it } from 'vitest';
import { EPOCH_KEY, epochCheck, epochOf } from '../../shared/runtime/epoch.ts';

describe('epochCheck', () => {
  it('reads an absent counter item as epoch 0, says a change only when it saw another epoch before, and drops the caches at the first epoch and at each change', () => {
    expect(epochOf(undefined)).toBe(0);
    expect(epochOf({ ...EPOCH_KEY, epoch: 7 })).toBe(7);
    let dropped = 0;
    const check = epochCheck(
      5_000,
      () => dropped++,
      () => 0,
    );
    expect([check.observe(0), check.observe(0), check.observe(1), check.observe(1)]).toEqual([false, false, true, false]);
    // Once for the first epoch seen (lists read before it carry none), once for the change.
    expect(dropped).toBe(2);
    expect(check.seen()).toBe(1);
  });
});
