/**
 * Layer 4: medical assistance (医疗救助) for members in a category, on the covered self-pay left
 * after basic and catastrophic: the category's annual deductible, ratio and limit, or the major
 * disease list's own ratio and limit when the principal diagnosis is on it (重特大疾病); then an
 * optional second, tilted round (倾斜救助) on what still remains, above a yearly threshold.
 */
import { applyRatio } from '../../money/fen.ts';
import { payByBands } from '../bands.ts';
import type { BasePart, BenefitPolicy } from '../policy.ts';
import { because, pay, pct, room, yuan, partsText, type Work } from '../work.ts';

type Assistance = NonNullable<BenefitPolicy['assistance']>;

function majorDisease(work: Work, terms: Assistance) {
  const principal = work.bill.diagnoses.principal;
  return terms.majorDiseases?.diseases.find(
    (d) =>
      d.icd10.some((prefix) => principal.startsWith(prefix)) &&
      (d.ageBelow === undefined || work.facts.ageYears < d.ageBelow) &&
      (d.sex === undefined || d.sex === work.member.sex),
  );
}

export function settleAssistance(work: Work): void {
  const { policy, facts, ytd, cells } = work;
  const terms = policy.assistance;
  if (!terms?.visitTypes.includes(facts.visitType)) return;
  const category = terms.categories.find((t) => t.categories.some((c) => facts.categories.includes(c)));
  if (!category) return;

  const parts: BasePart[] = terms.includeFirstSelfPay ? ['covered', 'firstSelfPay'] : ['covered'];
  const base = cells.total(parts);
  const due = room(category.deductible, ytd.get('assistance.deductible'));
  const deductible = Math.min(base, due);
  ytd.add('assistance.deductible', deductible);

  const major = majorDisease(work, terms);
  // The major-disease ratio raises a member's assistance, never lowers it (12.5d): a 低保 member
  // whose ratio is above the list's keeps it, so a cancer patient never gets less than a
  // heart-attack patient on the same bill. The list's own annual limit still applies.
  const categoryKept = major !== undefined && category.ratio > terms.majorDiseases!.ratio;
  const ratio = major ? Math.max(terms.majorDiseases!.ratio, category.ratio) : category.ratio;
  const rulePath = major ? `assistance.majorDiseases[${major.code}]` : `assistance.categories[${category.id}]`;
  let amount = applyRatio(base - deductible, ratio);
  work.steps.push({
    layer: 'assistance',
    figure: 'payment before limit',
    amountFen: amount,
    ratioBp: ratio,
    rule: rulePath,
    basis: major ? terms.majorDiseases!.basis : category.basis,
    text: `category ${category.categories.filter((c) => facts.categories.includes(c)).join('/')} (terms ${category.id}): (${partsText(parts)} ${yuan(base)} − deductible ${yuan(deductible)}) × ${pct(ratio)}${major ? ` (重特大疾病 ${major.name}${categoryKept ? `: the category's ${pct(category.ratio)} is above the list's ${pct(terms.majorDiseases!.ratio)} and is kept` : ''})` : ''} = ${yuan(amount)}`,
  });

  const limited =
    major && terms.majorDiseases!.annualLimit !== undefined
      ? { limit: terms.majorDiseases!.annualLimit, counter: 'assistance.major.paid', rule: 'assistance.majorDiseases.annualLimit' }
      : category.annualLimit !== undefined
        ? { limit: category.annualLimit, counter: 'assistance.paid', rule: `assistance.categories[${category.id}].annualLimit` }
        : undefined;
  if (limited) {
    const left = room(limited.limit, ytd.get(limited.counter));
    if (amount > left) {
      work.steps.push({
        layer: 'assistance',
        figure: 'limit',
        amountFen: left,
        rule: limited.rule,
        text: `annual limit ${yuan(limited.limit)}: ${yuan(left)} left, payment cut from ${yuan(amount)}`,
      });
      amount = left;
    }
  }
  ytd.add('assistance.paid', amount);
  if (major) ytd.add('assistance.major.paid', amount);
  pay(work, 'assistance', amount, parts, rulePath);
  if (categoryKept && amount > 0) because(work, 'assistance', `assistance.categories[${category.id}]`);
  work.steps.push({ layer: 'assistance', figure: 'payment', amountFen: amount, rule: 'assistance', text: `医疗救助 pays ${yuan(amount)}` });

  const tilted = terms.tilted;
  if (!tilted?.categories.some((c) => facts.categories.includes(c))) return;
  const remaining = cells.total(parts);
  const start = ytd.get('assistance.tilted.base');
  const banded = payByBands({
    start,
    amount: remaining,
    threshold: tilted.threshold,
    origin: tilted.threshold,
    bands: [{ ratio: tilted.ratio }],
  });
  let second = banded.pay;
  ytd.add('assistance.tilted.base', remaining);
  if (tilted.annualLimit !== undefined) second = Math.min(second, room(tilted.annualLimit, ytd.get('assistance.tilted.paid')));
  ytd.add('assistance.tilted.paid', second);
  pay(work, 'assistanceTilted', second, parts, 'assistance.tilted');
  work.steps.push({
    layer: 'assistanceTilted',
    figure: 'payment',
    amountFen: second,
    ratioBp: tilted.ratio,
    rule: 'assistance.tilted',
    basis: tilted.basis,
    text: `倾斜救助: what remains (${yuan(remaining)}) takes the year from ${yuan(start)} to ${yuan(start + remaining)}; above ${yuan(tilted.threshold)} at ${pct(tilted.ratio)}${tilted.annualLimit !== undefined ? `, within ${yuan(tilted.annualLimit)} a year` : ''}: ${yuan(second)}`,
  });
}
