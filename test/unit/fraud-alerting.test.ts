/** The alert policy per region (shared/fraud/alerting.ts): what a claim's score becomes, and the catalogue's section. */
import { describe, expect, it } from 'vitest';
import { fraudAlertPayload } from '../../events/fraud.ts';
import { claimAlert } from '../../shared/fraud/alert.ts';
import { DEFAULT_ALERTING, decideAlert, digestOf, explainThresholds } from '../../shared/fraud/alerting.ts';
import { agencyDayRange } from '../../functions/regulator-api/digest.ts';
import { scoreClaim, type ClaimScore } from '../../shared/fraud/engine.ts';
import { allCatalogues } from '../../shared/policy/fraud-rules.ts';
import { catalogueOf, claim, parseCatalogue, rawCatalogue, shippedRule } from './fraud-fixtures.ts';

const shipped = (region: string) => allCatalogues().find((c) => c.region === region)!;

/** A score as the engine makes it, with hits of the given weights (threshold 60). */
function scoreOf(weights: number[], severity: ClaimScore['severity'] = 'high'): ClaimScore {
  const total = Math.min(
    100,
    weights.reduce((a, b) => a + b, 0),
  );
  return {
    catalogue: { region: '330900', version: 1 },
    knowledge: [],
    hits: weights.map((weight, i) => ({
      ruleId: `R-${i}`,
      type: 'ghost-bed',
      scope: 'claim',
      title: '挂床住院',
      severity: 'high',
      result: 'suspicious',
      weight,
      findings: 1,
      explanations: ['x'],
      amountFen: 0,
      lines: [],
    })),
    score: total,
    severity: weights.length ? severity : null,
    result: weights.length ? 'suspicious' : null,
    atStakeFen: 0,
    threshold: 60,
    alert: weights.length > 0 && total >= 60,
  };
}

describe('the alert policy per region', () => {
  it('Zhoushan: a lone suspicious hit (挂床住院, 40) below the threshold of 60 is a low review item pushed to the queue', () => {
    const zs = shipped('330900');
    expect(zs.alerting?.belowThreshold).toEqual({ delivery: 'queue', minScore: 1, severity: 'low' });
    expect(decideAlert(zs, scoreOf([40]))).toEqual({
      tier: 'review',
      delivery: 'push',
      severity: 'low',
      reason: '得分 40 低于告警阈值 60，按本地区告警策略以“低”级复核条目进入监管队列。',
    });
  });

  it('a score reaching the threshold (40 + 30 = 70) is an alert at the engine’s severity; no hit is nothing', () => {
    const zs = shipped('330900');
    expect(decideAlert(zs, scoreOf([40, 30]))).toEqual({
      tier: 'alert',
      delivery: 'push',
      severity: 'high',
      reason: '得分 70 达到告警阈值 60，生成告警，进入监管队列。',
    });
    expect(decideAlert(zs, scoreOf([]))).toEqual({ reason: '未命中任何审核规则。' });
  });

  it('Honghe gathers review items into the daily digest; a weight-0 hit under a floor of 10 is only recorded', () => {
    const hh = shipped('532500');
    expect(decideAlert(hh, scoreOf([30]))).toMatchObject({ tier: 'review', delivery: 'digest', severity: 'low' });
    const floor10 = { ...hh, alerting: { belowThreshold: { delivery: 'queue' as const, minScore: 10, severity: 'medium' as const } } };
    expect(decideAlert(floor10, scoreOf([0]))).toEqual({
      reason: '得分 0 低于复核起点 10（告警阈值 60），命中仅作记录。',
    });
    expect(decideAlert(floor10, scoreOf([10]))).toMatchObject({ tier: 'review', severity: 'medium' });
  });

  it('a catalogue without the section still sends every hit to the queue, at low severity, and explains its numbers', () => {
    const { alerting: _none, ...bare } = shipped('330900');
    expect(decideAlert(bare, scoreOf([25]))).toMatchObject({ tier: 'review', delivery: 'push', severity: 'low' });
    expect(DEFAULT_ALERTING.belowThreshold.minScore).toBe(1);
    expect(explainThresholds(bare)).toEqual({
      claimScore: '单据各命中规则的权重相加（封顶 100），达到 60 分即生成告警。',
      providerScore: '机构年度风险分（已结算单据达 20 张后的平均分加机构类规则权重）达到 50 分即生成机构告警，每年一次。',
      belowThreshold: '得分 1 至 59 分的单据以“低”级复核条目进入监管队列。',
    });
  });

  it('every shipped catalogue explains its thresholds in its own words', () => {
    for (const c of allCatalogues()) {
      expect(c.alerting?.explanations, c.region).toBeDefined();
      expect(explainThresholds(c)).toEqual(c.alerting!.explanations);
      expect(explainThresholds(c).claimScore).toContain(`${c.thresholds.claimScore} 分`);
    }
  });

  it('refuses a review floor at or above the claim threshold, and a delivery it does not know', () => {
    const atThreshold = parseCatalogue(
      rawCatalogue((d) => {
        d.alerting = { belowThreshold: { delivery: 'queue', minScore: 60, severity: 'low' } };
      }),
    );
    expect(atThreshold.success).toBe(false);
    expect(atThreshold.error!.issues).toContainEqual(
      expect.objectContaining({
        path: ['alerting', 'belowThreshold', 'minScore'],
        message: expect.stringContaining('below the claim threshold (60)'),
      }),
    );
    const unknown = parseCatalogue(
      rawCatalogue((d) => {
        d.alerting = { belowThreshold: { delivery: 'fax', severity: 'low' } };
      }),
    );
    expect(unknown.error!.issues).toContainEqual(expect.objectContaining({ path: ['alerting', 'belowThreshold', 'delivery'] }));
  });

  it('a review alert carries its tier and the policy’s lower severity, and fits the event contract', () => {
    const c = claim({ diagnoses: ['J18.900'], procedures: ['47.0100'] });
    const catalogue = { ...catalogueOf([shippedRule('diagnosis-mismatch')]), alerting: shipped('330900').alerting };
    const score = scoreClaim(catalogue, c, { memberHistory: [], traceScans: [] });
    expect(score).toMatchObject({ score: 30, alert: false, severity: 'medium' });
    const decision = decideAlert(catalogue, score);
    const alert = claimAlert(c, score, 'evt-1', '2026-03-10T08:00:00.000Z', decision);
    expect(alert).toMatchObject({ tier: 'review', severity: 'low', score: 30, threshold: 60, result: 'suspicious' });
    expect(alert.digest).toBeUndefined();
    expect(fraudAlertPayload.parse(alert)).toMatchObject({ tier: 'review', severity: 'low' });
    const digest = claimAlert(c, score, 'evt-1', '2026-03-10T08:00:00.000Z', decideAlert(shipped('532500'), score));
    expect(digest).toMatchObject({ tier: 'review', digest: true });
  });
});

