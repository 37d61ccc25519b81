import { httpApi } from '../../shared/http/api.ts';
import { pendingRoutes } from '../../shared/http/pending.ts';
import { createLogger } from '../../shared/runtime/logger.ts';

const logger = createLogger('adjudication');

export const handler = httpApi(logger, pendingRoutes([
  'POST /v1/claims/pre-settle', 'POST /v1/claims', 'GET /v1/claims/{providerCode}/{claimNo}',
  'POST /v1/claims/{providerCode}/{claimNo}/reversal',
], 'issue #4 (one-stop settlement)'));
