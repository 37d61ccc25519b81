/**
 * A regulator's subscriptions to its region's alerts. The signing secret is drawn here and shown in
 * the answer that creates the subscription, and never again: a regulator who loses it deletes the
 * subscription and makes a new one.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import * as z from 'zod';
import type { RouteHandler } from '../../shared/http/api.ts';
import { badRequest, forbidden, notFound } from '../../shared/http/errors.ts';
import { requireRole } from '../../shared/auth/principal.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, secretFrom } from '../../shared/fraud/signing.ts';
import {
  ALLOW_LOCAL_WEBHOOKS_ENV,
  internalTargetProblem,
  subscriptionRequestSchema,
  webhookUrlProblem,
  type Resolve,
} from '../../shared/fraud/subscription.ts';
import {
  deleteSubscription,
  publicView,
  putSubscription,
  regionSubscriptions,
  type StoredSubscription,
} from '../../shared/fraud/store/subscription.ts';

const allowLocal = () => process.env[ALLOW_LOCAL_WEBHOOKS_ENV] === 'true';

/** The system resolver, given two seconds: a name that does not answer by then is accepted, and checked again at delivery. */
const resolveWithin2s: Resolve = (hostname) =>
  Promise.race([
    lookup(hostname, { all: true }),
    new Promise<never>((_, fail) => setTimeout(() => fail(new Error('lookup timed out')), 2_000).unref()),
  ]);

export const subscriptionParams = z.object({ subscriptionId: z.string().regex(/^sub_[0-9a-f]{32}$/, 'a subscription id') });

export const createSubscriptionRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'regulator');
  const body = request.body(subscriptionRequestSchema);
  if (body.filter.region && body.filter.region !== principal.region) {
    throw forbidden(`A regulator of ${principal.region} subscribes to its own region's alerts only`, { field: 'body.filter.region' });
  }
  // A name that resolves to an internal address is refused now, so the regulator hears of it at once;
  // every delivery checks again (functions/alert-delivery/webhook.ts), as a name's answers can change.
  const resolved = webhookUrlProblem(body.target.url, allowLocal())
    ? undefined
    : await internalTargetProblem(body.target.url, resolveWithin2s, allowLocal());
  const problem =
    webhookUrlProblem(body.target.url, allowLocal()) ??
    (resolved ? `a webhook may not point at an internal address (${resolved})` : undefined);
  if (problem)
    throw badRequest(`body.target.url: ${problem}`, { problems: [{ field: 'body.target.url', rule: 'webhook', message: problem }] });

  const secret = secretFrom(randomBytes(32));
  const subscription: StoredSubscription = {
    subscriptionId: `sub_${randomUUID().replaceAll('-', '')}`,
    region: principal.region,
    ...(body.description ? { description: body.description } : {}),
    filter: { ...body.filter, region: principal.region },
    target: { type: 'webhook', url: body.target.url },
    createdBy: principal.sub,
    createdAt: new Date().toISOString(),
    secret,
    status: 'active',
  };
  await putSubscription(subscription);
  return {
    statusCode: 201,
    body: {
      ...publicView(subscription),
      secret,
      signing: {
        note: 'The secret is shown once. Each delivery is signed with HMAC-SHA256 over "<timestamp>.<body>".',
        signatureHeader: SIGNATURE_HEADER,
        timestampHeader: TIMESTAMP_HEADER,
        format: 'v1=<hex digest>',
      },
    },
  };
};

export const listSubscriptionsRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'regulator');
  const items = await regionSubscriptions(principal.region);
  return { statusCode: 200, body: { region: principal.region, items: items.map(publicView) } };
};

export const deleteSubscriptionRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'regulator');
  const { subscriptionId } = request.params(subscriptionParams);
  const deleted = await deleteSubscription(subscriptionId, principal.region, principal.sub, new Date().toISOString());
  if (!deleted) throw notFound(`No subscription ${subscriptionId}`);
  return { statusCode: 204 };
};
