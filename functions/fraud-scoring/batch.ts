/**
 * Scoring a batch of up to ten messages together (issue 17: every DynamoDB request is paid per claim).
 *
 * The messages are handled in the batch's order, one after the other, exactly as one at a time; what
 * changes is where they read and write:
 *  1. a plan asks, before the first claim is judged, for everything the batch's claims will read (their
 *     states, members' deaths, providers' risk and month counters: one BatchGetItem; members' history,
 *     trace codes, providers' DRG counters: one Query per partition), and the batch's view
 *     (shared/fraud/store/batch-view.ts) answers each claim from it, with the claims before it in the
 *     batch applied;
 *  2. each claim's projection and grouping are kept, and its transaction too; they are sent together
 *     when the batch ends, or before a message of a claim already in it (a claim's key may appear once
 *     in a transaction): the puts in BatchWriteItems of 25, then one TransactWriteItems for all the
 *     claims (the counters they share summed into one update each; 100 items at most a transaction,
 *     more in turn), then the alerts' events, delivered together;
 *  3. if a transaction is refused (a message seen before, a race with another container), nothing of
 *     it was written: its messages, and those after it, are scored again one by one from the table, as
 *     a message alone always was (with its retries). A reversal is handled that way too, alone.
 *
 * Nothing counts twice: each claim's transaction keeps its event marker and its conditions, so a
 * redelivered message is refused as before, and a message that fails is reported alone.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { DetailType } from '../../events/catalog.ts';
import type { ClaimSettledPayload } from '../../events/claims.ts';
import { eventIdOf } from '../../events/contract.ts';
import type { OutboxEntry } from '../../shared/events/outbox.ts';
import { countingYear, fromClaimSettled, type ClaimRef } from '../../shared/fraud/claim.ts';
import { historyRange, providerMonthsNeeded } from '../../shared/fraud/engine.ts';
import { BatchAbandoned, BatchView, needs, type Range } from '../../shared/fraud/store/batch-view.ts';
import { MAX_TRANSACTION_ITEMS, type Key } from '../../shared/runtime/batch-items.ts';
import { putAll, type Item } from '../../shared/fraud/store/dynamo.ts';
import { keys } from '../../shared/fraud/store/keys.ts';
import { directWrites, renderTransaction, transactionSize, type EventTx, type FraudWrites } from '../../shared/fraud/store/scoring.ts';
import type { EventBridgeEnvelope } from '../../events/contract.ts';
import type { CaseGrouped } from '../../events/drg.ts';
import type * as z from 'zod';
import type { BatchMessage, InMessage } from '../../shared/queue/consumer.ts';
import { dynamoDocumentClient } from '../../shared/runtime/aws-clients.ts';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { EPOCH_KEY, epochOf } from '../../shared/runtime/epoch.ts';
import { tableName } from '../../shared/runtime/resource-names.ts';
import { policies } from '../../shared/policy/store/registry.ts';
import { deliverAlerts, type ScoringDeps, type ScoringIo } from './score-claim.ts';
import { withGrouping } from '../../shared/fraud/counting.ts';
import { drgOf } from './apply-grouping.ts';

/** A message of the fraudScoring queue: the envelope and its detail. */
export interface Received {
  envelope: EventBridgeEnvelope;
  detail: unknown;
}

/** How one message is handled: alone on the table (io absent), or within the batch (io given). */
export type HandleOne = (received: Received, correlationId: string, io?: ScoringIo) => Promise<unknown>;

interface Pending {
  index: number;
  tx?: EventTx;
}

/** The claim a message is about (its key in the alerts table), if any. */
const claimOf = (detail: unknown): string | undefined => {
  const ref = (detail as { claim?: { providerCode?: string; claimNo?: string } }).claim;
  return ref?.providerCode && ref.claimNo ? keys.claim({ providerCode: ref.providerCode, claimNo: ref.claimNo }) : undefined;
};

/**
 * What a settled claim's scoring will read (as score-claim.ts reads it): a wrong guess costs a
 * request, never an answer, since the view reads what it does not hold.
 */
