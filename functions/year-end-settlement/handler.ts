import { httpApi, type RouteTableOf } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { unwrapTextBodies } from '../../shared/budget/http-text.ts';
import { caseMixRoute } from './case-mix.ts';
import { communityReportRoute, getYearEndRoute, postYearEndRoute, providerReportRoute, summaryRoute } from './reports.ts';

const logger = createLogger('year-end-settlement');

const routes: RouteTableOf<'yearEndApi'> = {
  startYearEndRun: postYearEndRoute,
  getYearEndRun: getYearEndRoute,
  getYearEndProviderReport: providerReportRoute,
  getYearEndCommunityReport: communityReportRoute,
  getYearEndSummary: summaryRoute,
  getCaseMix: caseMixRoute,
};

/** Year-end settlement (年终清算): the staff trigger and the reports. The 1 April schedule is schedule-handler.ts. */
export const handler = httpApi(logger, 'yearEndApi', routes).use(unwrapTextBodies);
