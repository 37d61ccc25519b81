/**
 * Layer 2: basic medical insurance (基本医疗保险) on the policy-covered amount: the deductible
 * (起付线) as the policy makes it repeat across the year, the ratio built from every rule that
 * holds (levels, visit types, member groups, in/out of region, additions, bands), then the annual
 * caps (封顶线).
 */
import { applyRatio, type BasisPoints, type Fen } from '../../money/fen.ts';
import { payByBands, type Band, type BandPortion } from '../bands.ts';
import { shareOut } from '../cells.ts';
import { holds } from '../conditions.ts';
import { atLevel, type BenefitPolicy } from '../policy.ts';
import { because, clampRatio, pay, pct, room, yuan, type ClaimAxes, type Work } from '../work.ts';

type DeductibleRule = BenefitPolicy['basic']['deductibles'][number];

/**
 * The pool's year by date of admission (service), not by the order claims were settled in (12.5e):
 * each claim records itself on its date with its level's amount (`<pool>.on.<date>.<fen>`, a count),
 * and a reversal takes that record back, so a June stay settled again after July's is the first
 * admission of the year again, and sets the year's deductible if the mode says the first claim does.
 * Claims on the same date keep the order they were settled in. Claims settled before dates were kept
 * (`.claims` above the dated ones) count as earlier, and their year's deductible is the `.target` counter.
 */
function poolByDate(work: Work, pool: string, claimsBefore: number, amount: Fen) {
  const date = work.bill.visit.serviceDate;
  let dated = 0;
  let earlier = 0;
  let earliest: { date: string; amount: Fen } | undefined;
  let highest = 0;
  for (const [key, count] of work.ytd.withPrefix(`${pool}.on.`)) {
    if (count <= 0) continue;
    const [day, fen] = key.split('.') as [string, string];
    dated += count;
    if (day <= date) earlier += count;
    if (!earliest || day < earliest.date) earliest = { date: day, amount: Number(fen) };
    highest = Math.max(highest, Number(fen));
  }
  work.ytd.add(`${pool}.on.${date}.${amount}`, 1);
  const legacy = Math.max(0, claimsBefore - dated);
  return { position: legacy + earlier, legacy, firstAmount: earliest && earlier > 0 ? earliest.amount : undefined, highest };
}

/** The deductible this claim owes under its rule and the year so far; moves the rule's counters. */
function deductibleDue(work: Work, rule: DeductibleRule): { due: Fen; how: string } {
  const { ytd, facts } = work;
  const amount = atLevel(rule.amount, facts.level);
  const pool = `basic.deductible.${rule.id}`;
  const claimsBefore = ytd.get(`${pool}.claims`);
  const paidBefore = ytd.get(`${pool}.paid`);
  ytd.add(`${pool}.claims`, 1);
  const by = work.bill.visit.type === 'inpatient' ? 'admission' : 'service';
  switch (rule.repeat.mode) {
    case 'per-claim':
      return { due: amount, how: `${yuan(amount)} on every claim at ${facts.level} level` };
    case 'by-sequence': {
      const { position } = poolByDate(work, pool, claimsBefore, amount);
      const factors = rule.repeat.factors;
      const factor = factors[Math.min(position, factors.length - 1)]!;
      return {
        due: applyRatio(amount, factor),
        how: `claim no. ${position + 1} of the year by date of ${by} pays ${pct(factor)} of ${yuan(amount)}`,
      };
    }
    case 'once-a-year': {
      // The year's deductible is fixed by the level of its first claim by date.
      const { position, legacy, firstAmount } = poolByDate(work, pool, claimsBefore, amount);
      const target = position === 0 ? amount : legacy > 0 ? ytd.get(`${pool}.target`) : (firstAmount ?? amount);
      if (position === 0) ytd.raiseTo(`${pool}.target`, target);
      return {
        due: Math.max(0, target - paidBefore),
        how: `once a year: ${yuan(target)} for the year (its first claim by date of ${by}), ${yuan(paidBefore)} met before`,
      };
    }
    case 'highest-level': {
      // The highest level among the year's remaining claims (a reversed one no longer counts).
      const { highest } = poolByDate(work, pool, claimsBefore, amount);
      const target = Math.max(ytd.get(`${pool}.target`), highest, amount);
      ytd.raiseTo(`${pool}.target`, target);
      return {
        due: Math.max(0, target - paidBefore),
        how: `once a year at the highest level reached: ${yuan(target)}, ${yuan(paidBefore)} met before`,
      };
    }
  }
}

