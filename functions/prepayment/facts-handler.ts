import { createLogger } from '../../shared/runtime/logger.ts';
import { eventBatchConsumer } from '../../shared/queue/consumer.ts';
import { keyedLane } from '../../shared/runtime/concurrency.ts';
import { FACT_CONTRACTS, projectFact, projectSettlementsTogether } from './facts.ts';

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
 * that budgets, prepayment runs and year-end settlement read. The batch's first settlements go
 * together first (projectSettlementsTogether); every other message after, one by one in its
 * provider's lane, each answered on its own.
 */
export const handler = eventBatchConsumer(logger, FACT_CONTRACTS, async (messages, inMessage) => {
  const events = messages.map((m) => m.message);
  let together = new Map<number, Record<string, unknown>>();
  try {
    together = await projectSettlementsTogether(events, logger);
  } catch (error) {
    // Nothing of a transaction that failed was written: every message is projected alone, and fails alone.
    logger.warn('Batch projection failed; each message alone', { error: error instanceof Error ? error.message : String(error) });
  }
  return Promise.allSettled(
    events.map((event, i) => {
      const projected = together.get(i);
      if (projected) return inMessage(i, async () => logger.info('Claim projected', projected));
      const provider = providerOf(event.detail);
      const alone = () => inMessage(i, () => projectFact(event, logger));
      return provider ? lane(provider, alone) : alone();
    }),
  );
});
