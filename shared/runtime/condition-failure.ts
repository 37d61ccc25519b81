/**
 * The one way to ask "did a conditional write find the state it guards against?". DynamoDB says it
 * two ways: a single conditional write throws ConditionalCheckFailedException; a transaction throws
 * TransactionCanceledException with one reason per item, `ConditionalCheckFailed` on the items whose
 * condition failed. Matched by error name, so an SDK copy bundled twice still matches.
 */

interface CancellationReason {
  Code?: string;
  /** The item as stored, when the write asked for it (ReturnValuesOnConditionCheckFailure: ALL_OLD). */
  Item?: Record<string, unknown>;
}

const nameOf = (error: unknown) => (typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined);

/** The reasons of a cancelled transaction, one per item in order; undefined for any other error. */
export function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (nameOf(error) !== 'TransactionCanceledException') return undefined;
  return ((error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? []) as CancellationReason[];
}

/** Which items of a cancelled transaction failed their condition (by index); empty for any other error. */
export function failedConditions(error: unknown): number[] {
  return (cancellationReasons(error) ?? []).flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
}

/**
 * A conditional write, or a transaction whose every cancellation is a condition (the others 'None'),
 * that found the state it guards against. A transaction cancelled by a conflict or throttling is not.
 */
export function isConditionFailure(error: unknown): boolean {
  if (nameOf(error) === 'ConditionalCheckFailedException') return true;
  const reasons = cancellationReasons(error) ?? [];
  return (
    reasons.some((r) => r.Code === 'ConditionalCheckFailed') &&
    reasons.every((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'None' || r.Code === undefined)
  );
}

/**
 * A write that lost a race rather than found a state: a transaction cancelled because another
 * transaction held one of its items (TransactionConflict), or the single-item form of it. Worth
 * trying again at once against the state then read; a condition failure is not this.
 */
export function isTransactionConflict(error: unknown): boolean {
  if (nameOf(error) === 'TransactionConflictException') return true;
  return (cancellationReasons(error) ?? []).some((r) => r.Code === 'TransactionConflict');
}
