import { createLogger } from '../../shared/runtime/logger.ts';
import { eventConsumer } from '../../shared/queue/consumer.ts';
import { ClaimReversed, ClaimSettled, type ClaimSettledPayload } from '../../events/claims.ts';
import { readClaimLines } from '../../shared/settlement/store/claims.ts';
import { DetailType } from '../../events/catalog.ts';
import { eventIdOf } from '../../events/contract.ts';
import { defaultDeps, scoreSettledClaim } from './score-claim.ts';
import { reverseClaim } from './reverse-claim.ts';
import { applyGrouping } from './apply-grouping.ts';
import { CaseGrouped } from '../../events/drg.ts';

const logger = createLogger('fraud-scoring');

/** The events the fraudScoring queue's consumer accepts (test/stack/rules.test.ts ties them to the bus rules). */
export const ACCEPTED_EVENTS = [ClaimSettled, ClaimReversed, CaseGrouped] as const;

/**
 * One claim at a time in a container: the records of a batch often share a provider (and always a
 * region's peer counters), and transactions on the same item would only cancel each other.
 */
let tail: Promise<unknown> = Promise.resolve();
function serially<T>(task: () => Promise<T>): Promise<T> {
  const run = tail.then(task, task);
  tail = run.catch(() => undefined);
  return run;
}

/**
 * The rules read every line: a bill too large to carry its lines on the bus (events/claims.ts
 * `linesOmitted`) has them read from the claim by its key. A claim since reversed and settled again
 * no longer holds that settlement's lines: it is scored without them (its reversal takes the score back).
 */
async function withLines(detail: ClaimSettledPayload): Promise<ClaimSettledPayload> {
  if (detail.lines || !detail.linesOmitted) return detail;
  const lines = await readClaimLines(detail.claim.providerCode, detail.claim.claimNo, detail.settlementNo ?? 1);
  if (!lines) logger.warn('Lines of a large bill not found (settled again since); scored without them', { claim: detail.claim });
  return { ...detail, lines: lines ?? [] };
}

/**
 * Each event is applied once by the id of the fact it reports (`eventIdOf`: a replayed settlement
 * published twice is one fact). Smart audit (智能审核) of every settled claim; a reversal takes the claim's score back; a grouped
 * case feeds the provider rules that compare DRG results (CC/MCC share, cost and stay per DRG).
 */
export const handler = eventConsumer(logger, ACCEPTED_EVENTS, ({ envelope, detail }, { correlationId }) =>
  serially(async () => {
    switch (envelope['detail-type']) {
      case DetailType.claimSettled:
        await scoreSettledClaim(await withLines(detail as ClaimSettledPayload), eventIdOf(envelope), correlationId, logger, defaultDeps);
        return;
      case DetailType.claimReversed:
        await reverseClaim(detail as Parameters<typeof reverseClaim>[0], eventIdOf(envelope), logger, defaultDeps.now);
        return;
      default:
        await applyGrouping(detail as Parameters<typeof applyGrouping>[0], eventIdOf(envelope), correlationId, logger, defaultDeps);
    }
  }),
);
