/**
 * Pre-settlement and settlement of a bill: load what the engine needs (member as covered on the
 * date of service, provider from the register, the policy in force on the settlement date), run
 * the pure engine on the member's year so far, and, to settle, commit the claim, its ledger entry
 * and the member's accumulators in one transaction, then publish ClaimSettled.
 *
 * Requests: the claim and the member's counters are read in one BatchGetItem, the member's partition
 * in one query, the policy, provider and catalogue come from the container's caches; then the one
 * transaction, and the outbox entry's removal once the bus has the event (four in all). The caches
 * are checked, not timed out: the same BatchGetItem reads the policies' and the catalogue's epochs
 * (one more with every publish), and a claim whose context was loaded under another epoch than the
 * one it read loads it again, so the first claim after a publish settles under the new version.
 *
 * Concurrency: claims of one member's year are ordered, not raced. In this container they queue in
 * one lane (first come, first served) and each settles on the counters the one before it committed,
 * handed on in memory; only the engine and the transaction are in the queue, the reads are made
 * before it. Across containers the accumulators carry a version: two claims racing read the same
 * version, one commits, the other's transaction fails its version check, hands back the counters as
 * they now stand, and it settles again on them (with jittered backoff), so the year's counters always
 * equal the sum of the statements. A member of a household whose policy counts the family self-pay
 * cap per household settles on the household's counters too, and the transaction checks their
 * version as well: two members settling at once cannot both take the room left under the cap.
 * Idempotency: provider + claim number is the claim's key; the same bill again replays
 * the stored statement, a different one is a 409. A reversed claim is settled again only by a request
 * naming the settlement it follows (`resettlementOf`); the original request sent again after a
 * reversal is a 409 CLAIM_REVERSED, never a second payment. The claim item's condition (still the
 * reversed settlement read) makes a settlement racing a reversal follow the same rule.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { conflict, Refusal } from '../../shared/http/errors.ts';
import { catalogueEpoch, catalogueViews } from '../../shared/catalogue/store/catalogue.ts';
import { EPOCH_KEY, epochOf } from '../../shared/runtime/epoch.ts';
import { tableName } from '../../shared/runtime/resource-names.ts';
import type { CatalogueView } from '../../shared/catalogue/version.ts';
import { lineCatalogueDate, settle } from '../../shared/settlement/engine.ts';
import { settlementDate, type Bill } from '../../shared/settlement/bill.ts';
import {
  applyDeltas,
  commitSettlement,
  readClaim,
  readClaimAndYear,
  readHouseholdAccumulator,
  readYearAccumulator,
  type AlsoRead,
  type ClaimRecord,
  type LedgerEntry,
} from '../../shared/settlement/store/claims.ts';
import type { HouseholdAccumulator, YearAccumulator } from '../../shared/accumulators/store/year-accumulator.ts';
import { loadSettlementMember } from '../../shared/settlement/store/member-source.ts';
import type { MemberState, ProviderProfile } from '../../shared/settlement/member.ts';
import type { BenefitPolicy } from '../../shared/settlement/policy.ts';
import { benefitsKind } from '../../shared/policy/benefits.ts';
import { policies } from '../../shared/policy/store/registry.ts';
import { loadProvider } from '../../shared/settlement/store/providers.ts';
import { SettlementRefusal, type Statement } from '../../shared/settlement/statement.ts';
import { claimSettledEvent, claimSettledPayload } from '../../shared/settlement/store/claim-events.ts';
import { publishPending } from './publish-pending.ts';
import { billHash, contention } from './requests.ts';
import { retry } from '../../shared/runtime/retry.ts';
import { keyedLane } from '../../shared/runtime/concurrency.ts';
import { loadPayer, payerAccount, payFromAccount, type Payer } from './account-payment.ts';
import { preSettleAudit, type PreSettleAudit } from './pre-audit.ts';
import type { Account } from '../../shared/accounts/ledger.ts';
import { settleMaternity } from '../../shared/maternity/settle.ts';
import { readClaimMarker } from '../../shared/maternity/store/records.ts';
import { loadMaternity, maternityHold, refuseIfHeld, type MaternityContext } from './maternity.ts';

/** Attempts before giving up on a member whose counters keep moving (each attempt is at most one read and one transaction). */
export const MAX_ATTEMPTS = 40;

/**
 * How long a request keeps retrying before it answers 503 CONTENTION (retry-safe: the request is
 * idempotent). Well inside the function's 29-second timeout (infra/topology.ts), so a member under
 * extreme contention gets a clear answer rather than a timeout.
 */
