/**
 * Policy simulation, the pure parts: the replay equals settling each member's claims in order from
 * fresh counters (household counters shared), the window, the compact form's round trip (fast-check),
 * the out-of-pocket distribution and the reserve projection with worked numbers, and DRG points,
 * point value and entitlements under a DRG draft.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import dip2025 from '../../policies/dip/532500/2025.json' with { type: 'json' };
import drg2026 from '../../policies/drg/330900/2026.json' with { type: 'json' };
import { benefitsKind } from '../../shared/policy/benefits.ts';
import { drgKind } from '../../shared/policy/drg.ts';
import { grouperFor } from '../../shared/drg/rule-packages.ts';
import { settleCase } from '../../shared/drg/settled-case.ts';
import { settle } from '../../shared/settlement/engine.ts';
import { settlementDate, type Bill } from '../../shared/settlement/bill.ts';
import { layerKeys } from '../../shared/settlement/statement.ts';
import type { BenefitPolicy } from '../../shared/settlement/policy.ts';
import { emptyPartial, mergePartial } from '../../shared/simulation/aggregate.ts';
import { compileBook, type BookSpec } from '../../shared/simulation/book.ts';
import { decodeBill, decodedYear, encodePartition } from '../../shared/simulation/compact.ts';
import { generatedYear } from '../../shared/simulation/examples.ts';
import { partitionOf, replayUnit } from '../../shared/simulation/partition.ts';
import { project } from '../../shared/simulation/projection.ts';
import { replay, type CompactYear } from '../../shared/simulation/replay.ts';
import { buildReport, distribution, maskMemberId, type ReportContext } from '../../shared/simulation/report.ts';
import { reportCsv } from '../../shared/simulation/csv.ts';
import { partitionIndices, replayPartitions, encodeYear } from '../../shared/simulation/threads/pool.ts';

const raw2025 = benefitsKind.shipped['policies/benefits/330900/2025-resident.json'] as Record<string, any>;
const raw2026 = benefitsKind.shipped['policies/benefits/330900/2026-resident.json'] as Record<string, any>;
const version = (raw: Record<string, any>) => ({ version: raw.version, effectiveFrom: raw.effectiveFrom, raw });
/** The 2025 resident policy with the secondary hospitals' inpatient ratio raised from 75% to 80%. */
const draft2025 = (() => {
  const d = structuredClone(raw2025);
  d.version = 2;
  d.basic.ratios[0].set.secondary = '80%';
  return d;
})();
const windowOf = (from: string, to: string) => ({ region: '330900', scheme: 'resident' as const, from, to });
const spec = (draft: unknown, from = '2025-01-01', to = '2025-12-31'): BookSpec => ({
  window: windowOf(from, to),
  benefits: { resident: [version(raw2025)] },
  drg: [],
  draft: { kind: 'benefits', raw: draft },
});

/** The reference: each unit's claims settled in order by the engine, counters carried by hand. */
function settleInOrder(year: CompactYear, policyOf: (bill: Bill) => BenefitPolicy, upTo: string) {
  const order = year.claims
    .map((_, i) => i)
    .sort((a, b) => {
      const x = year.claims[a]!;
      const y = year.claims[b]!;
      return x.unit.localeCompare(y.unit) || x.order.localeCompare(y.order);
    });
  const members = new Map<string, Record<string, number>>();
  const households = new Map<string, Record<string, number>>();
  const out = new Map<number, { fundPaidFen: number; patientPaidFen: number; byLayer: Record<string, number> }>();
  for (const i of order) {
    const c = year.claims[i]!;
    if (settlementDate(c.bill) > upTo) continue;
    const member = year.members[c.member]!;
    const policy = policyOf(c.bill);
    const ytd = members.get(member.memberId) ?? {};
    members.set(member.memberId, ytd);
    const household = member.householdId && policy.familyCap?.per === 'household' ? (households.get(member.householdId) ?? {}) : undefined;
    if (household) households.set(member.householdId!, household);
    const s = settle({
      bill: c.bill,
      member,
      provider: year.providers[c.provider]!,
      yearToDate: { ...ytd },
      ...(household ? { householdYearToDate: { ...household } } : {}),
      policy,
    });
    for (const [k, v] of Object.entries(s.yearToDate.deltas)) ytd[k] = (ytd[k] ?? 0) + v;
    if (household && s.yearToDate.household)
      for (const [k, v] of Object.entries(s.yearToDate.household.deltas)) household[k] = (household[k] ?? 0) + v;
    out.set(i, s.totals);
  }
  return out;
}

