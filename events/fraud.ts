import * as z from 'zod';
import { DetailType, EventSource } from './catalog.ts';
import { defineEvent } from './contract.ts';
import { claimRef } from './claims.ts';

const fen = z.number().int().nonnegative();
const severity = z.enum(['low', 'medium', 'high', 'critical']);
const resultKind = z.enum(['suspicious', 'violation']);

/** One rule an alert hit, with what it found in words a regulator reads (never a name or ID number). */
export const alertRuleSchema = z.object({
  ruleId: z.string().min(1),
  type: z.string().min(1),
  title: z.string().min(1),
  severity,
  /** 可疑 (suspicious) or 明确违规 (violation). */
  result: resultKind,
  weight: z.number().int().nonnegative(),
  explanations: z.array(z.string().max(1000)).max(20),
  /** The billed amount this rule puts in doubt. */
  amountFen: fen,
});

/**
 * A claim, or a provider's running risk, passed its region's threshold. Carries everything a
 * subscriber needs to act (the claim, provider, rules hit with explanations, score and amounts), so
 * the delivery consumer sends it as it is. Member ids only: no name, no ID number.
 *
 * Version 2: version 1 was the placeholder (id, region, provider, claim, severity, score) that
 * nothing ever published.
 */
export const fraudAlertPayload = z.object({
  alertId: z.string().min(1),
  kind: z.enum(['claim', 'provider']),
  region: z.string().regex(/^\d{6}$/),
  providerCode: z.string().min(1),
  providerLevel: z.enum(['primary', 'secondary', 'tertiary']).optional(),
  claim: claimRef.optional(),
  memberId: z.string().min(1).optional(),
  /** The insurance year of a provider alert. */
  year: z.number().int().optional(),
  /**
   * `alert`: the score reached the region's threshold; `review`: a claim whose hits score below it,
   * sent at the lower severity the region's alert policy names (absent on alerts raised before the
   * policy existed: those are all threshold alerts).
   */
  tier: z.enum(['alert', 'review']).optional(),
  severity,
  score: z.number().int().min(0).max(100),
  threshold: z.number().int().min(0).max(100),
  result: resultKind,
  rules: z.array(alertRuleSchema),
  amounts: z.object({ billedFen: fen.optional(), fundPaidFen: fen.optional(), atStakeFen: fen }),
  catalogue: z.object({ region: z.string(), version: z.number().int().positive() }),
  raisedAt: z.iso.datetime({ offset: true }),
});
export type FraudAlertPayload = z.infer<typeof fraudAlertPayload>;

export const FraudAlertRaised = defineEvent({
  source: EventSource.fraud,
  detailType: DetailType.fraudAlertRaised,
  schemaVersion: 2,
  payload: fraudAlertPayload,
});

/**
 * A regulator confirmed an alert's case with an amount to recover from the provider (追回). The
 * payment side (paymentFacts) records it as owed and takes it on the ledger from the provider's next
 * prepayment or its year-end, once. Published with the case's transition (one transaction, outbox);
 * its id is derived from the alert, so a confirmation is one fact.
 */
export const FraudRecoveryConfirmed = defineEvent({
  source: EventSource.fraud,
  detailType: DetailType.fraudRecoveryConfirmed,
  schemaVersion: 1,
  payload: z.object({
    alertId: z.string().min(1),
    region: z.string().regex(/^\d{6}$/),
    providerCode: z.string().min(1),
    claim: claimRef.optional(),
    recoveryFen: z.number().int().positive(),
    confirmedAt: z.iso.datetime({ offset: true }),
  }),
});
