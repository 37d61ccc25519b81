import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';

/**
 * Puts the Lambda context (function name, request id, cold start) on every log line of an
 * invocation, and clears the keys the invocation appended (correlation id, message id…) when it
 * ends, so nothing leaks into the next invocation of a warm container. Powertools' own middleware;
 * this name is what every chain in yibao uses first.
 */
export const loggerContext = (logger: Logger) => injectLambdaContext(logger, { resetKeys: true });
