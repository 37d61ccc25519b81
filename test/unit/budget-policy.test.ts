/**
 * The settlement policy documents, the budget checks, the facts the projection takes from events,
 * the fund early warning (Honghe's months of payment, budget execution, crossings) and the reports.
 */
import { describe, expect, it } from 'vitest';
import { yuanToFen } from '../../shared/money/fen.ts';
import { settlementPolicies, settlementPolicyFor } from '../../shared/policy/year-end.ts';
import { settlementPolicySchema } from '../../shared/budget/policy.ts';
import { budgetInputSchema, checkBudget, type Register } from '../../shared/budget/budget.ts';
import { healthCommunityInputSchema, type HealthCommunity } from '../../shared/budget/community.ts';
import { accountingDate, capitationExclusion, pooledFundPaid } from '../../shared/budget/facts.ts';
import { budgetExecution, crossed, executionLevel, fundStatus, reserveLevel, reserveMonthsCovered } from '../../shared/budget/warnings.ts';
import { csvField, providerColumns, toCsv, yearEndSummary } from '../../shared/budget/report.ts';
import { settleYear } from '../../shared/budget/year-end.ts';

const jinan = settlementPolicyFor('341502', 2023)!;
const y = yuanToFen;

describe('settlement policies as data', () => {
  it("ships Jin'an 2023 with the paper's own figures and Honghe 2025 with its mechanisms", () => {
    expect(
      settlementPolicies()
        .map((p) => `${p.region}/${p.year}`)
        .sort(),
    ).toEqual(['330900/2026', '341502/2023', '532500/2025']); // 330900/2026: issue 14 (Zhoushan's DRG year made complete)
    expect(jinan.capitation.standardPerMemberFen).toBe(307_000);
    expect(jinan.surplus).toEqual({ distributed: 'assessment-score', split: { county: 2, township: 6, village: 2 } });
    expect(jinan.overrun).toEqual({ absorbedWhenRankAtMost: 6, split: { county: 4, township: 5, village: 1 } });
    expect(jinan.document.sources.find((s) => s.id === jinan.document.capitation.basis.source)?.documentNo).toBe('金医保发〔2023〕19号');
    expect('illustrative' in jinan.document.capitation.basis).toBe(false);
    expect('illustrative' in jinan.document.prepayment.basis).toBe(true);
    const honghe = settlementPolicyFor('532500', 2025)!;
    expect(honghe.overrun.absorbedWhenRankAtMost).toBeNull();
    expect(honghe.document.sources[0]!.documentNo).toBe('红政办发〔2022〕52号');
  });

  it('rejects a document that cites an unknown source or names a missing default agreement, naming the field', () => {
    const doc = structuredClone(jinan.document) as Record<string, any>;
    doc.surplus.basis.source = 'nowhere';
    doc.prepayment.defaultAgreement = 'none';
    const parsed = settlementPolicySchema.safeParse(doc);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['surplus.basis.source', 'prepayment.defaultAgreement']),
    );
  });

  it('rejects a money figure written as a float and a split with no positive part', () => {
    const doc = structuredClone(jinan.document) as Record<string, any>;
    doc.capitation.standardPerMemberYuan = 3070.5;
    doc.overrun.split = { county: 0, township: 0, village: 0 };
    const parsed = settlementPolicySchema.safeParse(doc);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['capitation.standardPerMemberYuan', 'overrun.split']),
    );
  });
});

