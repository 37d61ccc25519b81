/**
 * The contribution mechanism: what an enrolment owes and who bears which part (by the region's
 * policy), and how a recorded payment is split into those parts.
 *
 * A year's contribution has four shares, all integer fen:
 *   individual  what the member pays (after any subsidy of their category)
 *   employer    what the employer pays (employees through an employer)
 *   government  the per-capita fiscal subsidy (residents), plus a category subsidy a finance bureau pays
 *   assistance  a category subsidy the medical-assistance fund pays (资助参保)
 * The member and employer shares are collected (the "payable" part); the two public shares are
 * booked with the contribution that completes the payable part. An enrolment is covered once the
 * payable part reaches its activation threshold, or at once when nothing is payable at all (fully
 * subsidised, e.g. 特困 and 低保 in Fuxin).
 */
import { allocate, applyRatio, type Fen } from '../money/fen.ts';
import type { ContributionPolicy, SubsidyPayer, SubsidyRule } from './policy.ts';
import { monthsToYearEnd } from './periods.ts';

export interface Shares {
  individualFen: Fen;
  employerFen: Fen;
  governmentFen: Fen;
  assistanceFen: Fen;
}

export const ZERO_SHARES: Shares = { individualFen: 0, employerFen: 0, governmentFen: 0, assistanceFen: 0 };

export const totalOf = (s: Shares): Fen => s.individualFen + s.employerFen + s.governmentFen + s.assistanceFen;
export const payableOf = (s: Shares): Fen => s.individualFen + s.employerFen;

export type Scheme = 'employee' | 'resident';
export type EmployeeKind = 'employer' | 'flexible';

export interface DueInput {
  scheme: Scheme;
  employeeKind?: EmployeeKind | undefined;
  /** The employee's declared monthly contribution base; held between the policy's floor and ceiling. */
  monthlyBaseFen?: Fen | undefined;
  /** First day of cover: an employee owes the months from here to December. */
  validFrom: string;
  /** Category codes that hold on validFrom. */
  categories: readonly string[];
}

export interface AppliedSubsidy {
  category: string;
  payer: SubsidyPayer;
  amountFen: Fen;
}

export interface Due {
  shares: Shares;
  /** The payable part (individual + employer) that must be in before the enrolment is covered. */
  activationThresholdFen: Fen;
  /** The base actually used (after floor and ceiling), for employees. */
  contributionBaseFen?: Fen | undefined;
  subsidy?: AppliedSubsidy | undefined;
}

function subsidyAmount(rule: SubsidyRule, individual: Fen): Fen {
  if (rule.ratio) return applyRatio(individual, rule.ratio.value);
  return Math.min(rule.fixed!.value, individual);
}

/**
 * The most favourable subsidy among the member's categories: the largest amount; on a tie the
 * rule listed first in the policy (the policy's order is the tie-break, so the result is stable).
 */
export function chooseSubsidy(policy: ContributionPolicy, categories: readonly string[]): AppliedSubsidy | undefined {
  let best: AppliedSubsidy | undefined;
  for (const rule of policy.resident.subsidies) {
    if (!categories.includes(rule.category)) continue;
    const amountFen = subsidyAmount(rule, policy.resident.individual.value);
    if (amountFen > 0 && (!best || amountFen > best.amountFen)) best = { category: rule.category, payer: rule.payer, amountFen };
  }
  return best;
}

