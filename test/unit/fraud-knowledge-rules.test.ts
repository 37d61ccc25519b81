/**
 * Every rule type of the shipped national catalogue judged with the shipped knowledge base: a hit,
 * the clinical near misses that must not hit (dialysis three times a week, a four-week chronic
 * prescription, two body parts imaged the same day, bedside glucose four times a day, a same-day
 * transfer discharged as 转院, an emergency visit on the admission day …), and items named in no
 * rule's own parameters (each asserted so: they reach the rule only through the knowledge base).
 */
import { describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../shared/knowledge/knowledge-base.ts';
import { allCatalogues } from '../../shared/policy/fraud-rules.ts';
import { shippedKnowledge } from '../../shared/policy/knowledge-base.ts';
import { claim, hitOf, line, stay, summary } from './fraud-fixtures.ts';
import type { ClaimContext } from '../../shared/fraud/engine.ts';

const knowledge = new KnowledgeBase(shippedKnowledge().filter((d) => d.region === '000000'));
const withKb = (context: Partial<ClaimContext> = {}): Partial<ClaimContext> => ({ knowledge, ...context });

/** Every parameter of every shipped rule catalogue, as text: a code found here is "named in a rule's parameters". */
const allParameters = JSON.stringify(allCatalogues().flatMap((c) => c.rules.map((r) => r.parameters)));
const notNamed = (...codes: string[]) => {
  for (const code of codes) expect(allParameters.includes(code), `${code} appears in a rule's parameters`).toBe(false);
};

const dated = (d: number) => `2026-03-${String(d).padStart(2, '0')}`;

describe('claim rules with the knowledge base', () => {
  it('duplicate-charge: two nursing levels on one day and a repeated urinalysis hit; glucose 4×/day and CT of two body parts do not', () => {
    notNamed('001108000080000', '001201000090000', '001205000130000', '250302002', '001306000220000');
    const nursing = hitOf(
      'duplicate-charge',
      stay(dated(1), dated(4), {
        lines: [
          line(1, '001108000080000', { category: 'nursing', itemName: '一级护理', amountFen: 3_000 }),
          line(2, '001201000090000', { category: 'nursing', itemName: '二级护理', amountFen: 2_000 }),
        ],
      }),
      withKb(),
    );
    expect(nursing).toMatchObject({ lines: [2], amountFen: 2_000 });
    expect(nursing!.explanations[0]).toContain('护理等级（同日只收一级）：一级护理、二级护理');
    expect(
      hitOf(
        'duplicate-charge',
        claim({ lines: [line(1, '001205000130000', { category: 'lab' }), line(2, '001205000130000', { category: 'lab' })] }),
        withKb(),
      ),
    ).toMatchObject({ lines: [2] });

    const glucose = claim({ lines: [1, 2, 3, 4].map((n) => line(n, '250302002', { category: 'lab', amountFen: 800 })) });
    // Without the knowledge base the old rule saw four charges of one item: the false positive.
    expect(hitOf('duplicate-charge', glucose)).toBeDefined();
    expect(hitOf('duplicate-charge', glucose, withKb())).toBeUndefined();
    expect(hitOf('excess-quantity', glucose, withKb())).toBeUndefined();
    const twoParts = claim({ lines: [line(1, '001306000220000', { category: 'exam' }), line(2, '001306000220000', { category: 'exam' })] });
    expect(hitOf('duplicate-charge', twoParts)).toBeDefined();
    expect(hitOf('duplicate-charge', twoParts, withKb())).toBeUndefined();
    // A nursing level on consecutive days is no exclusion.
    expect(
      hitOf(
        'duplicate-charge',
        stay(dated(1), dated(4), {
          lines: [
            line(1, '001108000080000', { category: 'nursing', date: dated(1) }),
            line(2, '001201000090000', { category: 'nursing', date: dated(2) }),
          ],
        }),
        withKb(),
      ),
    ).toBeUndefined();
  });

  it('price-limit: a dialysis session above the knowledge base’s limit hits, at the limit it does not', () => {
    notNamed('001404000280000');
    const session = (fen: number) =>
      claim({ lines: [line(1, '001404000280000', { category: 'treatment', unitPriceFen: fen, amountFen: fen })] });
    expect(hitOf('price-limit', session(45_000), withKb())).toMatchObject({ amountFen: 3_000 });
    expect(hitOf('price-limit', session(42_000), withKb())).toBeUndefined();
    expect(hitOf('price-limit', session(45_000))).toBeUndefined(); // the rule's own list never named it
  });

  it('sex-age-restriction: tamsulosin for a woman, an ovarian operation for a man, levofloxacin at twelve hit; the fitting patient does not', () => {
    notNamed('XG04CAT181', 'XJ01MAZ058', '65.2');
    const tamsulosin = line(1, 'XG04CAT181B001010100001', { itemName: '坦索罗辛缓释胶囊' });
    expect(
      hitOf('sex-age-restriction', claim({ patient: { sex: 'F', ageYears: 60 }, diagnoses: ['N39.000'], lines: [tamsulosin] }), withKb())!
        .explanations[0],
    ).toBe('XG04CAT181B001010100001 限男性，患者为女性、60岁。');
    expect(hitOf('sex-age-restriction', claim({ diagnoses: ['N40.x00'], lines: [tamsulosin] }), withKb())).toBeUndefined();
    expect(hitOf('sex-age-restriction', claim({ procedures: ['65.2900x001'] }), withKb())!.explanations[0]).toContain('65.2900x001 限女性');
    expect(
      hitOf('sex-age-restriction', claim({ patient: { sex: 'F', ageYears: 40 }, procedures: ['65.2900x001'] }), withKb()),
    ).toBeUndefined();
    const levofloxacin = line(1, 'XJ01MAZ058A001010100001');
    expect(hitOf('sex-age-restriction', claim({ patient: { sex: 'M', ageYears: 12 }, lines: [levofloxacin] }), withKb())).toMatchObject({
      lines: [1],
    });
    expect(hitOf('sex-age-restriction', claim({ lines: [levofloxacin] }), withKb())).toBeUndefined();
  });

  it('indication-restriction: clopidogrel paid by the fund for a cold hits; for coronary disease, or self-paid, it does not', () => {
    notNamed('XB01ACL106');
    const clopidogrel = line(1, 'XB01ACL106A001010100001', { itemClass: 'B', itemName: '氯吡格雷片', amountFen: 6_000 });
    const hit = hitOf('indication-restriction', claim({ diagnoses: ['J06.900'], lines: [clopidogrel] }), withKb());
    expect(hit!.explanations[0]).toBe(
      '氯吡格雷片（XB01ACL106A001010100001）限急性冠脉综合征、冠心病支架术后、缺血性脑卒中及外周动脉疾病使用，本次诊断 J06.900 不在支付范围。',
    );
    expect(hitOf('indication-restriction', claim({ diagnoses: ['I25.103'], lines: [clopidogrel] }), withKb())).toBeUndefined();
    expect(
      hitOf('indication-restriction', claim({ diagnoses: ['J06.900'], lines: [{ ...clopidogrel, itemClass: 'C' }] }), withKb()),
    ).toBeUndefined();
  });

  it('level-restriction: cefepime at a primary facility hits, at a secondary one does not', () => {
    notNamed('XJ01DET052');
    const cefepime = line(1, 'XJ01DET052B001010100001', { itemName: '头孢吡肟注射液' });
    expect(
      hitOf('level-restriction', claim({ provider: { code: 'H0001', level: 'primary' }, lines: [cefepime] }), withKb())!.explanations[0],
    ).toBe('头孢吡肟注射液（XJ01DET052B001010100001）限二级及以上医疗机构使用，本机构为一级及基层。');
    expect(hitOf('level-restriction', claim({ lines: [cefepime] }), withKb())).toBeUndefined();
  });

  it('diagnosis-mismatch: a 医保版 stent code for pneumonia, a cholecystectomy for hypertension, metformin in end-stage renal disease hit', () => {
    notNamed('51.2', 'XA10BAE118');
    // The rule's own "36.07" now names the 医保版 36.0700 the hospital sends (it never did).
    expect(hitOf('diagnosis-mismatch', claim({ diagnoses: ['J18.900'], procedures: ['36.0700'] }))!.explanations[0]).toBe(
      '36.0700 通常用于 I20/I21/I22/I24/I25，本次诊断为 J18.900。',
    );
    expect(hitOf('diagnosis-mismatch', claim({ diagnoses: ['I25.103'], procedures: ['36.0700'] }))).toBeUndefined();
    expect(hitOf('diagnosis-mismatch', claim({ diagnoses: ['I10.x00'], procedures: ['51.2300'] }), withKb())!.explanations[0]).toContain(
      '51.2300 通常用于 K80/K81',
    );
    expect(hitOf('diagnosis-mismatch', claim({ diagnoses: ['K80.200'], procedures: ['51.2300'] }), withKb())).toBeUndefined();
    const metformin = line(1, 'XA10BAE118A001010100001', { itemName: '二甲双胍片' });
    expect(hitOf('diagnosis-mismatch', claim({ diagnoses: ['E11.900', 'N18.500'], lines: [metformin] }), withKb())).toMatchObject({
      lines: [1],
    });
    expect(hitOf('diagnosis-mismatch', claim({ diagnoses: ['E11.900'], lines: [metformin] }), withKb())).toBeUndefined();
  });

  it('excess-quantity: four weeks of amlodipine for hypertension on an ordinary visit is a long prescription; for bronchitis, even in four lines, it hits', () => {
    notNamed('XC08CAA085', '250302002', '001105000050000');
    const amlodipine = (n: number, days: number) =>
      line(n, 'XC08CAA085A001010100001', { supplyDays: days, amountFen: days * 100, itemName: '氨氯地平片' });
    const chronic = claim({ diagnoses: ['I10.x00'], lines: [amlodipine(1, 28)] });
    expect(hitOf('excess-quantity', chronic)).toBeDefined(); // the false positive without the knowledge base
    expect(hitOf('excess-quantity', chronic, withKb())).toBeUndefined();
    const split = hitOf('excess-quantity', claim({ diagnoses: ['J20.900'], lines: [1, 2, 3, 4].map((n) => amlodipine(n, 7)) }), withKb());
    expect(split).toMatchObject({ lines: [1, 2, 3, 4], amountFen: 2_100 });
    expect(split!.explanations[0]).toBe('氨氯地平片（XC08CAA085A001010100001）于 2026-03-10 开具 28天用量，超过上限 7天用量。');
    // The days add up across lines whatever the knowledge base: four 7-day lines of one drug are one 28-day supply.

    const glucose = (n: number) =>
      claim({ lines: Array.from({ length: n }, (_, i) => line(i + 1, '250302002', { category: 'lab', amountFen: 800 })) });
    expect(hitOf('excess-quantity', glucose(8), withKb())).toMatchObject({ amountFen: 800 });
    expect(hitOf('excess-quantity', glucose(7), withKb())).toBeUndefined();

    const beds = (n: number) =>
      stay(dated(1), dated(6), {
        lines: Array.from({ length: n }, (_, i) =>
          line(i + 1, '001105000050000', { category: 'bed', date: dated(1 + Math.min(i, 5)), amountFen: 4_000 }),
        ),
      });
    expect(hitOf('excess-quantity', beds(5), withKb())).toBeUndefined(); // 5 days' stay, 5 bed days (算入不算出)
    expect(hitOf('excess-quantity', beds(6), withKb())!.explanations[0]).toContain('开具 6（住院天数），超过上限 5（住院天数）');
  });

  it('split-charge: the starter catalogue’s liver panel charged with its own tests hits; on another day it does not', () => {
    notNamed('001206000140000');
    const lab = { category: 'lab' };
    expect(hitOf('split-charge', claim({ lines: [line(1, '001206000140000', lab), line(2, '250305003', lab)] }), withKb())).toMatchObject({
      lines: [2],
    });
    expect(
      hitOf(
        'split-charge',
        claim({ lines: [line(1, '001206000140000', lab), line(2, '250305003', { ...lab, date: '2026-03-11' })] }),
        withKb(),
      ),
    ).toBeUndefined();
  });

  it('service-after-death and ghost-bed read no item list: they judge a bill of codes no rule names like any other', () => {
    notNamed('001105000050000', '001201000090000');
    expect(hitOf('service-after-death', claim({ lines: [line(1, '001205000130000')] }), withKb({ deathDate: '2026-03-01' }))).toBeDefined();
    expect(
      hitOf('service-after-death', claim({ lines: [line(1, '001205000130000')] }), withKb({ deathDate: '2026-03-10' })),
    ).toBeUndefined();
    const days = Array.from({ length: 8 }, (_, i) => dated(i + 1));
    const beds = days.map((d, i) => line(i + 1, '001105000050000', { category: 'bed', date: d, amountFen: 4_000 }));
    expect(hitOf('ghost-bed', stay(dated(1), dated(9), { lines: beds }), withKb())).toBeDefined();
    // A rehabilitation stay with a session every day is not a ghost bed.
    const rehab = days.map((d, i) => line(100 + i, '001408000320000', { category: 'treatment', date: d, amountFen: 6_000 }));
    expect(hitOf('ghost-bed', stay(dated(1), dated(9), { diagnoses: ['Z50.900'], lines: [...beds, ...rehab] }), withKb())).toBeUndefined();
  });

  it('low-admission-standard: two days for a urinary infection hits; a two-day chemotherapy cycle or an emergency does not', () => {
    notNamed('N39.0', 'Z51.1');
    expect(hitOf('low-admission-standard', stay(dated(1), dated(3), { diagnoses: ['N39.000'] }))).toBeUndefined(); // not on the rule's own list
    expect(hitOf('low-admission-standard', stay(dated(1), dated(3), { diagnoses: ['N39.000'] }), withKb())).toBeDefined();
    const chemo = stay(dated(1), dated(3), {
      diagnoses: ['Z51.100', 'C34.900'],
      lines: [line(1, '250101015', { category: 'lab', amountFen: 9_000 })],
    });
    expect(hitOf('low-admission-standard', chemo)).toBeDefined(); // mostly tests: the old false positive
    expect(hitOf('low-admission-standard', chemo, withKb())).toBeUndefined();
    expect(
      hitOf('low-admission-standard', stay(dated(1), dated(3), { diagnoses: ['N39.000'], emergency: true }), withKb()),
    ).toBeUndefined();
  });
});

describe('cross-claim rules with the knowledge base', () => {
  const inpatient = (claimNo: string, start: string, end: string, o = {}) =>
    summary(claimNo, { visitType: 'inpatient', start, end, providerCode: 'H0002', ...o });

  it('readmission: a myocardial infarction back as angina 10 days later hits (one disease group); a transfer or a chemotherapy cycle does not', () => {
    const angina = stay('2026-03-15', '2026-03-20', { diagnoses: ['I20.000'] });
    const infarction = inpatient('C-0', '2026-03-01', '2026-03-05', { principalDiagnosis: 'I21.000' });
    expect(hitOf('readmission', angina, { memberHistory: [infarction] })).toBeUndefined(); // different category: the old miss
    const hit = hitOf('readmission', angina, withKb({ memberHistory: [infarction] }));
    expect(hit!.explanations[0]).toBe(
      '出院后 10 天内因同一疾病（I20.000，与 I21.000 同属缺血性心脏病）再次住院，另一住院单 C-0（H0002）。',
    );
    expect(
      hitOf('readmission', stay('2026-03-15', '2026-03-20', { diagnoses: ['K35.800'] }), withKb({ memberHistory: [infarction] })),
    ).toBeUndefined();

    // Transferred on the doctor's orders the day it ended: not a split stay; the same without a discharge mode is.
    const transferred = inpatient('C-1', '2026-03-10', '2026-03-15', { principalDiagnosis: 'I21.000', dischargeStatus: '2' });
    expect(hitOf('readmission', angina, withKb({ memberHistory: [transferred] }))).toBeUndefined();
    const { dischargeStatus: _mode, ...leftAlone } = transferred;
    expect(hitOf('readmission', angina, withKb({ memberHistory: [leftAlone] }))).toBeDefined();
    // Chemotherapy cycles two weeks apart are planned.
    const cycle = stay('2026-03-15', '2026-03-16', { diagnoses: ['Z51.100', 'C34.900'] });
    expect(
      hitOf(
        'readmission',
        cycle,
        withKb({ memberHistory: [inpatient('C-2', '2026-03-01', '2026-03-02', { principalDiagnosis: 'Z51.100' })] }),
      ),
    ).toBeUndefined();
  });

  it('overlapping-visits: an emergency visit on the admission day and a same-day transfer discharged as 转院 do not hit; a plain visit does', () => {
    const admitted = stay('2026-03-05', '2026-03-12');
    const er = summary('E-1', { providerCode: 'H0002', start: '2026-03-05', end: '2026-03-05', emergency: true });
    expect(hitOf('overlapping-visits', admitted, withKb({ memberHistory: [er] }))).toBeUndefined();
    const { emergency: _er, ...plain } = er;
    expect(hitOf('overlapping-visits', admitted, withKb({ memberHistory: [plain] }))).toBeDefined();
    // The emergency visit scored after the stay it led to.
    expect(
      hitOf(
        'overlapping-visits',
        claim({
          start: '2026-03-05',
          end: '2026-03-05',
          emergency: true,
          ref: { providerCode: 'H0002', claimNo: 'E-1' },
          provider: { code: 'H0002' },
        }),
        withKb({ memberHistory: [inpatient('S-1', '2026-03-05', '2026-03-12', { providerCode: 'H0001' })] }),
      ),
    ).toBeUndefined();

    const sameDay = inpatient('T-1', '2026-03-05', '2026-03-05', { dischargeStatus: '2' });
    expect(hitOf('overlapping-visits', admitted, withKb({ memberHistory: [sameDay] }))).toBeUndefined();
    const { dischargeStatus: _t, ...notTransferred } = sameDay;
    expect(hitOf('overlapping-visits', admitted, withKb({ memberHistory: [notTransferred] }))).toBeDefined();
  });

  it('visit-frequency: dialysis three times a week (13 in 30 days) does not hit, 16 sessions do; other visits of a dialysis patient count as before', () => {
    notNamed('001404000280000');
    const dialysisDays = (n: number) =>
      Array.from({ length: n }, (_, i) => `2026-03-${String(1 + Math.floor((i * 29) / n)).padStart(2, '0')}`);
    const sessions = (n: number) =>
      dialysisDays(n).map((d, i) => summary(`D-${i}`, { start: d, end: d, principalDiagnosis: 'N18.500', treatments: ['dialysis'] }));
    const today = claim({
      start: '2026-03-30',
      end: '2026-03-30',
      diagnoses: ['N18.500'],
      lines: [line(1, '001404000280000', { category: 'treatment' })],
    });
    expect(hitOf('visit-frequency', today, { memberHistory: sessions(12) })).toBeDefined(); // the false positive
    expect(hitOf('visit-frequency', today, withKb({ memberHistory: sessions(12) }))).toBeUndefined();
    expect(hitOf('visit-frequency', today, withKb({ memberHistory: sessions(15) }))!.explanations[0]).toBe(
      '30 天内就诊 16 次，超过 15 次。',
    );

    const others = (n: number) =>
      Array.from({ length: n }, (_, i) => summary(`O-${i}`, { start: dated(i + 1), end: dated(i + 1), principalDiagnosis: 'J20.900' }));
    const cough = claim({ start: '2026-03-30', end: '2026-03-30', diagnoses: ['J20.900'] });
    expect(hitOf('visit-frequency', cough, withKb({ memberHistory: [...sessions(12), ...others(9)] }))).toBeUndefined();
    expect(hitOf('visit-frequency', cough, withKb({ memberHistory: [...sessions(12), ...others(10)] }))).toBeDefined();
  });

  it('early-refill: a supply in four lines adds up; a four-week supply split over two claims of one day is one supply; another maker is the same drug', () => {
    const drugs = (date: string, days: number[], code = 'XC08CAA085A001010100001') =>
      days.map((d) => ({ itemCode: code, date, supplyDays: d }));
    const refill = (date: string, days: number, o = {}) =>
      claim({
        start: date,
        end: date,
        diagnoses: ['I10.x00'],
        lines: [line(1, 'XC08CAA085A001010100001', { date, supplyDays: days, amountFen: days * 100 })],
        ...o,
      });
    const weekly = summary('C-0', { start: '2026-03-01', end: '2026-03-01', drugs: drugs('2026-03-01', [7, 7, 7, 7]) });
    expect(hitOf('early-refill', refill('2026-03-10', 28), { memberHistory: [weekly] })).toBeDefined(); // the lines add up (each 7-day line alone was the old miss)
    expect(hitOf('early-refill', refill('2026-03-10', 28), withKb({ memberHistory: [weekly] }))!.explanations[0]).toContain(
      '尚余 19 天用量',
    );
    expect(hitOf('early-refill', refill('2026-03-27', 28), withKb({ memberHistory: [weekly] }))).toBeUndefined();

    const half = summary('C-5', { start: '2026-03-01', end: '2026-03-01', drugs: drugs('2026-03-01', [14]) });
    expect(hitOf('early-refill', refill('2026-03-01', 14), { memberHistory: [half] })).toBeDefined(); // the old false positive
    expect(hitOf('early-refill', refill('2026-03-01', 14), withKb({ memberHistory: [half] }))).toBeUndefined();
    const big = summary('C-2', { start: '2026-03-01', end: '2026-03-01', drugs: drugs('2026-03-01', [60]) });
    expect(hitOf('early-refill', refill('2026-03-01', 60), withKb({ memberHistory: [big] }))!.explanations[0]).toContain('尚余 36 天用量');

    const otherMaker = summary('C-3', {
      start: '2026-03-01',
      end: '2026-03-01',
      drugs: drugs('2026-03-01', [28], 'XC08CAA085B002020200009'),
    });
    expect(hitOf('early-refill', refill('2026-03-10', 28), withKb({ memberHistory: [otherMaker] }))).toBeDefined();
  });

  it('trace-code-reuse reads no list: a code seen twice hits whatever the drug', () => {
    const coded = claim({ lines: [line(1, 'XB01ACL106A001010100001', { traceCode: '81234567890123456789' })] });
    expect(
      hitOf(
        'trace-code-reuse',
        coded,
        withKb({
          traceScans: [
            {
              traceCode: '81234567890123456789',
              ref: { providerCode: 'H0002', claimNo: 'X' },
              lineNo: 1,
              memberId: 'M-2',
              date: '2026-03-01',
            },
          ],
        }),
      ),
    ).toBeDefined();
    expect(hitOf('trace-code-reuse', coded, withKb())).toBeUndefined();
  });
});
