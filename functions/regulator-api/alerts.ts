/**
 * The regulator's alert inbox and case work. A regulator is bound to its region: it lists only its
 * region's alerts, and an alert of another region answers 404 exactly as a missing one does (its
 * existence is not the caller's business).
 */
import * as z from 'zod';
import type { RouteHandler } from '../../shared/http/api.ts';
import { conflict, notFound } from '../../shared/http/errors.ts';
import { requireRole } from '../../shared/auth/principal.ts';
import { ALERT_ID_PATTERN } from '../../shared/fraud/alert.ts';
import { ALERT_TIERS } from '../../shared/fraud/alerting.ts';
import { ALERT_STATUSES, transition, transitionRequestSchema } from '../../shared/fraud/case.ts';
import { SEVERITIES } from '../../shared/fraud/rules/define.ts';
import { FILTERABLE_RULE_TYPES } from '../../shared/fraud/subscription.ts';
import { readAlertCase, regionInbox, saveTransition } from '../../shared/fraud/store/alert.ts';
import type { Item } from '../../shared/fraud/store/dynamo.ts';
import type { CaseChange } from '../../shared/fraud/case.ts';
import { FraudRecoveryConfirmed } from '../../events/fraud.ts';
import { deliverAfterCommit, outboxEntry } from '../../shared/events/outbox.ts';
import { pageCursor } from '../../shared/http/cursor.ts';

/** The fact FraudRecoveryConfirmed reports, and so its event id: one alert's confirmed recovery. */
export const recoveryEventKey = (alertId: string) => `fraud/${alertId}/FraudRecoveryConfirmed`;

/** A confirmed case's amount to recover, for the payment side to take from the provider's next payment. */
function recoveryEvent(alert: Item, change: CaseChange, correlationId: string) {
  const claim = alert.claim as { providerCode: string; claimNo: string } | undefined;
  return outboxEntry(
    FraudRecoveryConfirmed,
    {
      alertId: alert.alertId as string,
      region: alert.region as string,
      providerCode: alert.providerCode as string,
      ...(claim ? { claim } : {}),
      recoveryFen: change.recoveryFen!,
      confirmedAt: change.at,
    },
    correlationId,
    recoveryEventKey(alert.alertId as string),
    change.at,
  );
}

export const alertParams = z.object({ alertId: z.string().regex(ALERT_ID_PATTERN, 'an alert id') });

export const listQuery = z.strictObject({
  status: z.enum(ALERT_STATUSES).optional(),
  minSeverity: z.enum(SEVERITIES).optional(),
  kind: z.enum(['claim', 'provider']).optional(),
  /** `alert`: reached the threshold; `review`: below it, in the queue by the region's alert policy. */
  tier: z.enum(ALERT_TIERS).optional(),
  providerCode: z
    .string()
    .regex(/^[A-Z0-9]{4,20}$/, 'a provider code')
    .optional(),
  ruleType: z.enum(FILTERABLE_RULE_TYPES).optional(),
  claimNo: z.string().min(1).max(64).optional(),
  /** Raised on or after / on or before (dates or date-times). */
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}/, 'a date')
    .optional(),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}/, 'a date')
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(2000).optional(),
});

/** The inbox's page cursor (index by region): a cursor of another region's inbox is no cursor of this one. */
const inboxCursor = pageCursor(['pk', 'sk', 'gsi1pk', 'gsi1sk']);
const encodeCursor = inboxCursor.encode;
const decodeCursor = (cursor: string, region: string) => inboxCursor.decode(cursor, { gsi1pk: `REGION#${region}` });

/** An alert as the API shows it: the stored item without its keys. */
function view(item: Item) {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g1s, ruleTypes: _rt, claimNo: _cn, ...alert } = item;
  return alert;
}

const summary = (item: Item) => {
  const { rules, ...rest } = view(item) as { rules?: { ruleId: string; type: string; title: string; severity: string; result: string }[] };
  return { ...rest, rules: (rules ?? []).map(({ ruleId, type, title, severity, result }) => ({ ruleId, type, title, severity, result })) };
};

export const listAlertsRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'regulator');
  const q = request.query(listQuery);
  const minSeverity = q.minSeverity ? SEVERITIES.slice(SEVERITIES.indexOf(q.minSeverity)) : undefined;
  const page = await regionInbox(
    principal.region,
    {
      ...(q.status ? { status: q.status } : {}),
      ...(minSeverity ? { minSeverity: [...minSeverity] } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.tier ? { tier: q.tier } : {}),
      ...(q.providerCode ? { providerCode: q.providerCode } : {}),
      ...(q.ruleType ? { ruleType: q.ruleType } : {}),
      ...(q.claimNo ? { claimNo: q.claimNo } : {}),
      ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}),
    },
    q.limit,
    q.cursor ? decodeCursor(q.cursor, principal.region) : undefined,
  );
  return {
    statusCode: 200,
    body: { region: principal.region, items: page.items.map(summary), ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}) },
  };
};

async function loadCase(alertId: string, region: string) {
  const found = await readAlertCase(alertId);
  if (!found || found.alert.region !== region) throw notFound(`No alert ${alertId}`);
  return found;
}

function caseView(found: NonNullable<Awaited<ReturnType<typeof readAlertCase>>>) {
  const strip = ({ pk: _pk, sk: _sk, kind: _k, ...rest }: Item) => rest;
  return {
    ...view(found.alert),
    history: found.history.map(strip),
    appeals: found.appeals.map(strip),
    deliveries: found.deliveries
      .map(strip)
      .map((d) => ({ ...d, attempts: found.attempts.filter((a) => a.subscriptionId === d.subscriptionId).map(strip) })),
  };
}

export const getAlertRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'regulator');
  const { alertId } = request.params(alertParams);
  return { statusCode: 200, body: caseView(await loadCase(alertId, principal.region)) };
};

export const transitionRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'regulator');
  const { alertId } = request.params(alertParams);
  const body = request.body(transitionRequestSchema);
  const found = await loadCase(alertId, principal.region);
  const status = found.alert.status as (typeof ALERT_STATUSES)[number];
  const outcome = transition(status, body, principal.sub, new Date().toISOString());
  if (!outcome.ok) throw conflict(outcome.reason, { status, requested: body.to });
  const recovery =
    outcome.change.to === 'confirmed' && (outcome.change.recoveryFen ?? 0) > 0
      ? recoveryEvent(found.alert, outcome.change, request.correlationId)
      : null;
  const saved = await saveTransition(alertId, principal.region, Number(found.alert.version), outcome.change, recovery ? [recovery] : []);
  if (saved === 'stale') throw conflict('The alert changed while this request was decided; read it again', { status });
  if (recovery) await deliverAfterCommit([recovery], (m, e) => request.logger.warn(m, e));
  return { statusCode: 200, body: caseView(await loadCase(alertId, principal.region)) };
};