export const RETRY_BUDGET_MS = 20_000;

/** How a lost race is retried (shared/runtime/retry.ts: full-jitter backoff, so racers spread out instead of colliding again in step). */
export const CONTENTION_RETRY = { maxAttempts: MAX_ATTEMPTS, budgetMs: RETRY_BUDGET_MS, baseDelayMs: 10, maxDelayMs: 1_000 } as const;

/** The insurance year whose accumulators a bill moves: the year of its settlement (discharge) date. */
const settlementYear = (bill: Bill): number => Number(settlementDate(bill).slice(0, 4));

export interface SettlementContext {
  bill: Bill;
  member: MemberState;
  provider: ProviderProfile;
  policy: BenefitPolicy;
  /** The catalogue in force by line date (absent dates: none in force), for the bill's codes only. */
  catalogue: { byDate: Record<string, CatalogueView> };
  /** Whose personal account pays the patient's share, when the bill asks (account-payment.ts). */
  payer?: Payer | undefined;
  /** A delivery or antenatal bill: its pregnancy, maternity policy and eligibility (maternity.ts). */
  maternity?: MaternityContext | undefined;
}

/**
 * The catalogue entries of the bill's codes, by the date each line is read on. The provider's region
 * picks the catalogue: care is paid within the catalogue of the place it is given (就医地目录), under
 * the member's own benefit policy (参保地待遇), as cross-region direct settlement does.
 */
function loadCatalogue(bill: Bill, provider: ProviderProfile): Promise<Record<string, CatalogueView>> {
  const codesByDate = new Map<string, string[]>();
  for (const line of bill.lines) {
    const date = lineCatalogueDate(bill, line);
    const codes = codesByDate.get(date) ?? [];
    codes.push(line.itemCode);
    codesByDate.set(date, codes);
  }
  return catalogueViews(provider.region, codesByDate);
}

/** Everything the engine needs besides the year so far; a refusal (member not covered, no policy…) is a 400. */
export async function loadContext(bill: Bill): Promise<SettlementContext> {
  // A bill the registers or the policy refuse throws a SettlementRefusal: a 400 naming the bill's field.
  const [member, provider, payer] = await Promise.all([loadSettlementMember(bill), loadProvider(bill.providerCode), loadPayer(bill)]);
  const date = settlementDate(bill);
  const { region, scheme } = member.enrolment;
  const [policy, catalogue, maternity] = await Promise.all([
    policies.inForce(benefitsKind, { region, scheme, year: Number(date.slice(0, 4)) }, date),
    loadCatalogue(bill, provider),
    loadMaternity(bill, member),
  ]);
  if (!policy) {
    const field = bill.visit.dischargeDate ? 'visit.dischargeDate' : 'visit.serviceDate';
    throw new SettlementRefusal(
      field,
      'no_policy',
      `no benefit policy of region ${member.enrolment.region} (${member.enrolment.scheme}) is in force on ${date}`,
    );
  }
  return { bill, member, provider, policy, catalogue: { byDate: catalogue }, payer, maternity };
}

export function statementFor(context: SettlementContext, yearToDate: Record<string, number>, household?: HouseholdAccumulator): Statement {
  if (context.maternity) {
    // Paid per case or per capita by the maternity policy, into the same statement (shared/maternity/settle.ts).
    refuseIfHeld(context.maternity.marker, context.bill);
    const { policy: maternity, eligibility, pregnancy } = context.maternity;
    return settleMaternity({ ...context, yearToDate, maternity, eligibility, pregnancy });
  }
  return settle({ ...context, yearToDate, ...(household ? { householdYearToDate: household.counters } : {}) });
}

/** The household's year, when the member's household has counters the policy keeps per household. */
function readHouseholdYear(context: SettlementContext, year: number): Promise<HouseholdAccumulator> | undefined {
  const { householdId } = context.member;
  return householdId && context.policy.familyCap?.per === 'household' ? readHouseholdAccumulator(householdId, year) : undefined;
}

/**
 * 预结算: the statement the bill would get now, on the member's current year, and the audit rules it
 * would hit (pre-audit.ts); nothing is stored.
 */
