import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured JSON logger per function. Every line carries the correlation id of the request
 * or message being handled (set by the HTTP and SQS middlewares), so one request can be followed
 * across the API, the bus and the queues. Never log a full ID number or a name: log member ids.
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO' });
}
