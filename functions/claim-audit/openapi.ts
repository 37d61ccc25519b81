/**
 * The claim audit routes (a claim's smart-audit result, the provider's appeal), documented from the
 * schemas the handler validates with. `npm run openapi` collects this (tools/openapi.ts) into docs/openapi.json.
 */
import { routeDocsOf } from '../../tools/route-docs.ts';
import { appealRequestSchema } from '../../shared/fraud/appeal.ts';
import { claimAuditParams } from './routes.ts';

const tags = ['fraud alerts (智能审核)'];
const hidden =
  "Staff read any claim's result; a regulator its own region's claims (the member's pooling region, whose inbox the alerts reach); a provider its own claims. " +
  'Anyone else, and a claim not yet audited, is answered 404 exactly as a claim that does not exist.';

export const routeDocs = routeDocsOf<'claimAudit'>({
  getClaimAudit: {
    tags,
    roles: ['staff', 'regulator', 'provider'],
    summary: "A claim's smart-audit result (智能审核结果): the rules hit, their explanations, the score, and the case",
    description:
      "Each settled claim is judged by its region's rule library once the fraud consumer takes its ClaimSettled (within seconds). The answer: " +
      '`{ claim, region, memberId, scoredAt, reversed, catalogue { region, version }, knowledge (the knowledge-base layers the rules read), score, threshold, severity, result, atStakeFen, ' +
      'hits: [{ ruleId, type, title, severity, result, weight, findings, explanations, amountFen, lines }], ' +
      "alerting { tier (alert | review), delivery (push | digest), severity, reason }: what the region's alert policy made of the score, " +
      "thresholds { claimScore, providerScore, explanations }: the judging catalogue's thresholds in its own words, " +
      'case? { alertId, tier, status (open | investigating | confirmed | dismissed), updatedAt, appeals: [{ appealId, by, at, text, caseStatus }] } }`. ' +
      `A re-settled claim shows its latest settlement's result. ${hidden}`,
    request: { params: claimAuditParams },
    responses: {
      200: { description: 'The audit result' },
      404: { description: 'No such claim, not audited yet, or not the caller’s to read' },
    },
  },
  appealClaimAudit: {
    tags,
    roles: ['provider'],
    summary: 'Appeal (申诉) a claim’s audit result, with a text recorded on its case',
    description:
      'The provider disputes the hits of its own claim: the appeal is recorded on the claim’s case (an alert or a review item) with who sent it, when, ' +
      "the text and the case's status at the time; the regulator sees it on `GET /v1/alerts/{alertId}` (`appeals`) and the alert counts them (`appealCount`, `lastAppealAt`). " +
      'The same text from the same caller again records nothing new: 200 with `x-idempotent-replay: true` and the appeal first recorded. ' +
      `${hidden}`,
    request: { params: claimAuditParams, body: appealRequestSchema },
    responses: {
      201: { description: '`{ appeal: { appealId, alertId, by, at, text, caseStatus } }`' },
      200: { description: 'The same appeal again: the one recorded first' },
      404: { description: 'No such claim, not audited yet, or not the caller’s' },
      409: { description: '`no_case`: the claim raised no alert or review item (nothing hit), so there is nothing to appeal' },
    },
  },
});
