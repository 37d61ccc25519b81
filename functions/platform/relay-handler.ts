import { createLogger } from '../../shared/runtime/logger.ts';
import { scheduledHandler } from '../../shared/middleware/schedule.ts';
import { relayOutbox } from '../../shared/events/outbox.ts';

const logger = createLogger('outbox-relay');

/**
 * The outbox relay (the outboxRelay schedule): publishes the events a request committed but did not
 * get onto the bus (shared/events/outbox.ts). The grace period counts from now, not the firing time:
 * an operator may fire the relay by hand for any time.
 */
export const handler = scheduledHandler(logger, async () => {
  const report = await relayOutbox(new Date());
  if (report.found > 0) logger.warn('Outbox relay published events a request left behind', { ...report });
  if (report.waiting > 0) throw new Error(`The bus refused ${report.waiting} outbox events; the next run tries again`);
  return { run: 'outbox-relay', ...report };
});
