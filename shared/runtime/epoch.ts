/**
 * The version check of a container's caches of immutable, versioned documents (policies, catalogue
 * versions). Each such table holds one counter item, its epoch, that every publish moves on by one
 * after writing the version. A caller that reads the epoch anyway (settlement reads it in the one
 * BatchGetItem it makes for the claim) tells the check what it saw (`observe`); a cached list is then
 * current:
 *   - while it is younger than the cache's few seconds (as before any epoch is seen); or
 *   - while the epoch it was read under is the epoch seen in the last few seconds, for at most a
 *     minute: a busy container re-reads nothing until something is published.
 * A changed epoch drops the lists at once (`onChange`), so does the first epoch seen (nothing read
 * before it carries an epoch), and a list read under an older epoch than the
 * one seen last is never used, however young, so the next claim uses the new version.
 * The minute bounds the one gap: a publisher that stops between writing the version and moving the
 * epoch leaves readers at most that far behind.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';

/** The counter item of a table whose keys are pk and sk. */
export const EPOCH_KEY = { pk: 'EPOCH', sk: 'EPOCH' } as const;

/** The longest a list is kept on the epoch's word alone. */
export const EPOCH_TRUST_MS = 60_000;

/** The epoch an item read with EPOCH_KEY holds (0 before the first publish). */
export const epochOf = (item: Record<string, unknown> | undefined): number => Number(item?.epoch ?? 0);

/** Moves a table's epoch on by one: after a publish has written its version. */
export async function bumpEpoch(client: DynamoDBDocumentClient, table: string): Promise<void> {
  await client.send(
    new UpdateCommand({ TableName: table, Key: EPOCH_KEY, UpdateExpression: 'ADD epoch :one', ExpressionAttributeValues: { ':one': 1 } }),
  );
}

export interface EpochCheck {
  /** Tells the check the epoch just read; a change drops the caches. Answers whether it changed. */
  observe(epoch: number, now?: number): boolean;
  /** The epoch last seen, if any: a list read now is tagged with it (read before the list is read). */
  seen(): number | undefined;
  /** Whether a list read at `readAt` under `epoch` may still be used. */
  current(entry: { readAt: number; epoch: number | undefined }, now?: number): boolean;
}

export function epochCheck(ttlMs: number, onChange: () => void, clock: () => number = Date.now): EpochCheck {
  let last: { epoch: number; at: number } | undefined;
  return {
    observe(epoch, now = clock()) {
      const changed = last !== undefined && last.epoch !== epoch;
      // The first epoch a container sees vouches for no list read before it (a publish may lie
      // between): drop them now, so they are read again under it at once rather than running out
      // a few seconds later, in the middle of the container's busy life.
      if (changed || last === undefined) onChange();
      last = { epoch, at: now };
      return changed;
    },
    seen: () => last?.epoch,
    current(entry, now = clock()) {
      // Read under another epoch than the one seen last (a read that began before a publish): stale, however young.
      if (entry.epoch !== undefined && last !== undefined && entry.epoch !== last.epoch) return false;
      if (now - entry.readAt < ttlMs) return true;
      return entry.epoch !== undefined && last?.epoch === entry.epoch && now - last.at < ttlMs && now - entry.readAt < EPOCH_TRUST_MS;
    },
  };
}
