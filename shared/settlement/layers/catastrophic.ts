/**
 * Layer 3: catastrophic illness insurance (大病保险) on the covered self-pay basic leaves (and the
 * first self-pay, where the region counts it), summed over the year: above the annual deductible,
 * paid band by band. Categories (poor members) get their own terms: a share of the deductible,
 * points added to every band, a floor under every band, no cap. Employees' 大额医疗费用补助 is the
 * same layer reading another axis (12.5c): e.g. `basic-above-cap`, the covered cost beyond basic's
 * annual cap; it still pays only out of what the patient owes.
 */
import { applyRatio } from '../../money/fen.ts';
import { payByBands } from '../bands.ts';
import type { BasePart } from '../policy.ts';
import { axisAmount, axisText, because, clampRatio, pay, pct, room, yuan, partsText, type Work } from '../work.ts';

export function settleCatastrophic(work: Work): void {
  const { policy, facts, ytd, cells } = work;
  const terms = policy.catastrophic;
  if (!terms?.visitTypes.includes(facts.visitType)) return;

  const parts: BasePart[] = terms.includeFirstSelfPay ? ['covered', 'firstSelfPay'] : ['covered'];
  const base = axisAmount(work, terms.axis, terms.includeFirstSelfPay);
  const owed = cells.total(parts);
  const category = terms.categoryTerms.find((t) => t.categories.some((c) => facts.categories.includes(c)));
  const deductible = category?.deductibleShare !== undefined ? applyRatio(terms.deductible, category.deductibleShare) : terms.deductible;
  const bands = terms.bands.map((b) => ({
    ...b,
    ratio: clampRatio(Math.max(b.ratio + (category?.ratioAdd ?? 0), category?.ratioAtLeast ?? 0)),
  }));
  if (category) {
    work.steps.push({
      layer: 'catastrophic',
      figure: 'category terms',
      rule: `catastrophic.categoryTerms[${category.id}]`,
      basis: category.basis,
      text: `category ${category.categories.filter((c) => facts.categories.includes(c)).join('/')} (terms ${category.id}): deductible ${yuan(deductible)}${category.deductibleShare !== undefined ? ` (${pct(category.deductibleShare)} of ${yuan(terms.deductible)})` : ''}; bands ${bands.map((b) => pct(b.ratio)).join(', ')}${category.uncapped ? '; no cap' : ''}`,
    });
  }

  const start = ytd.get('catastrophic.base');
  const origin = terms.bandsMeasuredOn === 'gross' ? 0 : deductible;
  const banded = payByBands({ start, amount: base, threshold: deductible, origin, bands });
  // Read on another layer's axis, the bands may find more than the patient still owes: never pay more.
  let amount = Math.min(banded.pay, owed);
  ytd.add('catastrophic.base', base);
  const shown = banded.portions.map((p) => `${yuan(p.to - p.from)} × ${pct(p.ratio)} = ${yuan(p.pay)}`).join(' + ');
  work.steps.push({
    layer: 'catastrophic',
    figure: 'payment before cap',
    amountFen: amount,
    rule: 'catastrophic',
    basis: terms.basis,
    text: `base ${terms.axis === 'self-pay' ? partsText(parts) : `${axisText[terms.axis]}${terms.includeFirstSelfPay && terms.axis !== 'basic-above-cap' ? ' + 先行自付' : ''}`} ${yuan(base)} takes the year from ${yuan(start)} to ${yuan(start + base)}; deductible ${yuan(deductible)}; bands measured on the ${terms.bandsMeasuredOn === 'gross' ? 'gross base' : 'amount above the deductible'}: ${shown || 'nothing above the deductible'}${amount < banded.pay ? `; cut to what the patient owes, ${yuan(amount)}` : ''}`,
  });

  if (terms.cap !== undefined && !category?.uncapped) {
    const left = room(terms.cap, ytd.get('catastrophic.paid'));
    if (amount > left) {
      work.steps.push({
        layer: 'catastrophic',
        figure: 'cap',
        amountFen: left,
        rule: 'catastrophic.cap',
        basis: terms.basis,
        text: `annual cap ${yuan(terms.cap)}: ${yuan(left)} left, payment cut from ${yuan(amount)}`,
      });
      because(work, 'catastrophic', 'catastrophic.cap');
      amount = left;
    }
  }
  ytd.add('catastrophic.paid', amount);
  if (category && amount > 0) because(work, 'catastrophic', `catastrophic.categoryTerms[${category.id}]`);
  pay(work, 'catastrophic', amount, parts, 'catastrophic.bands');
  work.steps.push({
    layer: 'catastrophic',
    figure: 'payment',
    amountFen: amount,
    rule: 'catastrophic',
    text: `${terms.name ?? '大病保险'} pays ${yuan(amount)}`,
  });
}
