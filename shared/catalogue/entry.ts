/**
 * One entry of a medical-insurance catalogue (医保目录): a drug, a Chinese herbal piece, a medical
 * consumable or a medical service, with what settlement needs to know about it in one region from
 * one version on. Pure: the importer, the search and settlement all read entries through here.
 *
 * Code shapes (checked by shape only: the national code databases themselves are not shipped).
 * They are the layouts of the NHSA information-coding standards (国家医保局 15 项医保信息业务编码标准),
 * as the published code databases and the hospitals' 对码 tables print them:
 *  - western drugs / patent Chinese medicines (医保药品分类与代码), 23 characters: X (西药) or
 *    Z (中成药), a 5-character class (ATC-like for X, e.g. J01CA), a 4-character generic-name code
 *    (a letter and three digits, e.g. A040), a 4-character dosage-form code (a letter and three
 *    digits, e.g. A001) and 9 digits of specification, package and manufacturer
 *    (e.g. XJ01CAA040A001010101445); the codes of restricted-payment lists print the first 12–14
 *    characters (XJ01DET084B0), which is why the class and name parts are what a search by prefix finds;
 *  - Chinese herbal pieces (中药饮片, in the same database): T and 9 digits (T000700437);
 *  - medical consumables (医保医用耗材分类与代码), 27 characters: C and 26 digits (three levels of
 *    classification, generic name, material, specification and manufacturer parts);
 *  - medical services (医疗服务项目分类与代码): 15 digits, optionally followed by `-` and the
 *    province's own price-item code (001102000010000, 001102000010000-110200001).
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { hospitalLevels, itemClasses } from '../../events/claims.ts';
import { percentToBasisPoints, yuanToFen, type BasisPoints, type Fen } from '../money/fen.ts';

export const ENTRY_KINDS = ['western', 'patent', 'herbal', 'consumable', 'service'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** The code shape of each kind (see the file comment for where each comes from). */
export const CODE_SHAPES: Record<EntryKind, { pattern: RegExp; example: string; standard: string }> = {
  western: {
    pattern: /^X[A-Z]\d{2}[A-Z]{2}[A-Z]\d{3}[A-Z]\d{3}\d{9}$/,
    example: 'XJ01CAA040A001010101445',
    standard: '医保药品分类与代码 (西药)',
  },
  patent: {
    pattern: /^Z[A-Z]\d{2}[A-Z]{2}[A-Z]\d{3}[A-Z]\d{3}\d{9}$/,
    example: 'ZA04CAG015B001010100117',
    standard: '医保药品分类与代码 (中成药)',
  },
  herbal: { pattern: /^T\d{9}$/, example: 'T000700437', standard: '医保药品分类与代码 (中药饮片)' },
  consumable: { pattern: /^C\d{26}$/, example: 'C01010100100100100000000001', standard: '医保医用耗材分类与代码' },
  service: { pattern: /^\d{15}(?:-[0-9A-Za-z]{1,20})?$/, example: '001102000010000', standard: '医疗服务项目分类与代码' },
};

/** The kind a code's shape says it is, or undefined if it has none of the shapes. */
export function kindOfCode(code: string): EntryKind | undefined {
  return ENTRY_KINDS.find((k) => CODE_SHAPES[k].pattern.test(code));
}

/** 限定支付范围: where the fund pays for the item; outside it, the item is the patient's. */
export interface RestrictedScope {
  /** The scope as the catalogue publishes it (限二级及以上医疗机构…, 限…患者). */
  text?: string;
  /** ICD-10 医保版 code prefixes of the indications: a diagnosis of the bill must start with one. */
  icd10?: string[];
  /** Hospital levels where the fund pays for it. */
  levels?: (typeof hospitalLevels)[number][];
  sex?: 'M' | 'F';
  /** Age in whole years on the date of service: ageFrom ≤ age < ageBelow. */
  ageFrom?: number;
  ageBelow?: number;
  /** Paid only on chronic and special outpatient visits (限门诊慢特病). */
  chronicOnly?: boolean;
  /** The most days one prescription may supply (e.g. 限 30 天). */
  maxDays?: number;
}

