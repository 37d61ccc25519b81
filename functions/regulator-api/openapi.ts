/**
 * The regulators' routes (fraud alerts worked as cases, subscriptions with signed webhooks),
 * documented from the schemas the handlers validate with. `npm run openapi` collects this
 * (tools/openapi.ts) into docs/openapi.json.
 */
import * as z from 'zod';
import { type RouteDocBody, routeDocsOf } from '../../tools/route-docs.ts';
import { fraudAlertPayload } from '../../events/fraud.ts';
import { transitionRequestSchema } from '../../shared/fraud/case.ts';
import { DEFAULT_BACKOFF } from '../../shared/fraud/delivery.ts';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../shared/fraud/signing.ts';
import { subscriptionRequestSchema } from '../../shared/fraud/subscription.ts';
import { riskReportParams } from './risk-report.ts';
import { alertParams, listQuery } from './alerts.ts';
import { subscriptionParams } from './subscriptions.ts';
import { DIGEST_LISTED, digestParams } from './digest.ts';
import { auditParams } from './audit-trail.ts';

const tags = ['fraud alerts (智能审核)'];
const roles: RouteDocBody['roles'] = ['regulator'];
const ownRegion = "A regulator is bound to one region: another region's alert answers 404, exactly as a missing one.";

const webhook = [
  `Each matching alert is POSTed to the webhook as JSON \`{ type: "fraud.alert.raised", deliveryId, subscriptionId, alert }\` (the alert as in FraudAlertRaised:`,
  'claim, provider, the rules hit with their explanations, score and amounts; never a full ID number or name).',
  `Headers: \`${SIGNATURE_HEADER}: v1=<hex HMAC-SHA256(secret, "<${TIMESTAMP_HEADER}>.<body>")>\`, \`${TIMESTAMP_HEADER}\` (epoch seconds),`,
  `\`${DELIVERY_HEADER}\` (the same on every attempt: deduplicate by it) and \`${EVENT_HEADER}\`. Verify the signature and reject old timestamps.`,
  `A 2xx answer takes the alert; anything else is retried after ${DEFAULT_BACKOFF.baseSeconds} s, then ×${DEFAULT_BACKOFF.factor} each time, and dead-lettered after the last try`,
  '(every attempt is recorded on the alert). Webhooks must be HTTPS.',
  '`filter.events` chooses what the webhook receives: `fraud.alert.raised` (the default) and/or `fund.warning.raised`, the fund early warnings of the region',
  "(FundWarningRaised: each scheme's own reserve in months of payment and its budget against execution, the region's whole fund, providers' budgets),",
  'narrowed by `filter.fundWarnings` (`schemes`, `kinds`, `minLevel`). A warning is POSTed as `{ type: "fund.warning.raised", deliveryId, subscriptionId, warning }`',
  '(`warning`: warningId, region, year, throughMonth, kind, scheme?, providerCode?, level, previousLevel, value, threshold, message), signed, retried and dead-lettered as an alert is.',
].join(' ');