/**
 * Where basic's caps stopped it, on the cost axis (12.5c): the covered cost whose payment fits in
 * what basic paid is inside the caps, the rest beyond them. With a cap cut, the payment is shared
 * between the coinsured part and the items at their own ratio in proportion (as on the lines), and
 * each part's cost inside the cap is found by running its bands (or its ratio) back from its share.
 */
function axesOf(a: {
  coveredAll: Fen;
  deductible: Fen;
  portions: readonly BandPortion[];
  coinsured: Fen;
  ownCovered: Fen;
  ownTotal: Fen;
  paid: Fen;
  firstSelfPay: Fen;
}): ClaimAxes {
  let within = a.coveredAll - a.deductible;
  if (a.paid < a.coinsured + a.ownTotal) {
    const [toCoinsured, toOwn] = shareOut(a.paid, [a.coinsured, a.ownTotal]) as [Fen, Fen];
    let cost = 0;
    let reached = 0;
    for (const p of a.portions) {
      if (reached >= toCoinsured) break;
      if (reached + p.pay <= toCoinsured) {
        cost += p.to - p.from;
        reached += p.pay;
      } else {
        cost += p.ratio > 0 ? Math.floor(((toCoinsured - reached) * 10_000) / p.ratio) : 0;
        break;
      }
    }
    const ownWithin = a.ownTotal > 0 ? Math.floor((a.ownCovered * toOwn) / a.ownTotal) : 0;
    within = cost + ownWithin;
  }
  const aboveCap = Math.max(0, a.coveredAll - a.deductible - within);
  return { covered: a.coveredAll, burdenWithinCap: a.coveredAll - aboveCap - a.paid, aboveCap, firstSelfPay: a.firstSelfPay };
}

/** The ratio (or bands) from every rule that holds: the last `set`/`bands` is the base, every `add` adds. */
type LimitsOn = 'above-deductible' | 'gross';

function ratioFor(work: Work): {
  bands: Band[];
  measuredOn: 'claim' | 'year';
  limitsOn: LimitsOn;
  ruleId?: string;
  add: BasisPoints;
  applied: string[];
} {
  const { policy, facts } = work;
  let base: { bands: Band[]; measuredOn: 'claim' | 'year'; limitsOn: LimitsOn; ruleId: string } | undefined;
  let add = 0;
  const applied: string[] = [];
  for (const rule of policy.basic.ratios) {
    if (!holds(rule.when, facts)) continue;
    const path = `basic.ratios[${rule.id}]`;
    applied.push(path);
    if (rule.set !== undefined) {
      const ratio = atLevel(rule.set, facts.level);
      base = { bands: [{ ratio }], measuredOn: 'claim', limitsOn: 'above-deductible', ruleId: rule.id };
      work.steps.push({
        layer: 'basic',
        figure: 'ratio',
        ratioBp: ratio,
        rule: path,
        basis: rule.basis,
        text: `ratio ${pct(ratio)} (${rule.id})`,
      });
    } else if (rule.bands !== undefined) {
      base = { bands: rule.bands.bands, measuredOn: rule.bands.measuredOn, limitsOn: rule.bands.limitsOn, ruleId: rule.id };
      work.steps.push({
        layer: 'basic',
        figure: 'ratio',
        rule: path,
        basis: rule.basis,
        text: `ratio by band of the ${rule.bands.limitsOn === 'gross' ? 'covered amount, deductible included,' : 'amount above the deductible'} (in the ${rule.bands.measuredOn}): ${rule.bands.bands.map((b) => `${b.upTo === undefined ? 'above' : `to ${yuan(b.upTo)}`} ${pct(b.ratio)}`).join(', ')}`,
      });
    } else if (rule.add !== undefined) {
      const points = atLevel(rule.add, facts.level);
      add += points;
      work.steps.push({
        layer: 'basic',
        figure: 'ratio addition',
        ratioBp: points,
        rule: path,
        basis: rule.basis,
        text: `${points >= 0 ? '+' : ''}${points / 100} points (${rule.id})`,
      });
    }
  }
  if (!base) return { bands: [{ ratio: 0 }], measuredOn: 'claim', limitsOn: 'above-deductible', add: 0, applied: [] };
  return { ...base, add, applied };
}

