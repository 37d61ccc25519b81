/**
 * Layer 3b: subsidies (公务员医疗补助 and the like) for members a condition names, after the
 * catastrophic layer and before assistance. A plan is a sum of parts, each reading a cost axis of
 * basic's (12.5c) with its own annual deductible and bands: e.g. the personal burden inside basic's
 * caps above 1,000 yuan a year at 80%, plus 10% of the covered cost between basic's cap and a
 * second one. It pays out of what the patient still owes, within its annual cap.
 */
import { payByBands } from '../bands.ts';
import { holds } from '../conditions.ts';
import type { BasePart } from '../policy.ts';
import { axisAmount, axisText, pay, pct, room, yuan, type Work } from '../work.ts';

export function settleSubsidies(work: Work): void {
  const { policy, facts, ytd, cells } = work;
  for (const plan of policy.subsidies) {
    if (!holds(plan.when, facts)) continue;
    const parts: BasePart[] = plan.parts.some((p) => p.includeFirstSelfPay) ? ['covered', 'firstSelfPay'] : ['covered'];
    let computed = 0;
    const shown: string[] = [];
    for (const part of plan.parts) {
      const counter = `subsidy.${plan.id}.${part.id}.base`;
      const amount = axisAmount(work, part.axis, part.includeFirstSelfPay);
      const start = ytd.get(counter);
      const origin = part.bandsMeasuredOn === 'gross' ? 0 : part.deductible;
      const banded = payByBands({ start, amount, threshold: part.deductible, origin, bands: part.bands });
      ytd.add(counter, amount);
      computed += banded.pay;
      shown.push(`${part.id} ${yuan(banded.pay)}`);
      work.steps.push({
        layer: 'subsidy',
        figure: 'part',
        amountFen: banded.pay,
        rule: `subsidies[${plan.id}].parts[${part.id}]`,
        basis: part.basis,
        text: `${plan.name}, ${part.id}: ${axisText[part.axis]}${part.includeFirstSelfPay ? ' + 先行自付' : ''} ${yuan(amount)} takes the year from ${yuan(start)} to ${yuan(start + amount)}; deductible ${yuan(part.deductible)}: ${
          banded.portions.map((p) => `${yuan(p.to - p.from)} × ${pct(p.ratio)} = ${yuan(p.pay)}`).join(' + ') || 'nothing above it'
        }`,
      });
    }
    const owed = cells.total(parts);
    let amount = Math.min(computed, owed);
    const capped = plan.annualCap !== undefined && amount > room(plan.annualCap, ytd.get(`subsidy.${plan.id}.paid`));
    if (plan.annualCap !== undefined) amount = Math.min(amount, room(plan.annualCap, ytd.get(`subsidy.${plan.id}.paid`)));
    ytd.add(`subsidy.${plan.id}.paid`, amount);
    pay(work, 'subsidy', amount, parts, `subsidies[${plan.id}]`);
    work.steps.push({
      layer: 'subsidy',
      figure: 'payment',
      amountFen: amount,
      rule: `subsidies[${plan.id}]`,
      basis: plan.basis,
      text: `${plan.name}: ${shown.join(' + ')} = ${yuan(computed)}${computed > owed ? `, cut to what the patient owes (${yuan(owed)})` : ''}${capped ? `, cut by the annual cap ${yuan(plan.annualCap!)}` : ''}: pays ${yuan(amount)}`,
    });
  }
}
