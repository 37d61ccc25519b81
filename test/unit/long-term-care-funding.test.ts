/**
 * Issue 15, long-term care point 1 (funding), pure: an employee's paid month and a resident's year by
 * the region's policy, with worked numbers; cover from the policy's start (employees first, residents
 * where the policy says); the fund report adds the ledger up by source, scheme, setting and month.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  coveredMonthsOfYear,
  employeeMonthFunding,
  FUNDING_SOURCES,
  fundReport,
  residentYearFunding,
  type FundEntry,
} from '../../shared/long-term-care/funding.ts';
import { coveredFrom, longTermCarePolicySchema } from '../../shared/long-term-care/policy.ts';
import { CARE_SETTINGS } from '../../shared/long-term-care/policy.ts';
import { shippedLongTermCarePolicy } from '../../shared/policy/long-term-care.ts';
import honghe2025 from '../../policies/long-term-care/532500/2025.json' with { type: 'json' };

const honghe = shippedLongTermCarePolicy('532500', 2025)!;
/** Honghe's document extended to residents from July (a later version a region could publish). */
const withResidents = (o: Record<string, unknown> = {}) =>
  longTermCarePolicySchema.safeParse({
    ...structuredClone(honghe2025),
    version: 2,
    coverage: { ...honghe2025.coverage, schemes: ['employee', 'resident'], residentsFrom: '2025-07-01' },
    funding: {
      ...honghe2025.funding,
      residents: {
        individualPerYear: 40,
        basicFundTransferPerYear: 30,
        governmentSubsidyPerYear: '20.50',
        basis: { illustrative: 'test figures', source: 'nhsa-2020-37' },
      },
    },
    ...o,
  });

describe("an employee's paid month", () => {
  it('8,000.00 wage base: employer 0.2% = 16.00, individual 0.1% = 8.00, transfer 5.00, subsidy 2.00', () => {
    expect(employeeMonthFunding(honghe, '2025-04', 800_000)).toEqual({
      employerFen: 1_600,
      individualFen: 800,
      basicFundTransferFen: 500,
      governmentSubsidyFen: 200,
    });
    // Rounded once, half up: 0.2% of 6,543.25 = 13.0865 → 13.09; 0.1% = 6.54325 → 6.54.
    expect(employeeMonthFunding(honghe, '2025-04', 654_325)).toMatchObject({ employerFen: 1_309, individualFen: 654 });
  });

  it('nothing before the policy covers employees (2024), and nothing where it covers residents only', () => {
    expect(employeeMonthFunding(honghe, '2024-12', 800_000)).toBeUndefined();
    const residentsOnly = withResidents({ coverage: { ...honghe2025.coverage, schemes: ['resident'] } });
    expect(residentsOnly.success).toBe(true);
    expect(employeeMonthFunding(residentsOnly.data!, '2025-04', 800_000)).toBeUndefined();
  });
});

describe("a resident's year", () => {
  it('where the policy extends cover to residents from July: six months of 40 + 30 + 20.50 a year', () => {
    const parsed = withResidents();
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    const p = parsed.data!;
    expect([coveredFrom(p, 'employee'), coveredFrom(p, 'resident')]).toEqual(['2025-01-01', '2025-07-01']);
    // 40.00 × 6/12 = 20.00; 30.00 × 6/12 = 15.00; 20.50 × 6/12 = 10.25.
    expect(residentYearFunding(p, 2025)).toEqual({
      employerFen: 0,
      individualFen: 2_000,
      basicFundTransferFen: 1_500,
      governmentSubsidyFen: 1_025,
      coveredMonths: 6,
    });
    expect(residentYearFunding(p, 2026)).toMatchObject({ individualFen: 4_000, governmentSubsidyFen: 2_050, coveredMonths: 12 });
    expect(residentYearFunding(p, 2024)).toBeUndefined();
    // Honghe as shipped covers employees only (从职工医保参保人群起步): residents are not funded.
    expect(residentYearFunding(honghe, 2025)).toBeUndefined();
    expect(coveredFrom(honghe, 'resident')).toBeUndefined();
  });

  it('counts the covered months of a year: from a month within it to December', () => {
    expect([
      coveredMonthsOfYear(2025, '2024-03-01'),
      coveredMonthsOfYear(2025, '2025-01-01'),
      coveredMonthsOfYear(2025, '2025-12-31'),
    ]).toEqual([12, 12, 1]);
    expect(coveredMonthsOfYear(2025, '2026-01-01')).toBe(0);
  });

  it('the policy says how residents are funded when it covers them, and covers them from its start at the earliest', () => {
    const paths = (r: ReturnType<typeof withResidents>) => r.error?.issues.map((i) => i.path.join('.'));
    expect(paths(withResidents({ funding: honghe2025.funding }))).toEqual(['funding.residents']);
    expect(
      paths(withResidents({ coverage: { ...honghe2025.coverage, schemes: ['employee', 'resident'], residentsFrom: '2024-07-01' } })),
    ).toEqual(['coverage.residentsFrom']);
    expect(paths(withResidents({ coverage: { ...honghe2025.coverage, schemes: ['employee'] } }))).toEqual(['funding.residents']);
  });
});

