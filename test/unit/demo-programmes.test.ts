/**
 * The demo's second region (infra/local/demo/honghe.ts): Honghe 2025's employees, their disability
 * assessments, care months, pregnancies and stays, generated from the seed. Each assessment's scores
 * grade (by the national standard) to the level planned; each month of care is billed from the day
 * the level holds; each pregnancy is registerable and settles in 2025; bills add up to the fen.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { Catalogue, type CatalogueItem } from '../../infra/local/demo/claims.ts';
import { careClaimFor, generateHonghe, hongheSize, hongheStays, pregnancyBills, type HonghePerson } from '../../infra/local/demo/honghe.ts';
import { emptyProgrammeFigures } from '../../infra/local/demo/programmes.ts';
import { emptyFigures, type DemoProgress } from '../../infra/local/demo/progress.ts';
import { readyBlock } from '../../infra/local/demo/summary.ts';
import { checkCreditCode } from '../../shared/employers/credit-code.ts';
import { checkIdNumber } from '../../shared/enrolment/id-number.ts';
import { gradeDisability } from '../../shared/long-term-care/grading-standard.ts';

/** The national starter list, as Honghe's download gives it (Honghe adds no items of its own). */
function nationalCatalogue(): Catalogue {
  const rows = parse(readFileSync('catalogues/000000/v1.csv', 'utf8'), { columns: true }) as Record<string, string>[];
  return new Catalogue(
    rows.map(
      (r): CatalogueItem => ({
        code: r.code!,
        name: r.name!,
        kind: r.kind!,
        ...(r.form ? { form: r.form } : {}),
        class: r.class as CatalogueItem['class'],
        ...(r.priceLimit ? { priceLimitFen: Math.round(Number(r.priceLimit) * 100) } : {}),
      }),
    ),
  );
}

