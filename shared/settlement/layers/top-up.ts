/**
 * Layer 5: supplementary cover (补充医疗保险, 惠民保 such as 舟惠保, or a poverty top-up) on the
 * parts of what the patient still owes that its terms name; then the family self-pay cap
 * (困难人员家庭自付封顶): above a yearly amount the member pays nothing more on its base.
 */
import { applyRatio } from '../../money/fen.ts';
import { payByBands } from '../bands.ts';
import { pay, pct, room, yuan, partsText, type Work } from '../work.ts';

export function settleSupplementary(work: Work): void {
  const { policy, facts, ytd, cells, member } = work;
  for (const plan of policy.supplementary) {
    const eligible =
      (plan.eligibility.plans ?? []).some((p) => member.supplementaryPlans.includes(p)) ||
      (plan.eligibility.categories ?? []).some((c) => facts.categories.includes(c));
    if (!eligible || !plan.visitTypes.includes(facts.visitType)) continue;
    const counter = `supplementary.${plan.id}`;
    const base = cells.total(plan.base);
    const deductible = Math.min(base, room(plan.deductible, ytd.get(`${counter}.deductible`)));
    ytd.add(`${counter}.deductible`, deductible);
    let amount = applyRatio(base - deductible, plan.ratio);
    const computed = amount;
    if (plan.annualCap !== undefined) amount = Math.min(amount, room(plan.annualCap, ytd.get(`${counter}.paid`)));
    ytd.add(`${counter}.paid`, amount);
    pay(work, 'supplementary', amount, plan.base, `supplementary[${plan.id}]`);
    work.steps.push({
      layer: 'supplementary',
      figure: 'payment',
      amountFen: amount,
      ratioBp: plan.ratio,
      rule: `supplementary[${plan.id}]`,
      basis: plan.basis,
      text: `${plan.name}: (${partsText(plan.base)} ${yuan(base)} − deductible ${yuan(deductible)}) × ${pct(plan.ratio)} = ${yuan(computed)}${amount < computed ? `, cut to ${yuan(amount)} by the annual cap ${yuan(plan.annualCap!)}` : ''}`,
    });
  }
}

/**
 * Counted per household, the year is the household's: its `familyCap.base` is every member's counted
 * self-pay so far, and this claim adds to it. The member's own counters still record its share, so a
 * member who leaves keeps what it counted as its own household of one.
 */
export function settleFamilyCap(work: Work): void {
  const { policy, facts, ytd, cells } = work;
  const cap = policy.familyCap;
  if (!cap?.categories.some((c) => facts.categories.includes(c))) return;
  const household = cap.per === 'household' ? work.household : undefined;
  const year = household?.ytd ?? ytd;
  const base = cells.total(cap.base);
  const start = year.get('familyCap.base');
  const { pay: amount } = payByBands({ start, amount: base, threshold: cap.annualCap, origin: cap.annualCap, bands: [{ ratio: 10_000 }] });
  year.add('familyCap.base', base);
  year.add('familyCap.paid', amount);
  if (household) {
    ytd.add('familyCap.base', base);
    ytd.add('familyCap.paid', amount);
  }
  pay(work, 'familyCap', amount, cap.base, 'familyCap');
  work.steps.push({
    layer: 'familyCap',
    figure: 'payment',
    amountFen: amount,
    rule: 'familyCap',
    basis: cap.basis,
    text: `家庭自付封顶 ${yuan(cap.annualCap)} a year on ${partsText(cap.base)}: the ${household ? `household ${household.householdId}'s` : "member's"} year goes from ${yuan(start)} to ${yuan(start + base)}; ${yuan(amount)} above the cap is paid`,
  });
}