export interface CatalogueEntry {
  code: string;
  name: string;
  kind: EntryKind;
  /** Dosage form (剂型) or, for a consumable, its material; a service has none. */
  form?: string;
  spec?: string;
  /** The pricing unit the payment standard and the price limit are per (片, 支, 次, 克). */
  unit?: string;
  /** 甲 A, 乙 B, 丙 C (listed so a 对码 finds it, paid by no fund). */
  class: (typeof itemClasses)[number];
  /** The region's own first self-pay ratio for this item (乙类先行自付), where it sets one. */
  firstSelfPayBp?: BasisPoints;
  /** 支付标准 per unit (negotiated and volume-procured drugs): above it the patient pays. */
  paymentStandardFen?: Fen;
  /** 最高限价 per unit: above it the patient pays. */
  priceLimitFen?: Fen;
  scope?: RestrictedScope;
  /** A fund ratio of its own (e.g. an imported implant), outside the claim's coinsurance (issue 12, 5a). */
  fundRatioBp?: BasisPoints;
  /** 国家谈判药品. */
  negotiated: boolean;
  /** 双通道 (dispensed by designated retail pharmacies as well as hospitals). */
  dualChannel: boolean;
  /** Pinyin initials of the name (阿莫西林胶囊 → AMXLJN), computed at import, for search. */
  pinyin: string;
}

// ---------------------------------------------------------------------------------------------
// The file's columns. English names, or the Chinese headings agencies' spreadsheets carry.
// ---------------------------------------------------------------------------------------------

export const COLUMNS = [
  'code',
  'name',
  'kind',
  'form',
  'spec',
  'unit',
  'class',
  'firstSelfPay',
  'paymentStandard',
  'priceLimit',
  'scopeText',
  'scopeIcd10',
  'scopeLevels',
  'scopeSex',
  'scopeAgeFrom',
  'scopeAgeBelow',
  'scopeChronicOnly',
  'scopeMaxDays',
  'fundRatio',
  'negotiated',
  'dualChannel',
] as const;
export type Column = (typeof COLUMNS)[number];

/** Chinese headings accepted for each column (a spreadsheet saved as CSV keeps its headings). */
export const COLUMN_ALIASES: Record<string, Column> = {
  医保编码: 'code',
  编码: 'code',
  名称: 'name',
  通用名: 'name',
  类别: 'kind',
  剂型: 'form',
  规格: 'spec',
  单位: 'unit',
  甲乙类: 'class',
  医保类别: 'class',
  先行自付比例: 'firstSelfPay',
  支付标准: 'paymentStandard',
  最高限价: 'priceLimit',
  限价: 'priceLimit',
  限定支付范围: 'scopeText',
  限定诊断: 'scopeIcd10',
  限定医院等级: 'scopeLevels',
  限定性别: 'scopeSex',
  限定年龄下限: 'scopeAgeFrom',
  限定年龄上限: 'scopeAgeBelow',
  限门诊慢特病: 'scopeChronicOnly',
  限定天数: 'scopeMaxDays',
  基金支付比例: 'fundRatio',
  谈判药品: 'negotiated',
  双通道: 'dualChannel',
};

/** Columns the download adds (the layer an entry comes from): read back without complaint, and ignored. */
export const INFORMATIVE_COLUMNS = new Set(['fromRegion', 'fromVersion']);

/** A rejected row's problem: the file's row (line) number, the column and the rule it breaks. */
export interface RowProblem {
  row: number;
  column: string;
  rule: string;
  message: string;
}

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const text = (v: unknown) => (blank(v) ? undefined : String(v).trim());
const list = (v: unknown) =>
  text(v)
    ?.split(/[;；|]/)
    .map((s) => s.trim())
    .filter(Boolean);

const CLASS_WORDS: Record<string, CatalogueEntry['class']> = {
  A: 'A',
  B: 'B',
  C: 'C',
  甲: 'A',
  乙: 'B',
  丙: 'C',
  甲类: 'A',
  乙类: 'B',
  丙类: 'C',
};
const LEVEL_WORDS: Record<string, (typeof hospitalLevels)[number]> = {
  primary: 'primary',
  secondary: 'secondary',
  tertiary: 'tertiary',
  一级: 'primary',
  二级: 'secondary',
  三级: 'tertiary',
};
const YES = new Set(['y', 'yes', 'true', '1', '是']);
const NO = new Set(['n', 'no', 'false', '0', '否']);
const SEX_WORDS: Record<string, 'M' | 'F'> = { M: 'M', F: 'F', 男: 'M', 女: 'F' };
const KIND_WORDS: Record<string, EntryKind> = {
  western: 'western',
  patent: 'patent',
  herbal: 'herbal',
  consumable: 'consumable',
  service: 'service',
  西药: 'western',
  中成药: 'patent',
  中药饮片: 'herbal',
  医用耗材: 'consumable',
  耗材: 'consumable',
  医疗服务: 'service',
  医疗服务项目: 'service',
};

