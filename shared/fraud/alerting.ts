/**
 * The alert policy of a region (告警策略): the `alerting` section of a fraud-rule catalogue, and what
 * a claim's score becomes under it. A claim whose score reaches the catalogue's claim threshold
 * raises an alert (tier `alert`); a claim whose hits score below it still reaches the regulator, as a
 * review item (tier `review`, 复核) at the lower severity the policy names, pushed to the queue and
 * its subscribers at once or gathered into the region's daily digest. So no rule type is invisible:
 * a lone suspicious hit (分解住院, 挂床住院, 低标准入院 …) weighs less than the threshold by design, and
 * still lands before a regulator. The policy explains its thresholds in words, for the catalogue's
 * readers and for each claim's audit result.
 *
 * Pure: no clock, no I/O.
 */
import * as z from 'zod';
import { SEVERITIES, type Severity } from './rules/define.ts';

/** `alert`: the score reached the claim threshold; `review`: hits below it, still before a regulator. */
export const ALERT_TIERS = ['alert', 'review'] as const;
export type AlertTier = (typeof ALERT_TIERS)[number];

/** `queue`: into the regulator's inbox and to subscribers at once; `digest`: into the inbox, sent once a day in the digest. */
export const REVIEW_DELIVERIES = ['queue', 'digest'] as const;
export type ReviewDelivery = (typeof REVIEW_DELIVERIES)[number];

const text = z.string().trim().min(1).max(500);

export const alertingSchema = z.strictObject({
  /** What becomes of a claim whose hits score below the claim threshold. */
  belowThreshold: z.strictObject({
    delivery: z.enum(REVIEW_DELIVERIES),
    /** Hits scoring at least this reach the regulator (1: every hit; a rule of weight 0 is information only). */
    minScore: z.number().int().min(1).max(100).default(1),
    /** The severity a review item carries in the queue (below a threshold alert's, so filters can keep them apart). */
    severity: z.enum(SEVERITIES),
  }),
  /** The thresholds in words: why a claim alerts, why a provider does, why a lower score is only reviewed. */
  explanations: z
    .strictObject({
      claimScore: text,
      providerScore: text,
      belowThreshold: text,
    })
    .optional(),
});
export type Alerting = z.output<typeof alertingSchema>;

/** A catalogue without an alerting section: every hit still reaches the queue, at low severity. */
export const DEFAULT_ALERTING: Alerting = { belowThreshold: { delivery: 'queue', minScore: 1, severity: 'low' } };

export interface AlertingCatalogue {
  thresholds: { claimScore: number; providerScore: number; providerMinClaims: number };
  alerting?: Alerting | undefined;
}

export interface ThresholdExplanations {
  claimScore: string;
  providerScore: string;
  belowThreshold: string;
}

const SEVERITY_NAMES: Record<Severity, string> = { low: '低', medium: '中', high: '高', critical: '严重' };

/** The catalogue's own words for its thresholds, or words built from its numbers when it has none. */
export function explainThresholds(catalogue: AlertingCatalogue): ThresholdExplanations {
  const policy = catalogue.alerting ?? DEFAULT_ALERTING;
  const { claimScore, providerScore, providerMinClaims } = catalogue.thresholds;
  const below = policy.belowThreshold;
  return (
    policy.explanations ?? {
      claimScore: `单据各命中规则的权重相加（封顶 100），达到 ${claimScore} 分即生成告警。`,
      providerScore: `机构年度风险分（已结算单据达 ${providerMinClaims} 张后的平均分加机构类规则权重）达到 ${providerScore} 分即生成机构告警，每年一次。`,
      belowThreshold: `得分 ${below.minScore} 至 ${claimScore - 1} 分的单据以“${SEVERITY_NAMES[below.severity]}”级复核条目${below.delivery === 'queue' ? '进入监管队列' : '汇入每日汇总'}。`,
    }
  );
}

export interface AlertDecision {
  /** Absent: nothing hit (or only rules of no weight below the policy's minimum): no alert, no review. */
  tier?: AlertTier;
  /** How the item reaches regulators: pushed (inbox and subscribers now) or in the daily digest. */
  delivery?: 'push' | 'digest';
  severity?: Severity;
  /** Why, in the words a provider and a regulator read on the claim's audit result. */
  reason: string;
}

