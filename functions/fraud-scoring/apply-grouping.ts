/**
 * Applying a grouped case (CaseGrouped) to the provider rules that read DRG results: 高编高套 (a
 * CC/MCC share far above peers) and cost or stay far above the DRG's mean. ClaimSettled carries no
 * DRG (grouping happens after settlement), so a claim is counted when it is scored, and its grouped
 * case when its CaseGrouped comes.
 *
 * The two events come over one queue in either order, each possibly more than once, and the case
 * must be counted exactly once:
 *  1. the grouping is first written beside the claim (GROUPING), whatever else happens;
 *  2. if the claim is not scored yet, that is all: the scoring reads GROUPING and counts the case
 *     with the claim (its commit checks GROUPING is still what it read, so a grouping written
 *     in between makes it read again);
 *  3. if the claim is scored, the case is added to the counters, the provider re-judged and an alert
 *     raised if it now passes the threshold, in one transaction conditional on the score not having
 *     counted a grouping yet;
 *  4. a reversed claim counts nothing; its grouping stays written for a re-settlement to count.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type * as z from 'zod';
import type { CaseGrouped } from '../../events/drg.ts';
import { providerAlert } from '../../shared/fraud/alert.ts';
import type { FraudClaim } from '../../shared/fraud/claim.ts';
import { PoisonMessageError } from '../../shared/queue/consumer.ts';
import { profileWithGroupedCase, withGrouping } from '../../shared/fraud/counting.ts';
import { providerMonthsNeeded, scoreProvider } from '../../shared/fraud/engine.ts';
import { directReads, groupedTx, writeGrouping, type StoredGrouping } from '../../shared/fraud/store/scoring.ts';
import { retry } from '../../shared/runtime/retry.ts';
import { COMMIT_RETRY, alertEvent, deliverWaitingAlerts, directIo, type ScoringDeps, type ScoringIo } from './score-claim.ts';

type CaseGroupedPayload = z.output<typeof CaseGrouped.payload>;

export type GroupingOutcome =
  | { outcome: 'counted'; providerRisk: number; alerts: string[] }
  | { outcome: 'awaiting-scoring' | 'not-grouped' | 'reversed' | 'duplicate' };

/** The DRG result as the fraud rules count it: only a case grouped into a DRG has one. */
export function drgOf(grouping: CaseGroupedPayload['grouping']): FraudClaim['drg'] {
  if (grouping.outcome !== 'grouped') return undefined;
  return { code: grouping.drg, ccLevel: grouping.ccLevel ?? 'none' };
}

export async function applyGrouping(
  payload: CaseGroupedPayload,
  eventId: string,
  correlationId: string,
  logger: Logger,
  deps: Pick<ScoringDeps, 'now' | 'catalogueFor'>,
  io: ScoringIo = directIo,
): Promise<GroupingOutcome> {
  // A DIP case (method dip) has no DRG: the DRG rules count CHS-DRG cases only.
  if (payload.method === 'dip') return { outcome: 'not-grouped' };
  const ref = payload.claim;
  const drg = drgOf(payload.grouping);
  const grouping: StoredGrouping = { eventId, version: payload.grouping.version, groupedAt: deps.now(), ...(drg ? { drg } : {}) };
  const first = await io.reads.claimState(ref, eventId);
  if (first.appliedEvents.has(eventId) || (first.grouping?.eventId === eventId && first.score?.groupingEventId === eventId)) {
    return { outcome: 'duplicate' };
  }
  if (first.grouping?.eventId !== eventId) await writeGrouping(ref, grouping, io.writes);

  let lost = '';
  // One attempt: count the grouped case, or say (undefined) that the score changed under it.
  const once = async (attempt: number): Promise<GroupingOutcome | undefined> => {
    // The first attempt reads the claim again after writing the grouping (a batch's view answers from what it holds).
    const state =
      attempt === 1 && first.grouping?.eventId === eventId
        ? first
        : await (attempt === 1 ? io.reads : directReads).claimState(ref, eventId);
    const score = state.score;
    if (!score) return { outcome: 'awaiting-scoring' };
    if (score.reversed) return { outcome: 'reversed' };
    if (score.groupingEventId) {
      // Counted already: by this event's earlier delivery, or by the scoring that read GROUPING.
      await deliverWaitingAlerts([score.groupingAlertId], logger);
      return { outcome: 'duplicate' };
    }
    if (!drg) return { outcome: 'not-grouped' };

    const at = deps.now();
    const grouped = withGrouping(score.counted, drg);
    // The catalogue the claim was scored under judges its provider (the scoring refused any claim without one).
    const catalogue =
      (await deps.catalogueFor(grouped.providerRegion, payload.admissionDate)) ??
      (await deps.catalogueFor(score.region, payload.admissionDate));
    if (!catalogue)
      throw new PoisonMessageError(`No fraud-rule catalogue in force for region ${grouped.providerRegion} on ${payload.admissionDate}`);
    const asOf = payload.dischargeDate;
    const provider = { code: score.providerCode, region: grouped.providerRegion, ...(grouped.level ? { level: grouped.level } : {}) };
    const stored = await io.reads.providerContext(provider, providerMonthsNeeded(catalogue, asOf), grouped.year);
    const providerScore = scoreProvider(catalogue, profileWithGroupedCase(stored, { code: provider.code, asOf }, grouped), stored.year);
    const raise =
      providerScore.alert && !stored.year.alertId
        ? providerAlert(provider, grouped.year, providerScore, { region: catalogue.region, version: catalogue.version }, at)
        : undefined;
    const events = raise ? [alertEvent(raise, correlationId)] : [];
    const outcome = await io.writes.commit(
      groupedTx({
        ref,
        eventId,
        at,
        score,
        grouped,
        provider: { year: grouped.year, score: providerScore, ...(raise ? { raise } : {}) },
        events,
      }),
    );
    if (outcome === 'committed') {
      await io.deliver(events, logger);
      const alerts = raise ? [raise.alertId] : [];
      logger.info('Grouped case counted', { claim: ref, drg: drg.code, ccLevel: drg.ccLevel, providerRisk: providerScore.score, alerts });
      return { outcome: 'counted', providerRisk: providerScore.score, alerts };
    }
    // 'duplicate': the score changed under us (scored with this grouping, reversed, re-scored); read again.
    lost = outcome;
    return undefined;
  };
  const counted = await retry(once, { ...COMMIT_RETRY, retryIf: (result) => result === undefined });
  if (!counted)
    throw new Error(`Counting the grouped case of ${ref.providerCode}#${ref.claimNo} kept conflicting (${lost}); SQS will retry`);
  return counted;
}