/** A prefix of an ICD-10 医保版 code: a letter, two digits, then optionally a dot and more. */
const ICD10_PREFIX = /^[A-Z]\d{2}(?:\.[0-9x]{0,3})?$/;

/**
 * The cells of one row (column name → text), its row number in the file, and the pinyin function
 * (passed in so this file stays free of the dictionary's weight where only validation runs) →
 * the entry, or every problem of the row.
 */
export function readRow(
  row: number,
  cells: Readonly<Record<string, unknown>>,
  pinyinInitials: (name: string) => string,
): { entry: CatalogueEntry } | { problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const problem = (column: string, rule: string, message: string) => problems.push({ row, column, rule, message });
  const cell: Partial<Record<Column, unknown>> = {};
  for (const [heading, value] of Object.entries(cells)) {
    const column = (COLUMNS as readonly string[]).includes(heading) ? (heading as Column) : COLUMN_ALIASES[heading.trim()];
    if (column) cell[column] = value;
    else if (!blank(value) && !INFORMATIVE_COLUMNS.has(heading))
      problem(heading, 'unknown_column', `no column ${heading}: ${COLUMNS.join(', ')}`);
  }

  const code = text(cell.code);
  const name = text(cell.name);
  if (!code) problem('code', 'required', 'every entry has a code');
  if (!name) problem('name', 'required', 'every entry has a name');
  else if (name.length > 200) problem('name', 'too_long', 'a name is at most 200 characters');

  let kind: EntryKind | undefined;
  const kindText = text(cell.kind);
  if (kindText !== undefined) {
    kind = KIND_WORDS[kindText.toLowerCase()] ?? KIND_WORDS[kindText];
    if (!kind) problem('kind', 'unknown_kind', `one of ${ENTRY_KINDS.join(', ')} (or 西药, 中成药, 中药饮片, 医用耗材, 医疗服务)`);
  }
  if (code) {
    const shaped = kindOfCode(code);
    if (kind && !CODE_SHAPES[kind].pattern.test(code))
      problem('code', 'code_shape', `a ${kind} code has the ${CODE_SHAPES[kind].standard} shape, e.g. ${CODE_SHAPES[kind].example}`);
    else if (!kind && !shaped)
      problem(
        'code',
        'code_shape',
        `not a code of any catalogue: ${ENTRY_KINDS.map((k) => `${CODE_SHAPES[k].standard} e.g. ${CODE_SHAPES[k].example}`).join('; ')}`,
      );
    kind ??= shaped;
  }

  const classText = text(cell.class);
  const itemClass = classText === undefined ? undefined : (CLASS_WORDS[classText.toUpperCase()] ?? CLASS_WORDS[classText]);
  if (classText === undefined) problem('class', 'required', 'every entry has a class: 甲 A, 乙 B or 丙 C');
  else if (!itemClass) problem('class', 'unknown_class', '甲 A, 乙 B or 丙 C');

  const percent = (column: Column): BasisPoints | undefined => {
    const t = text(cell[column]);
    if (t === undefined) return undefined;
    const m = /^(\d{1,3}(?:\.\d{1,2})?)%?$/.exec(t);
    const value = m ? Number(m[1]) : Number.NaN;
    if (!(value >= 0 && value <= 100)) {
      problem(column, 'percent', 'a ratio from 0% to 100%, like "10%" or "7.5%"');
      return undefined;
    }
    return percentToBasisPoints(value);
  };
  const money = (column: Column): Fen | undefined => {
    const t = text(cell[column]);
    if (t === undefined) return undefined;
    if (!/^\d{1,9}(\.\d{1,2})?$/.test(t)) {
      problem(column, 'yuan', 'an amount in yuan, ≥ 0, with at most two decimals');
      return undefined;
    }
    return yuanToFen(t);
  };
  const whole = (column: Column, min: number, max: number): number | undefined => {
    const t = text(cell[column]);
    if (t === undefined) return undefined;
    const n = Number(t);
    if (!/^\d+$/.test(t) || n < min || n > max) {
      problem(column, 'integer', `a whole number from ${min} to ${max}`);
      return undefined;
    }
    return n;
  };
  const flag = (column: Column): boolean => {
    const t = text(cell[column])?.toLowerCase();
    if (t === undefined || NO.has(t)) return false;
    if (YES.has(t)) return true;
    problem(column, 'flag', 'Y or N (是 or 否), or empty for N');
    return false;
  };

  const firstSelfPayBp = percent('firstSelfPay');
  const fundRatioBp = percent('fundRatio');
  const paymentStandardFen = money('paymentStandard');
  const priceLimitFen = money('priceLimit');
  if (firstSelfPayBp !== undefined && itemClass !== 'B')
    problem('firstSelfPay', 'class_b_only', 'a first self-pay ratio (乙类先行自付) belongs to a 乙 (B) item');
  if (itemClass === 'C' && (fundRatioBp !== undefined || paymentStandardFen !== undefined))
    problem('class', 'class_c_paid', 'a 丙 (C) item is paid by no fund: it has no fund ratio or payment standard');

  const scope: RestrictedScope = {};
  const scopeText = text(cell.scopeText);
  if (scopeText !== undefined) {
    if (scopeText.length > 500) problem('scopeText', 'too_long', 'at most 500 characters');
    scope.text = scopeText;
  }
  const icd = list(cell.scopeIcd10);
  if (icd) {
    const bad = icd.filter((p) => !ICD10_PREFIX.test(p));
    if (bad.length > 0) problem('scopeIcd10', 'icd10_prefix', `ICD-10 prefixes like I10 or E11.9, separated by ';': ${bad.join(', ')}`);
    else scope.icd10 = icd;
  }
  const levels = list(cell.scopeLevels);
  if (levels) {
    const mapped = levels.map((l) => LEVEL_WORDS[l.toLowerCase()] ?? LEVEL_WORDS[l]);
    if (mapped.some((l) => !l)) problem('scopeLevels', 'level', 'primary, secondary, tertiary (一级, 二级, 三级), separated by ;');
    else scope.levels = mapped as RestrictedScope['levels'];
  }
  const sexText = text(cell.scopeSex);
  if (sexText !== undefined) {
    const sex = SEX_WORDS[sexText.toUpperCase()] ?? SEX_WORDS[sexText];
    if (!sex) problem('scopeSex', 'sex', 'M or F (男 or 女)');
    else scope.sex = sex;
  }
  const ageFrom = whole('scopeAgeFrom', 0, 150);
  const ageBelow = whole('scopeAgeBelow', 1, 151);
  if (ageFrom !== undefined) scope.ageFrom = ageFrom;
  if (ageBelow !== undefined) scope.ageBelow = ageBelow;
  if (ageFrom !== undefined && ageBelow !== undefined && ageBelow <= ageFrom)
    problem('scopeAgeBelow', 'age_range', 'scopeAgeBelow must be above scopeAgeFrom');
  if (flag('scopeChronicOnly')) scope.chronicOnly = true;
  const maxDays = whole('scopeMaxDays', 1, 366);
  if (maxDays !== undefined) scope.maxDays = maxDays;
  const negotiated = flag('negotiated');
  const dualChannel = flag('dualChannel');
  if (dualChannel && !negotiated) problem('dualChannel', 'negotiated_only', '双通道 is for negotiated drugs: set negotiated too');

  for (const column of ['form', 'spec', 'unit'] as const) {
    const t = text(cell[column]);
    if (t !== undefined && t.length > 100) problem(column, 'too_long', 'at most 100 characters');
  }
  if (problems.length > 0 || !code || !name || !kind || !itemClass) return { problems };

  const entry: CatalogueEntry = {
    code,
    name,
    kind,
    class: itemClass,
    negotiated,
    dualChannel,
    pinyin: pinyinInitials(name),
  };
  const form = text(cell.form);
  const spec = text(cell.spec);
  const unit = text(cell.unit);
  if (form) entry.form = form;
  if (spec) entry.spec = spec;
  if (unit) entry.unit = unit;
  if (firstSelfPayBp !== undefined) entry.firstSelfPayBp = firstSelfPayBp;
  if (paymentStandardFen !== undefined) entry.paymentStandardFen = paymentStandardFen;
  if (priceLimitFen !== undefined) entry.priceLimitFen = priceLimitFen;
  if (fundRatioBp !== undefined) entry.fundRatioBp = fundRatioBp;
  if (Object.keys(scope).length > 0) entry.scope = scope;
  return { entry };
}

