/**
 * Every rule type of the smart-audit catalogue, with the national baseline's shipped parameters:
 * a claim (or provider) that hits, with the amount and explanation worked out, and claims that do not.
 */
import { describe, expect, it } from 'vitest';
import { scoreProvider } from '../../shared/fraud/engine.ts';
import type { ProviderProfile } from '../../shared/fraud/rules/define.ts';
import { catalogueOf, claim, hitOf, line, scan, shippedRule, stay, summary } from './fraud-fixtures.ts';

describe('per-claim rules', () => {
  it('duplicate-charge (重复收费): the same test twice on one day hits; on two days, or a drug, does not', () => {
    const hit = hitOf(
      'duplicate-charge',
      claim({
        lines: [
          line(1, '250101015', { category: 'lab', itemName: '血细胞分析', amountFen: 2_000 }),
          line(2, '250101015', { category: 'lab', itemName: '血细胞分析', amountFen: 2_000 }),
          line(3, 'XJ01CA04', { amountFen: 3_000 }),
        ],
      }),
    );
    expect(hit).toMatchObject({ type: 'duplicate-charge', result: 'violation', lines: [2], amountFen: 2_000 });
    expect(hit!.explanations[0]).toBe('血细胞分析（250101015）于 2026-03-10 收费 2 次，同日同项目重复收费。');

    expect(
      hitOf(
        'duplicate-charge',
        claim({ lines: [line(1, '250101015', { category: 'lab' }), line(2, '250101015', { category: 'lab', date: '2026-03-11' })] }),
      ),
    ).toBeUndefined();
    expect(hitOf('duplicate-charge', claim({ lines: [line(1, 'XJ01CA04'), line(2, 'XJ01CA04')] }))).toBeUndefined();
  });

  it('price-limit (超标准收费): the excess over the limit × quantity is at stake; limits differ by hospital level', () => {
    const hit = hitOf(
      'price-limit',
      claim({
        lines: [line(1, '250101015', { category: 'lab', quantity: 2, unitPriceFen: 2_500, amountFen: 5_000, itemName: '血细胞分析' })],
      }),
    );
    expect(hit).toMatchObject({ lines: [1], amountFen: 1_000 });
    expect(hit!.explanations[0]).toBe('血细胞分析（250101015）单价 25.00元，超过限价 20.00元，超收 10.00元。');

    const bed = line(1, '120100002', { category: 'bed', quantity: 3, unitPriceFen: 3_000, amountFen: 9_000 });
    expect(hitOf('price-limit', claim({ provider: { code: 'H0001', level: 'primary' }, lines: [bed] }))).toMatchObject({
      amountFen: 1_500,
    });
    expect(hitOf('price-limit', claim({ provider: { code: 'H0001', level: 'tertiary' }, lines: [bed] }))).toBeUndefined();
    expect(hitOf('price-limit', claim({ lines: [line(1, '250101015', { unitPriceFen: 2_000, amountFen: 2_000 })] }))).toBeUndefined();
  });

  it('sex-age-restriction (性别/年龄限定): a pregnancy diagnosis for a man, a perinatal one at five, a female-only item for a man', () => {
    const male = hitOf('sex-age-restriction', claim({ diagnoses: ['O80.000'] }));
    expect(male!.explanations[0]).toBe('O80.000 限女性，限10–60岁，患者为男性、45岁。');
    expect(hitOf('sex-age-restriction', claim({ diagnoses: ['O80.000'], patient: { sex: 'F', ageYears: 30 } }))).toBeUndefined();
    expect(hitOf('sex-age-restriction', claim({ diagnoses: ['P07.300'], patient: { sex: 'F', ageYears: 5 } }))!.explanations[0]).toContain(
      '限0–1岁',
    );
    expect(hitOf('sex-age-restriction', claim({ diagnoses: ['P07.300'], patient: { sex: 'F', ageYears: 0 } }))).toBeUndefined();
    const item = hitOf('sex-age-restriction', claim({ lines: [line(1, '311201001', { category: 'treatment', amountFen: 8_000 })] }));
    expect(item).toMatchObject({ lines: [1], amountFen: 8_000 });
    const { patient: _none, ...anonymous } = claim({ diagnoses: ['O80.000'] });
    expect(hitOf('sex-age-restriction', anonymous)).toBeUndefined();
  });

  it('indication-restriction (限定适应症): albumin billed to the fund without its indication hits; with cirrhosis, or self-paid, it does not', () => {
    const albumin = line(1, 'XB05AAR001', { itemClass: 'B', itemName: '人血白蛋白', amountFen: 45_000 });
    const hit = hitOf('indication-restriction', claim({ diagnoses: ['J18.900'], lines: [albumin] }));
    expect(hit).toMatchObject({ result: 'violation', amountFen: 45_000 });
    expect(hit!.explanations[0]).toBe(
      '人血白蛋白（XB05AAR001）限抢救、重症或因肝硬化、癌症引起胸腹水的患者使用，本次诊断 J18.900 不在支付范围。',
    );
    expect(hitOf('indication-restriction', claim({ diagnoses: ['K74.600'], lines: [albumin] }))).toBeUndefined();
    expect(hitOf('indication-restriction', claim({ diagnoses: ['J18.900'], lines: [{ ...albumin, itemClass: 'C' }] }))).toBeUndefined();
  });

  it('level-restriction (限二级及以上医院): a PD-1 inhibitor at a primary facility hits, at a secondary one does not', () => {
    const pd1 = line(1, 'XL01FF01', { itemName: '帕博利珠单抗', amountFen: 1_800_000 });
    const hit = hitOf('level-restriction', claim({ provider: { code: 'H0001', level: 'primary' }, lines: [pd1] }));
    expect(hit!.explanations[0]).toBe('帕博利珠单抗（XL01FF01）限二级及以上医疗机构使用，本机构为一级及基层。');
    expect(hitOf('level-restriction', claim({ provider: { code: 'H0001', level: 'secondary' }, lines: [pd1] }))).toBeUndefined();
  });

  it('diagnosis-mismatch (诊疗与诊断不符): an appendectomy for pneumonia, insulin without diabetes', () => {
    const hit = hitOf('diagnosis-mismatch', claim({ diagnoses: ['J18.900'], procedures: ['47.0100'] }));
    expect(hit).toMatchObject({ result: 'suspicious' });
    expect(hit!.explanations[0]).toBe('47.0100 通常用于 K35/K36/K37/K38，本次诊断为 J18.900。');
    expect(hitOf('diagnosis-mismatch', claim({ diagnoses: ['K35.800'], procedures: ['47.0100'] }))).toBeUndefined();
    expect(hitOf('diagnosis-mismatch', claim({ diagnoses: ['I10.x00'], lines: [line(1, 'XA10AB01')] }))).toMatchObject({ lines: [1] });
    expect(hitOf('diagnosis-mismatch', claim({ diagnoses: ['E11.900'], lines: [line(1, 'XA10AB01')] }))).toBeUndefined();
  });

  it('excess-quantity (超量开药): 7 days, 3 in an emergency, 12 weeks for chronic disease; the days beyond the limit are at stake', () => {
    const ordinary = hitOf(
      'excess-quantity',
      claim({ lines: [line(1, 'XC09AA02', { supplyDays: 14, amountFen: 1_400, itemName: '依那普利' })] }),
    );
    expect(ordinary).toMatchObject({ amountFen: 700 });
    expect(ordinary!.explanations[0]).toBe('依那普利（XC09AA02）于 2026-03-10 开具 14天用量，超过上限 7天用量。');
    expect(
      hitOf('excess-quantity', claim({ emergency: true, lines: [line(1, 'XC09AA02', { supplyDays: 5, amountFen: 1_000 })] })),
    ).toMatchObject({ amountFen: 400 });
    expect(
      hitOf('excess-quantity', claim({ visitType: 'chronic-outpatient', lines: [line(1, 'XC09AA02', { supplyDays: 84 })] })),
    ).toBeUndefined();
    expect(
      hitOf(
        'excess-quantity',
        claim({ visitType: 'chronic-outpatient', lines: [line(1, 'XC09AA02', { supplyDays: 90, amountFen: 9_000 })] }),
      ),
    ).toMatchObject({ amountFen: 600 });
    expect(hitOf('excess-quantity', claim({ lines: [line(1, 'XC09AA02', { supplyDays: 7 })] }))).toBeUndefined();
    // Per day: two bed-days charged on one date, where one is the most a day holds.
    const beds = hitOf(
      'excess-quantity',
      claim({
        lines: [line(1, '120100002', { category: 'bed', amountFen: 4_000 }), line(2, '120100002', { category: 'bed', amountFen: 4_000 })],
      }),
    );
    expect(beds).toMatchObject({ lines: [1, 2], amountFen: 4_000 });
    expect(beds!.explanations[0]).toContain('开具 2次/日，超过上限 1次/日');
  });

  it('split-charge (分解收费): a blood count with one of its components, or three components without it', () => {
    const lab = { category: 'lab' } as const;
    const withBundle = hitOf(
      'split-charge',
      claim({ lines: [line(1, '250101015', { ...lab, amountFen: 2_000 }), line(2, '250101001', { ...lab, amountFen: 500 })] }),
    );
    expect(withBundle).toMatchObject({ lines: [2], amountFen: 500 });
    expect(withBundle!.explanations[0]).toBe('2026-03-10 收取组套项目 250101015 的同时（或代替它）分别收取其组成项目 250101001。');
    expect(
      hitOf('split-charge', claim({ lines: [line(1, '250101001', lab), line(2, '250101004', lab), line(3, '250101006', lab)] })),
    ).toMatchObject({ lines: [1, 2, 3] });
    expect(hitOf('split-charge', claim({ lines: [line(1, '250101001', lab), line(2, '250101004', lab)] }))).toBeUndefined();
    expect(
      hitOf('split-charge', claim({ lines: [line(1, '250101015', lab), line(2, '250101001', { ...lab, date: '2026-03-11' })] })),
    ).toBeUndefined();
  });

  it('service-after-death (死亡后就医): care after the member died hits; care on the day of death does not', () => {
    const hit = hitOf('service-after-death', claim(), { deathDate: '2026-03-01' });
    expect(hit).toMatchObject({ severity: 'critical', result: 'violation', weight: 100 });
    expect(hit!.explanations[0]).toBe('参保人已于 2026-03-01 死亡，2026-03-10 仍发生医疗服务。');
    expect(hitOf('service-after-death', claim(), { deathDate: '2026-03-10' })).toBeUndefined();
    expect(hitOf('service-after-death', claim())).toBeUndefined();
    // A stay that began before the death but charges a day after it: those lines are at stake.
    const late = stay('2026-02-20', '2026-03-05', {
      lines: [line(1, 'X1', { date: '2026-02-25' }), line(2, 'X2', { date: '2026-03-04', amountFen: 700 })],
    });
    expect(hitOf('service-after-death', late, { deathDate: '2026-03-01' })).toMatchObject({ lines: [2], amountFen: 700 });
  });

  it('ghost-bed (挂床住院): ten days in bed with care on two of them hits; care on eight does not; an undated bill of beds hits', () => {
    const days = Array.from({ length: 10 }, (_, i) => `2026-03-${String(i + 1).padStart(2, '0')}`);
    const beds = days.map((d, i) => line(i + 1, '120100002', { category: 'bed', date: d, amountFen: 4_000 }));
    const care = (n: number) => days.slice(0, n).map((d, i) => line(100 + i, 'XJ01CA04', { date: d, amountFen: 1_000 }));
    const few = hitOf('ghost-bed', stay('2026-03-01', '2026-03-11', { lines: [...beds, ...care(2)] }));
    expect(few).toMatchObject({ result: 'suspicious', amountFen: 40_000 });
    expect(few!.explanations[0]).toBe('住院 10 天，有诊疗记录的天数 2，床位和护理费占 95.2%，疑似挂床住院。');
    expect(hitOf('ghost-bed', stay('2026-03-01', '2026-03-11', { lines: [...beds.slice(0, 2), ...care(8)] }))).toBeUndefined();
    const undated = stay('2026-03-01', '2026-03-06', {
      lines: [
        line(1, '120100002', { category: 'bed', amountFen: 8_000 }),
        line(2, '130000001', { category: 'nursing', amountFen: 1_000 }),
        line(3, 'XJ01CA04', { amountFen: 1_000 }),
      ],
    });
    expect(hitOf('ghost-bed', undated)!.explanations[0]).toContain('有诊疗记录的天数 未知，床位和护理费占 90.0%');
    expect(hitOf('ghost-bed', claim({ lines: beds }))).toBeUndefined(); // not a stay
  });

  it('low-admission-standard (低标准入院): two days in hospital for a cold hits; five days, an operation or an emergency does not', () => {
    const cold = stay('2026-03-01', '2026-03-03', { diagnoses: ['J06.900'] });
    expect(hitOf('low-admission-standard', cold)!.explanations[0]).toBe(
      '住院 2 天、无手术，主要诊断 J06.900，检查化验费占 0.0%，可在门诊诊治。',
    );
    expect(hitOf('low-admission-standard', stay('2026-03-01', '2026-03-06', { diagnoses: ['J06.900'] }))).toBeUndefined();
    expect(hitOf('low-admission-standard', { ...cold, procedures: ['96.0400'] })).toBeUndefined();
    expect(hitOf('low-admission-standard', { ...cold, emergency: true })).toBeUndefined();
    const tests = stay('2026-03-01', '2026-03-03', {
      diagnoses: ['I25.100'],
      lines: [line(1, '210300001', { category: 'exam', amountFen: 8_000 }), line(2, 'XB01AC06', { amountFen: 2_000 })],
    });
    expect(hitOf('low-admission-standard', tests)!.explanations[0]).toContain('检查化验费占 80.0%');
  });
});

