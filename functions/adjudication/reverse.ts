/**
 * Reversal (冲正 / 退费) of a settled claim: a negative ledger entry, the member's accumulators
 * moved back by exactly the deltas that settlement moved (under the same version check), the claim
 * marked reversed so the same claim number can be settled again, then ClaimReversed.
 *
 * Repeating a reversal replays it; naming a settlement that is not the claim's current one is a
 * 409, so a stale retry can never reverse a later re-settlement.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { conflict, notFound } from '../../shared/http/errors.ts';
import {
  commitReversal,
  readClaim,
  readHouseholdAccumulator,
  readYearAccumulator,
  type ClaimRecord,
  type LedgerEntry,
} from '../../shared/settlement/store/claims.ts';
import { claimReversedEvent, claimReversedPayload } from '../../shared/settlement/store/claim-events.ts';
import { publishPending } from './publish-pending.ts';
import { contention } from './requests.ts';
import { CONTENTION_RETRY, householdDeltas } from './settle.ts';
import { retry } from '../../shared/runtime/retry.ts';
import type { HouseholdAccumulator, YearAccumulator } from '../../shared/accumulators/store/year-accumulator.ts';
import { refundToAccount } from './account-payment.ts';
import { maternityRelease } from './maternity.ts';

const negate = (values: Record<string, number>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, -v]));

export interface ReverseRequest {
  providerCode: string;
  claimNo: string;
  reason: string;
  settlementNo?: number;
}

type ReverseOutcome = { statusCode: 200; record: ClaimRecord; entry?: LedgerEntry; replay: boolean };

export async function reverseClaim(
  request: ReverseRequest,
  by: string,
  correlationId: string,
  logger: Logger,
  authorise: (record: ClaimRecord) => void,
): Promise<ReverseOutcome> {
  let fresh: YearAccumulator | undefined;
  let freshHousehold: HouseholdAccumulator | undefined;
  // One attempt: reverse against the counters read, or say (undefined) that someone moved them first.
  const once = async (attempt: number): Promise<ReverseOutcome | undefined> => {
    const claim = await readClaim(request.providerCode, request.claimNo);
    if (!claim) throw notFound(`no claim ${request.claimNo} of provider ${request.providerCode}`);
    authorise(claim);
    if (request.settlementNo !== undefined && request.settlementNo !== claim.settlementNo) {
      throw conflict(`settlement ${request.settlementNo} is not the claim's current one (${claim.settlementNo}, ${claim.status})`, {
        field: 'body.settlementNo',
        rule: 'not_current',
      });
    }
    if (claim.status === 'reversed') {
      await publishPending(claim, logger);
      return { statusCode: 200, record: claim, replay: true };
    }
    const at = new Date().toISOString();
    const t = claim.statement.totals;
    const entry: LedgerEntry = {
      settlementNo: claim.settlementNo,
      kind: 'reversal',
      at,
      by,
      memberId: claim.memberId,
      year: claim.year,
      reason: request.reason,
      amounts: {
        billedFen: -t.billedFen,
        fundPaidFen: -t.fundPaidFen,
        institutionFen: -t.institutionFen,
        patientPaidFen: -t.patientPaidFen,
        byLayer: negate(t.byLayer),
        ...(claim.statement.payment ? { personalAccountFen: -claim.statement.payment.personalAccountFen } : {}),
      },
      counterDeltas: negate(claim.statement.yearToDate.deltas),
      // The household's counters go back to the household that was charged, whatever it is today.
      ...householdDeltas(claim.statement, -1),
    };
    const reversed: ClaimRecord = { ...claim, status: 'reversed', reversal: { reason: request.reason, reversedAt: at, reversedBy: by } };
    reversed.pendingEvent = claimReversedEvent(reversed, claimReversedPayload(reversed), correlationId, at);
    const claimRef = { providerCode: claim.providerCode, claimNo: claim.claimNo, settlementNo: claim.settlementNo };
    const [accumulator, household, refund] = await Promise.all([
      fresh ?? readYearAccumulator(claim.memberId, claim.year),
      freshHousehold ?? (entry.household ? readHouseholdAccumulator(entry.household.householdId, claim.year) : undefined),
      // The personal account that paid gets its payment back in the same transaction (at the version read).
      refundToAccount(claim.statement, claimRef, at, by),
    ]);
    fresh = freshHousehold = undefined;
    // A delivery or antenatal claim gives its pregnancy's hold back in the same transaction.
    const commit = await commitReversal(reversed, accumulator, entry, household, [
      ...refund,
      ...maternityRelease(claim.statement, claim.settlementNo, at),
    ]);
    if (commit.outcome === 'committed') {
      logger.info('Claim reversed', {
        claim: `${claim.providerCode}/${claim.claimNo}`,
        settlementNo: claim.settlementNo,
        memberId: claim.memberId,
        attempts: attempt,
      });
      await publishPending(reversed, logger);
      return { statusCode: 200, record: reversed, entry, replay: false };
    }
    if (commit.outcome === 'accumulator-moved') fresh = commit.current;
    else if (commit.outcome === 'household-moved') freshHousehold = commit.current;
    return undefined;
  };
  const outcome = await retry(once, { ...CONTENTION_RETRY, retryIf: (result) => result === undefined });
  if (!outcome) throw contention();
  return outcome;
}
