/**
 * Layer 1 of a settlement: what on each line is the patient's before any fund looks at it.
 *  - 丙 (C) items, and lines a visit type does not cover, are out of catalogue: self-paid whole;
 *  - a unit price above the price limit (超限价): the excess is self-paid;
 *  - 乙 (B) items: the first self-pay share (乙类先行自付) of what is within the limit, at the
 *    item's own ratio, else a special item's, else its category's, else the class default;
 *    special items (imported implants, relaxed exams) carry their ratio whatever their class;
 *  - what remains is the policy-covered amount (政策范围内费用) the layers work on;
 *  - an item with its own fund ratio (from the catalogue in force, the catalogue register fed by the
 *    handler, the region's catalogue entry or a special item) carries it on the scoped line: basic
 *    pays that line at that ratio, outside the claim's deductible and coinsurance (layers/basic.ts).
 *
 * Where a catalogue (医保目录, shared/catalogue) is in force on the line's date, it decides, by the
 * line's code: the class (a class the bill declares that disagrees is overruled and noted), the first
 * self-pay ratio where the entry sets one, the payment standard and price limit, and the restricted
 * payment scope (outside it the line is self-paid, naming the rule); a code in no catalogue is
 * out of catalogue (self-paid, or refused where the policy's `items.outOfCatalogue.mode` is `refuse`).
 * Where no catalogue is in force, the bill's class and the policy's own `items.catalogue` decide, as
 * before catalogues existed.
 */
import { applyRatio, type BasisPoints, type Fen } from '../money/fen.ts';
import { fenToYuan } from '../money/fen.ts';
import { scopeBreach, type ScopeFacts } from '../catalogue/restrictions.ts';
import type { CatalogueView, ResolvedEntry, VersionRef } from '../catalogue/version.ts';
import type { BillLine } from './bill.ts';
import { lineAmount } from './quantity.ts';
import type { BenefitPolicy, Basis, ItemClass, LineCategory } from './policy.ts';
import { SettlementRefusal } from './statement.ts';

export interface ScopedLine {
  itemClass: ItemClass;
  outOfCatalogue: Fen;
  overLimit: Fen;
  firstSelfPay: Fen;
  covered: Fen;
  notes: string[];
  /** The policy rule behind each non-zero scope figure. */
  rules: { outOfCatalogue?: string; overLimit?: string; firstSelfPay?: string };
  /** The item's own fund ratio (12.5a) and where it comes from; absent for an item in the claim's coinsurance. */
  fundRatio?: { ratio: BasisPoints; rule: string };
  /** The catalogue version the line's entry came from, where a catalogue decided the line. */
  catalogue?: VersionRef;
}

/**
 * Fund ratios of items by item code, from outside the policy document (the catalogue register's
 * entries, fed by the settlement handler): they win over the document's catalogue and special items.
 */
export type ItemFundRatios = Readonly<Record<string, BasisPoints>>;

/** What the catalogue says about one line: the view in force on its date and the facts its scope is checked on. */
export interface LineCatalogue {
  view: CatalogueView;
  facts: ScopeFacts;
}

type CatalogueEntry = BenefitPolicy['items']['catalogue'][number];
type SpecialItem = BenefitPolicy['items']['special'][number];

const catalogues = new WeakMap<BenefitPolicy, Map<string, CatalogueEntry>>();

/** The region's catalogue entries by item code, built once per parsed policy. */
function catalogueOf(policy: BenefitPolicy): Map<string, CatalogueEntry> {
  let map = catalogues.get(policy);
  if (!map) {
    map = new Map(policy.items.catalogue.map((entry) => [entry.itemCode, entry]));
    catalogues.set(policy, map);
  }
  return map;
}

