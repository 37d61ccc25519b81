/**
 * Long-term care insurance (长期护理保险), the routes:
 *   PUT  /v1/ltc/assessors/{assessorId}              the assessor register (ltc:manage): regions assessed in, qualification, validity
 *   GET  /v1/ltc/assessors/{assessorId}              an assessor and their history
 *   PUT  /v1/ltc/institutions/{providerCode}         certify a registered provider as a care institution: settings, beds (ltc:manage)
 *   GET  /v1/ltc/institutions/{providerCode}         its certification and history
 *   POST /v1/ltc/assessments                         apply for a disability assessment (member or family at the counter, or a care institution)
 *   GET  /v1/ltc/assessments/{assessmentId}          the assessment and its append-only log (who, when)
 *   POST /v1/ltc/assessments/{assessmentId}/assignment    two assessors of the region the member lives in (ltc:manage)
 *   POST /v1/ltc/assessments/{assessmentId}/scores        the first assessor's 17 item scores (ltc:assess)
 *   POST /v1/ltc/assessments/{assessmentId}/confirmation  the second assessor confirms (the result) or returns them (ltc:assess)
 *   POST /v1/ltc/assessments/{assessmentId}/appeal        an appeal within the window: a new round by other assessors
 *   GET  /v1/ltc/members/{memberId}/level            the level in force on a date, and every result
 *   POST /v1/ltc/care-claims                         a care institution's month for one member, settled (idempotent)
 *   GET  /v1/ltc/care-claims/{providerCode}/{memberId}/{month}           the claim, its statement, ledger and findings
 *   POST /v1/ltc/care-claims/{providerCode}/{memberId}/{month}/reversal  reverse it (ltc:manage)
 *   GET  /v1/ltc/reports/{region}/{month}            members by level, spending by setting, funding, findings
 *   GET  /v1/ltc/fund/{region}/{year}                the fund's year: income by source and scheme, spending by setting (JSON or CSV)
 */
import { unwrapTextBodies } from '../../shared/budget/http-text.ts';
import { httpApi } from '../../shared/http/api.ts';
import { assessmentRoutes } from './assessments.ts';
import { claimRoutes } from './claims.ts';
import { logger } from './common.ts';
import { registerRoutes } from './registers.ts';

export const handler = httpApi(logger, 'longTermCare', { ...registerRoutes, ...assessmentRoutes, ...claimRoutes }).use(unwrapTextBodies);