const sumOf = (rows: Iterable<{ fundPaidFen: number; patientPaidFen: number; byLayer: Record<string, number> }>) => {
  const t = { fundPaidFen: 0, patientPaidFen: 0, byLayer: Object.fromEntries(layerKeys.map((k) => [k, 0])) as Record<string, number> };
  for (const r of rows) {
    t.fundPaidFen += r.fundPaidFen;
    t.patientPaidFen += r.patientPaidFen;
    for (const k of layerKeys) t.byLayer[k]! += r.byLayer[k]!;
  }
  return t;
};

describe('the replay', () => {
  // 600 claims of 120 members (two in five in households, 6% poor): every layer and the family cap reachable.
  const year = generatedYear({ claims: 600, region: '330900', scheme: 'resident', year: 2025, perMember: 5, inpatientShare: 0.2, seed: 7 });
  const inForce = benefitsKind.schema.parse(raw2025);
  const draft = benefitsKind.schema.parse(draft2025);

  it('settles each unit in order from fresh counters, both ways, as the engine does claim by claim', () => {
    const p = replay(year, compileBook(spec(draft2025)));
    const a = settleInOrder(year, () => inForce, '2025-12-31');
    const b = settleInOrder(year, () => draft, '2025-12-31');
    expect(p.claimsInWindow).toBe(600);
    const pick = (t: { fundPaidFen: number; patientPaidFen: number; byLayer: Record<string, number> }) => ({
      fundPaidFen: t.fundPaidFen,
      patientPaidFen: t.patientPaidFen,
      byLayer: t.byLayer,
    });
    expect(pick(p.inForce.all)).toEqual(sumOf(a.values()));
    expect(pick(p.draft.all)).toEqual(sumOf(b.values()));
    expect(p.draft.all.fundPaidFen).toBeGreaterThan(p.inForce.all.fundPaidFen);
    // Per member: the patient's share both ways.
    const byMember = new Map<string, number>();
    for (const [i, t] of b) {
      const id = year.members[year.claims[i]!.member]!.memberId;
      byMember.set(id, (byMember.get(id) ?? 0) + t.patientPaidFen);
    }
    for (const m of p.members) expect(m.patientDraftFen).toBe(byMember.get(m.memberId));
    // The cuts add up to the whole.
    const levels = Object.values(p.draft.byLevel).reduce((s, t) => s + t.fundPaidFen, 0);
    expect(levels).toBe(p.draft.all.fundPaidFen);
    expect(p.draft.byPoverty.poor.fundPaidFen + p.draft.byPoverty.others.fundPaidFen).toBe(p.draft.all.fundPaidFen);
  });

  it('applies the draft to the window only: earlier claims build the counters under the policy in force, later ones are left out', () => {
    const p = replay(year, compileBook(spec(draft2025, '2025-07-01', '2025-09-30')));
    const inWindow = (bill: Bill) => settlementDate(bill) >= '2025-07-01';
    const a = settleInOrder(year, () => inForce, '2025-09-30');
    const b = settleInOrder(year, (bill) => (inWindow(bill) ? draft : inForce), '2025-09-30');
    const window = (m: Map<number, ReturnType<typeof sumOf> & object>) =>
      [...m].filter(([i]) => inWindow(year.claims[i]!.bill)).map(([, t]) => t);
    expect(p.claimsRead).toBe(a.size);
    expect(p.claimsInWindow).toBe(window(a as never).length);
    expect(p.inForce.all.fundPaidFen).toBe(sumOf(window(a as never)).fundPaidFen);
    expect(p.draft.all.fundPaidFen).toBe(sumOf(window(b as never)).fundPaidFen);
    expect(Object.keys(p.draft.byMonth).sort()).toEqual(['2025-07', '2025-08', '2025-09']);
  });

  it('gives the same partial whole, by partition on this thread, or on worker threads', async () => {
    const whole = replay(year, compileBook(spec(draft2025)));
    const byPartition = partitionIndices(year).reduce(
      (acc, ix) => mergePartial(acc, replay(year, compileBook(spec(draft2025)), ix)),
      emptyPartial(),
    );
    const threaded = await replayPartitions(encodeYear(year), spec(draft2025), 2);
    for (const p of [byPartition, threaded]) {
      expect(p.inForce.all).toEqual(whole.inForce.all);
      expect(p.draft.all).toEqual(whole.draft.all);
      expect(p.draft.byCategory).toEqual(whole.draft.byCategory);
      expect(p.members.length).toBe(whole.members.length);
    }
  }, 60_000);

  it('reports nothing but zeros for a draft identical to the policy in force', () => {
    const p = replay(year, compileBook(spec(raw2025)));
    const r = buildReport(p, context());
    expect(r.fund.difference.all).toEqual({
      claims: 0,
      billedFen: 0,
      fundPaidFen: 0,
      patientPaidFen: 0,
      institutionFen: 0,
      byLayer: Object.fromEntries(layerKeys.map((k) => [k, 0])),
    });
    expect(r.mostAffected).toEqual({ members: [], providers: [] });
    expect(
      reportCsv(r)
        .split('\r\n')
        .filter((l) => l && !l.startsWith('section') && !l.startsWith('drg') && !l.startsWith('projection'))
        .every((l) => /,(0|0\.00)$/.test(l)),
    ).toBe(true);
  });
});

