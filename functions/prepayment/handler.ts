import { httpApi } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { unwrapTextBodies } from '../../shared/budget/http-text.ts';
import type { RouteTableOf } from '../../shared/http/api.ts';
import { getBudgetRoute, putBudgetRoute } from './budgets.ts';
import { addCapitatedMembersRoute, getCommunityRoute, putAssessmentRoute, registerCommunityRoute } from './communities.ts';
import { fundReportRoute, getRunRoute, postRunRoute } from './runs.ts';
import { fundAccountsRoute } from './fund-accounts.ts';
import { providerFundsRoute } from './provider-funds.ts';

const logger = createLogger('prepayment');

const routes: RouteTableOf<'prepaymentApi'> = {
  putBudget: putBudgetRoute,
  getBudget: getBudgetRoute,
  registerCommunity: registerCommunityRoute,
  getCommunity: getCommunityRoute,
  putAssessment: putAssessmentRoute,
  addCapitatedMembers: addCapitatedMembersRoute,
  startPrepaymentRun: postRunRoute,
  getPrepaymentRun: getRunRoute,
  getFundReport: fundReportRoute,
  getFundAccounts: fundAccountsRoute,
  getProviderFunds: providerFundsRoute,
};

/**
 * Budgets, health communities and the monthly prepayment (月度预拨): the staff routes. The month's
 * schedule (monthly-handler.ts), the per-provider work of a run (work-handler.ts) and the projection
 * of claims and cases the runs read (facts-handler.ts) are Lambdas of their own: one trigger each.
 */
export const handler = httpApi(logger, 'prepaymentApi', routes).use(unwrapTextBodies);
