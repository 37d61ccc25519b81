/**
 * Catalogues (shared/catalogue) and settlement by the catalogue (shared/settlement/scope.ts), pure:
 * reading a row (every rule by column), code shapes, the content hash, the diff, layers and the
 * version in force, the restricted payment scope, and the engine settling by a catalogue view with
 * worked numbers (class overruled, scope, limits, first self-pay, the entry's own fund ratio, strict
 * out-of-catalogue refusal), plus a property: whatever the catalogue says, a line's scope parts add
 * up to its amount.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CODE_SHAPES,
  ENTRY_KINDS,
  contentHash,
  entryHash,
  kindOfCode,
  readRow,
  type CatalogueEntry,
} from '../../shared/catalogue/entry.ts';
import { duplicateCodes, readCsvChunk } from '../../shared/catalogue/import.ts';
import { pinyinInitials } from '../../shared/catalogue/pinyin.ts';
import { scopeBreach } from '../../shared/catalogue/restrictions.ts';
import { diffOf, regionChain, resolveView, versionInForce, type CatalogueView } from '../../shared/catalogue/version.ts';
import { loadShippedPolicies } from '../../shared/policy/benefits.ts';
import { settle } from '../../shared/settlement/engine.ts';
import { exampleBill, exampleLine, exampleMember, exampleProvider } from '../../shared/settlement/examples.ts';
import { benefitPolicySchema, type BenefitPolicy, type BenefitPolicyDocument } from '../../shared/settlement/policy.ts';
import { scopeLine } from '../../shared/settlement/scope.ts';
import { SettlementRefusal } from '../../shared/settlement/statement.ts';
import { decodeFile, recordRanges } from '../../tools/catalogue.ts';

const y = (yuan: number) => Math.round(yuan * 100);
const read = (cells: Record<string, unknown>, row = 2) => readRow(row, cells, pinyinInitials);
const problems = (cells: Record<string, unknown>) => {
  const r = read(cells);
  return 'problems' in r ? r.problems.map((p) => `${p.column}:${p.rule}`) : [];
};

const CLOPIDOGREL = 'XB01ACL106B002010110090';

describe('a catalogue row', () => {
  it('reads every column into an entry, in fen and basis points, with the pinyin initials of its name', () => {
    const r = read({
      code: CLOPIDOGREL,
      name: '氯吡格雷片',
      form: '片剂',
      spec: '75mg',
      unit: '片',
      class: '乙',
      firstSelfPay: '7.5%',
      paymentStandard: '2.35',
      priceLimit: '3',
      scopeText: '限急性冠脉综合征',
      scopeIcd10: 'I20;I21；I63.9',
      scopeLevels: '二级;tertiary',
      scopeSex: '男',
      scopeAgeFrom: '18',
      scopeAgeBelow: '80',
      scopeChronicOnly: '是',
      scopeMaxDays: '30',
      fundRatio: '60%',
      negotiated: 'Y',
      dualChannel: 'y',
    });
    expect(r).toEqual({
      entry: {
        code: CLOPIDOGREL,
        name: '氯吡格雷片',
        kind: 'western',
        form: '片剂',
        spec: '75mg',
        unit: '片',
        class: 'B',
        firstSelfPayBp: 750,
        paymentStandardFen: 235,
        priceLimitFen: 300,
        fundRatioBp: 6_000,
        negotiated: true,
        dualChannel: true,
        pinyin: 'LBGLP',
        scope: {
          text: '限急性冠脉综合征',
          icd10: ['I20', 'I21', 'I63.9'],
          levels: ['secondary', 'tertiary'],
          sex: 'M',
          ageFrom: 18,
          ageBelow: 80,
          chronicOnly: true,
          maxDays: 30,
        },
      },
    });
  });

  it('accepts the Chinese headings of an agency spreadsheet', () => {
    const r = read({ 医保编码: 'T000101073', 名称: '冬虫夏草', 甲乙类: '丙类', 单位: '克' });
    expect(r).toMatchObject({ entry: { code: 'T000101073', kind: 'herbal', class: 'C', unit: '克', pinyin: 'DCXC' } });
  });

  it('names each broken rule by column', () => {
    expect(problems({ code: 'XJ01CA', name: '短码', class: 'A' })).toEqual(['code:code_shape']);
    expect(problems({ code: CLOPIDOGREL, name: '氯吡格雷片', class: 'B', kind: 'service' })).toEqual(['code:code_shape']);
    expect(problems({ code: CLOPIDOGREL, name: '', class: 'B' })).toEqual(['name:required']);
    expect(problems({ code: CLOPIDOGREL, name: 'x', class: '丁' })).toEqual(['class:unknown_class']);
    expect(problems({ code: CLOPIDOGREL, name: 'x', class: 'A', firstSelfPay: '10%' })).toEqual(['firstSelfPay:class_b_only']);
    expect(problems({ code: CLOPIDOGREL, name: 'x', class: 'C', fundRatio: '50%' })).toEqual(['class:class_c_paid']);
    expect(problems({ code: CLOPIDOGREL, name: 'x', class: 'B', firstSelfPay: '110%' })).toEqual(['firstSelfPay:percent']);
    expect(problems({ code: CLOPIDOGREL, name: 'x', class: 'B', priceLimit: '1.234' })).toEqual(['priceLimit:yuan']);
    expect(problems({ code: CLOPIDOGREL, name: 'x', class: 'B', scopeIcd10: 'I20;heart' })).toEqual(['scopeIcd10:icd10_prefix']);
    expect(problems({ code: CLOPIDOGREL, name: 'x', class: 'B', scopeAgeFrom: '60', scopeAgeBelow: '18' })).toEqual([
      'scopeAgeBelow:age_range',
    ]);
    expect(problems({ code: CLOPIDOGREL, name: 'x', class: 'B', dualChannel: 'Y' })).toEqual(['dualChannel:negotiated_only']);
    expect(problems({ code: CLOPIDOGREL, name: 'x', class: 'B', colour: 'red' })).toEqual(['colour:unknown_column']);
    // Every problem of a row, not the first only.
    expect(problems({ code: 'bad', name: '', class: '' })).toEqual(['name:required', 'code:code_shape', 'class:required']);
  });

  it('knows the code shape of each kind by its example, and no other kind’s', () => {
    for (const kind of ENTRY_KINDS) expect(kindOfCode(CODE_SHAPES[kind].example)).toBe(kind);
    expect(kindOfCode('001102000010000-110200001')).toBe('service');
    expect(kindOfCode('C0101010010010010000000000')).toBeUndefined(); // 26 characters
    expect(kindOfCode('XJ01CAA040A00101010144')).toBeUndefined(); // 22 characters
  });

  it('numbers the rows of a CSV chunk as lines of the whole file', () => {
    const chunk = readCsvChunk('code,name,class\nT000100001,黄芪,A\n\nT000100002,"当归\n(全当归)",A\nT000100003,党参,A\n', 2002);
    expect(chunk.rows.map((r) => r.rowNumber)).toEqual([2002, 2004, 2006]);
    expect(
      duplicateCodes([
        { code: 'a', row: 2 },
        { code: 'b', row: 3 },
        { code: 'a', row: 9 },
      ]),
    ).toEqual([{ row: 9, column: 'code', rule: 'duplicate_code', message: 'a is listed already, at row 2' }]);
  });
});

const entry = (code: string, extra: Partial<CatalogueEntry> = {}): CatalogueEntry => ({
  code,
  name: code,
  kind: kindOfCode(code) ?? 'western',
  class: 'A',
  negotiated: false,
  dualChannel: false,
  pinyin: '',
  ...extra,
});

describe('versions, layers and diffs', () => {
  it('hashes a version by its entries, whatever their order', () => {
    const a = entry('T000100001');
    const b = entry('T000100002', { class: 'B' });
    const one = contentHash(new Map([a, b].map((e) => [e.code, entryHash(e)])));
    const two = contentHash(new Map([b, a].map((e) => [e.code, entryHash(e)])));
    expect(one).toBe(two);
    expect(contentHash(new Map([[a.code, entryHash({ ...a, class: 'B' })]]))).not.toBe(contentHash(new Map([[a.code, entryHash(a)]])));
  });

  it('diffs by code: added, removed, changed, unchanged', () => {
    const before = new Map([
      ['A', '1'],
      ['B', '2'],
      ['C', '3'],
    ]);
    const after = new Map([
      ['C', '3'],
      ['B', '9'],
      ['D', '4'],
    ]);
    expect(diffOf(before, after)).toEqual({
      counts: { added: 1, removed: 1, changed: 1, unchanged: 1 },
      added: ['D'],
      removed: ['A'],
      changed: ['B'],
    });
  });

  it('reads a district through its city and province to the national list, the most local entry winning', () => {
    expect(regionChain('330902')).toEqual(['330902', '330900', '330000', '000000']);
    expect(regionChain('330900')).toEqual(['330900', '330000', '000000']);
    expect(regionChain('000000')).toEqual(['000000']);
    const view = resolveView([
      { version: { region: '330900', version: 1, effectiveFrom: '2025-01-01' }, entries: new Map([['X', entry('X', { class: 'B' })]]) },
      {
        version: { region: '000000', version: 3, effectiveFrom: '2025-01-01' },
        entries: new Map([
          ['X', entry('X', { class: 'A' })],
          ['Y', entry('Y')],
        ]),
      },
    ]);
    expect(view.entries.X).toMatchObject({ class: 'B', from: { region: '330900' } });
    expect(view.entries.Y).toMatchObject({ class: 'A', from: { region: '000000', version: 3 } });
  });

  it('picks the version in force as the policy registry does: newest effective date on or before, then highest version', () => {
    const versions = [
      { version: 1, effectiveFrom: '2025-01-01' },
      { version: 2, effectiveFrom: '2026-01-01' },
      { version: 3, effectiveFrom: '2025-07-01', effectiveTo: '2025-12-31' },
    ];
    expect(versionInForce(versions, '2024-12-31')).toBeUndefined();
    expect(versionInForce(versions, '2025-06-30')?.version).toBe(1);
    expect(versionInForce(versions, '2025-08-01')?.version).toBe(3);
    expect(versionInForce(versions, '2026-03-01')?.version).toBe(2);
  });
});

describe('the restricted payment scope (限定支付范围)', () => {
  const facts = {
    diagnoses: ['I25.100', 'E11.900'],
    level: 'secondary' as const,
    sex: 'F' as const,
    ageYears: 70,
    visitType: 'outpatient',
  };
  it('names the first rule a line breaks', () => {
    expect(scopeBreach({ icd10: ['I20', 'I25'] }, facts)).toBeUndefined();
    expect(scopeBreach({ icd10: ['E11.9'] }, facts)).toBeUndefined();
    expect(scopeBreach({ icd10: ['C34'] }, facts)?.rule).toBe('indications');
    expect(scopeBreach({ levels: ['tertiary'] }, facts)?.rule).toBe('levels');
    expect(scopeBreach({ sex: 'M' }, facts)?.rule).toBe('sex');
    expect(scopeBreach({ ageBelow: 18 }, facts)?.reason).toBe('paid below age 18, the member is 70');
    expect(scopeBreach({ ageFrom: 71 }, facts)?.rule).toBe('age');
    expect(scopeBreach({ chronicOnly: true }, facts)?.rule).toBe('chronicOnly');
    expect(scopeBreach({ chronicOnly: true }, { ...facts, visitType: 'chronic-outpatient' })).toBeUndefined();
    expect(scopeBreach({ maxDays: 30 }, { ...facts, supplyDays: 31 })?.reason).toBe(
      'paid up to 30 days a prescription, the line supplies 31',
    );
    expect(scopeBreach({ maxDays: 30 }, facts)?.rule).toBe('maxDays');
    expect(scopeBreach({ maxDays: 30 }, { ...facts, supplyDays: 30 })).toBeUndefined();
  });
});

// ---- settlement by a catalogue view ---------------------------------------------------------

const zhoushan2023 = (edit?: (d: BenefitPolicyDocument) => void): BenefitPolicy => {
  const document = structuredClone(
    loadShippedPolicies().find((p) => p.policy.id === 'zhoushan-resident' && p.policy.year === 2023)!.document,
  );
  edit?.(document);
  return benefitPolicySchema.parse(document);
};
const member = exampleMember({ enrolment: { region: '330900', scheme: 'resident', year: 2023 }, sex: 'F' });
const secondary = exampleProvider('secondary', '330902');
const V1 = { region: '000000', version: 1, effectiveFrom: '2023-01-01' };
const viewOf = (...entries: CatalogueEntry[]): CatalogueView => ({
  versions: [V1],
  entries: Object.fromEntries(entries.map((e) => [e.code, { ...e, from: V1 }])),
});
const stay = (lines: Parameters<typeof exampleBill>[0], principal = 'K35.800') =>
  exampleBill(lines, {
    visit: { type: 'inpatient', serviceDate: '2023-11-01', dischargeDate: '2023-11-08' },
    diagnoses: { principal, secondary: [] },
  });

describe('settlement by the catalogue in force', () => {
  const HIP = 'C09040301800100090000010008';
  const APPENDECTOMY = '001504000330000';
  const view = viewOf(
    entry('T000101073', { class: 'C', name: '冬虫夏草' }),
    entry(CLOPIDOGREL, { class: 'B', firstSelfPayBp: 500, scope: { icd10: ['I20', 'I25'], text: '限冠心病' } }),
    entry('001306000220000', { class: 'B', kind: 'service', priceLimitFen: y(250), paymentStandardFen: y(200) }),
    entry(HIP, { class: 'B', kind: 'consumable', priceLimitFen: y(12_000), fundRatioBp: 6_000 }),
    entry(APPENDECTOMY, { kind: 'service' }),
  );

  it('overrules the declared class, self-pays out of scope and out of catalogue, applies the stricter limit and the item’s own first self-pay', () => {
    const bill = stay([
      exampleLine(1, 'A', 'tcm-herbal', 600, 1, { itemCode: 'T000101073' }), //          丙 billed as 甲
      exampleLine(2, 'B', 'drug', 84, 1, { itemCode: CLOPIDOGREL }), //                  no coronary diagnosis
      exampleLine(3, 'B', 'exam', 260, 1, { itemCode: '001306000220000' }), //           payment standard 200 < limit 250
      exampleLine(4, 'A', 'drug', 30, 1, { itemCode: 'XZ99ZZZ999Z999000000001' }), //   in no catalogue
    ]);
    const s = settle({
      policy: zhoushan2023(),
      bill,
      member,
      provider: secondary,
      yearToDate: {},
      catalogue: { byDate: { '2023-11-01': view } },
    });
    expect(s.lines.map((l) => [l.itemClass, l.outOfCatalogueFen, l.overLimitFen, l.firstSelfPayFen, l.coveredFen])).toEqual([
      ['C', y(600), 0, 0, 0],
      ['B', y(84), 0, 0, 0],
      // 260 − 200 = 60 over the payment standard; 乙 10% of 200 = 20 first; 180 covered.
      ['B', 0, y(60), y(20), y(180)],
      ['C', y(30), 0, 0, 0],
    ]);
    expect(s.lines.map((l) => l.rules.outOfCatalogue ?? l.rules.overLimit)).toEqual([
      'catalogue[T000101073].class',
      `catalogue[${CLOPIDOGREL}].scope.indications`,
      'catalogue[001306000220000].paymentStandard',
      'catalogue[XZ99ZZZ999Z999000000001]',
    ]);
    expect(s.lines[0]!.notes[0]).toBe('class 丙 C per catalogue 000000 v1 (billed as 甲 A)');
    expect(s.catalogue).toEqual([V1]);

    // With a coronary diagnosis the clopidogrel is in scope: its own 5% first self-pay, not 乙's 10%.
    const inScope = settle({
      policy: zhoushan2023(),
      bill: stay([exampleLine(1, 'B', 'drug', 84, 1, { itemCode: CLOPIDOGREL })], 'I25.100'),
      member,
      provider: secondary,
      yearToDate: {},
      catalogue: { byDate: { '2023-11-01': view } },
    });
    expect(inScope.lines[0]).toMatchObject({
      firstSelfPayFen: y(4.2),
      coveredFen: y(79.8),
      rules: { firstSelfPay: `catalogue[${CLOPIDOGREL}].firstSelfPay` },
    });
  });

  it('feeds the entry’s own fund ratio to basic (12.5a): paid at 60%, outside the deductible and coinsurance', () => {
    // Zhoushan 2023, secondary: deductible 600, 75%. The implant (乙, materials 20% first self-pay):
    // 10,000 × 20% = 2,000 first; 8,000 covered, paid at its own 60% = 4,800, no deductible on it.
    // The other line: (1,000 − 600) × 75% = 300.
    const bill = stay([
      exampleLine(1, 'A', 'surgery', 1_000, 1, { itemCode: APPENDECTOMY }),
      exampleLine(2, 'B', 'material', 10_000, 1, { itemCode: HIP }),
    ]);
    const s = settle({
      policy: zhoushan2023(),
      bill,
      member,
      provider: secondary,
      yearToDate: {},
      catalogue: { byDate: { '2023-11-01': view } },
    });
    expect(s.lines[1]).toMatchObject({ firstSelfPayFen: y(2_000), coveredFen: y(8_000), fundRatioBp: 6_000, deductibleFen: 0 });
    expect(s.lines.map((l) => l.paidFen.basic)).toEqual([y(300), y(4_800)]);
    expect(s.lines[1]!.rules.basic).toContain(`catalogue[${HIP}].fundRatio`);
  });

  it('refuses a code in no catalogue where the policy settles catalogue items only, naming the line', () => {
    const strict = zhoushan2023((d) => {
      d.items.outOfCatalogue = { mode: 'refuse', basis: { illustrative: 'test: a region that refuses unmapped items' } };
    });
    const bill = stay([
      exampleLine(1, 'A', 'drug', 10, 1, { itemCode: CLOPIDOGREL }),
      exampleLine(2, 'A', 'drug', 30, 1, { itemCode: 'XZZ' }),
    ]);
    const attempt = () =>
      settle({ policy: strict, bill, member, provider: secondary, yearToDate: {}, catalogue: { byDate: { '2023-11-01': view } } });
    expect(attempt).toThrow(SettlementRefusal);
    expect(attempt).toThrow('body.lines.1.itemCode: line 2: XZZ is in no catalogue in force (catalogue 000000 v1)');
  });

  it('settles as before where no catalogue is in force on the line’s date, and needs a declared class there', () => {
    const policy = zhoushan2023();
    const line = exampleLine(1, 'B', 'drug', 100, 1, { itemCode: CLOPIDOGREL });
    const without = settle({ policy, bill: stay([line]), member, provider: secondary, yearToDate: {} });
    const otherDate = settle({
      policy,
      bill: stay([line]),
      member,
      provider: secondary,
      yearToDate: {},
      catalogue: { byDate: { '2022-01-01': view } },
    });
    expect(otherDate.lines).toEqual(without.lines);
    expect(without.catalogue).toBeUndefined();
    const { itemClass: _c, ...undeclared } = line;
    expect(() => scopeLine(undeclared, policy, undefined, undefined, undefined, 3)).toThrow('body.lines.3.itemClass');
  });

  it('property: whatever the catalogue says of a line, its scope parts add up to its amount, in whole fen', () => {
    const policy = zhoushan2023();
    const facts = { diagnoses: ['I25.100'], level: 'secondary' as const, sex: 'F' as const, ageYears: 50, visitType: 'inpatient' };
    fc.assert(
      fc.property(
        fc.constantFrom<'A' | 'B' | 'C'>('A', 'B', 'C'),
        fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 50_000 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 50_000 }), { nil: undefined }),
        fc.option(fc.constantFrom('I25', 'C34'), { nil: undefined }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 40 }),
        (cls, firstSelfPayBp, paymentStandardFen, priceLimitFen, icd10, unitPriceFen, quantity) => {
          const e = entry(CLOPIDOGREL, {
            class: cls,
            ...(cls === 'B' && firstSelfPayBp !== undefined ? { firstSelfPayBp } : {}),
            ...(paymentStandardFen !== undefined ? { paymentStandardFen } : {}),
            ...(priceLimitFen !== undefined ? { priceLimitFen } : {}),
            ...(icd10 ? { scope: { icd10: [icd10] } } : {}),
          });
          const line = {
            ...exampleLine(1, 'A', 'drug', 0, quantity, { itemCode: CLOPIDOGREL }),
            unitPriceFen,
            amountFen: unitPriceFen * quantity,
          };
          const s = scopeLine(line, policy, undefined, undefined, { view: viewOf(e), facts });
          const parts = [s.outOfCatalogue, s.overLimit, s.firstSelfPay, s.covered];
          expect(parts.every((p) => Number.isInteger(p) && p >= 0)).toBe(true);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(line.amountFen);
          if (cls === 'C' || icd10 === 'C34') expect(s.covered).toBe(0);
          const limit = Math.min(paymentStandardFen ?? Infinity, priceLimitFen ?? Infinity);
          if (s.covered + s.firstSelfPay > 0 && limit !== Infinity)
            expect(s.covered + s.firstSelfPay).toBeLessThanOrEqual(limit * quantity);
        },
      ),
    );
  });
});

describe('the import command’s reading of a file', () => {
  it('reads UTF-8 with a BOM, and GBK (Excel on a Chinese Windows) when the bytes are not UTF-8', () => {
    expect(decodeFile(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('编码,名称\n')]))).toBe('编码,名称\n');
    // 编码,名称 in GBK.
    expect(decodeFile(new Uint8Array([0xb1, 0xe0, 0xc2, 0xeb, 0x2c, 0xc3, 0xfb, 0xb3, 0xc6]))).toBe('编码,名称');
  });

  it('cuts a file only between records, never inside a quoted line break, leaving blank lines out', () => {
    const lines = ['code,name,scopeText', 'T000100001,黄芪,', '', 'T000100002,当归,"限\n饮片"', 'T000100003,党参,'].join('\n').split('\n');
    expect(recordRanges(lines)).toEqual([
      { first: 1, last: 1 },
      { first: 3, last: 4 },
      { first: 5, last: 5 },
    ]);
  });
});
