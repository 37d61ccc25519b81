import { eventIdOf } from '../../events/contract.ts';
import { EmployeeContributionPaid, EmploymentRecorded } from '../../events/employers.ts';
import { EnrolmentTransferred } from '../../events/enrolment.ts';
import { openAccount } from '../../shared/accounts/ledger.ts';
import { readAccount } from '../../shared/accounts/store/accounts.ts';
import { eventConsumer, PoisonMessageError } from '../../shared/queue/consumer.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { agencyYear, creditPaidMonth, postWithEvent, type PostContext } from './service.ts';

const logger = createLogger('account-events');

/** What the accountEvents queue carries (test/stack/rules.test.ts checks the bus rules route exactly these). */
export const ACCEPTED_EVENTS = [EmployeeContributionPaid, EmploymentRecorded, EnrolmentTransferred] as const;

/**
 * The accountEvents queue, each fact applied once by its event id (a redelivery posts nothing):
 * - EmployeeContributionPaid: the month's credit from the individual contribution, by the region's
 *   employee policy (the account opens with the first one);
 * - EmploymentRecorded: the holder's status (a retiree is credited monthly from the pooled fund by
 *   the retireeAccountCredits schedule); a retiree's account opens with it;
 * - EnrolmentTransferred: the account moves with its member to the new pooling region.
 */
export const handler = eventConsumer(logger, ACCEPTED_EVENTS, async ({ envelope, contract, detail }, { correlationId }) => {
  const eventId = eventIdOf(envelope);
  const ctx: PostContext = { by: `event:${contract.detailType}`, correlationId, logger, at: new Date().toISOString() };
  if (contract === EmployeeContributionPaid) {
    const paid = detail as typeof EmployeeContributionPaid.detail._output;
    try {
      const result = await creditPaidMonth(
        {
          eventId,
          memberId: paid.memberId,
          region: paid.region,
          month: paid.month,
          status: paid.employmentStatus,
          baseFen: paid.wageBaseFen,
          individualFen: paid.individualFen,
        },
        ctx,
      );
      logger.info('Contribution month applied to the personal account', { memberId: paid.memberId, month: paid.month, ...result });
    } catch (error) {
      // A region whose employee policy sets no account terms can never be credited by a retry: dead-letter it, visibly.
      throw new PoisonMessageError(error instanceof Error ? error.message : String(error), { memberId: paid.memberId, month: paid.month });
    }
    return;
  }
  if (contract === EmploymentRecorded) {
    const employment = detail as typeof EmploymentRecorded.detail._output;
    const account = await readAccount(employment.memberId);
    if (account?.status === employment.status) return;
    // An in-service or flexible account opens with its first credit; a retiree's with its status, to be credited monthly.
    if (!account && employment.status !== 'retired') return;
    await postWithEvent(
      employment.memberId,
      {
        kind: 'status-change',
        amountFen: 0,
        reference: `employment/${eventId}`,
        toStatus: employment.status,
        note: account
          ? `status ${account.status} → ${employment.status} from ${employment.validFrom}`
          : `opened as retired from ${employment.validFrom}`,
      },
      ctx,
      () => openAccount(employment.memberId, employment.region, employment.status, agencyYear(ctx.at), ctx.at),
    );
    return;
  }
  const transfer = detail as typeof EnrolmentTransferred.detail._output;
  const account = await readAccount(transfer.memberId);
  // A resident, or an employee not yet credited, has no account to move.
  if (!account || account.closed || account.region === transfer.to.region) return;
  await postWithEvent(
    transfer.memberId,
    {
      kind: 'transfer',
      amountFen: 0,
      reference: `transfer/${eventId}`,
      transfer: { fromRegion: account.region, toRegion: transfer.to.region, date: transfer.transferDate, external: false },
      toRegion: transfer.to.region,
    },
    ctx,
  );
});