/** What one enrolment owes for its year, share by share. */
export function computeDue(policy: ContributionPolicy, input: DueInput): Due {
  if (input.scheme === 'resident') {
    const individual = policy.resident.individual.value;
    const subsidy = chooseSubsidy(policy, input.categories);
    const relief = subsidy?.amountFen ?? 0;
    const shares: Shares = {
      individualFen: individual - relief,
      employerFen: 0,
      governmentFen: policy.resident.governmentSubsidy.value + (subsidy?.payer === 'government' ? relief : 0),
      assistanceFen: subsidy?.payer === 'assistance' ? relief : 0,
    };
    return { shares, activationThresholdFen: payableOf(shares), ...(subsidy ? { subsidy } : {}) };
  }

  const e = policy.employee;
  const base = Math.min(Math.max(input.monthlyBaseFen ?? 0, e.monthlyBaseFloor.value), e.monthlyBaseCeiling.value);
  const months = monthsToYearEnd(input.validFrom);
  const flexible = input.employeeKind === 'flexible';
  // Each figure is rounded once, on the whole period's base (the house rounding rule).
  const employerFen = flexible ? 0 : applyRatio(base * months, e.employerRate.value);
  const individualFen = applyRatio(base * months, flexible ? e.flexibleRate.value : e.individualRate.value);
  const shares: Shares = { individualFen, employerFen, governmentFen: 0, assistanceFen: 0 };
  const oneMonth = flexible
    ? applyRatio(base, e.flexibleRate.value)
    : applyRatio(base, e.employerRate.value) + applyRatio(base, e.individualRate.value);
  const activationThresholdFen = e.activation === 'first-month-paid' ? Math.min(oneMonth, payableOf(shares)) : payableOf(shares);
  return { shares, activationThresholdFen, contributionBaseFen: base };
}

export interface Account {
  due: Shares;
  paid: Shares;
  activationThresholdFen: Fen;
}

export type ContributionOutcome =
  | {
      ok: true;
      /** This payment's split into the four shares (the public shares only on the completing one). */
      split: Shares;
      paidAfter: Shares;
      /** Every share is now paid in full. */
      complete: boolean;
      /** The payable part paid so far reaches the activation threshold. */
      covered: boolean;
    }
  | { ok: false; rule: 'exceeds_outstanding' | 'nothing_to_record'; message: string; outstandingPayableFen: Fen };

/**
 * Splits a recorded payment of `amountFen` (what the collection side received from the member
 * and the employer) between the outstanding employer and individual shares in proportion to
 * what each still owes (largest remainder, so the parts add up to the payment exactly). The
 * payment that leaves nothing payable outstanding also books the government and assistance
 * shares, so the year's record always adds up to the full contribution. A payment of 0 is how the
 * subsidy side books the public shares of a fully subsidised member.
 */
export function recordPayment(account: Account, amountFen: Fen): ContributionOutcome {
  const { due, paid } = account;
  const owedEmployer = due.employerFen - paid.employerFen;
  const owedIndividual = due.individualFen - paid.individualFen;
  const outstandingPayableFen = owedEmployer + owedIndividual;
  const publicBooked = paid.governmentFen === due.governmentFen && paid.assistanceFen === due.assistanceFen;
  if (amountFen > outstandingPayableFen) {
    return {
      ok: false,
      rule: 'exceeds_outstanding',
      message: `the payment exceeds what is still payable (${outstandingPayableFen} fen)`,
      outstandingPayableFen,
    };
  }
  if (amountFen === 0 && (outstandingPayableFen > 0 || publicBooked)) {
    return {
      ok: false,
      rule: 'nothing_to_record',
      message: 'a payment of 0 only books the public shares of a fully paid or fully subsidised enrolment',
      outstandingPayableFen,
    };
  }
  const [employerFen, individualFen] = amountFen === 0 ? [0, 0] : allocate(amountFen, [owedEmployer, owedIndividual]);
  const completesPayable = amountFen === outstandingPayableFen;
  const split: Shares = {
    individualFen: individualFen!,
    employerFen: employerFen!,
    governmentFen: completesPayable ? due.governmentFen - paid.governmentFen : 0,
    assistanceFen: completesPayable ? due.assistanceFen - paid.assistanceFen : 0,
  };
  const paidAfter: Shares = {
    individualFen: paid.individualFen + split.individualFen,
    employerFen: paid.employerFen + split.employerFen,
    governmentFen: paid.governmentFen + split.governmentFen,
    assistanceFen: paid.assistanceFen + split.assistanceFen,
  };
  return {
    ok: true,
    split,
    paidAfter,
    complete: totalOf(paidAfter) === totalOf(due),
    covered: payableOf(paidAfter) >= account.activationThresholdFen,
  };
}