export async function preSettle(bill: Bill): Promise<{ statement: Statement; audit: PreSettleAudit | undefined }> {
  const [context, accumulator] = await Promise.all([loadContext(bill), readYearAccumulator(bill.memberId, settlementYear(bill))]);
  const statement = statementFor(context, accumulator.counters, await readHouseholdYear(context, settlementYear(bill)));
  if (context.payer) {
    const account = await payerAccount(context.payer, context.payer.account);
    const claim = { providerCode: bill.providerCode, claimNo: bill.claimNo, settlementNo: 0 };
    statement.payment = payFromAccount(context.payer, account, statement, claim, new Date().toISOString(), 'pre-settle').payment;
  }
  return { statement, audit: await preSettleAudit(context, statement, new Date().toISOString()) };
}

export interface SettleOutcome {
  /** 201 for a new settlement, 200 for a replay of the stored one. */
  statusCode: 200 | 201;
  record: ClaimRecord;
}

/** A 409 that says the claim's settlement was reversed: the request is not a new settlement (issue 20.4). */
const claimReversed = (claim: ClaimRecord, reversedNo: number, message: string, extra: Record<string, unknown> = {}) =>
  new Refusal(
    409,
    message,
    {
      field: 'body.resettlementOf',
      rule: 'reversed',
      settlementNo: reversedNo,
      current: { settlementNo: claim.settlementNo, status: claim.status },
      ...extra,
    },
    'CLAIM_REVERSED',
  );

/**
 * A settled claim and a request for it: the same bill replays; the bill of a settlement since
 * reversed is told so (a stale retry); anything else is a conflict that says what to do.
 */
function replayOrConflict(existing: ClaimRecord, hash: string, resettlementOf: number | undefined): SettleOutcome {
  if (existing.billHash === hash) return { statusCode: 200, record: existing };
  const earlier = existing.earlierBillHashes?.lastIndexOf(hash) ?? -1;
  if (earlier >= 0 && resettlementOf === undefined) {
    // earlierBillHashes[i] is the bill of settlement i + 1 (settlement numbers run 1, 2, …).
    throw claimReversed(
      existing,
      earlier + 1,
      `settlement ${earlier + 1} of claim ${existing.claimNo} was reversed and the claim is now settled as settlement ${existing.settlementNo}; this request is not settled again`,
    );
  }
  if (resettlementOf !== undefined) {
    throw conflict(
      resettlementOf === existing.settlementNo
        ? `settlement ${resettlementOf} of claim ${existing.claimNo} is in force, not reversed: reverse it first`
        : `claim ${existing.claimNo} was already settled again after settlement ${resettlementOf} (now settlement ${existing.settlementNo})`,
      {
        field: 'body.resettlementOf',
        rule: resettlementOf === existing.settlementNo ? 'not_reversed' : 'not_current',
        settlementNo: existing.settlementNo,
      },
    );
  }
  throw conflict(
    `claim ${existing.claimNo} of provider ${existing.providerCode} is already settled with a different bill; reverse it first to settle a corrected one`,
    {
      field: 'body.claimNo',
      rule: 'different_bill',
      settlementNo: existing.settlementNo,
    },
  );
}

/**
 * A claim number not settled now (never, or its settlement reversed) settles only as the request
 * says: a first settlement names nothing; a re-settlement names the reversed settlement it follows.
 */
function requireIntent(existing: ClaimRecord | undefined, resettlementOf: number | undefined): void {
  if (!existing) {
    if (resettlementOf !== undefined)
      throw conflict(`claim has no settlement ${resettlementOf} to follow: send the bill without resettlementOf to settle it first`, {
        field: 'body.resettlementOf',
        rule: 'no_settlement',
      });
    return;
  }
  if (resettlementOf === undefined)
    throw claimReversed(
      existing,
      existing.settlementNo,
      `settlement ${existing.settlementNo} of claim ${existing.claimNo} was reversed; to settle the claim again send the bill with resettlementOf: ${existing.settlementNo}`,
    );
  if (resettlementOf !== existing.settlementNo)
    throw conflict(`settlement ${resettlementOf} is not the claim's reversed settlement (${existing.settlementNo})`, {
      field: 'body.resettlementOf',
      rule: 'not_current',
      settlementNo: existing.settlementNo,
    });
}

/** The version check: the epochs every publish moves, read with the claim (policy registry, catalogue). */
const EPOCHS = (): AlsoRead[] => [
  { table: tableName('policies'), key: EPOCH_KEY },
  { table: tableName('catalogue'), key: EPOCH_KEY },
];

/** Claims of one member's year settle one after another in this container (see settleClaim). */
const memberLane = keyedLane();

