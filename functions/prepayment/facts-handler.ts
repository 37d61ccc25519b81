import { createLogger } from '../../shared/runtime/logger.ts';
import { eventConsumer } from '../../shared/queue/consumer.ts';
import { FACT_CONTRACTS, projectFact } from './facts.ts';

const logger = createLogger('payment-facts');

/**
 * The paymentFacts queue: settled and reversed claims and grouped cases from the bus, each record
 * parsed as the envelope of one of FACT_CONTRACTS, projected into the per-provider monthly totals
 * that budgets, prepayment runs and year-end settlement read.
 */
export const handler = eventConsumer(logger, FACT_CONTRACTS, (event) => projectFact(event, logger));
