import { createLogger } from '../../shared/runtime/logger.ts';
import { scheduledHandler } from '../../shared/middleware/schedule.ts';
import { countDeadLetters, relayOutbox } from '../../shared/events/outbox.ts';
import { reconcile } from '../../shared/reconciliation/store/reconcile.ts';
import { OUTBOX_DEAD_LETTER_METRIC } from '../../infra/topology.ts';
import { agencyDate } from '../../shared/time/agency-calendar.ts';

const logger = createLogger('outbox-relay');

const DEAD_LETTER_METRIC = OUTBOX_DEAD_LETTER_METRIC;

/**
 * The dead letters waiting for an operator, as a CloudWatch metric in the embedded metric format: a
 * log line CloudWatch turns into the metric, so no API call and no permission is needed. Written only
 * while there are some: the alarm treats a minute without data as none (and the local cloud stays quiet).
 */
function reportDeadLetters(count: number): void {
  if (count === 0) return;
  process.stdout.write(
    `${JSON.stringify({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          { Namespace: DEAD_LETTER_METRIC.namespace, Dimensions: [[]], Metrics: [{ Name: DEAD_LETTER_METRIC.name, Unit: 'Count' }] },
        ],
      },
      [DEAD_LETTER_METRIC.name]: count,
    })}\n`,
  );
}

/**
 * Two schedules, one trigger kind:
 * - outboxRelay (every minute): publishes the events a request committed but did not get onto the
 *   bus (shared/events/outbox.ts), moves to the dead letters what the bus refused ten runs running, and
 *   reports how many dead letters wait. The grace period counts from now, not the firing time: an
 *   operator may fire the relay by hand for any time.
 * - dailyReconciliation (04:30): every claim settled the agency day before is checked downstream and
 *   what is missing published again (shared/reconciliation), the report stored as daily-<yyyy-mm-dd>.
 */
export const handler = scheduledHandler(logger, async (invocation) => {
  if (invocation.schedule === 'dailyReconciliation') {
    // The agency's day before the firing (Asia/Shanghai), as UTC times.
    const today = agencyDate(new Date(invocation.scheduledTime));
    const to = new Date(`${today}T00:00:00+08:00`);
    const from = new Date(to.getTime() - 24 * 3_600_000);
    const day = agencyDate(from);
    const report = await reconcile({
      runId: `daily-${day}`,
      trigger: 'schedule',
      requestedBy: 'schedule:dailyReconciliation',
      window: { from: from.toISOString(), to: to.toISOString() },
      now: () => new Date(),
    });
    const log = report.claims.withMissing > 0 ? logger.warn.bind(logger) : logger.info.bind(logger);
    log('Reconciliation', { runId: report.runId, claims: report.claims, missing: report.facts.missing, repaired: report.repaired });
    return { run: 'reconciliation', runId: report.runId, claims: report.claims, facts: report.facts, repaired: report.repaired };
  }
  const report = await relayOutbox(new Date());
  reportDeadLetters(await countDeadLetters());
  if (report.found > 0) logger.warn('Outbox relay published events a request left behind', { ...report });
  if (report.deadLettered) logger.error('Events the bus kept refusing moved to the dead letters', { deadLettered: report.deadLettered });
  if (report.waiting > 0) throw new Error(`The bus refused ${report.waiting} outbox events; the next run tries again`);
  return { run: 'outbox-relay', ...report };
});