describe('cross-claim rules (member history within the window)', () => {
  const appendicitis = (claimNo: string, admission: string, discharge: string, o = {}) =>
    summary(claimNo, { visitType: 'inpatient', start: admission, end: discharge, principalDiagnosis: 'K35.200', ...o });

  it('readmission (分解住院): admitted 9 days after a discharge for the same disease hits, whichever claim comes second', () => {
    const current = stay('2026-03-10', '2026-03-12', { diagnoses: ['K35.800'] });
    const hit = hitOf('readmission', current, {
      memberHistory: [appendicitis('C-0', '2026-02-25', '2026-03-01', { providerCode: 'H0002' })],
    });
    expect(hit).toMatchObject({ result: 'suspicious', amountFen: current.totals.billedFen });
    expect(hit!.explanations[0]).toBe('出院后 9 天内因同一疾病（K35.800）再次住院，另一住院单 C-0（H0002）。');
    // The earlier stay scored second finds the later one.
    expect(hitOf('readmission', current, { memberHistory: [appendicitis('C-2', '2026-03-20', '2026-03-22')] })).toBeDefined();
    expect(hitOf('readmission', current, { memberHistory: [appendicitis('C-0', '2026-02-01', '2026-02-20')] })).toBeUndefined(); // 18 days
    expect(
      hitOf('readmission', current, {
        memberHistory: [appendicitis('C-0', '2026-02-25', '2026-03-01', { principalDiagnosis: 'J18.900' })],
      }),
    ).toBeUndefined();
    expect(
      hitOf('readmission', stay('2026-03-10', '2026-03-12', { diagnoses: ['Z51.100'] }), {
        memberHistory: [appendicitis('C-0', '2026-02-25', '2026-03-01', { principalDiagnosis: 'Z51.100' })],
      }),
    ).toBeUndefined();
    // A region that sets 14 days: 15 days apart is no longer a hit.
    const fifteen = { memberHistory: [appendicitis('C-0', '2026-02-20', '2026-02-23')] };
    expect(hitOf('readmission', current, fifteen)).toBeDefined();
    expect(hitOf('readmission', current, fifteen, { window: { kind: 'days', days: 14 } })).toBeUndefined();
  });

  it('overlapping-visits (同一时间多地就医): a visit elsewhere during a stay hits; a same-day transfer does not', () => {
    const inHospital = stay('2026-03-01', '2026-03-10');
    const hit = hitOf('overlapping-visits', inHospital, {
      memberHistory: [summary('C-9', { providerCode: 'H0002', start: '2026-03-05', end: '2026-03-05' })],
    });
    expect(hit!.explanations[0]).toBe('与 H0002 的就医记录 C-9（2026-03-05 至 2026-03-05）时间重叠。');
    expect(
      hitOf('overlapping-visits', inHospital, {
        memberHistory: [summary('C-9', { providerCode: 'H0001', start: '2026-03-05', end: '2026-03-05' })],
      }),
    ).toBeUndefined();
    expect(
      hitOf('overlapping-visits', inHospital, {
        memberHistory: [summary('C-8', { providerCode: 'H0002', visitType: 'inpatient', start: '2026-02-20', end: '2026-03-01' })],
      }),
    ).toBeUndefined();
    // Two outpatient visits on one day: a hit only in two pooling regions.
    const visit = claim({ start: '2026-03-05', end: '2026-03-05' });
    expect(
      hitOf('overlapping-visits', visit, {
        memberHistory: [summary('C-7', { providerCode: 'H0099', providerRegion: '532500', start: '2026-03-05', end: '2026-03-05' })],
      }),
    ).toBeDefined();
    expect(
      hitOf('overlapping-visits', visit, {
        memberHistory: [summary('C-7', { providerCode: 'H0099', providerRegion: '330900', start: '2026-03-05', end: '2026-03-05' })],
      }),
    ).toBeUndefined();
  });

  it('visit-frequency (高频就诊): an eleventh outpatient visit in 30 days hits, the tenth does not', () => {
    const visits = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        summary(`V-${i}`, { start: `2026-03-${String(i + 1).padStart(2, '0')}`, end: `2026-03-${String(i + 1).padStart(2, '0')}` }),
      );
    const current = claim({ start: '2026-03-20', end: '2026-03-20' });
    expect(hitOf('visit-frequency', current, { memberHistory: visits(10) })!.explanations[0]).toBe('30 天内就诊 11 次，超过 10 次。');
    expect(hitOf('visit-frequency', current, { memberHistory: visits(9) })).toBeUndefined();
    // Visits more than 30 days back are outside the window.
    expect(hitOf('visit-frequency', claim({ start: '2026-04-25', end: '2026-04-25' }), { memberHistory: visits(10) })).toBeUndefined();
  });

  it('early-refill (重复开药): the same drug again with 21 of 30 days left hits, with the overlapping days at stake; 2 days left does not', () => {
    const earlier = summary('C-0', {
      start: '2026-03-01',
      end: '2026-03-01',
      drugs: [{ itemCode: 'XC09AA02', date: '2026-03-01', supplyDays: 30 }],
    });
    const refill = (date: string) =>
      claim({ start: date, end: date, lines: [line(1, 'XC09AA02', { date, supplyDays: 30, amountFen: 3_000, itemName: '依那普利' })] });
    const hit = hitOf('early-refill', refill('2026-03-10'), { memberHistory: [earlier] });
    expect(hit).toMatchObject({ amountFen: 2_100, lines: [1] });
    expect(hit!.explanations[0]).toBe('依那普利（XC09AA02）前次于 2026-03-01 开具（C-0），尚余 21 天用量即再次开药。');
    expect(hitOf('early-refill', refill('2026-03-29'), { memberHistory: [earlier] })).toBeUndefined();
    expect(hitOf('early-refill', refill('2026-03-10'), { memberHistory: [{ ...earlier, reversed: true }] })).toBeUndefined();
  });

  it('trace-code-reuse (追溯码重复): a box scanned on another claim, or twice on this one, hits; a fresh code does not', () => {
    const box = (lineNo: number, traceCode: string) => line(lineNo, 'XC09AA02', { traceCode, itemName: '依那普利', amountFen: 2_500 });
    const hit = hitOf('trace-code-reuse', claim({ lines: [box(1, '84123450001')] }), { traceScans: [scan('84123450001', 'C-77')] });
    expect(hit).toMatchObject({ severity: 'critical', result: 'violation', amountFen: 2_500 });
    expect(hit!.explanations[0]).toBe('追溯码 84123450001（依那普利）已被扫码 2 次（C-77），疑似串换或回流药。');
    expect(hitOf('trace-code-reuse', claim({ lines: [box(1, 'A1'), box(2, 'A1')] }))).toMatchObject({ lines: [2], amountFen: 2_500 });
    expect(hitOf('trace-code-reuse', claim({ lines: [box(1, 'A1'), box(2, 'A2')] }))).toBeUndefined();
    expect(
      hitOf('trace-code-reuse', claim({ lines: [box(1, 'A1')] }), { traceScans: [scan('A1', 'C-77', { reversed: true })] }),
    ).toBeUndefined();
    // The claim's own earlier scan (a redelivery) is not a second scan.
    expect(
      hitOf('trace-code-reuse', claim({ lines: [box(1, 'A1')] }), {
        traceScans: [scan('A1', 'C-1', { ref: { providerCode: 'H0001', claimNo: 'C-1' } })],
      }),
    ).toBeUndefined();
  });
});

