import { createLogger } from '../../shared/runtime/logger.ts';
import { eventConsumer } from '../../shared/queue/consumer.ts';
import { keyedLane } from '../../shared/runtime/concurrency.ts';
import { FACT_CONTRACTS, projectFact } from './facts.ts';

const logger = createLogger('payment-facts');

/**
 * The provider whose monthly totals a fact moves, when it names one. A batch's records are handled
 * at once; facts of one provider all write the same provider-month item, so they go one after the
 * other in a lane instead of racing on its version. Ten claims of one provider in a batch (a backlog
 * after a burst) otherwise retried against each other until some ran out of attempts and waited out
 * the queue's 30-minute visibility timeout (bench/claims-api.bench.ts, consumers held then let go).
 */
function providerOf(detail: unknown): string | undefined {
  const d = detail as { claim?: { providerCode?: unknown }; providerCode?: unknown };
  const code = d.claim?.providerCode ?? d.providerCode;
  return typeof code === 'string' ? code : undefined;
}

const lane = keyedLane();

/**
 * The paymentFacts queue: settled and reversed claims and grouped cases from the bus, each record
 * parsed as the envelope of one of FACT_CONTRACTS, projected into the per-provider monthly totals
 * that budgets, prepayment runs and year-end settlement read.
 */
export const handler = eventConsumer(logger, FACT_CONTRACTS, (event) => {
  const provider = providerOf(event.detail);
  return provider ? lane(provider, () => projectFact(event, logger)) : projectFact(event, logger);
});
