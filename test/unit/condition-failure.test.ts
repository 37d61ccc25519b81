/** The one "did a conditional write find the state it guards against?" helper (shared/runtime/condition-failure.ts). */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { cancellationReasons, failedConditions, isConditionFailure } from '../../shared/runtime/condition-failure.ts';

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

describe('condition failures', () => {
  it('knows a failed conditional write and a transaction cancelled only by conditions', () => {
    expect(isConditionFailure(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }))).toBe(true);
    expect(isConditionFailure(cancelled('None', 'ConditionalCheckFailed'))).toBe(true);
    // Matched by name: an error from another copy of the SDK is still one.
    expect(isConditionFailure(Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' }))).toBe(true);
  });

  it('is not fooled by a conflict, throttling, or any other error', () => {
    expect(isConditionFailure(cancelled('ConditionalCheckFailed', 'TransactionConflict'))).toBe(false);
    expect(isConditionFailure(cancelled('ThrottlingError'))).toBe(false);
    expect(isConditionFailure(new Error('network'))).toBe(false);
    expect(isConditionFailure(undefined)).toBe(false);
  });

  it('names the items of a cancelled transaction whose condition failed, and its reasons', () => {
    expect(failedConditions(cancelled('None', 'ConditionalCheckFailed', 'ConditionalCheckFailed'))).toEqual([1, 2]);
    expect(failedConditions(new Error('x'))).toEqual([]);
    expect(cancellationReasons(cancelled('None'))).toEqual([{ Code: 'None' }]);
    expect(cancellationReasons(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }))).toBeUndefined();
  });
});
