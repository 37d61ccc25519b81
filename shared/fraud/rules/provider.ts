/**
 * Rule types that read a provider's figures against its peers' (same pooling region and hospital
 * level) or the region's DRG averages. Peers' totals arrive including the provider itself; each rule
 * takes the provider out before comparing, so a large hospital is not compared with itself.
 */
import * as z from 'zod';
import { daysInMonth, monthOf } from '../dates.ts';
import { defineProviderRule, type DrgStats, type Finding, type ProviderMonthStats } from './define.ts';
import { percent, shareBp, yuan } from './match.ts';

const ratioBp = z.number().int().min(10_000, 'a ratio of at least 1× (10000 basis points)');

const sumMonths = (stats: readonly ProviderMonthStats[], months: readonly string[]) => {
  const wanted = new Set(months);
  return stats
    .filter((s) => wanted.has(s.month))
    .reduce((acc, s) => ({ claims: acc.claims + s.claims, grouped: acc.grouped + s.groupedCases, ccMcc: acc.ccMcc + s.ccMccCases }), {
      claims: 0,
      grouped: 0,
      ccMcc: 0,
    });
};

// 高编高套: a share of cases grouped with CC/MCC far above the peers'.
export const highCoding = defineProviderRule({
  type: 'high-coding',
  title: '高编高套（CC/MCC 占比异常）',
  parameters: z.strictObject({
    minCases: z.number().int().positive(),
    minPeerCases: z.number().int().positive(),
    /** Hit when the provider's share is at least this multiple of the peers' … */
    ratioBp,
    /** … and at least this many basis points above it. */
    minExcessBp: z.number().int().nonnegative(),
  }),
  facts: ['ownShare', 'peerShare', 'cases', 'months'],
  evaluate(profile, p, window) {
    const own = sumMonths(profile.own, window.months);
    const all = sumMonths(profile.peers, window.months);
    const peerGrouped = all.grouped - own.grouped;
    const peerCc = all.ccMcc - own.ccMcc;
    if (own.grouped < p.minCases || peerGrouped < p.minPeerCases) return [];
    const ownShare = shareBp(own.ccMcc, own.grouped);
    const peerShare = shareBp(peerCc, peerGrouped);
    if (ownShare * 10_000 < peerShare * p.ratioBp || ownShare - peerShare < p.minExcessBp) return [];
    return [
      {
        facts: { ownShare: percent(ownShare), peerShare: percent(peerShare), cases: own.grouped, months: window.months.length },
        amountFen: 0,
      },
    ];
  },
});

// 费用或住院日远超病组均值: a DRG's mean cost or stay at this provider far above the region's mean.
export const drgOutlier = defineProviderRule({
  type: 'drg-outlier',
  title: '病组费用或住院日异常',
  parameters: z.strictObject({
    metrics: z.array(z.enum(['cost', 'los'])).min(1),
    minCases: z.number().int().positive(),
    minRegionCases: z.number().int().positive(),
    ratioBp,
  }),
  facts: ['drg', 'metric', 'ownMean', 'regionMean', 'cases'],
  evaluate(profile, p) {
    const region = new Map<string, DrgStats>(profile.regionDrgs.map((d) => [d.drg, d]));
    const findings: Finding[] = [];
    for (const own of profile.ownDrgs) {
      const all = region.get(own.drg);
      if (!all || own.cases < p.minCases) continue;
      const otherCases = all.cases - own.cases;
      if (otherCases < p.minRegionCases) continue;
      for (const metric of p.metrics) {
        const ownSum = metric === 'cost' ? own.costFenSum : own.losDaysSum;
        const otherSum = (metric === 'cost' ? all.costFenSum : all.losDaysSum) - ownSum;
        // own/ownCases ≥ ratio × other/otherCases, in integers.
        if (ownSum * otherCases * 10_000 < otherSum * own.cases * p.ratioBp || otherSum <= 0) continue;
        const ownMean = Math.round(ownSum / own.cases);
        const otherMean = Math.round(otherSum / otherCases);
        findings.push({
          facts: {
            drg: own.drg,
            metric: metric === 'cost' ? '次均费用' : '平均住院日',
            ownMean: metric === 'cost' ? yuan(ownMean) : `${(ownSum / own.cases).toFixed(1)}天`,
            regionMean: metric === 'cost' ? yuan(otherMean) : `${(otherSum / otherCases).toFixed(1)}天`,
            cases: own.cases,
          },
          // What the provider was paid above the region's mean on this DRG (cost only).
          amountFen: metric === 'cost' ? Math.max(0, ownSum - otherMean * own.cases) : 0,
        });
      }
    }
    return findings;
  },
});

// 就诊量突增: this month's claims far above the provider's own recent months, pro rata to the day.
export const volumeSurge = defineProviderRule({
  type: 'volume-surge',
  title: '就诊量异常增长',
  parameters: z.strictObject({
    minClaims: z.number().int().positive(),
    ratioBp,
  }),
  facts: ['month', 'claims', 'expected', 'baselineMonths'],
  evaluate(profile, p, window) {
    const current = monthOf(profile.asOf);
    const baselineMonths = window.months.filter((m) => m < current);
    if (baselineMonths.length === 0) return [];
    const byMonth = new Map(profile.own.map((s) => [s.month, s.claims]));
    const baselineTotal = baselineMonths.reduce((s, m) => s + (byMonth.get(m) ?? 0), 0);
    // A provider without history has no baseline to surge above.
    if (baselineTotal === 0) return [];
    const claims = byMonth.get(current) ?? 0;
    const day = Number(profile.asOf.slice(8, 10));
    // Expected so far this month = mean month × (days elapsed / days in month), kept as a fraction.
    const expectedNumerator = baselineTotal * day;
    const expectedDenominator = baselineMonths.length * daysInMonth(current);
    if (claims < p.minClaims || claims * expectedDenominator * 10_000 < expectedNumerator * p.ratioBp) return [];
    return [
      {
        facts: {
          month: current,
          claims,
          expected: Math.round(expectedNumerator / expectedDenominator),
          baselineMonths: baselineMonths.length,
        },
        amountFen: 0,
      },
    ];
  },
});

export const providerRuleTypes = [highCoding, drgOutlier, volumeSurge] as const;
