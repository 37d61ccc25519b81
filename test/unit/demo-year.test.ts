/**
 * The demo year's generation (infra/local/demo/): deterministic from its seed, valid identifiers,
 * bills whose lines add up to the fen, every claim in 2026, the injected fraud always there; and the
 * text `npm start` prints from its figures.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { Catalogue, generateClaims, type CatalogueItem } from '../../infra/local/demo/claims.ts';
import { generatePopulation } from '../../infra/local/demo/population.ts';
import { emptyFigures, type DemoProgress } from '../../infra/local/demo/progress.ts';
import { progressLine, readyBlock } from '../../infra/local/demo/summary.ts';
import { checkCreditCode } from '../../shared/employers/credit-code.ts';
import { checkIdNumber } from '../../shared/enrolment/id-number.ts';

/** The starter catalogues as the download route gives them (only what the generator reads). */
function starterCatalogue(): Catalogue {
  const items: CatalogueItem[] = [];
  for (const region of ['000000', '330900']) {
    const rows = parse(readFileSync(`catalogues/${region}/v1.csv`, 'utf8'), { columns: true }) as Record<string, string>[];
    for (const r of rows)
      items.push({
        code: r.code!,
        name: r.name!,
        kind: r.kind!,
        ...(r.form ? { form: r.form } : {}),
        class: r.class as CatalogueItem['class'],
        ...(r.priceLimit ? { priceLimitFen: Math.round(Number(r.priceLimit) * 100) } : {}),
        ...(r.paymentStandard ? { paymentStandardFen: Math.round(Number(r.paymentStandard) * 100) } : {}),
      });
  }
  return new Catalogue(items);
}

describe('the demo year generator', () => {
  const catalogue = starterCatalogue();

  it('gives the same year for the same seed and scale, another for another seed', () => {
    const a = generatePopulation(330_900, 300);
    const b = generatePopulation(330_900, 300);
    expect(b).toEqual(a);
    expect(generateClaims(b, catalogue)).toEqual(generateClaims(a, catalogue));
    const other = generatePopulation(7, 300);
    expect(other.people.map((p) => p.idNumber)).not.toEqual(a.people.map((p) => p.idNumber));
  });

  it('makes exactly the members asked for, with valid and unique ID numbers and employers’ credit codes', () => {
    const { people, employers } = generatePopulation(330_900, 1_000);
    expect(people).toHaveLength(1_000);
    expect(new Set(people.map((p) => p.idNumber)).size).toBe(1_000);
    for (const p of people) {
      const check = checkIdNumber(p.idNumber, '2026-01-01');
      expect(check.ok, p.idNumber).toBe(true);
      if (check.ok) expect(check.value.sex).toBe(p.sex);
    }
    for (const e of employers) expect(checkCreditCode(e.creditCode).ok, e.creditCode).toBe(true);
    const employees = people.filter((p) => p.scheme === 'employee');
    expect(employees.length).toBe(340);
    // Every employee through an employer has one; residents are in households, poor members by household.
    for (const p of employees) if (p.employment!.status !== 'flexible') expect(p.employment!.employerCode).toBeDefined();
    for (const p of people.filter((x) => x.scheme === 'resident')) expect(p.household).toBeDefined();
    const heads = new Set(people.filter((p) => p.household?.relation === 'head').map((p) => p.household!.householdId));
    for (const p of people.filter((x) => x.household)) expect(heads.has(p.household!.householdId)).toBe(true);
  });

  it('bills every line at unit price × quantity in whole fen, every claim of 2026, claim numbers unique', () => {
    const claims = generateClaims(generatePopulation(330_900, 500), catalogue);
    expect(claims.length).toBeGreaterThan(1_000);
    const keys = new Set<string>();
    for (const c of claims) {
      keys.add(`${c.bill.providerCode}/${c.bill.claimNo}`);
      expect(c.settles.startsWith('2026-'), c.bill.claimNo).toBe(true);
      expect(c.bill.visit.serviceDate <= c.settles).toBe(true);
      expect(c.bill.lines.length).toBeGreaterThan(0);
      c.bill.lines.forEach((l, i) => {
        expect(l.lineNo).toBe(i + 1);
        expect(Number.isInteger(l.amountFen)).toBe(true);
        expect(l.amountFen).toBe(l.unitPriceFen * l.quantity);
      });
    }
    expect(keys.size).toBe(claims.length);
    const types = new Set(claims.map((c) => c.bill.visit.type));
    expect(types).toEqual(new Set(['outpatient', 'chronic-outpatient', 'inpatient', 'bed-day']));
    // Sent in settlement order.
    for (let i = 1; i < claims.length; i++) expect(claims[i - 1]!.settles <= claims[i]!.settles).toBe(true);
  });

  it('injects the same sixteen fraud patterns at any scale', () => {
    for (const scale of [20, 400]) {
      const injected = generateClaims(generatePopulation(1, scale), catalogue).filter((c) => c.injected);
      expect(injected.map((c) => c.injected).sort()).toEqual(
        [
          ...Array(3).fill('duplicate-charge'),
          ...Array(3).fill('excess-quantity'),
          ...Array(2).fill('ghost-bed'),
          ...Array(2).fill('price-limit'),
          ...Array(2).fill('readmission'),
          ...Array(2).fill('sex-age-restriction'),
          ...Array(2).fill('trace-code-reuse'),
        ].sort(),
      );
    }
  });
});

describe('what npm start prints about the demo year', () => {
  const progress: DemoProgress = {
    phase: 'ready',
    label: '演示年度已就绪',
    done: 10,
    total: 10,
    startedAt: '2026-12-04T12:00:00.000Z',
    readyAt: '2026-12-04T12:03:05.000Z',
    scale: 1_500,
    seed: 330_900,
    region: '330900',
    year: 2026,
    figures: {
      ...emptyFigures(),
      members: 1_500,
      claims: 5_210,
      claimsByType: { outpatient: 3_000, 'chronic-outpatient': 2_000, inpatient: 200, 'bed-day': 10 },
      fundPaidFen: 123_456_789,
      alerts: 40,
      alertsByTier: { alert: 40 },
      injected: 16,
      injectedCaught: 16,
      pointValue: '98.7654',
      timeToReadyMs: 185_000,
      claimsPerSecond: 15.2,
    },
  };

  it('ends with the console, the progress page, curl commands and the figures', () => {
    const text = readyBlock(progress, 'http://127.0.0.1:3000');
    expect(text).toContain('Console      http://localhost:3000/console');
    expect(text).toContain('curl -s localhost:3000/local/demo/progress');
    expect(text).toContain('5,210 settled through the API (outpatient 3,000, chronic-outpatient 2,000, inpatient 200, bed-day 10)');
    expect(text).toContain('fund paid 1,234,567.89 yuan');
    expect(text).toContain('point value 98.7654 yuan a point');
    expect(text).toContain('ready in 3 min 5 s; 15.2 claims/s');
    expect(text).toContain('16 of 16 injected fraud patterns caught');
  });

  it('shows progress as a percentage, the phase and the figures so far', () => {
    expect(progressLine({ ...progress, phase: 'claims', done: 5, total: 10 }, Date.parse('2026-12-04T12:01:00Z'))).toBe(
      '[demo]  50%  claims       1,500 members, 5,210 claims, 0 months advanced  (1 min 0 s)',
    );
  });
});
