import { httpApi } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { publishPolicy, readPolicies } from './policies.ts';
import { providerRoutes } from './providers.ts';

const logger = createLogger('admin');

export const handler = httpApi(logger, 'admin', {
  ...providerRoutes,
  publishPolicy,
  listPolicies: readPolicies,
});
