/**
 * Scoring one settled claim: load what the rules look at, run them, commit the score and counters in
 * one transaction with the alerts it raised and their FraudAlertRaised events (the outbox,
 * shared/events/outbox.ts), then deliver those events. A redelivered message finds the claim
 * already scored and delivers whatever of its alerts' events still waits, so a crash between commit
 * and publish loses no alert; the relay delivers what nobody came back for.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ClaimSettledPayload } from '../../events/claims.ts';
import { FraudAlertRaised, fraudAlertPayload } from '../../events/fraud.ts';
import { deliverAfterCommit, deliverWaiting, outboxEntry, type OutboxEntry } from '../../shared/events/outbox.ts';
import { PoisonMessageError } from '../../shared/queue/consumer.ts';
import { retry } from '../../shared/runtime/retry.ts';
import { claimAlert, providerAlert, type Alert } from '../../shared/fraud/alert.ts';
import type { CatalogueLookup } from '../../shared/policy/fraud-rules.ts';
import { catalogueLookup } from '../../shared/policy/store/catalogue-lookup.ts';
import { auditGrouping, DEFAULT_AUDIT_GROUPING } from '../../shared/fraud/audit-grouping.ts';
import type { FraudClaim } from '../../shared/fraud/claim.ts';
import { paymentRegion, stayDates } from '../../shared/drg/settled-case.ts';
import { drgKind, drgPayment } from '../../shared/policy/drg.ts';
import { policies, type PolicyRegistry } from '../../shared/policy/store/registry.ts';
import { knowledgeLookup, type KnowledgeLookup } from '../../shared/policy/store/knowledge-lookup.ts';
import { countingYear, fromClaimSettled } from '../../shared/fraud/claim.ts';
import { countedFor, profileWithClaim } from '../../shared/fraud/counting.ts';
import { providerMonthsNeeded, scoreProvider } from '../../shared/fraud/engine.ts';
import { judgeClaim } from '../../shared/fraud/store/judge.ts';
import {
  directReads,
  directWrites,
  settledTx,
  writeProjection,
  type ClaimState,
  type FraudReads,
  type FraudWrites,
} from '../../shared/fraud/store/scoring.ts';

export interface ScoringDeps {
  now: () => string;
  catalogueFor: CatalogueLookup;
  /** How a stay of a region-year not paid by DRG is grouped for the provider rules; absent: auditDrgFor (the registry). */
  auditDrg?: (payload: ClaimSettledPayload) => Promise<FraudClaim['drg']>;
  /** The knowledge base the rules read; absent: the registry's layers in force (knowledgeLookup). */
  knowledgeFor?: KnowledgeLookup;
}

/** The clock, and the catalogues and knowledge-base layers shipped and published, through the policy registry. */
export const defaultDeps: ScoringDeps = {
  now: () => new Date().toISOString(),
  catalogueFor: catalogueLookup(),
  knowledgeFor: knowledgeLookup(),
};

/**
 * A stay's DRG for the provider rules when its region-year is not paid by DRG (no CaseGrouped will come):
 * grouped here under the region's nearest DRG year's grouping rules, else the default. A year paid by
 * DRG, or a DRG year missing after payment began (CaseGrouped comes after the redrive), is left to
 * CaseGrouped, so a case is never counted twice.
 */
export async function auditDrgFor(payload: ClaimSettledPayload, registry: PolicyRegistry = policies): Promise<FraudClaim['drg']> {
  if (payload.visit.type !== 'inpatient' || !payload.diagnoses || !payload.patient) return undefined;
  const { year, dischargeDate } = stayDates(payload);
  const region = paymentRegion(payload);
  const years = (await registry.keys(drgKind, region)).map((k) => Number(k.year));
  // The region holds a DRG policy for the year: CaseGrouped brings the case (no policy parsed here).
  if (years.includes(year)) return undefined;
  const inForce = await registry.inForce(drgKind, { region, year }, dischargeDate);
  if (drgPayment(inForce, years, year).kind !== 'not-drg-paid') return undefined;
  const nearest = [...years].sort((a, b) => Math.abs(a - year) - Math.abs(b - year) || a - b)[0];
  const policy = nearest === undefined ? undefined : await registry.forYear(drgKind, region, nearest);
  return auditGrouping(
    payload,
    policy ? { grouperVersion: policy.grouperVersion, qy: policy.qy, codes: policy.codes } : DEFAULT_AUDIT_GROUPING,
  );
}