describe('the daily digest of review items', () => {
  const entry = (alertId: string, providerCode: string, atStakeFen: number, rules: [string, number][], digest = false) => ({
    alertId,
    providerCode,
    score: 30,
    raisedAt: '2026-03-10T08:00:00.000Z',
    ...(digest ? { digest } : {}),
    rules: rules.map(([type, amountFen]) => ({ ruleId: type.toUpperCase(), type, title: type, amountFen })),
    amounts: { atStakeFen },
  });

  it('counts the day’s items by rule type and provider, with what they put in doubt (fen)', () => {
    const digest = digestOf([
      entry('A', 'H2', 40_000, [['ghost-bed', 40_000]], true),
      entry('B', 'H1', 12_000, [
        ['readmission', 12_000],
        ['diagnosis-mismatch', 3_000],
      ]),
      entry('C', 'H1', 5_000, [['ghost-bed', 5_000]], true),
    ]);
    expect(digest).toEqual({
      reviewItems: 3,
      digestOnly: 2,
      atStakeFen: 57_000,
      byRuleType: [
        { type: 'ghost-bed', title: 'ghost-bed', items: 2, amountFen: 45_000 },
        { type: 'diagnosis-mismatch', title: 'diagnosis-mismatch', items: 1, amountFen: 3_000 },
        { type: 'readmission', title: 'readmission', items: 1, amountFen: 12_000 },
      ],
      byProvider: [
        { providerCode: 'H1', items: 2, atStakeFen: 17_000 },
        { providerCode: 'H2', items: 1, atStakeFen: 40_000 },
      ],
    });
    expect(digestOf([])).toEqual({ reviewItems: 0, digestOnly: 0, atStakeFen: 0, byRuleType: [], byProvider: [] });
  });

  it('a day is the agency’s: 2026-03-10 in Shanghai is 16:00Z the day before to 16:00Z', () => {
    expect(agencyDayRange('2026-03-10')).toEqual({ from: '2026-03-09T16:00:00.000Z', to: '2026-03-10T16:00:00.000Z' });
  });
});