/**
 * The counters each lane's last commit left, handed to the next claim in line so it need not wait
 * for (or make) a read the commit before it made stale. Only ever used when newer than what the claim
 * read; the transaction's version check still guards them (another container may have moved them).
 */
const committedYears = new Map<string, YearAccumulator>();
const COMMITTED_YEARS_KEPT = 10_000;

function handOn(key: string, accumulator: YearAccumulator): void {
  committedYears.delete(key);
  committedYears.set(key, accumulator);
  if (committedYears.size > COMMITTED_YEARS_KEPT) committedYears.delete(committedYears.keys().next().value!);
}

const newer = (read: YearAccumulator, key: string): YearAccumulator => {
  const handed = committedYears.get(key);
  return handed && handed.version > read.version ? handed : read;
};

export async function settleClaim(
  bill: Bill,
  by: string,
  correlationId: string,
  logger: Logger,
  /** Aborted when the route has answered without waiting (a timeout): the lane stops waiting for this claim. */
  abandoned?: AbortSignal,
): Promise<SettleOutcome> {
  // First, in parallel and before queueing: the claim and the member's counters in one request, and
  // the context (the member's partition in one query; policy, provider and catalogue from the
  // container's caches). Neither waits for the member's other claims.
  // (allSettled: a replay answers from what is stored even when the member or policy would refuse the bill today.)
  const checks = [policies.epoch, catalogueEpoch];
  const epochsBefore = checks.map((check) => check.seen());
  const reads = Promise.allSettled([
    readClaimAndYear(bill.providerCode, bill.claimNo, bill.memberId, settlementYear(bill), EPOCHS()),
    loadContext(bill),
  ]).then(async ([claimAndYear, context]): Promise<[typeof claimAndYear, typeof context]> => {
    if (claimAndYear.status === 'rejected') return [claimAndYear, context];
    const epochs = claimAndYear.value.also.map(epochOf);
    checks.forEach((check, i) => check.observe(epochs[i]!));
    // Loaded under an epoch seen before: something was published since, so load it again (now current).
    // (Nothing seen yet, in a new container: the lists are at most the caches' few seconds old.)
    const moved = epochs.some((epoch, i) => epochsBefore[i] !== undefined && epochsBefore[i] !== epoch);
    return moved ? [claimAndYear, (await Promise.allSettled([loadContext(bill)]))[0]] : [claimAndYear, context];
  });
  // Claims of one member are ordered, not raced: in a container serving several requests at once, a
  // member's claims queue in one lane, and each settles on the counters the one before it committed.
  const key = `${bill.memberId}#${settlementYear(bill)}`;
  const outcome = await memberLane(key, () => settleInLane(bill, key, reads, by, correlationId, logger), abandoned);
  // Publishing is outside the lane: the next claim of the member need not wait for the bus.
  await publishPending(outcome.record, logger);
  return outcome;
}

