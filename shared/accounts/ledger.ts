/**
 * A member's personal account (个人账户) as an append-only ledger, pure: every movement is an entry
 * with its own sequence number and the balance after it; the account item holds the balance and the
 * version (= the last entry's sequence number) every write is checked against. Nothing is ever
 * edited: a reversal is a refund entry, a correction an adjustment entry.
 *
 * The balance never goes negative: `post` refuses a debit beyond it, and the store writes the
 * account only if its version is still the one the debit was computed on (a concurrent payment
 * makes the second writer recompute on the new balance).
 *
 * Year carry-over (结转): the balance is never reset. The first movement of a new year writes a
 * `carry-over` entry (amount 0) saying what the year opened with, so a year's statement of the
 * account starts from a figure in the ledger.
 */
import { applyRatio, type Fen } from '../money/fen.ts';
import type { FamilyRelation, MonthlyCreditRule, PersonalAccountPolicy } from './policy.ts';

export const ACCOUNT_STATUSES = ['in-service', 'flexible', 'retired'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export const ENTRY_KINDS = [
  /** An in-service (or flexible) month's credit from the individual contribution. */
  'contribution-credit',
  /** A retiree's monthly credit from the pooled fund. */
  'retiree-credit',
  /** A claim's patient share paid at settlement (the holder's or a family member's). */
  'claim-payment',
  /** A claim payment given back by the claim's reversal. */
  'claim-refund',
  /** A family member's resident contribution paid from the account (家庭共济). */
  'family-contribution',
  /** A staff credit or correction (signed), with its reason. */
  'adjustment',
  /** The balance carried into a new year (amount 0). */
  'carry-over',
  /** The account moved to another pooling region with its member (amount 0), or paid out to an agency outside (negative). */
  'transfer',
  /** The account opened, or its holder's status changed (in-service, flexible, retired): amount 0. */
  'status-change',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export interface Account {
  memberId: string;
  /** The pooling region whose policy the account follows (it moves with the member). */
  region: string;
  status: AccountStatus;
  balanceFen: Fen;
  /** The sequence number of the last entry; 0 for an account with none. */
  version: number;
  /** The year of the last entry: a movement in a later year first carries the balance over. */
  year: number;
  openedAt: string;
  updatedAt: string;
  /** Set when the balance was paid out to an agency outside: no further credits. */
  closed?: { at: string; reason: string };
}

export interface AccountEntry {
  memberId: string;
  seq: number;
  kind: EntryKind;
  /** Signed: a credit is positive, a payment negative. */
  amountFen: Fen;
  balanceAfterFen: Fen;
  year: number;
  region: string;
  at: string;
  by: string;
  /** The fact the entry records, unique per account: event id, claim/…/payment, a staff reference. */
  reference: string;
  /** The month a credit is for (YYYY-MM). */
  month?: string;
  claim?: { providerCode: string; claimNo: string; settlementNo: number };
  /** Whose bill or contribution it paid, when not the holder's (家庭共济), and the relation. */
  beneficiary?: { memberId: string; relation: FamilyRelation };
  /** A contribution credit: the wage base and individual contribution it was computed from. */
  contribution?: { baseFen: Fen; individualFen: Fen };
  transfer?: { fromRegion: string; toRegion: string; date: string; external: boolean };
  note?: string;
}

/** One movement to post: the kind, the signed amount and what it records. */
export type Movement = Omit<AccountEntry, 'memberId' | 'seq' | 'balanceAfterFen' | 'year' | 'region' | 'at' | 'by'> & {
  /** A transfer moves the account to this region. */
  toRegion?: string;
  /** Payout to an outside agency: the account closes after it. */
  close?: string;
  /** The movement is the whole balance as it stands when posted (a payout): `amountFen` is ignored. */
  wholeBalance?: boolean;
  /** A status change: the holder's new status. */
  toStatus?: AccountStatus;
};

export type PostResult =
  | { ok: true; account: Account; entries: AccountEntry[] }
  | { ok: false; rule: 'insufficient_balance' | 'account_closed'; message: string; balanceFen: Fen };

/** A new, empty account (version 0: the first write must create it). */
export function openAccount(memberId: string, region: string, status: AccountStatus, year: number, at: string): Account {
  return { memberId, region, status, balanceFen: 0, version: 0, year, openedAt: at, updatedAt: at };
}

/**
 * Posts a movement: the account after it and the entries it writes (a carry-over first, when it is
 * the first movement of a later year). A debit beyond the balance, or a credit to a closed account,
 * is refused and changes nothing.
 */
export function post(account: Account, movement: Movement, context: { year: number; at: string; by: string }): PostResult {
  const { toRegion, close, toStatus, wholeBalance, ...asked } = movement;
  // A payout takes the balance as it stands now, not as it stood when the request was read.
  const recorded = wholeBalance ? { ...asked, amountFen: -account.balanceFen } : asked;
  // A closed account takes no new credit; a claim's refund is still owed to its holder.
  if (account.closed && recorded.amountFen > 0 && recorded.kind !== 'claim-refund') {
    return { ok: false, rule: 'account_closed', message: `the account was closed on ${account.closed.at}`, balanceFen: account.balanceFen };
  }
  if (account.balanceFen + recorded.amountFen < 0) {
    return {
      ok: false,
      rule: 'insufficient_balance',
      message: `the account holds ${account.balanceFen} fen, less than the ${-recorded.amountFen} fen asked`,
      balanceFen: account.balanceFen,
    };
  }
  const entries: AccountEntry[] = [];
  let seq = account.version;
  const base = { memberId: account.memberId, year: context.year, region: account.region, at: context.at, by: context.by };
  if (context.year > account.year && account.version > 0) {
    seq += 1;
    entries.push({
      ...base,
      seq,
      kind: 'carry-over',
      amountFen: 0,
      balanceAfterFen: account.balanceFen,
      reference: `carry-over/${context.year}`,
      note: `balance carried from ${account.year} into ${context.year}`,
    });
  }
  seq += 1;
  const balanceAfterFen = account.balanceFen + recorded.amountFen;
  entries.push({ ...base, ...recorded, seq, balanceAfterFen });
  const next: Account = {
    ...account,
    balanceFen: balanceAfterFen,
    version: seq,
    year: Math.max(account.year, context.year),
    updatedAt: context.at,
    ...(toRegion ? { region: toRegion } : {}),
    ...(toStatus ? { status: toStatus } : {}),
    ...(close ? { closed: { at: context.at, reason: close } } : {}),
  };
  return { ok: true, account: next, entries };
}

/** A paid month's credit under a rule: the individual contribution's share, or a rate of the base. */
export function monthlyCredit(rule: MonthlyCreditRule, paid: { baseFen: Fen; individualFen: Fen }): Fen {
  switch (rule.rule) {
    case 'individual-contribution':
      return applyRatio(paid.individualFen, rule.share);
    case 'base-rate':
      return applyRatio(paid.baseFen, rule.rate);
    case 'none':
      return 0;
  }
}

/** The credit rule for a contributor's status (retirees are credited by the schedule, not by contributions). */
export const creditRuleFor = (policy: PersonalAccountPolicy, status: 'in-service' | 'flexible'): MonthlyCreditRule =>
  status === 'flexible' ? policy.flexible : policy.inService;

/** May the holder's account pay for this relation and use, by the holder's region's policy? */
export function familyUseAllowed(
  policy: PersonalAccountPolicy,
  relation: FamilyRelation,
  use: 'self-pay' | 'resident-contribution',
): boolean {
  return policy.familyUse.relations.includes(relation) && policy.familyUse.uses.includes(use);
}

/** The part of a statement line the account may pay: its patient share, less what is out of the catalogue when the policy says so. */
export interface ShareLine {
  patientFen: Fen;
  outOfCatalogueFen: Fen;
}

export interface PaymentSplit {
  /** What the account may pay by the policy (before the balance and the HIS's maximum). */
  payableFen: Fen;
  personalAccountFen: Fen;
  cashFen: Fen;
}

/**
 * The settlement payment channel: after every pooled layer, the account pays up to the patient's
 * share (or its in-catalogue part), its balance and the maximum the HIS asked; the rest is cash.
 * personalAccountFen + cashFen = patientPaidFen, and personalAccountFen ≤ balanceFen, always.
 */
export function splitPatientShare(input: {
  patientPaidFen: Fen;
  lines: readonly ShareLine[];
  payable: PersonalAccountPolicy['settlement']['payable'];
  balanceFen: Fen;
  maxFen?: Fen | undefined;
}): PaymentSplit {
  const inCatalogue = input.lines.reduce((sum, l) => sum + Math.max(0, l.patientFen - l.outOfCatalogueFen), 0);
  const payableFen = input.payable === 'patient-share' ? input.patientPaidFen : Math.min(input.patientPaidFen, inCatalogue);
  const personalAccountFen = Math.max(0, Math.min(payableFen, input.balanceFen, input.maxFen ?? Number.MAX_SAFE_INTEGER));
  return { payableFen, personalAccountFen, cashFen: input.patientPaidFen - personalAccountFen };
}