describe('budgets', () => {
  const community: HealthCommunity = healthCommunityInputSchema.parse({
    communityId: 'JA-HC-1',
    region: '341502',
    name: '金安区第一医共体',
    members: [
      { providerCode: 'JA0001', tier: 'county' },
      { providerCode: 'JA0101', tier: 'township' },
    ],
  });
  const register: Register = {
    providers: new Map([
      ['JA0001', { region: '341502' }],
      ['JA0101', { region: '341502' }],
      ['LA0009', { region: '341502' }],
      ['HH0001', { region: '532500' }],
    ]),
    communities: new Map([['JA-HC-1', community]]),
  };

  it("derives each community's global budget and capitation fund", () => {
    const input = budgetInputSchema.parse({
      totalFen: y('10000000'),
      drgBudgetFen: y('6000000'),
      providers: [
        { providerCode: 'JA0001', globalBudgetFen: y('4000000') },
        { providerCode: 'JA0101', globalBudgetFen: y('800000') },
        { providerCode: 'LA0009', globalBudgetFen: y('3000000'), agreement: 'last-month-points' },
      ],
      healthCommunities: [{ communityId: 'JA-HC-1', capitatedMembers: 1_000 }],
    });
    const checked = checkBudget('341502', 2023, input, jinan, register);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    // 4,800,000 of global budget; 1,000 × 3,070 = 3,070,000 of it is the capitation fund.
    expect(checked.budget.communities).toEqual([
      { communityId: 'JA-HC-1', capitatedMembers: 1_000, globalBudgetFen: y('4800000'), capitationFundFen: y('3070000') },
    ]);
    expect(checked.budget.providersBudgetFen).toBe(y('7800000'));
  });

  it('names every field that breaks a rule', () => {
    const input = budgetInputSchema.parse({
      totalFen: y('1000000'),
      drgBudgetFen: y('2000000'),
      providers: [
        { providerCode: 'JA0001', globalBudgetFen: y('900000') },
        { providerCode: 'HH0001', globalBudgetFen: y('200000') },
        { providerCode: 'NOPE0001', globalBudgetFen: 0 },
        { providerCode: 'LA0009', globalBudgetFen: 0, agreement: 'weekly' },
      ],
      healthCommunities: [
        { communityId: 'JA-HC-1', capitatedMembers: 1_000 },
        { communityId: 'JA-HC-9', capitatedMembers: 1 },
      ],
    });
    const checked = checkBudget('341502', 2023, input, jinan, register);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.problems.map((p) => `${p.field} ${p.rule}`).sort()).toEqual([
      'body.drgBudgetFen exceeds_total',
      'body.healthCommunities.0.capitatedMembers capitation_exceeds_budget',
      'body.healthCommunities.1.communityId not_registered',
      'body.providers exceeds_total',
      'body.providers.1.providerCode other_region',
      'body.providers.2.providerCode not_registered',
      'body.providers.3.agreement unknown_agreement',
    ]);
  });

  it('refuses a provider listed twice and a community without a county hospital', () => {
    expect(
      budgetInputSchema.safeParse({
        totalFen: 1,
        drgBudgetFen: 0,
        providers: [
          { providerCode: 'JA0001', globalBudgetFen: 0 },
          { providerCode: 'JA0001', globalBudgetFen: 0 },
        ],
      }).success,
    ).toBe(false);
    expect(
      healthCommunityInputSchema.safeParse({
        communityId: 'X-1',
        region: '341502',
        name: 'x',
        members: [{ providerCode: 'JA0101', tier: 'township' }],
      }).success,
    ).toBe(false);
  });
});

describe('facts taken from claims', () => {
  const claim = (visitType: string, principal?: string) => ({
    visit: { type: visitType as 'inpatient', serviceDate: '2023-12-28', dischargeDate: '2024-01-03' },
    ...(principal ? { diagnoses: { principal, secondary: [] } } : {}),
  });

  it('accounts a claim by discharge date, else service date', () => {
    expect(accountingDate(claim('inpatient').visit)).toBe('2024-01-03');
    expect(accountingDate({ type: 'outpatient', serviceDate: '2023-05-02' })).toBe('2023-05-02');
  });

  it("counts the pooled fund's layer when the claim breaks its payment down", () => {
    expect(pooledFundPaid({ billedFen: 100, fundPaidFen: 80, patientPaidFen: 20, byLayer: { basic: 60, catastrophic: 20 } })).toBe(60);
    expect(pooledFundPaid({ billedFen: 100, fundPaidFen: 80, patientPaidFen: 20 })).toBe(80);
  });

  it('leaves ordinary and 两病 outpatient and accidental injury out of the capitation package', () => {
    expect(capitationExclusion(claim('outpatient'), jinan)).toContain('outpatient');
    expect(capitationExclusion(claim('two-diseases-outpatient'), jinan)).toContain('two-diseases-outpatient');
    expect(capitationExclusion(claim('inpatient', 'S72.001'), jinan)).toContain('accidental injury');
    expect(capitationExclusion(claim('inpatient', 'I63.900'), jinan)).toBeNull();
    expect(capitationExclusion(claim('chronic-outpatient', 'E11.900'), jinan)).toBeNull();
  });
});

