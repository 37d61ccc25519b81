/**
 * A region's risk report of a year, from its alerts (pure): providers ranked by what their alerts put
 * at stake, and rule hits by rule type and month. Read by the regulator's console (风险分析) through
 * GET /v1/reports/risk/{region}/{year}; the figures are the alerts' own, summed, never re-judged.
 */
import { agencyMonth } from '../time/agency-calendar.ts';

/** What the report reads of an alert (the inbox item's plain fields). */
export interface AlertFacts {
  providerCode: string;
  raisedAt: string;
  status: string;
  severity: string;
  score: number;
  ruleTypes: readonly string[];
  atStakeFen: number;
  recoveryFen?: number;
}

export interface ProviderRisk {
  providerCode: string;
  alerts: number;
  open: number;
  investigating: number;
  confirmed: number;
  dismissed: number;
  /** Alerts of severity high or critical. */
  serious: number;
  maxScore: number;
  atStakeFen: number;
  /** What confirmed cases set to recover. */
  recoveryFen: number;
}

export interface RuleHits {
  month: string;
  ruleType: string;
  hits: number;
}

export interface RiskReport {
  year: number;
  alerts: number;
  providers: ProviderRisk[];
  ruleHits: RuleHits[];
}

/**
 * Ranks providers by the amount their alerts put at stake (then the highest score, then the code, so
 * the order is total); counts each rule type once per alert in the month the alert was raised (the
 * agency's calendar). Alerts raised outside the year are left out.
 */
export function riskReport(year: number, alerts: readonly AlertFacts[]): RiskReport {
  const providers = new Map<string, ProviderRisk>();
  const hits = new Map<string, RuleHits>();
  let counted = 0;
  for (const a of alerts) {
    const month = agencyMonth(new Date(a.raisedAt));
    if (!month.startsWith(`${year}-`)) continue;
    counted++;
    const p = providers.get(a.providerCode) ?? {
      providerCode: a.providerCode,
      alerts: 0,
      open: 0,
      investigating: 0,
      confirmed: 0,
      dismissed: 0,
      serious: 0,
      maxScore: 0,
      atStakeFen: 0,
      recoveryFen: 0,
    };
    p.alerts++;
    if (a.status === 'open' || a.status === 'investigating' || a.status === 'confirmed' || a.status === 'dismissed') p[a.status]++;
    if (a.severity === 'high' || a.severity === 'critical') p.serious++;
    p.maxScore = Math.max(p.maxScore, a.score);
    p.atStakeFen += a.atStakeFen;
    if (a.status === 'confirmed') p.recoveryFen += a.recoveryFen ?? 0;
    providers.set(a.providerCode, p);
    for (const ruleType of new Set(a.ruleTypes)) {
      const key = `${month}|${ruleType}`;
      const h = hits.get(key) ?? { month, ruleType, hits: 0 };
      h.hits++;
      hits.set(key, h);
    }
  }
  return {
    year,
    alerts: counted,
    providers: [...providers.values()].sort(
      (a, b) => b.atStakeFen - a.atStakeFen || b.maxScore - a.maxScore || a.providerCode.localeCompare(b.providerCode),
    ),
    ruleHits: [...hits.values()].sort((a, b) => a.month.localeCompare(b.month) || b.hits - a.hits || a.ruleType.localeCompare(b.ruleType)),
  };
}