export function settleBasic(work: Work): void {
  const { policy, facts, ytd, cells } = work;
  const coveredPerLine = Array.from({ length: cells.lineCount }, (_, i) => cells.line('covered', i));
  // Lines with a fund ratio of their own (12.5a) stay outside the deductible and the ratio rules.
  const ownRatio = work.fundRatios;
  const hasOwn = ownRatio.some((r) => r !== undefined);
  const coinsuredPerLine = hasOwn ? coveredPerLine.map((c, i) => (ownRatio[i] === undefined ? c : 0)) : coveredPerLine;
  const covered = coinsuredPerLine.reduce((a, b) => a + b, 0);

  // Deductible (起付线).
  let deductible = 0;
  const rule = policy.basic.deductibles.find((d) => holds(d.when, facts));
  if (rule) {
    const { due, how } = deductibleDue(work, rule);
    deductible = Math.min(covered, due);
    ytd.add(`basic.deductible.${rule.id}.paid`, deductible);
    if (deductible > 0) because(work, 'deductible', `basic.deductibles[${rule.id}]`);
    work.steps.push({
      layer: 'basic',
      figure: 'deductible',
      amountFen: deductible,
      rule: `basic.deductibles[${rule.id}]`,
      basis: rule.basis,
      text: `deductible ${yuan(deductible)} (${how}; due ${yuan(due)}, covered ${yuan(covered)}${hasOwn ? " in the claim's coinsurance" : ''})`,
    });
  }
  work.deductible = shareOut(deductible, coinsuredPerLine);
  const payable = covered - deductible;

  // Ratio, possibly by bands.
  const ratio = ratioFor(work);
  if (!ratio.ruleId)
    work.steps.push({
      layer: 'basic',
      figure: 'ratio',
      ratioBp: 0,
      rule: 'basic.ratios',
      text: 'no ratio rule of the policy holds for this claim: basic pays nothing',
    });
  const bands = ratio.bands.map((b) => ({ ...b, ratio: clampRatio(b.ratio + ratio.add) }));
  const bandCounter = ratio.ruleId ? `basic.band.${ratio.ruleId}` : undefined;
  const start = ratio.measuredOn === 'year' && bandCounter ? ytd.get(bandCounter) : 0;
  // Above the deductible (the default): the claim's payable amount runs along the bands' axis.
  // Gross (12.5b): the whole covered amount does, and only what lies past its deductible is paid.
  const gross = ratio.limitsOn === 'gross';
  const banded = gross
    ? payByBands({ start, amount: covered, threshold: start + deductible, origin: 0, bands })
    : payByBands({ start, amount: payable, threshold: 0, origin: 0, bands });
  if (ratio.measuredOn === 'year' && bandCounter) ytd.add(bandCounter, gross ? covered : payable);
  const coinsured = banded.pay;
  const shown = banded.portions.map((p) => `${yuan(p.to - p.from)} × ${pct(p.ratio)} = ${yuan(p.pay)}`).join(' + ');

  // Items at their own fund ratio: each line's covered amount × its ratio, rounded once per line.
  const ownPay = hasOwn ? coveredPerLine.map((c, i) => (ownRatio[i] === undefined ? 0 : applyRatio(c, ownRatio[i]!))) : [];
  const ownTotal = ownPay.reduce((a, b) => a + b, 0);
  let amount = coinsured + ownTotal;
  work.steps.push({
    layer: 'basic',
    figure: 'payment before caps',
    amountFen: amount,
    rule: 'basic.ratios',
    text: `${gross ? `covered ${yuan(covered)}, bands read from ${yuan(start)} with the deductible ${yuan(deductible)} first` : `(covered ${yuan(covered)} − deductible ${yuan(deductible)})`} → ${shown || '0.00'}${
      hasOwn
        ? `; items at their own fund ratio: ${work.bill.lines
            .map((l, i) =>
              ownRatio[i] === undefined ? '' : `line ${l.lineNo} ${yuan(coveredPerLine[i]!)} × ${pct(ownRatio[i]!)} = ${yuan(ownPay[i]!)}`,
            )
            .filter(Boolean)
            .join(', ')}`
        : ''
    }`,
  });

  // Annual caps (封顶线).
  const caps = policy.basic.caps.filter((c) => holds(c.when, facts) && !c.exemptCategories.some((x) => facts.categories.includes(x)));
  const capsCut: string[] = [];
  for (const cap of caps) {
    const left = room(cap.amount, ytd.get(`basic.cap.${cap.id}`));
    if (amount > left) {
      work.steps.push({
        layer: 'basic',
        figure: 'cap',
        amountFen: left,
        rule: `basic.caps[${cap.id}]`,
        basis: cap.basis,
        text: `annual cap ${yuan(cap.amount)}: ${yuan(left)} left this year, payment cut from ${yuan(amount)}`,
      });
      because(work, 'basic', `basic.caps[${cap.id}]`);
      capsCut.push(`basic.caps[${cap.id}]`);
      amount = left;
    }
  }
  for (const cap of caps) ytd.add(`basic.cap.${cap.id}`, amount);
  ytd.add('basic.paid', amount);
  work.axes = axesOf({
    coveredAll: covered + (hasOwn ? coveredPerLine.reduce((a, b) => a + b, 0) - covered : 0),
    deductible,
    portions: banded.portions,
    coinsured,
    ownCovered: hasOwn ? coveredPerLine.reduce((a, b, i) => a + (ownRatio[i] === undefined ? 0 : b), 0) : 0,
    ownTotal,
    paid: amount,
    firstSelfPay: work.axes.firstSelfPay,
  });

  // Shared over the lines: the coinsured part by what each line has above its share of the
  // deductible, the own-ratio part by each item's own payment (a cap cuts both in proportion).
  const weights = coinsuredPerLine.map((c, i) => c - work.deductible[i]!);
  if (amount > 0 && coinsured > 0) for (const path of ratio.applied) because(work, 'basic', path);
  if (!hasOwn) {
    const perLine = amount === 0 ? weights.map(() => 0) : cells.takeByWeights(amount, 'covered', weights);
    perLine.forEach((v, i) => {
      work.paid.basic[i] = work.paid.basic[i]! + v;
    });
  } else {
    const [toCoinsured, toOwn] = shareOut(amount, [coinsured, ownTotal]) as [number, number];
    const a = shareOut(toCoinsured, weights);
    const b = shareOut(toOwn, ownPay);
    const perLine = cells.takeByWeights(
      amount,
      'covered',
      a.map((v, i) => v + b[i]!),
    );
    perLine.forEach((v, i) => {
      work.paid.basic[i] = work.paid.basic[i]! + v;
      if (ownRatio[i] !== undefined && v > 0) work.lineRules[i] = { basic: [work.scopedRules[i]!, ...capsCut].join(' + ') };
    });
  }
  work.steps.push({ layer: 'basic', figure: 'payment', amountFen: amount, rule: 'basic', text: `基本医保 pays ${yuan(amount)}` });
}