export const routeDocs = routeDocsOf<'regulatorApi'>({
  listAlerts: {
    tags,
    roles,
    summary: "The region's fraud alerts, newest first, paged and filtered",
    description: `Claim alerts (tier \`alert\`: a claim's score reached the threshold), review items (tier \`review\`: a claim whose hits score below it, at the lower severity the region's alert policy names, so no rule type is invisible) and provider alerts (a provider's running risk reached its threshold, once a year). \`cursor\` is the \`next\` of the previous page. ${ownRegion}`,
    request: { query: listQuery },
    responses: { 200: { description: '{ region, items: alert summaries (rules without explanations), nextCursor? }' } },
  },
  getAlert: {
    tags,
    roles,
    summary: 'One alert with its case history and deliveries',
    description: `The alert with every rule hit and its explanations, its case status and each change (who, when), the provider's appeals (申诉: who, when, text, the case's status then), and each subscription's delivery attempts. ${ownRegion}`,
    request: { params: alertParams },
    responses: {
      200: {
        description: 'The alert and its case',
        schema: fraudAlertPayload.extend({
          status: z.string(),
          history: z.array(z.unknown()),
          appeals: z.array(z.unknown()),
          deliveries: z.array(z.unknown()),
        }),
      },
      404: { description: "No such alert in the regulator's region" },
    },
  },
  getAlertDigest: {
    tags,
    roles,
    summary: "The daily digest (每日汇总) of the region's review items: claims whose hits scored below the claim threshold",
    description:
      "A region's alert policy (the fraud-rules catalogue's `alerting` section) sends a claim scoring below the claim threshold to the regulator as a review item " +
      '(tier `review`, at the lower severity it names): pushed at once (`delivery: queue`) or kept for this digest (`delivery: digest`: in the inbox, not sent to webhooks one by one). ' +
      'The digest of a day (China Standard Time) counts every review item raised that day, by rule type and by provider, with the amounts their hits put in doubt, ' +
      `and lists up to ${DIGEST_LISTED} of them (\`truncated\` when there are more; the inbox \`GET /v1/alerts?tier=review&from=&to=\` pages through all). ${ownRegion}`,
    request: { params: digestParams },
    responses: {
      200: {
        description:
          '`{ region, date, timeZone, reviewItems, digestOnly, atStakeFen, byRuleType: [{ type, title, items, amountFen }], byProvider: [{ providerCode, items, atStakeFen }], ' +
          'items: [{ alertId, providerCode, claimNo, score, status, digestOnly, raisedAt, atStakeFen, rules }], truncated? }`',
      },
    },
  },
  transitionAlert: {
    tags,
    roles,
    summary: 'Work the case: open → investigating → confirmed (with the amount to recover) or dismissed',
    description: `Each change is recorded with who made it and when; a change the case's status does not allow answers 409 naming both. ${ownRegion}`,
    request: { params: alertParams, body: transitionRequestSchema },
    responses: {
      200: { description: 'The alert and its case, changed' },
      404: { description: "No such alert in the regulator's region" },
      409: { description: 'Not allowed from the current status, or changed meanwhile' },
    },
  },
  createSubscription: {
    tags,
    roles,
    summary: "Subscribe a webhook to the region's alerts, by filter (minimum severity, rule types, provider)",
    description: `Answers 201 with the signing secret, shown this once (lost: delete and subscribe again). ${webhook}`,
    request: { body: subscriptionRequestSchema },
    responses: {
      201: { description: 'The subscription, with its secret and how deliveries are signed' },
      403: { description: 'A filter naming another region' },
    },
  },
  listSubscriptions: {
    tags,
    roles,
    summary: "The region's subscriptions (without their secrets)",
    responses: { 200: { description: '{ region, items }' } },
  },
  deleteSubscription: {
    tags,
    roles,
    summary: 'Stop a subscription',
    request: { params: subscriptionParams },
    responses: { 204: { description: 'Deleted' }, 404: { description: "No such subscription in the regulator's region" } },
  },
  getAuditTrail: {
    tags: ['audit trail'],
    roles: ['staff', 'regulator'],
    summary: 'Every event one request caused, oldest first (the append-only audit trail)',
    description:
      "The correlation id is the `x-correlation-id` a request answered with (or sent). Staff see every event; a regulator only its region's. An unknown id answers an empty list.",
    request: { params: auditParams },
    responses: { 200: { description: '{ correlationId, events: [{ eventId, source, detailType, time, detail }] }' } },
  },
  getRiskReport: {
    tags,
    roles: ['regulator', 'staff'],
    summary: "A region's risk report of a year: providers ranked by risk, rule hits by type and month",
    description:
      "From the region's alerts raised in the year (the agency's calendar, Asia/Shanghai). `providers`, ranked by the amount their alerts put at stake, " +
      'then the highest score: { providerCode, alerts, open, investigating, confirmed, dismissed, serious (high or critical), maxScore, atStakeFen, ' +
      'recoveryFen (set by confirmed cases) }. `ruleHits`: { month, ruleType, hits }, each rule type counted once per alert in the month it was raised. ' +
      'A regulator reads its own region only (another is 403); staff any.',
    request: { params: riskReportParams },
    responses: {
      200: { description: '{ region, year, alerts, providers, ruleHits }' },
      403: { description: 'A regulator of another region, or a provider' },
    },
  },
});