const matches = (special: SpecialItem, line: BillLine): boolean => {
  const m = special.match;
  return (
    (m.itemCodes === undefined || m.itemCodes.includes(line.itemCode)) &&
    (m.itemCodePrefixes === undefined || m.itemCodePrefixes.some((p) => line.itemCode.startsWith(p))) &&
    (m.categories === undefined || m.categories.includes(line.category))
  );
};

const pct = (bp: BasisPoints) => `${bp / 100}%`;
/** A basis cites a source by id; the reader is shown the paper's 文号 (or title, where it prints none). */
const describeBasis = (policy: BenefitPolicy, basis: Basis) => {
  if ('illustrative' in basis) return 'illustrative figure';
  const source = policy.sources.find((s) => s.id === basis.source);
  return `${source?.documentNo ?? source?.title ?? basis.source} ${basis.clause}`;
};

/** The line's own fund ratio, if it has one: the register's, else the region's catalogue entry's, else a special item's. */
function fundRatioOf(line: BillLine, policy: BenefitPolicy, entry: CatalogueEntry | undefined, fed: ItemFundRatios | undefined) {
  const registered = fed?.[line.itemCode];
  if (registered !== undefined) return { ratio: registered, rule: `catalogue register ${line.itemCode} fundRatio` };
  if (entry?.fundRatio !== undefined) return { ratio: entry.fundRatio, rule: `items.catalogue[${line.itemCode}].fundRatio` };
  const special = policy.items.special.find((s) => s.fundRatio !== undefined && matches(s, line));
  if (special) return { ratio: special.fundRatio!, rule: `items.special[${special.id}].fundRatio` };
  return undefined;
}

const CLASS_NAMES: Record<ItemClass, string> = { A: '甲 A', B: '乙 B', C: '丙 C' };
const versionText = (v: VersionRef) => `catalogue ${v.region} v${v.version}`;

/**
 * One line's scope. `index` names the line in a refusal; `catalogue` is the catalogue in force on the
 * line's date (undefined where none is: the bill's class and the policy's items decide).
 */
export function scopeLine(
  line: BillLine,
  policy: BenefitPolicy,
  onlyCategories: readonly LineCategory[] | undefined,
  itemFundRatios?: ItemFundRatios,
  catalogue?: LineCatalogue,
  index = 0,
): ScopedLine {
  if (catalogue) return scopeByCatalogue(line, policy, onlyCategories, catalogue, index, itemFundRatios);
  const amount = line.amountFen;
  const entry = catalogueOf(policy).get(line.itemCode);
  const declared = line.itemClass;
  const itemClass = entry?.class ?? declared;
  if (itemClass === undefined)
    throw new SettlementRefusal(
      `lines.${index}.itemClass`,
      'required',
      `no catalogue is in force for this region on the line's date: the line must declare its class (甲 A, 乙 B, 丙 C)`,
    );
  const notes: string[] = [];
  if (entry?.class && entry.class !== declared) notes.push(`class ${entry.class} per the region's catalogue (billed as ${declared})`);

  if (itemClass === 'C') {
    notes.push(`丙类/目录外: ${fenToYuan(amount)} self-paid`);
    return {
      itemClass,
      outOfCatalogue: amount,
      overLimit: 0,
      firstSelfPay: 0,
      covered: 0,
      notes,
      rules: { outOfCatalogue: entry?.class ? `items.catalogue[${line.itemCode}].class` : 'class C (丙类)' },
    };
  }
  if (onlyCategories && !onlyCategories.includes(line.category)) {
    notes.push(`${line.category} is not covered on this visit type: ${fenToYuan(amount)} self-paid`);
    return {
      itemClass,
      outOfCatalogue: amount,
      overLimit: 0,
      firstSelfPay: 0,
      covered: 0,
      notes,
      rules: { outOfCatalogue: 'visits.onlyCategories' },
    };
  }

  // The stricter of the catalogue limit the HIS sent and the region's own.
  // On a tie the region's own limit is named (the first listed wins a tie).
  const limits: { limit: Fen; rule: string }[] = [];
  if (entry?.priceLimit !== undefined) limits.push({ limit: entry.priceLimit, rule: `items.catalogue[${line.itemCode}].priceLimit` });
  if (line.priceLimitFen !== undefined)
    limits.push({ limit: line.priceLimitFen, rule: 'line priceLimitFen (the catalogue limit the HIS sent)' });
  return withFundRatio(
    limitAndFirstSelfPay(line, policy, itemClass, notes, limits, undefined),
    fundRatioOf(line, policy, entry, itemFundRatios),
  );
}