describe('fund early warning', () => {
  it("reproduces the Honghe plan's months of payment (end of 2020)", () => {
    // Residents: reserve 24.41亿 yuan, paying about 2.4706亿 a month → 9.88 months.
    expect(reserveMonthsCovered(y('2441000000'), y('247064777'))).toBe(988);
    // Employees: 14.66亿, about 0.9022亿 a month → 16.25 months.
    expect(reserveMonthsCovered(y('1466000000'), y('90215385'))).toBe(1625);
    expect(reserveMonthsCovered(y('1'), 0)).toBeNull();
  });

  it('grades the reserve: watch below 6 months, alert below 3 (illustrative lines)', () => {
    expect(reserveLevel(988, jinan)).toBe('none');
    expect(reserveLevel(599, jinan)).toBe('watch');
    expect(reserveLevel(299, jinan)).toBe('alert');
  });

  it('measures budget execution against the calendar', () => {
    // 1,200,000 a year; three months elapsed: 300,000 is on pace.
    expect(budgetExecution(y('300000'), y('1200000'), 3)).toEqual({ ofBudget: 2_500, ofPace: 10_000 });
    expect(executionLevel(budgetExecution(y('300000'), y('1200000'), 3), jinan)).toBe('none');
    expect(executionLevel(budgetExecution(y('340000'), y('1200000'), 3), jinan)).toBe('watch'); // 113.33% of pace
    expect(executionLevel(budgetExecution(y('375000'), y('1200000'), 3), jinan)).toBe('alert'); // 125%
    expect(budgetExecution(y('1'), 0, 3)).toEqual({ ofBudget: null, ofPace: null });
  });

  it('raises only when a level rises above the last one recorded', () => {
    expect(crossed('none', 'watch')).toBe(true);
    expect(crossed('watch', 'alert')).toBe(true);
    expect(crossed('watch', 'watch')).toBe(false);
    expect(crossed('alert', 'watch')).toBe(false);
    expect(crossed('none', 'none')).toBe(false);
  });

  it('puts it together through a month', () => {
    const status = fundStatus({
      region: '341502',
      year: 2023,
      throughMonth: '2023-03',
      policy: jinan,
      totalBudgetFen: y('12000000'),
      reserve: { balanceFen: y('5000000'), asOf: '2022-12-31' },
      providers: [
        { providerCode: 'A001', globalBudgetFen: y('1200000'), spentFen: y('450000') },
        { providerCode: 'B001', globalBudgetFen: y('2400000'), spentFen: y('600000') },
      ],
    });
    // Paid 1,050,000 in three months → 350,000 a month; 5,000,000 covers 14.29 months.
    expect(status.reserve).toMatchObject({
      paidFen: y('1050000'),
      averageMonthlyPaymentFen: y('350000'),
      monthsCovered: 1429,
      level: 'none',
    });
    expect(status.providers.map((p) => p.level)).toEqual(['alert', 'none']);
  });
});

describe('reports', () => {
  it('quotes CSV fields that need it', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
  });

  it('writes one CSV row per provider in yuan, and a readable summary', () => {
    const result = settleYear({
      region: '341502',
      year: 2023,
      policy: jinan,
      drgBudgetFen: y('1000000'),
      communities: [],
      providers: [
        {
          providerCode: 'LA0009',
          centipoints: 400_000,
          cases: 35,
          fundPaidFen: 0,
          pointedFundPaidFen: 0,
          prepaidFen: y('460000'),
          settledBeforeFen: 0,
        },
      ],
    });
    const csv = toCsv(providerColumns, result.providers);
    expect(csv.split('\r\n')[0]).toBe(
      'provider_code,community_id,tier,cases,points,drg_payment_yuan,item_payment_yuan,capitation_yuan,entitlement_yuan,prepaid_yuan,net_yuan,to_pay_yuan,to_recover_yuan,settled_before_yuan,this_version_yuan' +
        ',method,stays_settled,stays_by_points,stays_by_items,bed_day_points,global_budget_yuan,global_budget_used_yuan,global_budget_outcome,global_budget_adjustment_yuan,recoveries_yuan,recovered_from_prepayments_yuan',
    );
    expect(csv.split('\r\n')[1]).toBe(
      'LA0009,,,35,4000.00,1000000.00,0.00,0.00,1000000.00,460000.00,540000.00,540000.00,0.00,0.00,540000.00' +
        ',drg,0,0,0,0.00,,,,0.00,0.00,0.00',
    );
    const text = yearEndSummary({ ...result, version: 1 }).join('\n');
    expect(text).toContain('point value: DRG budget 1000000.00 yuan ÷ 4000.00 points = 250.0000 yuan a point');
    expect(text).toContain('to pay 540000.00, to recover 0.00 yuan');
  });
});
