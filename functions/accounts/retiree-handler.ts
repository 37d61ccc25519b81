import { retireeAccounts } from '../../shared/accounts/store/accounts.ts';
import { scheduledHandler } from '../../shared/middleware/schedule.ts';
import { mapLimit } from '../../shared/runtime/concurrency.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { agencyMonth } from '../../shared/time/agency-calendar.ts';
import { creditRetireeMonth } from './service.ts';

const logger = createLogger('retiree-credits');

const monthOf = (scheduledTime: string) => agencyMonth(new Date(scheduledTime));

/**
 * The retireeAccountCredits schedule (退休人员个人账户划入): on the 1st of each month, every open
 * retiree's account is credited the fixed monthly amount of its region's employee policy in force
 * that day, from the pooled fund. One entry per retiree and month (reference retiree/<YYYY-MM>): a
 * retried firing credits nobody twice, and carries on with whoever it had not reached.
 */
export const handler = scheduledHandler(
  logger,
  async (invocation, { correlationId }) => {
    const month = monthOf(invocation.scheduledTime);
    const totals = { credited: 0, duplicate: 0, nothing: 0, failed: 0, amountFen: 0 };
    for await (const page of retireeAccounts()) {
      await mapLimit(page, 8, async ({ memberId, region }) => {
        try {
          const ctx = { by: `schedule:${invocation.schedule}`, correlationId, logger, at: new Date().toISOString() };
          const result = await creditRetireeMonth(memberId, region, month, ctx);
          totals[result.outcome] += 1;
          if (result.outcome === 'credited') totals.amountFen += result.amountFen;
        } catch (error) {
          // One account's failure does not stop the others; a retried firing picks it up.
          totals.failed += 1;
          logger.error('Retiree credit failed', { memberId, error: error instanceof Error ? error.message : String(error) });
        }
      });
    }
    logger.info('Retiree credits', { month, ...totals });
    if (totals.failed > 0)
      throw new Error(`${totals.failed} retiree accounts not credited for ${month}; the schedule's retry picks them up`);
    return { run: 'retiree-credits', month, ...totals };
  },
  (invocation) => `schedule-${invocation.schedule}-${monthOf(invocation.scheduledTime)}`,
);
