/**
 * The personal-account payment channel (个人账户支付) of a settlement: outside the engine's layers.
 * When the bill asks for it, after every pooled layer the account pays up to the patient's share
 * (or its in-catalogue part, by the policy), its balance and the bill's maximum; the rest is cash.
 * The debit is an entry of the account's ledger written in the settling transaction, conditional on
 * the account's version, so it is exact under concurrent payments; a reversal gives it back in the
 * reversing transaction.
 *
 * Whose account: the patient's own, or a family member's who bound the patient for mutual use
 * (家庭共济) on the date of service, for a relation and a use (`self-pay`) the holder's region's
 * employee policy allows. The holder's terms are those of the holder's region's employee benefit
 * policy in force on the settlement date (section `personalAccount`).
 */
import { post, splitPatientShare, familyUseAllowed, type Account } from '../../shared/accounts/ledger.ts';
import type { FamilyRelation, PersonalAccountPolicy } from '../../shared/accounts/policy.ts';
import { accountWriteItems, bindingHolds, readAccount, readFamilyBinding } from '../../shared/accounts/store/accounts.ts';
import type { OutboxTransactItem } from '../../shared/events/outbox.ts';
import { agencyDate } from '../../shared/time/agency-calendar.ts';
import { benefitsKind } from '../../shared/policy/benefits.ts';
import { policies } from '../../shared/policy/store/registry.ts';
import { settlementDate, type Bill } from '../../shared/settlement/bill.ts';
import { SettlementRefusal, type Statement, type StatementPayment } from '../../shared/settlement/statement.ts';

const FIELD = 'payment.personalAccount';

/** The account's year is the agency's (Asia/Shanghai), not UTC's. */
const agencyYear = (at: string) => Number(agencyDate(new Date(at)).slice(0, 4));

/** Who pays from which account, under which terms: decided once per request. */
export interface Payer {
  holderMemberId: string;
  relation?: FamilyRelation;
  terms: PersonalAccountPolicy;
  /** The policy section the terms come from, for the statement. */
  policyId: string;
  maxFen?: number;
  /** The holder's account as read to decide the payer: the first attempt settles on it (the transaction checks its version), so it is not read twice. */
  account?: Account;
}

/** The payer a bill asks for, checked against the account, the binding and the policy; undefined when it asks for none. */
export async function loadPayer(bill: Bill): Promise<Payer | undefined> {
  const asked = bill.payment?.personalAccount;
  if (!asked) return undefined;
  const holderMemberId = asked.holderMemberId ?? bill.memberId;
  const family = holderMemberId !== bill.memberId;
  const [account, binding] = await Promise.all([
    readAccount(holderMemberId),
    family ? readFamilyBinding(holderMemberId, bill.memberId) : Promise.resolve(undefined),
  ]);
  if (!account) throw new SettlementRefusal(FIELD, 'no_account', `member ${holderMemberId} has no personal account`);
  if (family && !bindingHolds(binding, bill.visit.serviceDate)) {
    throw new SettlementRefusal(
      `${FIELD}.holderMemberId`,
      'not_bound',
      `member ${bill.memberId} is not bound to ${holderMemberId}'s personal account for mutual use (家庭共济) on ${bill.visit.serviceDate}`,
    );
  }
  const date = settlementDate(bill);
  const policy = await policies.inForce(benefitsKind, { region: account.region, scheme: 'employee', year: Number(date.slice(0, 4)) }, date);
  const terms = policy?.personalAccount;
  if (!policy || !terms) {
    throw new SettlementRefusal(
      FIELD,
      'no_terms',
      `no employee benefit policy of region ${account.region} in force on ${date} sets personal-account terms`,
    );
  }
  if (binding && !familyUseAllowed(terms, binding.relation, 'self-pay')) {
    throw new SettlementRefusal(
      `${FIELD}.holderMemberId`,
      'family_use_not_allowed',
      `region ${account.region}'s policy does not let a personal account pay a ${binding.relation}'s self-pay`,
    );
  }
  return {
    holderMemberId,
    ...(binding ? { relation: binding.relation } : {}),
    terms,
    policyId: `${policy.id} v${policy.version}`,
    ...(asked.maxFen !== undefined ? { maxFen: asked.maxFen } : {}),
    account,
  };
}