/** The audit grouping never holds up a score: a failure to group leaves the stay uncounted, and says so. */
async function auditDrgOrNothing(payload: ClaimSettledPayload, deps: ScoringDeps, logger: Logger): Promise<FraudClaim['drg']> {
  try {
    return await (deps.auditDrg ?? auditDrgFor)(payload);
  } catch (error) {
    logger.warn('Audit grouping failed; the stay is not counted in the DRG comparisons', {
      claim: payload.claim,
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

let knowledgeFallback: KnowledgeLookup | undefined;
const defaultKnowledge = (): KnowledgeLookup => (knowledgeFallback ??= knowledgeLookup());

/** Tries of the commit when another scoring of the same provider got in first. */
/** A commit that lost a race is redone on a fresh read, a few times, then left to SQS's redelivery. */
export const COMMIT_RETRY = { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 500 } as const;

export type ScoringOutcome = { outcome: 'scored'; score: number; alerts: string[] } | { outcome: 'duplicate'; alertIds: string[] };

/** The fact FraudAlertRaised reports, and so its event id and outbox key: one raised alert. */
export const alertEventKey = (alertId: string) => `fraud/alert/${alertId}/FraudAlertRaised`;

/** An alert's FraudAlertRaised, to commit with the alert. */
export const alertEvent = (alert: Alert, correlationId: string): OutboxEntry =>
  outboxEntry(FraudAlertRaised, fraudAlertPayload.parse(alert), correlationId, alertEventKey(alert.alertId), alert.raisedAt);

const warnOn = (logger: Logger) => (message: string, extra: Record<string, unknown>) => logger.warn(message, extra);

/** Delivers the committed alerts' events that still wait in the outbox (a redelivery's job); never fails. */
export async function deliverWaitingAlerts(alertIds: readonly (string | undefined)[], logger: Logger): Promise<void> {
  await deliverWaiting(alertIds.filter((a): a is string => Boolean(a)).map(alertEventKey), warnOn(logger));
}

/** Delivers the events just committed with their alerts; what the bus refuses, the relay delivers. */
export const deliverAlerts = (events: readonly OutboxEntry[], logger: Logger): Promise<void> => deliverAfterCommit(events, warnOn(logger));

/**
 * Where a scoring reads and writes, and how it delivers what it committed: the table itself, one
 * message at a time (directIo), or a batch's view and writes, sent and delivered together (batch.ts).
 */
export interface ScoringIo {
  reads: FraudReads;
  writes: FraudWrites;
  deliver(events: readonly OutboxEntry[], logger: Logger): Promise<void>;
}

export const directIo: ScoringIo = { reads: directReads, writes: directWrites, deliver: deliverAlerts };

const alreadyApplied = (state: ClaimState, eventId: string) =>
  state.appliedEvents.has(eventId) || (state.score !== undefined && !state.score.reversed);

/** A redelivery: nothing to count, but any alert event the first delivery committed and did not deliver goes out now. */
async function duplicateOf(state: ClaimState, logger: Logger): Promise<ScoringOutcome> {
  const alertIds = [state.score?.alertId, state.score?.providerAlertId, state.score?.groupingAlertId].filter((a): a is string =>
    Boolean(a),
  );
  await deliverWaitingAlerts(alertIds, logger);
  return { outcome: 'duplicate', alertIds };
}

export async function scoreSettledClaim(
  payload: ClaimSettledPayload,
  eventId: string,
  correlationId: string,
  logger: Logger,
  deps: ScoringDeps = defaultDeps,
  io: ScoringIo = directIo,
): Promise<ScoringOutcome> {
  const claim = fromClaimSettled(payload);
  const state = await io.reads.claimState(claim.ref, eventId);
  if (alreadyApplied(state, eventId)) return duplicateOf(state, logger);

  const [judged, auditDrg] = await Promise.all([
    judgeClaim(claim, { catalogueFor: deps.catalogueFor, knowledgeFor: deps.knowledgeFor ?? defaultKnowledge() }, io.reads),
    state.grouping ? undefined : auditDrgOrNothing(payload, deps, logger),
  ]);
  if (!judged) throw new PoisonMessageError(`No fraud-rule catalogue in force for region ${claim.region} on ${claim.start}`);
  const { catalogue, score, decision, knowledge } = judged;
  const projection = await writeProjection(claim, knowledge, io.writes);

  const year = countingYear(claim);
  let latest = state;
  let lost = '';
  // One attempt: score and commit, or say (undefined) that another commit came first.
  const once = async (attempt: number): Promise<ScoringOutcome | undefined> => {
    const at = deps.now();
    if (attempt > 1) {
      latest = await io.reads.claimState(claim.ref, eventId);
      if (alreadyApplied(latest, eventId)) return duplicateOf(latest, logger);
    }
    // The claim's case may already be grouped (CaseGrouped handled first): then it counts with its DRG.
    const grouping = latest.grouping;
    // A case grouped for payment counts with its DRG; a stay of a year not paid by DRG, with the audit's grouping.
    const drg = grouping ? grouping.drg : auditDrg;
    const counted = countedFor(drg ? { ...claim, drg } : claim, score);
    const providerCatalogue = (await deps.catalogueFor(counted.providerRegion, claim.start)) ?? catalogue;
    const stored = await io.reads.providerContext(
      { code: claim.provider.code, region: counted.providerRegion, ...(counted.level ? { level: counted.level } : {}) },
      providerMonthsNeeded(providerCatalogue, claim.end),
      year,
    );
    const providerScore = scoreProvider(providerCatalogue, profileWithClaim(stored, claim, counted), {
      claims: stored.year.claims + 1,
      scoreSum: stored.year.scoreSum + score.score,
    });
    const raise =
      providerScore.alert && !stored.year.alertId
        ? providerAlert(
            { code: claim.provider.code, ...(claim.provider.level ? { level: claim.provider.level } : {}), region: counted.providerRegion },
            year,
            providerScore,
            { region: providerCatalogue.region, version: providerCatalogue.version },
            at,
          )
        : undefined;
    // The region's alert policy: a threshold alert, or a review item below it (pushed, or kept for the daily digest).
    const alert = decision.tier ? claimAlert(claim, score, eventId, at, decision) : undefined;
    const events = [alert, raise].filter((a): a is Alert => a !== undefined && !a.digest).map((a) => alertEvent(a, correlationId));
    const outcome = await io.writes.commit(
      settledTx({
        claim,
        eventId,
        at,
        score,
        decision,
        projection,
        counted,
        ...(alert ? { claimAlert: alert } : {}),
        provider: { year, score: providerScore, ...(raise ? { raise } : {}) },
        ...(grouping ? { grouping } : {}),
        events,
      }),
    );
    if (outcome === 'committed') {
      const alerts = [alert?.alertId, raise?.alertId].filter((a): a is string => Boolean(a));
      await io.deliver(events, logger);
      logger.info('Claim scored', {
        claim: claim.ref,
        score: score.score,
        hits: score.hits.map((h) => h.ruleId),
        alerts,
        providerRisk: providerScore.score,
      });
      return { outcome: 'scored', score: score.score, alerts };
    }
    if (outcome === 'duplicate') return duplicateOf(await directReads.claimState(claim.ref, eventId), logger);
    // Another claim of this provider committed first (or raised its alert), or the claim's case was
    // grouped meanwhile: read again and redo.
    lost = outcome;
    return undefined;
  };
  const scored = await retry(once, { ...COMMIT_RETRY, retryIf: (result) => result === undefined });
  if (!scored) throw new Error(`Scoring of ${claim.ref.providerCode}#${claim.ref.claimNo} kept conflicting (${lost}); SQS will retry`);
  return scored;
}