describe('the fund report', () => {
  it('adds income by source and scheme and spending by setting, month by month, with the balance', () => {
    const entries: FundEntry[] = [
      { kind: 'income', month: '2025-04', scheme: 'employee', source: 'employer', amountFen: 1_600 },
      { kind: 'income', month: '2025-04', scheme: 'employee', source: 'individual', amountFen: 800 },
      { kind: 'income', month: '2025-04', scheme: 'employee', source: 'basic-fund-transfer', amountFen: 500 },
      { kind: 'income', month: '2025-04', scheme: 'employee', source: 'government-subsidy', amountFen: 200 },
      { kind: 'income', month: '2025-01', scheme: 'resident', source: 'individual', amountFen: 2_000 },
      { kind: 'spending', month: '2025-04', setting: 'institutional', amountFen: 120_000 },
      { kind: 'spending', month: '2025-04', setting: 'institutional', amountFen: -120_000 },
      { kind: 'spending', month: '2025-04', setting: 'home-care', amountFen: 75_000 },
    ];
    const r = fundReport(entries);
    expect(r.income).toEqual({
      totalFen: 5_100,
      bySource: { employer: 1_600, individual: 2_800, 'basic-fund-transfer': 500, 'government-subsidy': 200 },
      byScheme: {
        employee: { employer: 1_600, individual: 800, 'basic-fund-transfer': 500, 'government-subsidy': 200, totalFen: 3_100 },
        resident: { employer: 0, individual: 2_000, 'basic-fund-transfer': 0, 'government-subsidy': 0, totalFen: 2_000 },
      },
    });
    expect(r.spending).toEqual({ totalFen: 75_000, bySetting: { institutional: 0, 'home-care': 75_000, 'family-carer': 0 } });
    expect(r.balanceFen).toBe(5_100 - 75_000);
    expect(r.months.map((m) => [m.month, m.incomeFen, m.spendingFen])).toEqual([
      ['2025-01', 2_000, 0],
      ['2025-04', 3_100, 75_000],
    ]);
  });

  it('property: the parts add up to the totals, and months add up to the year', () => {
    const entry = fc.oneof(
      fc.record({
        kind: fc.constant('income' as const),
        month: fc.constantFrom('2025-01', '2025-02', '2025-12'),
        scheme: fc.constantFrom('employee' as const, 'resident' as const),
        source: fc.constantFrom(...FUNDING_SOURCES),
        amountFen: fc.integer({ min: 0, max: 10_000_000 }),
      }),
      fc.record({
        kind: fc.constant('spending' as const),
        month: fc.constantFrom('2025-01', '2025-06'),
        setting: fc.constantFrom(...CARE_SETTINGS),
        amountFen: fc.integer({ min: -5_000_000, max: 5_000_000 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 60 }), (entries) => {
        const r = fundReport(entries);
        const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
        expect(sum(Object.values(r.income.bySource))).toBe(r.income.totalFen);
        expect(r.income.byScheme.employee.totalFen + r.income.byScheme.resident.totalFen).toBe(r.income.totalFen);
        expect(sum(Object.values(r.spending.bySetting))).toBe(r.spending.totalFen);
        expect(sum(r.months.map((m) => m.incomeFen))).toBe(r.income.totalFen);
        expect(sum(r.months.map((m) => m.spendingFen))).toBe(r.spending.totalFen);
        expect(r.balanceFen).toBe(r.income.totalFen - r.spending.totalFen);
      }),
    );
  });
});
