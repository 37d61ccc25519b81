/**
 * An alert as regulators see it: the claim and provider, every rule hit with its explanations, the
 * score and the amounts, and never a name or an ID number (the claim carries none; the member is
 * named by member id only). Built from a claim's or a provider's score; its id is derived from what
 * raised it, so a retried consumer raises the same alert, never a second one.
 */
import { createHash } from 'node:crypto';
import type { ClaimRef, FraudClaim, HospitalLevel } from './claim.ts';
import type { ClaimScore, ProviderScore, RuleHit } from './engine.ts';
import type { ResultKind, Severity } from './rules/define.ts';
import type { AlertDecision, AlertTier } from './alerting.ts';

export interface AlertRule {
  ruleId: string;
  type: string;
  title: string;
  severity: Severity;
  result: ResultKind;
  weight: number;
  explanations: string[];
  amountFen: number;
}

export interface Alert {
  alertId: string;
  kind: 'claim' | 'provider';
  region: string;
  providerCode: string;
  providerLevel?: HospitalLevel;
  claim?: ClaimRef;
  memberId?: string;
  /** The insurance year a provider alert is about. */
  year?: number;
  /** `alert`: the score reached the threshold; `review`: below it, before a regulator by the region's alert policy. */
  tier: AlertTier;
  /** A review item the policy gathers into the daily digest instead of pushing it to subscribers. */
  digest?: true;
  severity: Severity;
  score: number;
  threshold: number;
  result: ResultKind;
  rules: AlertRule[];
  amounts: { billedFen?: number; fundPaidFen?: number; atStakeFen: number };
  catalogue: { region: string; version: number };
  raisedAt: string;
}

const digest = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 20);

/** One alert per scoring of a claim (a re-settlement after a reversal is scored, and may alert, anew). */
export const claimAlertId = (ref: ClaimRef, scoringEventId: string): string =>
  `C-${digest(`${ref.providerCode}#${ref.claimNo}#${scoringEventId}`)}`;
/** One provider alert per provider and insurance year. */
export const providerAlertId = (providerCode: string, year: number): string => `P-${digest(`${providerCode}#${year}`)}`;
export const ALERT_ID_PATTERN = /^[CP]-[0-9a-f]{20}$/;

const toRule = (h: RuleHit): AlertRule => ({
  ruleId: h.ruleId,
  type: h.type,
  title: h.title,
  severity: h.severity,
  result: h.result,
  weight: h.weight,
  explanations: h.explanations,
  amountFen: h.amountFen,
});

/** A claim's alert; `decision` (the region's alert policy, alerting.ts) sets its tier and severity, a threshold alert by default. */
export function claimAlert(
  claim: FraudClaim,
  score: ClaimScore,
  scoringEventId: string,
  raisedAt: string,
  decision?: AlertDecision,
): Alert {
  return {
    alertId: claimAlertId(claim.ref, scoringEventId),
    kind: 'claim',
    region: claim.region,
    providerCode: claim.provider.code,
    ...(claim.provider.level ? { providerLevel: claim.provider.level } : {}),
    claim: claim.ref,
    memberId: claim.memberId,
    tier: decision?.tier ?? 'alert',
    ...(decision?.delivery === 'digest' ? { digest: true as const } : {}),
    severity: decision?.severity ?? score.severity ?? 'low',
    score: score.score,
    threshold: score.threshold,
    result: score.result ?? 'suspicious',
    rules: score.hits.map(toRule),
    amounts: { billedFen: claim.totals.billedFen, fundPaidFen: claim.totals.fundPaidFen, atStakeFen: score.atStakeFen },
    catalogue: score.catalogue,
    raisedAt,
  };
}

export function providerAlert(
  provider: { code: string; level?: HospitalLevel; region: string },
  year: number,
  score: ProviderScore,
  catalogue: { region: string; version: number },
  raisedAt: string,
): Alert {
  const claimRule: AlertRule[] =
    score.claimComponent > 0
      ? [
          {
            ruleId: 'PROVIDER-RISK',
            type: 'provider-risk',
            title: '机构风险评分',
            severity: score.severity,
            result: 'suspicious',
            weight: score.claimComponent,
            explanations: [`${year} 年已结算病例的平均风险分为 ${score.claimComponent}。`],
            amountFen: 0,
          },
        ]
      : [];
  return {
    alertId: providerAlertId(provider.code, year),
    kind: 'provider',
    region: provider.region,
    providerCode: provider.code,
    ...(provider.level ? { providerLevel: provider.level } : {}),
    year,
    tier: 'alert',
    severity: score.severity,
    score: score.score,
    threshold: score.threshold,
    result: score.hits.some((h) => h.result === 'violation') ? 'violation' : 'suspicious',
    rules: [...claimRule, ...score.hits.map(toRule)],
    amounts: { atStakeFen: score.hits.reduce((s, h) => s + h.amountFen, 0) },
    catalogue,
    raisedAt,
  };
}