async function settledNeeds(detail: ClaimSettledPayload, deps: ScoringDeps): Promise<{ keys: Key[]; ranges: Range[] } | undefined> {
  const claim = fromClaimSettled(detail);
  const catalogue = await deps.catalogueFor(claim.region, claim.start);
  if (!catalogue) return undefined;
  const member = needs.memberContext(claim, historyRange(catalogue, claim));
  const region = claim.provider.region ?? claim.region;
  const providerCatalogue = (await deps.catalogueFor(region, claim.start)) ?? catalogue;
  const p = { code: claim.provider.code, region, ...(claim.provider.level ? { level: claim.provider.level } : {}) };
  const provider = needs.providerContext(p, providerMonthsNeeded(providerCatalogue, claim.end), countingYear(claim));
  return { keys: [...member.keys, ...provider.keys], ranges: [...member.ranges, ...provider.ranges] };
}

/** Asks the view for what counting a grouped case will read (as apply-grouping.ts reads it), once its claim's state is read. */
async function planGrouped(
  view: BatchView,
  detail: z.output<typeof CaseGrouped.payload>,
  eventId: string,
  deps: ScoringDeps,
): Promise<void> {
  const drg = drgOf(detail.grouping);
  if (detail.method === 'dip' || !drg) return;
  const state = await view.claimState(detail.claim, eventId);
  const score = state.score;
  if (!score || score.reversed || score.groupingEventId) return;
  const grouped = withGrouping(score.counted, drg);
  const catalogue =
    (await deps.catalogueFor(grouped.providerRegion, detail.admissionDate)) ??
    (await deps.catalogueFor(score.region, detail.admissionDate));
  if (!catalogue) return;
  const p = { code: score.providerCode, region: grouped.providerRegion, ...(grouped.level ? { level: grouped.level } : {}) };
  view.want(needs.providerContext(p, providerMonthsNeeded(catalogue, detail.dischargeDate), grouped.year));
}