const context = (over: Partial<ReportContext> = {}): ReportContext => ({
  runId: 'r1',
  draft: { kind: 'benefits', region: '330900', version: 2, effectiveFrom: '2025-01-01', hash: 'h' },
  window: windowOf('2025-01-01', '2025-12-31'),
  top: 5,
  catastrophicLine: { lineFen: 1_000_000, source: 'test' },
  drgPool: null,
  projection: {
    openingReserveFen: null,
    reserveSource: 'none',
    annualIncomeFen: null,
    contributionGrowthBp: 500,
    costTrendBp: 800,
    enrolmentChangeBp: 0,
  },
  ...over,
});

describe('the compact form', () => {
  it('gives back every bill exactly as it was, whatever its optional fields (fast-check)', () => {
    const base = generatedYear({ claims: 30, region: '330900', scheme: 'resident', year: 2025, seed: 3 });
    const line = fc.record(
      {
        itemName: fc.string({ maxLength: 8 }),
        priceLimitFen: fc.nat(100_000),
        serviceDate: fc.constantFrom('2025-03-01', '2025-03-02'),
        supplyDays: fc.integer({ min: 1, max: 90 }),
        traceCode: fc.string({ maxLength: 6 }),
        itemClass: fc.constantFrom('A', 'B', 'C'),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(fc.array(line, { minLength: 1, maxLength: 4 }), { minLength: 30, maxLength: 30 }), (extras) => {
        const year: CompactYear = {
          ...base,
          claims: base.claims.map((c, i) => {
            const bill = {
              ...c.bill,
              lines: c.bill.lines.slice(0, extras[i]!.length).map((l, j) => {
                const { itemClass: _c, ...rest } = l;
                return { ...rest, ...extras[i]![j] } as Bill['lines'][number];
              }),
            };
            return { ...c, bill };
          }),
        };
        const encoded = encodePartition(
          year,
          year.claims.map((_, i) => i),
        );
        year.claims.forEach((c, k) => expect(decodeBill(encoded, k)).toEqual(c.bill));
        const decoded = decodedYear(encoded);
        expect(decoded.claims.map((c) => c.unit)).toEqual(year.claims.map((c) => c.unit));
      }),
      { numRuns: 25 },
    );
  });

  it('keeps a household in one partition', () => {
    const a = replayUnit({ memberId: 'M1', householdId: 'HH9' });
    expect(replayUnit({ memberId: 'M2', householdId: 'HH9' })).toBe(a);
    expect(partitionOf(a)).toBe(partitionOf(replayUnit({ memberId: 'M7', householdId: 'HH9' })));
    expect(partitionOf('M:M00000001')).toBeLessThan(16);
  });
});

