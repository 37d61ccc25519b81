import { Logger } from '@aws-lambda-powertools/logger';
import { maskIdNumbersIn } from '../privacy/mask.ts';

/**
 * One structured JSON logger per function. Every line carries the correlation id of the request
 * or message being handled (set by the HTTP and SQS middlewares), so one request can be followed
 * across the API, the bus and the queues. Code logs member ids, never ID numbers or names; as a
 * second line of defence every string value is passed through the ID-number mask, so one that
 * slips into an error message or stack is masked before it is written.
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({
    serviceName,
    logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
    jsonReplacerFn: (_key: string, value: unknown) => (typeof value === 'string' ? maskIdNumbersIn(value) : value),
  });
}
