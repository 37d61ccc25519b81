import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { createLogger } from '../../shared/runtime/logger.ts';
import { verifyBearer } from '../../shared/auth/verify-token.ts';
import { principalToContext } from '../../shared/auth/principal.ts';

const logger = createLogger('authorizer');

/**
 * HTTP API Lambda authorizer (simple responses). It only authenticates: the route's handler decides
 * whether the role may do what it asks, next to the code it protects.
 */
export const handler = async (
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<Record<string, string>>> => {
  const result = await verifyBearer(event.headers?.authorization);
  if (!result.ok) {
    logger.info('Token refused', { reason: result.reason, route: event.routeKey });
    return { isAuthorized: false, context: {} };
  }
  return { isAuthorized: true, context: principalToContext(result.principal) };
};
