import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { httpApi } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { eventConsumer, queueConsumer, PoisonMessageError } from '../../shared/queue/consumer.ts';
import { byTrigger } from '../../shared/runtime/triggers.ts';
import { agencyMonth } from '../../shared/time/agency-calendar.ts';
import { describeIssues } from '../../shared/http/validation.ts';
import { unwrapTextBodies } from '../../shared/budget/http-text.ts';
import { regionsWithBudget } from '../../shared/budget/store/budgets.ts';
import { yearOf } from '../../shared/budget/prepayment.ts';
import { getBudgetRoute, putBudgetRoute } from './budgets.ts';
import { addCapitatedMembersRoute, getCommunityRoute, putAssessmentRoute, registerCommunityRoute } from './communities.ts';
import { fundReportRoute, getRunRoute, postRunRoute, runMonth } from './runs.ts';
import { workItemSchema } from './plan.ts';
import { issueLine } from './work.ts';
import { FACT_CONTRACTS, projectFact } from './facts.ts';

const logger = createLogger('prepayment');

/** One provider's line of a run version, fanned out by the planner. */
const work = queueConsumer(
  logger,
  (body) => {
    const item = workItemSchema.safeParse(body);
    if (!item.success) throw new PoisonMessageError('Not a prepayment work item', describeIssues(item.error.issues, 'message'));
    return {
      value: item.data,
      correlationId: item.data.correlationId,
      logKeys: { runId: item.data.runId, providerCode: item.data.providerCode },
    };
  },
  (item) => issueLine(item, logger),
);

/** Claims and grouped cases, projected into monthly totals. */
const facts = eventConsumer(logger, FACT_CONTRACTS, (event) => projectFact(event, logger));

/**
 * This function consumes two queues; a batch comes from one of them, and the bodies say which:
 * the bus delivers EventBridge envelopes (with a detail-type), the planner sends work items.
 */
function fromBus(event: SQSEvent): boolean {
  try {
    return 'detail-type' in (JSON.parse(event.Records[0]?.body ?? '{}') as object);
  } catch {
    return false;
  }
}

/**
 * Budgets, health communities and the monthly prepayment (月度预拨): staff routes, the monthly
 * schedule (every region with a budget, for the month that starts at the firing time in the
 * agency's calendar), the per-provider work of a run, and the projection the runs read.
 */
export const handler = byTrigger({
  http: httpApi(logger, {
    'PUT /v1/budgets/{region}/{year}': putBudgetRoute,
    'GET /v1/budgets/{region}/{year}': getBudgetRoute,
    'POST /v1/health-communities': registerCommunityRoute,
    'GET /v1/health-communities/{communityId}': getCommunityRoute,
    'PUT /v1/health-communities/{communityId}/assessments/{year}': putAssessmentRoute,
    'POST /v1/health-communities/{communityId}/capitated-members': addCapitatedMembersRoute,
    'POST /v1/runs/prepayment': postRunRoute,
    'GET /v1/runs/prepayment/{region}/{period}': getRunRoute,
    'GET /v1/reports/fund/{region}/{year}': fundReportRoute,
  }).use(unwrapTextBodies),
  schedule: async (invocation) => {
    const period = agencyMonth(new Date(invocation.scheduledTime));
    const correlationId = `schedule-${invocation.schedule}-${period}`;
    logger.resetKeys();
    logger.appendKeys({ correlationId });
    const regions = [];
    for (const region of await regionsWithBudget(yearOf(period))) {
      try {
        const out = await runMonth(
          region,
          period,
          { supersede: false, reason: null, requestedBy: `schedule:${invocation.schedule}`, correlationId },
          logger,
        );
        regions.push({
          region,
          outcome: out.outcome,
          version: out.run.version,
          providers: out.run.expected,
          warningsRaised: out.warningsRaised,
        });
      } catch (error) {
        // One region's failure does not stop the others; the schedule's retry or staff re-run it.
        logger.error('Prepayment run failed for a region', { region, error: error instanceof Error ? error.message : String(error) });
        regions.push({ region, outcome: 'failed', error: error instanceof Error ? error.message : String(error) });
      }
    }
    return { run: 'prepayment', period, scheduledTime: invocation.scheduledTime, regions };
  },
  sqs: (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => (fromBus(event) ? facts(event, context) : work(event, context)),
});
