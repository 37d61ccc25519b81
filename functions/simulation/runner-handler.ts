import * as z from 'zod';
import { createLogger } from '../../shared/runtime/logger.ts';
import { queueConsumer } from '../../shared/queue/consumer.ts';
import { runGroup } from './runner.ts';

const logger = createLogger('simulation-runner');

const runMessageSchema = z.strictObject({
  runId: z.string().regex(/^[0-9a-f]{24}$/),
  group: z.number().int().nonnegative(),
  partitions: z.array(z.number().int().nonnegative()).min(1),
  correlationId: z.string().min(1),
});

/** The simulationRuns queue: one group of member partitions of a run per message (functions/simulation/start.ts fans them out). */
export const handler = queueConsumer(
  logger,
  { schema: runMessageSchema, correlationId: (m) => m.correlationId, logKeys: (m) => ({ runId: m.runId, group: String(m.group) }) },
  (message) => runGroup(message, logger),
);
