import { createLogger } from '../../shared/runtime/logger.ts';
import { eventBatchConsumer } from '../../shared/queue/consumer.ts';
import { ClaimReversed, ClaimSettled, type ClaimSettledPayload } from '../../events/claims.ts';
import { readClaimLines } from '../../shared/settlement/store/claims.ts';
import { DetailType } from '../../events/catalog.ts';
import { eventIdOf } from '../../events/contract.ts';
import { defaultDeps, scoreSettledClaim, type ScoringIo } from './score-claim.ts';
import { reverseClaim } from './reverse-claim.ts';
import { applyGrouping } from './apply-grouping.ts';
import { CaseGrouped } from '../../events/drg.ts';
import { scoreBatch, type Received } from './batch.ts';

const logger = createLogger('fraud-scoring');

/** The events the fraudScoring queue's consumer accepts (test/stack/rules.test.ts ties them to the bus rules). */
export const ACCEPTED_EVENTS = [ClaimSettled, ClaimReversed, CaseGrouped] as const;

/**
 * One batch at a time in a container: the records of a batch often share a provider (and always a
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
 * Within the batch (io given) or alone on the table (batch.ts).
 */
async function handleOne({ envelope, detail }: Received, correlationId: string, io?: ScoringIo): Promise<void> {
  switch (envelope['detail-type']) {
    case DetailType.claimSettled:
      await scoreSettledClaim(await withLines(detail as ClaimSettledPayload), eventIdOf(envelope), correlationId, logger, defaultDeps, io);
      return;
    case DetailType.claimReversed:
      await reverseClaim(detail as Parameters<typeof reverseClaim>[0], eventIdOf(envelope), logger, defaultDeps.now);
      return;
    default:
      await applyGrouping(detail as Parameters<typeof applyGrouping>[0], eventIdOf(envelope), correlationId, logger, defaultDeps, io);
  }
}

/** A batch's claims read and written together (batch.ts), each message still reported on its own. */
export const handler = eventBatchConsumer(logger, ACCEPTED_EVENTS, (messages, inMessage) =>
  serially(() => scoreBatch(messages, inMessage, handleOne, defaultDeps, logger)),
);