/** The entry as a CSV row again (the download a provider uses for its 对码), in COLUMNS order. */
export function entryCells(e: CatalogueEntry): Record<Column, string> {
  const pct = (bp: number | undefined) => (bp === undefined ? '' : `${bp / 100}%`);
  const yuan = (fen: number | undefined) => (fen === undefined ? '' : (fen / 100).toFixed(2));
  return {
    code: e.code,
    name: e.name,
    kind: e.kind,
    form: e.form ?? '',
    spec: e.spec ?? '',
    unit: e.unit ?? '',
    class: e.class,
    firstSelfPay: pct(e.firstSelfPayBp),
    paymentStandard: yuan(e.paymentStandardFen),
    priceLimit: yuan(e.priceLimitFen),
    scopeText: e.scope?.text ?? '',
    scopeIcd10: e.scope?.icd10?.join(';') ?? '',
    scopeLevels: e.scope?.levels?.join(';') ?? '',
    scopeSex: e.scope?.sex ?? '',
    scopeAgeFrom: e.scope?.ageFrom === undefined ? '' : String(e.scope.ageFrom),
    scopeAgeBelow: e.scope?.ageBelow === undefined ? '' : String(e.scope.ageBelow),
    scopeChronicOnly: e.scope?.chronicOnly ? 'Y' : '',
    scopeMaxDays: e.scope?.maxDays === undefined ? '' : String(e.scope.maxDays),
    fundRatio: pct(e.fundRatioBp),
    negotiated: e.negotiated ? 'Y' : '',
    dualChannel: e.dualChannel ? 'Y' : '',
  };
}

