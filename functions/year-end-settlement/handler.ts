import { httpApi, type RouteTable } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { unwrapTextBodies } from '../../shared/budget/http-text.ts';
import type { RouteKeyOf } from '../../infra/topology.ts';
import { communityReportRoute, getYearEndRoute, postYearEndRoute, providerReportRoute, summaryRoute } from './reports.ts';

const logger = createLogger('year-end-settlement');

const routes: RouteTable<RouteKeyOf<'yearEndApi'>> = {
  'POST /v1/runs/year-end': postYearEndRoute,
  'GET /v1/runs/year-end/{region}/{year}': getYearEndRoute,
  'GET /v1/reports/year-end/{region}/{year}/providers': providerReportRoute,
  'GET /v1/reports/year-end/{region}/{year}/health-communities': communityReportRoute,
  'GET /v1/reports/year-end/{region}/{year}/summary': summaryRoute,
};

/** Year-end settlement (年终清算): the staff trigger and the reports. The 1 April schedule is schedule-handler.ts. */
export const handler = httpApi(logger, 'yearEndApi', routes).use(unwrapTextBodies);