async function settleInLane(
  bill: Bill,
  key: string,
  reads: Promise<[PromiseSettledResult<Awaited<ReturnType<typeof readClaimAndYear>>>, PromiseSettledResult<SettlementContext>]>,
  by: string,
  correlationId: string,
  logger: Logger,
): Promise<SettleOutcome> {
  const hash = billHash(bill);
  const [claimAndYearRead, contextRead] = await reads;
  const claimAndYear = settledValue(claimAndYearRead);
  let existing = claimAndYear.claim;
  let fresh: YearAccumulator | undefined = newer(claimAndYear.accumulator, key);
  let freshHousehold: HouseholdAccumulator | undefined;
  // The paying account as loadPayer read it; read again only after a race the account may have lost,
  // or when a claim ahead in the lane committed since it was read (it may have paid from the same account).
  let freshAccount: Account | undefined;
  let accountKnown = fresh !== claimAndYear.accumulator;
  // One attempt: settle on the counters read, or say (undefined) that someone moved them first.
  const once = async (attempt: number): Promise<SettleOutcome | undefined> => {
    if (existing?.status === 'settled') {
      // A replay answers from what is stored, even if the member or policy would refuse the bill today.
      return replayOrConflict(existing, hash, bill.resettlementOf);
    }
    // Reversed or new: settled only by a request that says which (re-settlement by intent, issue 20.4).
    requireIntent(existing, bill.resettlementOf);
    const context = settledValue(contextRead);
    // Settle on exactly the counters (and versions) the transaction's checks will guard; the same for the paying account.
    const [accumulator, household, account] = await Promise.all([
      fresh ?? readYearAccumulator(bill.memberId, settlementYear(bill)),
      freshHousehold ?? readHouseholdYear(context, settlementYear(bill)),
      payerAccount(context.payer, accountKnown ? freshAccount : context.payer?.account),
    ]);
    fresh = freshHousehold = undefined;
    accountKnown = true;
    freshAccount = account;
    // A retry after a lost race on the pregnancy's hold reads who holds it now.
    if (context.maternity && attempt > 1)
      context.maternity.marker = await readClaimMarker(bill.memberId, context.maternity.pregnancy.pregnancyId, context.maternity.service);
    const statement = statementFor(context, accumulator.counters, household);
    const at = new Date().toISOString();
    const settlementNo = (existing?.settlementNo ?? 0) + 1;
    const paid = context.payer
      ? payFromAccount(context.payer, account, statement, { providerCode: bill.providerCode, claimNo: bill.claimNo, settlementNo }, at, by)
      : undefined;
    if (paid) statement.payment = paid.payment;
    const record: ClaimRecord = {
      providerCode: bill.providerCode,
      claimNo: bill.claimNo,
      memberId: bill.memberId,
      region: context.member.enrolment.region,
      scheme: context.member.enrolment.scheme,
      year: statement.yearToDate.year,
      status: 'settled',
      settlementNo,
      billHash: hash,
      ...(existing ? { earlierBillHashes: [...(existing.earlierBillHashes ?? []), existing.billHash] } : {}),
      bill,
      statement,
      inputs: { member: context.member, provider: context.provider, catalogue: context.catalogue },
      settledAt: at,
      settledBy: by,
    };
    record.pendingEvent = claimSettledEvent(record, claimSettledPayload(record, context.member, context.provider), correlationId, at);
    const t = statement.totals;
    const entry: LedgerEntry = {
      settlementNo: record.settlementNo,
      kind: 'settlement',
      at,
      by,
      memberId: record.memberId,
      year: record.year,
      amounts: {
        billedFen: t.billedFen,
        fundPaidFen: t.fundPaidFen,
        institutionFen: t.institutionFen,
        patientPaidFen: t.patientPaidFen,
        byLayer: t.byLayer,
        ...(paid ? { personalAccountFen: paid.payment.personalAccountFen } : {}),
      },
      counterDeltas: statement.yearToDate.deltas,
      ...householdDeltas(statement),
    };
    // The pregnancy's hold rides with the account's items: a lost race on either is retried on fresh reads.
    const extraItems = [...(paid?.items ?? []), ...maternityHold(statement, settlementNo, at)];
    const commit = await commitSettlement(record, existing?.settlementNo, accumulator, entry, household, extraItems);
    if (commit.outcome === 'committed') {
      handOn(key, {
        memberId: accumulator.memberId,
        year: accumulator.year,
        version: accumulator.version + 1,
        counters: applyDeltas(accumulator.counters, entry.counterDeltas, 1),
      });
      logger.info('Claim settled', {
        claim: `${record.providerCode}/${record.claimNo}`,
        settlementNo: record.settlementNo,
        memberId: record.memberId,
        attempts: attempt,
        fundPaidFen: t.fundPaidFen,
      });
      return { statusCode: 201, record };
    }
    // The account was not what failed: keep it for the next attempt; else read it again then.
    if (commit.outcome !== 'accumulator-moved' && commit.outcome !== 'household-moved') freshAccount = undefined;
    if (commit.outcome === 'claim-moved') {
      // Another request settled (or reversed) this claim meanwhile: answer from what it stored.
      existing = await readClaim(bill.providerCode, bill.claimNo);
    } else if (commit.outcome === 'accumulator-moved') fresh = commit.current;
    else if (commit.outcome === 'household-moved') freshHousehold = commit.current;
    return undefined;
  };
  const settled = await retry(once, { ...CONTENTION_RETRY, retryIf: (outcome) => outcome === undefined });
  if (!settled) throw contention();
  return settled;
}

/** The household counters a statement moved, as its ledger entry records them (sign: −1 for a reversal). */
export function householdDeltas(statement: Statement, sign: 1 | -1 = 1): Pick<LedgerEntry, 'household'> {
  const household = statement.yearToDate.household;
  if (!household) return {};
  const counterDeltas = Object.fromEntries(Object.entries(household.deltas).map(([k, v]) => [k, sign * v]));
  return { household: { householdId: household.householdId, counterDeltas } };
}

/** The value of a settled promise, or its error thrown (a refusal is already an HttpError). */
function settledValue<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}