/** Notes the line's own fund ratio and carries it to the layers (12.5a). */
function withFundRatio(scoped: ScopedLine, fundRatio: { ratio: BasisPoints; rule: string } | undefined): ScopedLine {
  if (!fundRatio) return scoped;
  scoped.notes.push(`fund ratio ${pct(fundRatio.ratio)} of its own (${fundRatio.rule}), outside the claim's deductible and coinsurance`);
  return { ...scoped, fundRatio };
}

/** The catalogue's way: the entry in force on the line's date decides. */
function scopeByCatalogue(
  line: BillLine,
  policy: BenefitPolicy,
  onlyCategories: readonly LineCategory[] | undefined,
  { view, facts }: LineCatalogue,
  index: number,
  itemFundRatios: ItemFundRatios | undefined,
): ScopedLine {
  const amount = line.amountFen;
  const code = line.itemCode;
  const entry: ResolvedEntry | undefined = view.entries[code];
  const selfPaid = (itemClass: ItemClass, notes: string[], rule: string, from?: VersionRef): ScopedLine => ({
    itemClass,
    outOfCatalogue: amount,
    overLimit: 0,
    firstSelfPay: 0,
    covered: 0,
    notes,
    rules: { outOfCatalogue: rule },
    ...(from ? { catalogue: from } : {}),
  });
  if (!entry) {
    const read = view.versions.map(versionText).join(', ');
    if (policy.items.outOfCatalogue?.mode === 'refuse')
      throw new SettlementRefusal(
        `lines.${index}.itemCode`,
        'not_in_catalogue',
        `line ${line.lineNo}: ${code} is in no catalogue in force (${read}); this region settles catalogue items only (items.outOfCatalogue)`,
      );
    return selfPaid('C', [`目录外: ${code} is in no catalogue in force (${read}): ${fenToYuan(amount)} self-paid`], `catalogue[${code}]`);
  }
  const from = entry.from;
  const notes: string[] = [];
  if (line.itemClass !== undefined && line.itemClass !== entry.class)
    notes.push(`class ${CLASS_NAMES[entry.class]} per ${versionText(from)} (billed as ${CLASS_NAMES[line.itemClass]})`);
  if (entry.class === 'C') {
    notes.push(`丙类: ${entry.name} is class C in ${versionText(from)}: ${fenToYuan(amount)} self-paid`);
    return selfPaid('C', notes, `catalogue[${code}].class`, from);
  }
  if (onlyCategories && !onlyCategories.includes(line.category)) {
    notes.push(`${line.category} is not covered on this visit type: ${fenToYuan(amount)} self-paid`);
    return selfPaid(entry.class, notes, 'visits.onlyCategories', from);
  }
  const breach = scopeBreach(entry.scope, { ...facts, ...(line.supplyDays !== undefined ? { supplyDays: line.supplyDays } : {}) });
  if (breach) {
    const published = entry.scope?.text ? ` (限定支付范围: ${entry.scope.text})` : '';
    notes.push(`outside the restricted payment scope${published}: ${breach.reason}; ${fenToYuan(amount)} self-paid`);
    return selfPaid(entry.class, notes, `catalogue[${code}].scope.${breach.rule}`, from);
  }
  const limits: { limit: Fen; rule: string }[] = [];
  if (entry.paymentStandardFen !== undefined) limits.push({ limit: entry.paymentStandardFen, rule: `catalogue[${code}].paymentStandard` });
  if (entry.priceLimitFen !== undefined) limits.push({ limit: entry.priceLimitFen, rule: `catalogue[${code}].priceLimit` });
  const own = catalogueOf(policy).get(code);
  if (own?.priceLimit !== undefined) limits.push({ limit: own.priceLimit, rule: `items.catalogue[${code}].priceLimit` });
  const scoped = limitAndFirstSelfPay(line, policy, entry.class, notes, limits, entry);
  // The catalogue entry's own fund ratio first (e.g. an imported implant), else the policy's ways.
  const fundRatio =
    entry.fundRatioBp !== undefined
      ? { ratio: entry.fundRatioBp, rule: `catalogue[${code}].fundRatio` }
      : fundRatioOf(line, policy, own, itemFundRatios);
  return { ...withFundRatio(scoped, fundRatio), catalogue: from };
}