describe('report figures, worked', () => {
  it('out of pocket: mean half up, median of the middle two, p90 by nearest rank, members above the line', () => {
    expect(distribution([0, 100, 200, 300, 1_000], 250)).toEqual({ members: 5, meanFen: 320, medianFen: 200, p90Fen: 1_000, aboveLine: 2 });
    expect(distribution([10, 20, 30, 41], 40)).toEqual({ members: 4, meanFen: 25, medianFen: 25, p90Fen: 41, aboveLine: 1 });
    expect(distribution([], 1)).toMatchObject({ members: 0, meanFen: 0 });
  });

  it('masks member ids', () => {
    expect(maskMemberId('M00000123')).toBe('M0*****23');
    expect(maskMemberId('M12')).toBe('***');
  });

  it('projects months of reserve: a worked year', () => {
    const p = project({
      windowDays: 365,
      yearDays: 365,
      pooledInForceFen: 1_200_000,
      pooledDraftFen: 1_320_000,
      openingReserveFen: 1_000_000,
      reserveSource: 'stated',
      annualIncomeFen: null,
      contributionGrowthBp: 500,
      costTrendBp: 800,
      enrolmentChangeBp: 0,
    });
    // I = 1,200,000 (balanced) → I₁ = 1,260,000; P₁ = 1,296,000 → R₁ = 964,000 → 964,000 ÷ (1,296,000 ÷ 12) = 8.93 months.
    expect(p.nextYearIncomeFen).toBe(1_260_000);
    expect(p.inForce).toEqual({
      annualPaymentsFen: 1_200_000,
      nextYearPaymentsFen: 1_296_000,
      closingReserveFen: 964_000,
      monthsNow: 1_000,
      monthsAtNextYearEnd: 893,
    });
    // Draft: P₁ = 1,425,600 → R₁ = 834,400 → 7.02 months.
    expect(p.draft).toMatchObject({ nextYearPaymentsFen: 1_425_600, closingReserveFen: 834_400, monthsAtNextYearEnd: 702 });
    expect(p.difference).toEqual({
      annualPaymentsFen: 120_000,
      nextYearPaymentsFen: 129_600,
      closingReserveFen: -129_600,
      monthsAtNextYearEnd: -191,
    });
    // A quarter's window is annualised by days: 90 days of 1,000 → 4,056 (1,000 × 365 ÷ 90, half up).
    expect(
      project({
        ...p.assumptions,
        windowDays: 90,
        yearDays: 365,
        pooledInForceFen: 1_000,
        pooledDraftFen: 1_000,
        openingReserveFen: null,
        annualIncomeFen: null,
      } as never).inForce.annualPaymentsFen,
    ).toBe(4_056);
  });
});

describe('DRG points under a DRG draft', () => {
  // Zhoushan 2026 pays stays by DRG points; the draft raises secondary hospitals' coefficient from 0.9 to 1.0.
  const drgDraft = (() => {
    const d = structuredClone(drg2026) as Record<string, any>;
    d.version = 2;
    d.hospitalCoefficients.byLevel.secondary = 1;
    return d;
  })();
  // Pneumonia stays (J18.900 with respiratory failure), which the 1.1 grouper places in a DRG.
  const generated = generatedYear({ claims: 300, region: '330900', scheme: 'resident', year: 2026, inpatientShare: 0.5, seed: 11 });
  const year: CompactYear = {
    ...generated,
    claims: generated.claims.map((c) =>
      c.bill.visit.type === 'inpatient'
        ? {
            ...c,
            bill: {
              ...c.bill,
              diagnoses: { principal: 'J18.900', secondary: ['J96.000'] },
              procedures: [],
              lines: c.bill.lines.slice(0, 12 + (c.member % 18)),
            },
          }
        : c,
    ),
  };
  const book: BookSpec = {
    window: windowOf('2026-01-01', '2026-12-31'),
    benefits: { resident: [version(raw2026)] },
    drg: [version(drg2026 as Record<string, any>)],
    draft: { kind: 'drg', raw: drgDraft },
  };

  it('points every stay both ways, leaves the benefits alone, and shares the pool by points', () => {
    const p = replay(year, compileBook(book));
    expect(p.draft.all).toEqual(p.inForce.all);
    const stays = year.claims.filter((c) => c.bill.visit.type === 'inpatient');
    const rows = p.providers.filter((r) => r.drgCases > 0);
    expect(rows.reduce((s, r) => s + r.drgCases, 0)).toBe(stays.length);
    // The in-force points of one stay, as the DRG consumer would give them.
    const policy = drgKind.schema.parse(drg2026);
    const one = stays.find((c) => year.providers[c.provider]!.level === 'secondary')!;
    const member = year.members[one.member]!;
    const provider = year.providers[one.provider]!;
    const payload = {
      claim: { providerCode: one.bill.providerCode, claimNo: one.bill.claimNo },
      memberId: member.memberId,
      region: '330900',
      provider,
      visit: { ...one.bill.visit, admissionDate: one.bill.visit.serviceDate },
      patient: { sex: member.sex, ageYears: 50 },
      diagnoses: one.bill.diagnoses,
      procedures: one.bill.procedures,
      inpatient: { lengthOfStayDays: 5 },
      lines: one.bill.lines,
      totals: { billedFen: one.bill.lines.reduce((s, l) => s + l.amountFen, 0) },
    };
    const settled = settleCase(grouperFor(policy.grouperVersion), policy, payload as never);
    expect(settled.points.coefficient).toBe(9_000);
    // Secondary providers gain points (readmission cuts, taken from the earlier stay's provider, move with them); the others keep theirs.
    for (const r of rows) {
      if (r.level !== 'secondary') expect(r.centipointsDraft).toBe(r.centipointsInForce);
    }
    const gained = (level: string) =>
      rows.filter((r) => r.level === level).reduce((s, r) => s + r.centipointsDraft - r.centipointsInForce, 0);
    expect(gained('secondary')).toBeGreaterThan(0);
    const report = buildReport(
      p,
      context({
        window: book.window,
        draft: { kind: 'drg', region: '330900', version: 2, effectiveFrom: '2026-01-01', hash: 'h' },
        drgPool: { yearFen: 100_000_000, source: 'stated', prorate: false },
      }),
    );
    const drg = report.drg!;
    expect(drg.providers.reduce((s, r) => s + r.entitlementInForceFen, 0)).toBe(100_000_000);
    expect(drg.providers.reduce((s, r) => s + r.entitlementDraftFen, 0)).toBe(100_000_000);
    expect(drg.providers.reduce((s, r) => s + r.differenceFen, 0)).toBe(0);
    // More points for the same pool: each point is worth less.
    expect(Number(drg.draft!.yuanPerPoint)).toBeLessThan(Number(drg.inForce!.yuanPerPoint));
    const secondary = drg.providers.filter((r) => r.level === 'secondary');
    expect(secondary.reduce((s, r) => s + r.differenceFen, 0)).toBeGreaterThan(0);
  });
});