export async function scoreBatch(
  messages: BatchMessage<Received>[],
  inMessage: InMessage,
  handle: HandleOne,
  deps: ScoringDeps,
  logger: Logger,
): Promise<PromiseSettledResult<unknown>[]> {
  const results: PromiseSettledResult<unknown>[] = new Array(messages.length);
  let group: Pending[] = [];
  let puts: Item[] = [];
  let current: Pending | undefined;

  const alone = async (index: number): Promise<void> => {
    const { message, meta } = messages[index]!;
    try {
      results[index] = { status: 'fulfilled', value: await inMessage(index, () => handle(message, meta.correlationId)) };
    } catch (reason) {
      results[index] = { status: 'rejected', reason };
    }
  };

  /** Sends the batch's writes so far; false (and its messages scored again alone) if a transaction was refused. */
  const flush = async (): Promise<boolean> => {
    const sending = group;
    const putting = puts;
    group = [];
    puts = [];
    let failedAt = 0;
    try {
      if (putting.length) await putAll([...new Map(putting.map((i) => [`${String(i.pk)}\u0000${String(i.sk)}`, i])).values()]);
      const withTx = sending.filter((p) => p.tx);
      while (failedAt < withTx.length) {
        const chunk: Pending[] = [];
        while (failedAt + chunk.length < withTx.length) {
          const next = withTx[failedAt + chunk.length]!;
          if (chunk.length && transactionSize([...chunk, next].map((p) => p.tx!)) > MAX_TRANSACTION_ITEMS) break;
          chunk.push(next);
        }
        const { items } = renderTransaction(chunk.map((p) => p.tx!));
        await dynamoDocumentClient().send(new TransactWriteCommand({ TransactItems: items }));
        failedAt += chunk.length;
        const events: OutboxEntry[] = chunk.flatMap((p) => [...p.tx!.events]);
        if (events.length) await deliverAlerts(events, logger);
      }
      view.sent();
      return true;
    } catch (error) {
      // Nothing of the refused transaction was written: those messages (and the ones after, which
      // counted on them) are scored again one by one from the table, as a message alone always was.
      const withTx = sending.filter((p) => p.tx);
      const again = new Set(withTx.slice(failedAt).map((p) => p.index));
      logger.resetKeys();
      logger.warn('Batch transaction not taken; scoring its messages one by one', {
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
        messages: again.size,
      });
      view.reset();
      for (const index of [...again].sort((a, b) => a - b)) await alone(index);
      return false;
    }
  };

  const writes: FraudWrites = {
    put: async (items) => {
      puts.push(...items);
      view.applyPuts(items);
    },
    recordDeath: async (memberId, diedOn, recordedBy) => {
      await directWrites.recordDeath(memberId, diedOn, recordedBy);
      view.applyDeath(memberId, diedOn, recordedBy);
    },
    commit: async (tx) => {
      current!.tx = tx;
      view.applyTransaction(tx);
      return 'committed';
    },
  };

  const view: BatchView = new BatchView(
    async () => {
      // A read of something the batch has written but not sent: send it first (the message being
      // scored waits; if the batch's writes are refused it is scored again alone).
      if (!(await flush())) throw new BatchAbandoned('the batch transaction was refused');
    },
    // The policies' epoch with the batch's first read, as settlement reads it with its claim: while
    // nothing is published, the catalogues and knowledge layers the rules read stay cached (up to a
    // minute), and a publish drops them at once, so the batch's claims are judged under the new version.
    [{ table: tableName('policies'), key: EPOCH_KEY, seen: (item) => policies.epoch.observe(epochOf(item)) }],
  );
  const io: ScoringIo = { reads: view, writes, deliver: async () => undefined };

  // The plan. First every claim's state, with the keys the settled claims will read (members' deaths,
  // providers' risk and month counters), in one BatchGetItem; then the ranges of the claims not scored
  // yet (members' history, providers' DRG counters: a redelivery reads none) and what the grouped cases
  // will read, with the first read that needs them. A guess that fails costs nothing: the message's own
  // scoring meets (and reports) whatever failed here.
  const claimMessages = messages
    .map(({ message }) => ({ kind: message.envelope['detail-type'], detail: message.detail, eventId: eventIdOf(message.envelope) }))
    .filter((m) => m.kind === DetailType.claimSettled || m.kind === DetailType.caseGrouped);
  const settledPlans = new Map<number, { keys: Key[]; ranges: Range[] }>();
  await Promise.all(
    claimMessages.map(async (m, i) => {
      view.want(needs.claimState((m.detail as { claim: ClaimRef }).claim, m.eventId));
      const payload = m.detail as ClaimSettledPayload;
      if (m.kind !== DetailType.claimSettled || (!payload.lines && payload.linesOmitted)) return;
      const need = await settledNeeds(payload, deps).catch(() => undefined);
      if (!need) return;
      settledPlans.set(i, need);
      view.want({ keys: need.keys, ranges: [] });
    }),
  );
  // One after the other: the first reads all that was asked for at once, the rest find theirs held.
  for (const [i, m] of claimMessages.entries()) {
    try {
      if (m.kind === DetailType.caseGrouped) {
        await planGrouped(view, m.detail as z.output<typeof CaseGrouped.payload>, m.eventId, deps);
        continue;
      }
      const state = await view.claimState((m.detail as { claim: ClaimRef }).claim, m.eventId);
      // Scored already (a redelivery): nothing more is read for it.
      if (state.appliedEvents.has(m.eventId) || (state.score && !state.score.reversed)) continue;
      view.want({ keys: [], ranges: settledPlans.get(i)?.ranges ?? [] });
    } catch {
      // Met again, and reported, by the message's own scoring.
    }
  }

  for (let index = 0; index < messages.length; index++) {
    const { message, meta } = messages[index]!;
    const claimKey = claimOf(message.detail);
    const reversal = message.envelope['detail-type'] === DetailType.claimReversed;
    if (reversal || !claimKey || group.some((p) => claimOf(messages[p.index]!.message.detail) === claimKey)) {
      await flush();
    }
    if (reversal || !claimKey) {
      await alone(index);
      // A reversal marks the claim's projection reversed straight on the table.
      view.reset();
      continue;
    }
    current = { index };
    try {
      results[index] = { status: 'fulfilled', value: await inMessage(index, () => handle(message, meta.correlationId, io)) };
    } catch (reason) {
      if (reason instanceof BatchAbandoned) {
        await alone(index);
        continue;
      }
      results[index] = { status: 'rejected', reason };
    }
    // Whatever the message made (even one that failed after its transaction was made) is sent with the batch.
    if (current.tx) group.push(current);
    current = undefined;
  }
  await flush();
  return results;
}
