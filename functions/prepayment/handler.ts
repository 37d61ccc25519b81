import { httpApi } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { unwrapTextBodies } from '../../shared/budget/http-text.ts';
import type { RouteKeyOf } from '../../infra/topology.ts';
import type { RouteTable } from '../../shared/http/api.ts';
import { getBudgetRoute, putBudgetRoute } from './budgets.ts';
import { addCapitatedMembersRoute, getCommunityRoute, putAssessmentRoute, registerCommunityRoute } from './communities.ts';
import { fundReportRoute, getRunRoute, postRunRoute } from './runs.ts';

const logger = createLogger('prepayment');

const routes: RouteTable<RouteKeyOf<'prepaymentApi'>> = {
  'PUT /v1/budgets/{region}/{year}': putBudgetRoute,
  'GET /v1/budgets/{region}/{year}': getBudgetRoute,
  'POST /v1/health-communities': registerCommunityRoute,
  'GET /v1/health-communities/{communityId}': getCommunityRoute,
  'PUT /v1/health-communities/{communityId}/assessments/{year}': putAssessmentRoute,
  'POST /v1/health-communities/{communityId}/capitated-members': addCapitatedMembersRoute,
  'POST /v1/runs/prepayment': postRunRoute,
  'GET /v1/runs/prepayment/{region}/{period}': getRunRoute,
  'GET /v1/reports/fund/{region}/{year}': fundReportRoute,
};

/**
 * Budgets, health communities and the monthly prepayment (月度预拨): the staff routes. The month's
 * schedule (monthly-handler.ts), the per-provider work of a run (work-handler.ts) and the projection
 * of claims and cases the runs read (facts-handler.ts) are Lambdas of their own: one trigger each.
 */
export const handler = httpApi(logger, 'prepaymentApi', routes).use(unwrapTextBodies);
