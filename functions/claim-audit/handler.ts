import { httpApi } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { appealClaimAuditRoute, getClaimAuditRoute } from './routes.ts';

const logger = createLogger('claim-audit');

/** A claim's smart-audit result (智能审核结果) for staff, its regulator and its provider; the provider's appeal (申诉). */
export const handler = httpApi(logger, 'claimAudit', {
  getClaimAudit: getClaimAuditRoute,
  appealClaimAudit: appealClaimAuditRoute,
});