/** The holder's account as it stands (each attempt reads it again: the transaction checks its version). */
export const readPayerAccount = (payer: Payer | undefined): Promise<Account | undefined> =>
  payer ? readAccount(payer.holderMemberId) : Promise.resolve(undefined);

/** The account as the payer was decided on (read then), or read now: what one attempt settles on. */
export const payerAccount = (payer: Payer | undefined, known: Account | undefined): Promise<Account | undefined> =>
  known ? Promise.resolve(known) : readPayerAccount(payer);

export interface AccountPayment {
  payment: StatementPayment;
  /** The account and its entry, for the settling transaction (none when the account pays nothing). */
  items: OutboxTransactItem[];
}

/** Splits the statement's patient share between the account and cash; the items debit the account. */
export function payFromAccount(
  payer: Payer,
  account: Account | undefined,
  statement: Statement,
  claim: { providerCode: string; claimNo: string; settlementNo: number },
  at: string,
  by: string,
): AccountPayment {
  const balanceFen = account?.balanceFen ?? 0;
  const split = splitPatientShare({
    patientPaidFen: statement.totals.patientPaidFen,
    lines: statement.lines,
    payable: payer.terms.settlement.payable,
    balanceFen,
    maxFen: payer.maxFen,
  });
  const own = payer.holderMemberId === statement.memberId;
  const payment: StatementPayment = {
    personalAccountFen: split.personalAccountFen,
    cashFen: split.cashFen,
    accountHolderMemberId: payer.holderMemberId,
    ...(payer.relation ? { relation: payer.relation } : {}),
    payableFen: split.payableFen,
    ...(own ? { balanceAfterFen: balanceFen - split.personalAccountFen } : {}),
    rule: `${payer.policyId}: personalAccount.settlement.payable=${payer.terms.settlement.payable}`,
    text:
      `the personal account${payer.relation ? ` of the patient's ${payer.relation} (家庭共济)` : ''} pays ${split.personalAccountFen} fen of ` +
      `the patient's ${statement.totals.patientPaidFen} fen (payable ${split.payableFen}, balance ${own ? balanceFen : 'not shown'}` +
      `${payer.maxFen !== undefined ? `, at most ${payer.maxFen} asked` : ''}); cash ${split.cashFen} fen`,
  };
  if (!account || split.personalAccountFen === 0) return { payment, items: [] };
  const posted = post(
    account,
    {
      kind: 'claim-payment',
      amountFen: -split.personalAccountFen,
      reference: `claim/${claim.providerCode}/${claim.claimNo}/${claim.settlementNo}/payment`,
      claim,
      ...(payer.relation ? { beneficiary: { memberId: statement.memberId, relation: payer.relation } } : {}),
    },
    { year: agencyYear(at), at, by },
  );
  // The split never asks more than the balance read, so the post cannot be refused.
  if (!posted.ok) throw new Error(`personal account ${account.memberId}: ${posted.message}`);
  return { payment, items: accountWriteItems(account, posted) };
}

/** The reversal's refund: the claim's account payment given back to its holder, in the reversing transaction. */
export async function refundToAccount(
  statement: Statement,
  claim: { providerCode: string; claimNo: string; settlementNo: number },
  at: string,
  by: string,
): Promise<OutboxTransactItem[]> {
  const paid = statement.payment;
  if (!paid || paid.personalAccountFen === 0) return [];
  const account = await readAccount(paid.accountHolderMemberId);
  if (!account) throw new Error(`personal account ${paid.accountHolderMemberId} that paid claim ${claim.claimNo} is gone`);
  const posted = post(
    account,
    {
      kind: 'claim-refund',
      amountFen: paid.personalAccountFen,
      reference: `claim/${claim.providerCode}/${claim.claimNo}/${claim.settlementNo}/refund`,
      claim,
      ...(paid.relation ? { beneficiary: { memberId: statement.memberId, relation: paid.relation } } : {}),
    },
    { year: agencyYear(at), at, by },
  );
  if (!posted.ok) throw new Error(`personal account ${account.memberId}: ${posted.message}`);
  return accountWriteItems(account, posted);
}