interface ScoreLike {
  hits: readonly unknown[];
  score: number;
  severity: Severity | null;
  threshold: number;
  alert: boolean;
}

/** What a claim's score becomes under its catalogue's alert policy. */
export function decideAlert(catalogue: AlertingCatalogue, score: ScoreLike): AlertDecision {
  const policy = (catalogue.alerting ?? DEFAULT_ALERTING).belowThreshold;
  if (score.hits.length === 0) return { reason: '未命中任何审核规则。' };
  if (score.alert) {
    return {
      tier: 'alert',
      delivery: 'push',
      severity: score.severity ?? 'low',
      reason: `得分 ${score.score} 达到告警阈值 ${score.threshold}，生成告警，进入监管队列。`,
    };
  }
  if (score.score < policy.minScore) {
    return { reason: `得分 ${score.score} 低于复核起点 ${policy.minScore}（告警阈值 ${score.threshold}），命中仅作记录。` };
  }
  return {
    tier: 'review',
    delivery: policy.delivery === 'queue' ? 'push' : 'digest',
    severity: policy.severity,
    reason: `得分 ${score.score} 低于告警阈值 ${score.threshold}，按本地区告警策略以“${SEVERITY_NAMES[policy.severity]}”级复核条目${
      policy.delivery === 'queue' ? '进入监管队列' : '汇入当日汇总'
    }。`,
  };
}

/** A policy whose review floor is not below its claim threshold would leave no room for review items. */
export function alertingProblem(catalogue: AlertingCatalogue): { path: (string | number)[]; message: string } | undefined {
  const policy = catalogue.alerting;
  if (policy && policy.belowThreshold.minScore >= catalogue.thresholds.claimScore) {
    return {
      path: ['alerting', 'belowThreshold', 'minScore'],
      message: `the review floor (${policy.belowThreshold.minScore}) must be below the claim threshold (${catalogue.thresholds.claimScore})`,
    };
  }
  return undefined;
}

/** A review item as the daily digest reads it (the inbox's stored alert). */
export interface DigestEntry {
  alertId: string;
  providerCode: string;
  claim?: { providerCode: string; claimNo: string };
  score: number;
  digest?: boolean;
  status?: string;
  raisedAt: string;
  rules: { ruleId: string; type: string; title: string; amountFen: number }[];
  amounts: { atStakeFen: number };
}

export interface Digest {
  reviewItems: number;
  /** Items the policy kept for the digest only (not pushed one by one when raised). */
  digestOnly: number;
  atStakeFen: number;
  /** Per rule type: the review items it appears in and the amount its hits put in doubt (fen), most items first. */
  byRuleType: { type: string; title: string; items: number; amountFen: number }[];
  /** Per provider: its review items and their amount at stake (fen), most items first. */
  byProvider: { providerCode: string; items: number; atStakeFen: number }[];
}

/** The day's review items summed up: how many, by rule type and by provider, and what they put in doubt. */
export function digestOf(entries: readonly DigestEntry[]): Digest {
  const types = new Map<string, { type: string; title: string; items: number; amountFen: number }>();
  const providers = new Map<string, { providerCode: string; items: number; atStakeFen: number }>();
  let atStakeFen = 0;
  let digestOnly = 0;
  for (const e of entries) {
    atStakeFen += e.amounts.atStakeFen;
    if (e.digest) digestOnly++;
    const p = providers.get(e.providerCode) ?? { providerCode: e.providerCode, items: 0, atStakeFen: 0 };
    p.items++;
    p.atStakeFen += e.amounts.atStakeFen;
    providers.set(e.providerCode, p);
    for (const r of e.rules) {
      const t = types.get(r.type) ?? { type: r.type, title: r.title, items: 0, amountFen: 0 };
      t.items++;
      t.amountFen += r.amountFen;
      types.set(r.type, t);
    }
  }
  const byCount =
    <T extends { items: number }>(key: (x: T) => string) =>
    (a: T, b: T) =>
      b.items - a.items || key(a).localeCompare(key(b));
  return {
    reviewItems: entries.length,
    digestOnly,
    atStakeFen,
    byRuleType: [...types.values()].sort(byCount((t) => t.type)),
    byProvider: [...providers.values()].sort(byCount((p) => p.providerCode)),
  };
}
