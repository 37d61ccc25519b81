/**
 * A reversal takes back what the claim's scoring counted (its score leaves the provider's running
 * risk, its cases leave the counters) and takes the claim out of every later comparison. An alert
 * the claim raised stays open for the regulator, with a note that the claim was reversed.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type * as z from 'zod';
import type { ClaimReversed } from '../../events/claims.ts';
import { commitReversed, markProjectionReversed, readClaimState } from '../../shared/fraud/store/scoring.ts';
import { retry } from '../../shared/runtime/retry.ts';
import { COMMIT_RETRY } from './score-claim.ts';

type ReversalPayload = z.output<typeof ClaimReversed.payload>;

/** Not poison: the settlement it reverses has not been scored yet; SQS brings the message back later. */
export class ReversalBeforeScoringError extends Error {
  override name = 'ReversalBeforeScoringError';
}

export async function reverseClaim(
  payload: ReversalPayload,
  eventId: string,
  logger: Logger,
  now: () => string,
): Promise<'reversed' | 'duplicate'> {
  // One attempt: apply the reversal, or say (undefined) that the claim changed under it.
  const once = async (): Promise<'reversed' | 'duplicate' | undefined> => {
    const state = await readClaimState(payload.claim);
    if (state.appliedEvents.has(eventId) || state.score?.reversed) return 'duplicate';
    if (!state.score)
      throw new ReversalBeforeScoringError(`Claim ${payload.claim.providerCode}#${payload.claim.claimNo} is not scored yet`);
    // The scored claim's own member id keys its history (the reversal's copy is only a courtesy).
    await markProjectionReversed(state.score.memberId, state.score);
    const outcome = await commitReversed({ ref: payload.claim, eventId, at: now(), reason: payload.reason, score: state.score });
    if (outcome === 'committed') {
      logger.info('Claim reversal applied', { claim: payload.claim, score: state.score.score, alertId: state.score.alertId });
      return 'reversed';
    }
    // 'duplicate' may also mean the claim's grouped case was counted after the read: the next read tells.
    return undefined;
  };
  const outcome = await retry(once, { ...COMMIT_RETRY, retryIf: (result) => result === undefined });
  if (!outcome) throw new Error('Reversal kept conflicting; SQS will retry');
  return outcome;
}
