import { httpApi } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { publishPolicy, readPolicies } from './policies.ts';
import { providerRoutes } from './providers.ts';
import { operationsRoutes } from './operations.ts';

const logger = createLogger('admin');

export const handler = httpApi(logger, 'admin', {
  ...providerRoutes,
  ...operationsRoutes,
  publishPolicy,
  listPolicies: readPolicies,
});
