import type { Context } from 'aws-lambda';

/**
 * The Lambda context unit tests hand a handler: the fields the middleware reads (its name, a request
 * id, ten seconds left), nothing a test asserts on.
 */
export const lambdaContext = (): Context =>
  ({ functionName: 'test', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 10_000 }) as unknown as Context;