/**
 * Per-bed-day stays (按床日付费: hospice, home sickbed, elderly-care institutions): the stay is
 * paid at the programme's standard × days; the patient and the fund share the standard by the
 * patient's ratio; covered cost above the standard is the institution's.
 */
export function settleBedDay(work: Work): void {
  const { policy, facts, ytd, cells, bill } = work;
  const cover = policy.visits['bed-day']!;
  const programme = cover.programmes.find((p) => p.id === bill.visit.bedDay!.programme)!;
  const days = bill.visit.bedDay!.days;
  const perDay = atLevel(programme.standardPerDay, facts.level);
  const standard = perDay * days;
  const covered = cells.total(['covered']);
  const base = Math.min(covered, standard);
  const institution = covered - base;
  const programmePath = `visits.bed-day.programmes[${programme.id}]`;
  if (institution > 0) {
    because(work, 'institution', programmePath);
    const perLine = cells.take(institution, ['covered']);
    perLine.forEach((v, i) => {
      work.institution[i] = work.institution[i]! + v;
    });
  }
  let fund = applyRatio(base, 10_000 - programme.patientShare);
  work.steps.push({
    layer: 'bed-day',
    figure: 'standard',
    amountFen: base,
    rule: `visits.bed-day.programmes[${programme.id}]`,
    basis: programme.basis,
    text: `${programme.name}: standard ${yuan(perDay)} × ${days} days = ${yuan(standard)}; covered ${yuan(covered)}; ${yuan(institution)} above the standard is the institution's; patient share ${pct(programme.patientShare)}, fund ${yuan(base)} × ${pct(10_000 - programme.patientShare)} = ${yuan(fund)}`,
  });
  const caps = policy.basic.caps.filter((c) => holds(c.when, facts) && !c.exemptCategories.some((x) => facts.categories.includes(x)));
  for (const cap of caps) {
    const left = room(cap.amount, ytd.get(`basic.cap.${cap.id}`));
    if (fund > left) {
      work.steps.push({
        layer: 'basic',
        figure: 'cap',
        amountFen: left,
        rule: `basic.caps[${cap.id}]`,
        basis: cap.basis,
        text: `annual cap ${yuan(cap.amount)}: ${yuan(left)} left, payment cut from ${yuan(fund)}`,
      });
      because(work, 'basic', `basic.caps[${cap.id}]`);
      fund = left;
    }
  }
  for (const cap of caps) ytd.add(`basic.cap.${cap.id}`, fund);
  ytd.add('basic.paid', fund);
  work.axes = { covered: base, burdenWithinCap: base - fund, aboveCap: 0, firstSelfPay: work.axes.firstSelfPay };
  pay(work, 'basic', fund, ['covered'], programmePath);
  work.steps.push({
    layer: 'basic',
    figure: 'payment',
    amountFen: fund,
    rule: 'visits.bed-day',
    text: `基本医保 pays ${yuan(fund)} of the bed-day standard`,
  });
}
