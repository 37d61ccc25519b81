/**
 * Layer 1 of a settlement: what on each line is the patient's before any fund looks at it.
 *  - 丙 (C) items, and lines a visit type does not cover, are out of catalogue: self-paid whole;
 *  - a unit price above the price limit (超限价): the excess is self-paid;
 *  - 乙 (B) items: the first self-pay share (乙类先行自付) of what is within the limit, at the
 *    item's own ratio, else a special item's, else its category's, else the class default;
 *    special items (imported implants, relaxed exams) carry their ratio whatever their class;
 *  - what remains is the policy-covered amount (政策范围内费用) the layers work on;
 *  - an item with its own fund ratio (from the catalogue register, the region's catalogue entry or a
 *    special item) carries it on the scoped line: basic pays that line at that ratio, outside the
 *    claim's deductible and coinsurance (layers/basic.ts).
 */
import { applyRatio, type BasisPoints, type Fen } from '../money/fen.ts';
import { fenToYuan } from '../money/fen.ts';
import type { BillLine } from './bill.ts';
import { lineAmount } from './quantity.ts';
import type { BenefitPolicy, Basis, ItemClass, LineCategory } from './policy.ts';

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
}

/**
 * Fund ratios of items by item code, from outside the policy document (the catalogue register's
 * entries, fed by the settlement handler): they win over the document's catalogue and special items.
 */
export type ItemFundRatios = Readonly<Record<string, BasisPoints>>;

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

export function scopeLine(
  line: BillLine,
  policy: BenefitPolicy,
  onlyCategories: readonly LineCategory[] | undefined,
  itemFundRatios?: ItemFundRatios,
): ScopedLine {
  const amount = line.amountFen;
  const entry = catalogueOf(policy).get(line.itemCode);
  const itemClass = entry?.class ?? line.itemClass;
  const notes: string[] = [];
  if (entry?.class && entry.class !== line.itemClass)
    notes.push(`class ${entry.class} per the region's catalogue (billed as ${line.itemClass})`);

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
  const limits = [line.priceLimitFen, entry?.priceLimit].filter((x): x is Fen => x !== undefined);
  let withinLimit = amount;
  const rules: ScopedLine['rules'] = {};
  if (limits.length > 0) {
    const limit = Math.min(...limits);
    if (line.unitPriceFen > limit) {
      withinLimit = Math.min(amount, lineAmount(limit, line.quantity));
      notes.push(
        `超限价: unit price ${fenToYuan(line.unitPriceFen)} above the limit ${fenToYuan(limit)}; ${fenToYuan(amount - withinLimit)} self-paid`,
      );
      rules.overLimit =
        entry?.priceLimit === limit
          ? `items.catalogue[${line.itemCode}].priceLimit`
          : 'line priceLimitFen (the catalogue limit the HIS sent)';
    }
  }
  const overLimit = amount - withinLimit;

  let ratio: BasisPoints = 0;
  let why = '';
  let rule = '';
  const special = policy.items.special.find((s) => s.firstSelfPay !== undefined && matches(s, line));
  if (entry?.firstSelfPay !== undefined) {
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
  const scoped: ScopedLine = { itemClass, outOfCatalogue: 0, overLimit, firstSelfPay, covered: withinLimit - firstSelfPay, notes, rules };
  const fundRatio = fundRatioOf(line, policy, entry, itemFundRatios);
  if (fundRatio) {
    notes.push(`fund ratio ${pct(fundRatio.ratio)} of its own (${fundRatio.rule}), outside the claim's deductible and coinsurance`);
    scoped.fundRatio = fundRatio;
  }
  return scoped;
}
