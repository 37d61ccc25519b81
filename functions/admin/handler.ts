import { httpApi } from '../../shared/http/api.ts';
import { pendingRoutes } from '../../shared/http/pending.ts';
import { createLogger } from '../../shared/runtime/logger.ts';

const logger = createLogger('admin');

export const handler = httpApi(logger, pendingRoutes([
  'POST /v1/providers', 'GET /v1/providers/{providerCode}', 'POST /v1/policies', 'GET /v1/policies/{kind}/{region}',
], 'issues #4 and #7 (policies, providers and budgets)'));