describe('DIP points under a DIP draft', () => {
  // Honghe 2025 holds a DIP catalogue; the draft raises secondary hospitals' level coefficient from 0.92 to 1.
  const dipDraft = (() => {
    const d = structuredClone(dip2025) as Record<string, any>;
    d.version = 2;
    d.hospitalCoefficients.byLevel.secondary = 1;
    return d;
  })();
  const rawEmployee = benefitsKind.shipped['policies/benefits/532500/2025-employee.json'] as Record<string, any>;
  const year = generatedYear({ claims: 300, region: '532500', scheme: 'employee', year: 2025, inpatientShare: 0.5, seed: 5 });
  const book: BookSpec = {
    window: { region: '532500', scheme: 'employee', from: '2025-01-01', to: '2025-12-31' },
    benefits: { employee: [version(rawEmployee)] },
    drg: [],
    dip: [version(dip2025 as Record<string, any>)],
    draft: { kind: 'dip', raw: dipDraft },
  };

  it('scores every stay both ways by the catalogue, leaves the benefits alone, and shares the pool by points', () => {
    const p = replay(year, compileBook(book));
    expect(p.draft.all).toEqual(p.inForce.all);
    const stays = year.claims.filter((c) => c.bill.visit.type === 'inpatient');
    const rows = p.providers.filter((r) => r.dipCases > 0);
    expect(rows.reduce((s, r) => s + r.dipCases, 0)).toBe(stays.length);
    for (const r of rows) if (r.level !== 'secondary') expect(r.dipCentipointsDraft).toBe(r.dipCentipointsInForce);
    const gained = rows.filter((r) => r.level === 'secondary').reduce((s, r) => s + r.dipCentipointsDraft - r.dipCentipointsInForce, 0);
    expect(gained).toBeGreaterThan(0);
    const report = buildReport(
      p,
      context({
        window: book.window,
        draft: { kind: 'dip', region: '532500', version: 2, effectiveFrom: '2025-01-01', hash: 'h' },
        drgPool: { yearFen: 50_000_000, source: 'stated', prorate: false },
      }),
    );
    expect(report.drg).toBeNull();
    const dip = report.dip!;
    expect(dip.cases).toBe(stays.length);
    expect(dip.providers.reduce((s, r) => s + r.entitlementInForceFen, 0)).toBe(50_000_000);
    expect(dip.providers.reduce((s, r) => s + r.entitlementDraftFen, 0)).toBe(50_000_000);
    expect(Number(dip.draft!.yuanPerPoint)).toBeLessThan(Number(dip.inForce!.yuanPerPoint));
    expect(reportCsv(report)).toContain('dip,all,yuan_per_point,');
  });
});
