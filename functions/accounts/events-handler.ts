import { EnrolmentTransferred } from '../../events/enrolment.ts';
import { eventIdOf } from '../../events/contract.ts';
import { readAccount } from '../../shared/accounts/store/accounts.ts';
import { eventConsumer } from '../../shared/queue/consumer.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { postWithEvent } from './service.ts';

const logger = createLogger('account-events');

/** What the accountEvents queue carries (test/stack/rules.test.ts checks the bus rules route exactly these). */
export const ACCEPTED_EVENTS = [EnrolmentTransferred] as const;

/**
 * The accountEvents queue: a member's transfer to another pooling region moves the personal account
 * with them (its terms become the new region's). Each fact is applied once, by its event id: a
 * redelivery posts nothing.
 */
export const handler = eventConsumer(logger, ACCEPTED_EVENTS, async ({ envelope, detail }, { correlationId }) => {
  const eventId = eventIdOf(envelope);
  const ctx = { by: `event:${detail.meta.correlationId}`, correlationId, logger, at: new Date().toISOString() };
  const account = await readAccount(detail.memberId);
  // A resident, or an employee not yet credited, has no account to move.
  if (!account || account.closed || account.region === detail.to.region) return;
  await postWithEvent(
    detail.memberId,
    {
      kind: 'transfer',
      amountFen: 0,
      reference: `transfer/${eventId}`,
      transfer: { fromRegion: account.region, toRegion: detail.to.region, date: detail.transferDate, external: false },
      toRegion: detail.to.region,
    },
    ctx,
  );
});
