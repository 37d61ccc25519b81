/**
 * The console's report arithmetic (pure): the risk report's ranking and rule hits by month, and the
 * case mix's groups, shares and readmission cuts, with worked numbers.
 */
import { describe, expect, it } from 'vitest';
import { caseMix, type CaseFacts } from '../../shared/drg/case-mix.ts';
import { riskReport, type AlertFacts } from '../../shared/fraud/risk-report.ts';

const alert = (over: Partial<AlertFacts>): AlertFacts => ({
  providerCode: 'ZS0001',
  raisedAt: '2026-05-06T10:00:00+08:00',
  status: 'open',
  severity: 'high',
  score: 60,
  ruleTypes: ['duplicate-charge'],
  atStakeFen: 2_000,
  ...over,
});

describe('risk report', () => {
  it('ranks providers by the amount at stake, counts statuses, recoveries of confirmed cases only', () => {
    const report = riskReport(2026, [
      alert({}),
      alert({ status: 'confirmed', recoveryFen: 1_500, atStakeFen: 3_000, score: 80 }),
      alert({ providerCode: 'ZS0201', atStakeFen: 4_000, severity: 'medium', score: 40, ruleTypes: ['price-limit'] }),
      // A recovery on a dismissed case is not counted (the case's own figure stands only when confirmed).
      alert({ providerCode: 'ZS0201', status: 'dismissed', recoveryFen: 999, atStakeFen: 500, ruleTypes: [] }),
    ]);
    expect(report.alerts).toBe(4);
    expect(report.providers).toEqual([
      {
        providerCode: 'ZS0001',
        alerts: 2,
        open: 1,
        investigating: 0,
        confirmed: 1,
        dismissed: 0,
        serious: 2,
        maxScore: 80,
        atStakeFen: 5_000,
        recoveryFen: 1_500,
      },
      {
        providerCode: 'ZS0201',
        alerts: 2,
        open: 1,
        investigating: 0,
        confirmed: 0,
        dismissed: 1,
        serious: 1,
        maxScore: 60,
        atStakeFen: 4_500,
        recoveryFen: 0,
      },
    ]);
  });

  it('counts each rule type once per alert in the agency month it was raised, leaving other years out', () => {
    const report = riskReport(2026, [
      // 2026-01-31T17:00Z is 1 February in Shanghai.
      alert({ raisedAt: '2026-01-31T17:00:00Z', ruleTypes: ['duplicate-charge', 'duplicate-charge', 'price-limit'] }),
      alert({ raisedAt: '2026-02-10T01:00:00+08:00', ruleTypes: ['price-limit'] }),
      alert({ raisedAt: '2026-01-15T09:00:00+08:00' }),
      // 2025-12-31T16:30Z is already 2026 in Shanghai; 2026-12-31T16:30Z is 2027.
      alert({ raisedAt: '2025-12-31T16:30:00Z', ruleTypes: ['readmission'] }),
      alert({ raisedAt: '2026-12-31T16:30:00Z', ruleTypes: ['readmission'] }),
    ]);
    expect(report.alerts).toBe(4);
    expect(report.ruleHits).toEqual([
      { month: '2026-01', ruleType: 'duplicate-charge', hits: 1 },
      { month: '2026-01', ruleType: 'readmission', hits: 1 },
      { month: '2026-02', ruleType: 'price-limit', hits: 2 },
      { month: '2026-02', ruleType: 'duplicate-charge', hits: 1 },
    ]);
  });
});

describe('case mix', () => {
  const drg = (group: string, mdc: string, centipoints: number, kind: CaseFacts['kind'] = 'case'): CaseFacts => ({
    kind,
    method: 'drg',
    group,
    mdc,
    centipoints,
  });

  it('sums cases and points per group and MDC; a readmission cut lowers points, not cases; shares in basis points', () => {
    const mix = caseMix([
      drg('ES31', 'E', 9_380),
      drg('ES31', 'E', 9_380),
      drg('ES31', 'E', -4_690, 'readmission-cut'),
      drg('FR13', 'F', 12_000),
    ]);
    expect(mix.method).toBe('drg');
    expect(mix.cases).toBe(3);
    expect(mix.totalCentipoints).toBe(26_070);
    // ES31: 14,070 of 26,070 points = 53.97%; FR13: 12,000 of 26,070 = 46.03% (half up to the basis point).
    expect(mix.groups).toEqual([
      { group: 'ES31', mdc: 'E', cases: 2, centipoints: 14_070, shareBp: 5_397 },
      { group: 'FR13', mdc: 'F', cases: 1, centipoints: 12_000, shareBp: 4_603 },
    ]);
    expect(mix.mdcs).toEqual([
      { mdc: 'E', cases: 2, centipoints: 14_070 },
      { mdc: 'F', cases: 1, centipoints: 12_000 },
    ]);
  });

  it('reads the method with more cases (a region pays its stays by DRG or by DIP) and an empty year as nothing', () => {
    const mix = caseMix([
      { kind: 'case', method: 'dip', group: 'J84|34.51', mdc: null, centipoints: 500_000 },
      { kind: 'case', method: 'dip', group: 'J84|34.51', mdc: null, centipoints: 300_000 },
      drg('ES31', 'E', 9_380),
    ]);
    expect(mix).toMatchObject({ method: 'dip', cases: 2, totalCentipoints: 800_000, mdcs: [] });
    expect(mix.groups).toEqual([{ group: 'J84|34.51', mdc: null, cases: 2, centipoints: 800_000, shareBp: 10_000 }]);
    expect(caseMix([])).toEqual({ method: 'drg', cases: 0, totalCentipoints: 0, groups: [], mdcs: [] });
  });
});