/** 超限价 then 乙类先行自付, the same on both ways; `entry` is the catalogue's, where one decides. */
function limitAndFirstSelfPay(
  line: BillLine,
  policy: BenefitPolicy,
  itemClass: ItemClass,
  notes: string[],
  limits: readonly { limit: Fen; rule: string }[],
  catalogueEntry: ResolvedEntry | undefined,
): ScopedLine {
  const amount = line.amountFen;
  const entry = catalogueOf(policy).get(line.itemCode);
  let withinLimit = amount;
  const rules: ScopedLine['rules'] = {};
  if (limits.length > 0) {
    const strictest = limits.reduce((a, b) => (b.limit < a.limit ? b : a));
    const limit = strictest.limit;
    if (line.unitPriceFen > limit) {
      withinLimit = Math.min(amount, lineAmount(limit, line.quantity));
      notes.push(
        `超限价: unit price ${fenToYuan(line.unitPriceFen)} above the limit ${fenToYuan(limit)}; ${fenToYuan(amount - withinLimit)} self-paid`,
      );
      rules.overLimit = strictest.rule;
    }
  }
  const overLimit = amount - withinLimit;

  let ratio: BasisPoints = 0;
  let why = '';
  let rule = '';
  const special = policy.items.special.find((s) => s.firstSelfPay !== undefined && matches(s, line));
  if (catalogueEntry?.firstSelfPayBp !== undefined) {
    ratio = catalogueEntry.firstSelfPayBp;
    why = `item ${line.itemCode} (${versionText(catalogueEntry.from)})`;
    rule = `catalogue[${line.itemCode}].firstSelfPay`;
  } else if (entry?.firstSelfPay !== undefined) {
    ratio = entry.firstSelfPay;
    why = `item ${line.itemCode} (${describeBasis(policy, entry.basis)})`;
    rule = `items.catalogue[${line.itemCode}].firstSelfPay`;
  } else if (special) {
    ratio = special.firstSelfPay!;
    why = `special item ${special.name} (${describeBasis(policy, special.basis)})`;
    rule = `items.special[${special.id}]`;
  } else if (itemClass === 'B') {
    const byCategory = policy.items.classB.byCategory[line.category];
    ratio = byCategory ?? policy.items.classB.firstSelfPay;
    why = `${byCategory !== undefined ? `乙类 ${line.category}` : '乙类'} (${describeBasis(policy, policy.items.classB.basis)})`;
    rule = byCategory !== undefined ? `items.classB.byCategory.${line.category}` : 'items.classB.firstSelfPay';
  }
  const firstSelfPay = applyRatio(withinLimit, ratio);
  if (ratio > 0) notes.push(`先行自付 ${pct(ratio)} for ${why}: ${fenToYuan(firstSelfPay)}`);
  if (firstSelfPay > 0) rules.firstSelfPay = rule;
  return { itemClass, outOfCatalogue: 0, overLimit, firstSelfPay, covered: withinLimit - firstSelfPay, notes, rules };
}