describe('per-provider rules (figures against peers)', () => {
  const months = ['2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03'];
  const base = (o: Partial<ProviderProfile> = {}): ProviderProfile => ({
    providerCode: 'H0001',
    region: '330900',
    level: 'secondary',
    asOf: '2026-03-15',
    own: [],
    peers: [],
    ownDrgs: [],
    regionDrgs: [],
    ...o,
  });
  const score = (type: string, profile: ProviderProfile) =>
    scoreProvider(catalogueOf([shippedRule(type)]), profile, { claims: 0, scoreSum: 0 }).hits[0];

  it("high-coding (高编高套): 50% of cases with CC/MCC against the peers' 25% hits; 30% does not", () => {
    const profile = (ownCc: number) =>
      base({
        own: [{ month: '2026-03', claims: 60, groupedCases: 40, ccMccCases: ownCc }],
        peers: [{ month: '2026-03', claims: 500, groupedCases: 240, ccMccCases: 50 + ownCc }],
      });
    const hit = score('high-coding', profile(20));
    expect(hit!.explanations[0]).toBe('近 3 个月 40 例入组病例中伴 CC/MCC 的占 50.0%，同级同地区机构为 25.0%。');
    expect(score('high-coding', profile(12))).toBeUndefined();
    // Too few cases to judge.
    expect(
      score(
        'high-coding',
        base({
          own: [{ month: '2026-03', claims: 20, groupedCases: 10, ccMccCases: 9 }],
          peers: [{ month: '2026-03', claims: 500, groupedCases: 240, ccMccCases: 59 }],
        }),
      ),
    ).toBeUndefined();
  });

  it("drg-outlier (病组费用或住院日异常): a DRG at three times the rest of the region's mean cost hits, with the excess at stake", () => {
    const profile = (ownCost: number) =>
      base({
        ownDrgs: [{ drg: 'FR13', cases: 10, costFenSum: ownCost, losDaysSum: 80 }],
        regionDrgs: [{ drg: 'FR13', cases: 40, costFenSum: ownCost + 300_000, losDaysSum: 80 + 240 }],
      });
    const hit = score('drg-outlier', profile(300_000));
    expect(hit).toMatchObject({ findings: 1, amountFen: 200_000 });
    expect(hit!.explanations[0]).toBe('病组 FR13 的次均费用为 300.00元（10 例），本地区其他机构为 100.00元。');
    expect(score('drg-outlier', profile(120_000))).toBeUndefined();
    const longStays = base({
      ownDrgs: [{ drg: 'FR13', cases: 10, costFenSum: 100_000, losDaysSum: 200 }],
      regionDrgs: [{ drg: 'FR13', cases: 40, costFenSum: 400_000, losDaysSum: 410 }],
    });
    expect(score('drg-outlier', longStays)!.explanations[0]).toBe('病组 FR13 的平均住院日为 20.0天（10 例），本地区其他机构为 7.0天。');
  });

  it('volume-surge (就诊量异常增长): 120 claims by mid-month against a usual 100 a month hits; 80 does not; no history, no surge', () => {
    const profile = (current: number) =>
      base({
        own: [
          ...months.slice(0, 6).map((m) => ({ month: m, claims: 100, groupedCases: 0, ccMccCases: 0 })),
          { month: '2026-03', claims: current, groupedCases: 0, ccMccCases: 0 },
        ],
      });
    expect(score('volume-surge', profile(120))!.explanations[0]).toBe('2026-03 已结算 120 单，按前 6 个月水平同期约 48 单。');
    expect(score('volume-surge', profile(80))).toBeUndefined();
    expect(score('volume-surge', base({ own: [{ month: '2026-03', claims: 300, groupedCases: 0, ccMccCases: 0 }] }))).toBeUndefined();
  });
});