const csvCell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
export const csvHeader = (): string => COLUMNS.join(',');
export const csvLine = (e: CatalogueEntry): string => {
  const cells = entryCells(e);
  return COLUMNS.map((c) => csvCell(cells[c])).join(',');
};

/** Keys in a fixed order, so equal entries hash equal whatever order a file wrote their columns in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** A short hash of what an entry says (its diff identity: same code, other hash = changed). */
export const entryHash = (e: CatalogueEntry): string => createHash('sha256').update(canonical(e)).digest('base64url').slice(0, 16);

/**
 * The content hash of a whole version: its entries' hashes in code order. Two files with the same
 * entries hash equal however their rows and columns were ordered, so importing the same catalogue
 * again is recognised and changes nothing.
 */
export function contentHash(hashes: ReadonlyMap<string, string>): string {
  const h = createHash('sha256');
  for (const code of [...hashes.keys()].sort()) h.update(`${code}:${hashes.get(code)}\n`);
  return h.digest('hex');
}

/** The entry as a zod schema (stored items and API answers are checked against it). */
export const catalogueEntrySchema = z.object({
  code: z.string(),
  name: z.string(),
  kind: z.enum(ENTRY_KINDS),
  form: z.string().optional(),
  spec: z.string().optional(),
  unit: z.string().optional(),
  class: z.enum(itemClasses),
  firstSelfPayBp: z.number().int().optional(),
  paymentStandardFen: z.number().int().optional(),
  priceLimitFen: z.number().int().optional(),
  scope: z
    .object({
      text: z.string().optional(),
      icd10: z.array(z.string()).optional(),
      levels: z.array(z.enum(hospitalLevels)).optional(),
      sex: z.enum(['M', 'F']).optional(),
      ageFrom: z.number().int().optional(),
      ageBelow: z.number().int().optional(),
      chronicOnly: z.boolean().optional(),
      maxDays: z.number().int().optional(),
    })
    .optional(),
  fundRatioBp: z.number().int().optional(),
  negotiated: z.boolean(),
  dualChannel: z.boolean(),
  pinyin: z.string(),
});