describe("Honghe's employees for the programmes", () => {
  const catalogue = nationalCatalogue();
  const population = generateHonghe(330_900, hongheSize(2_000));

  it('is a tenth of the scale (at least 40), the same for the same seed, with valid ID numbers and credit codes', () => {
    expect(hongheSize(60)).toBe(40);
    expect(population.people).toHaveLength(200);
    expect(generateHonghe(330_900, 200)).toEqual(population);
    expect(new Set(population.people.map((p) => p.idNumber)).size).toBe(200);
    for (const p of population.people) {
      const check = checkIdNumber(p.idNumber, '2025-01-01');
      expect(check.ok, p.idNumber).toBe(true);
      if (check.ok) expect(check.value.sex).toBe(p.sex);
    }
    for (const e of population.employers) expect(checkCreditCode(e.creditCode).ok, e.creditCode).toBe(true);
  });

  it('has assessments whose scores grade to the planned level (2 to 5), and pregnancies, even at the smallest size', () => {
    const small = generateHonghe(330_900, 40);
    expect(small.people.filter((p) => p.care).length).toBeGreaterThan(0);
    expect(small.people.filter((p) => p.pregnancy).length).toBeGreaterThan(0);
    const cared = population.people.filter((p) => p.care);
    expect(new Set(cared.map((p) => p.care!.level))).toEqual(new Set([2, 3, 4, 5]));
    for (const p of cared) {
      expect(gradeDisability(p.care!.scores).level, p.care!.reason).toBe(p.care!.level);
      expect(p.status).toBe('retired');
      expect(p.care!.concludedOn >= p.care!.appliedOn).toBe(true);
      expect(p.care!.concludedOn.startsWith('2025-')).toBe(true);
    }
  });

  it('bills care from the day the level holds: a level-3 home from 10 March is billed 10–31 March, then whole months', () => {
    const person: HonghePerson = {
      ...population.people[0]!,
      care: {
        ...population.people.find((p) => p.care)!.care!,
        level: 3,
        concludedOn: '2025-03-10',
        setting: 'institutional',
        providerCode: 'HH5301',
      },
    };
    expect(careClaimFor(person, '2025-02')).toBeUndefined();
    expect(careClaimFor(person, '2025-03')).toEqual({
      providerCode: 'HH5301',
      month: '2025-03',
      institutional: { periods: [{ from: '2025-03-10', to: '2025-03-31' }], dailyChargeFen: 6_500 },
    });
    expect(careClaimFor(person, '2025-04')).toMatchObject({ institutional: { periods: [{ from: '2025-04-01', to: '2025-04-30' }] } });
    const home = { ...person, care: { ...person.care!, setting: 'home-care' as const, providerCode: 'HH5302' } };
    // Six three-hour visits: 18 hours, within level 3's 20 a month.
    expect(careClaimFor(home, '2025-04')).toMatchObject({
      homeCare: {
        visits: ['01', '04', '07', '10', '13', '16'].map((d) => ({ date: `2025-04-${d}`, units: 3 })),
        unitChargeFen: 5_500,
      },
    });
    expect(careClaimFor({ ...person, care: { ...person.care!, level: 2 } }, '2025-04')).toBeUndefined();
  });

  it('registers each pregnancy within 300 days before the expected date, and settles its antenatal care and delivery in 2025', () => {
    const pregnant = population.people.filter((p) => p.pregnancy);
    expect(pregnant.length).toBeGreaterThan(5);
    for (const p of pregnant) {
      const g = p.pregnancy!;
      expect(p.sex).toBe('F');
      expect(p.status).toBe('in-service');
      expect(g.registeredOn < g.expectedDeliveryDate).toBe(true);
      expect((Date.parse(g.expectedDeliveryDate) - Date.parse(g.registeredOn)) / 86_400_000).toBeLessThanOrEqual(300);
      const { antenatal, delivery } = pregnancyBills(p, catalogue);
      expect(antenatal.bill).toMatchObject({ providerCode: g.registeredAt, visit: { type: 'antenatal' } });
      expect(antenatal.settles.startsWith('2025-')).toBe(true);
      expect(delivery.settles.startsWith('2025-')).toBe(true);
      expect(delivery.bill.maternity).toEqual({
        pregnancyId: `P${g.expectedDeliveryDate.replaceAll('-', '')}`,
        deliveryType: g.deliveryType,
        babies: g.babies,
        deliveryDate: g.deliveryDate,
      });
      expect(delivery.bill.lines.some((l) => l.itemName === '剖宫产术')).toBe(g.deliveryType !== 'vaginal');
      for (const l of [...antenatal.bill.lines, ...delivery.bill.lines]) expect(l.amountFen).toBe(l.unitPriceFen * l.quantity);
    }
  });

  it("settles a tenth of them in hospital, at Honghe's hospitals, with claim numbers of their own", () => {
    const stays = hongheStays(population, catalogue);
    expect(stays.length).toBeGreaterThan(10);
    expect(new Set(stays.map((s) => s.bill.claimNo)).size).toBe(stays.length);
    for (const s of stays) {
      expect(['HH5001', 'HH5202', 'HH5211']).toContain(s.bill.providerCode);
      expect(s.bill.visit.type).toBe('inpatient');
      expect(s.bill.claimNo).toMatch(/^HZY2025-\d{6}-01$/);
    }
  });
});

it('npm start prints the programmes after the Zhoushan figures', () => {
  const g = emptyProgrammeFigures();
  g.members = 200;
  g.retirees = 70;
  g.longTermCare = {
    ...g.longTermCare,
    assessments: 24,
    byLevel: { '3': 10, '2': 6 },
    qualifying: 18,
    careClaims: 120,
    fundPaidFen: 9_300_00,
  };
  g.maternity = { ...g.maternity, pregnancies: 12, deliveries: 11, allowances: 11, allowanceFen: 330_000_00 };
  g.dip = { cases: 30, method: 'dip', totalCentipoints: 345_678 };
  const progress: DemoProgress = {
    phase: 'ready',
    label: '演示年度已就绪',
    done: 1,
    total: 1,
    startedAt: '2026-12-04T12:00:00.000Z',
    scale: 2_000,
    seed: 330_900,
    region: '330900',
    year: 2026,
    figures: { ...emptyFigures(), programmes: g, timeToConsoleMs: 14_000, timeToReadyMs: 600_000 },
  };
  const text = readyBlock(progress, 'http://127.0.0.1:3000');
  expect(text).toContain('红河州 (532500) 2025');
  expect(text).toContain('24 disability assessments (levels 3 10, 2 6), 18 qualifying');
  expect(text).toContain('120 monthly care claims');
  expect(text).toContain('fund paid 9,300.00 yuan');
  expect(text).toContain('11 allowances granted, 330,000.00 yuan');
  expect(text).toContain('30 stays scored by DIP, 3456.78 points');
  expect(text).toContain('ready in 10 min 0 s');
  expect(text).toContain('console usable 14 s after the start');
});
