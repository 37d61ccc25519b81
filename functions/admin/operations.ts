/**
 * The operators' routes (issue 20):
 *   GET  /v1/operations/dead-letters                 the outbox's dead letters (?key= one, whole; ?all=true replayed ones too)
 *   POST /v1/operations/dead-letters/replay          replay dead letters by key (idempotent)
 *   POST /v1/operations/reconciliations              reconcile a window of settled claims now; the report is stored
 *   GET  /v1/operations/reconciliations/{runId}      a stored report (the daily run's id: daily-<yyyy-mm-dd>)
 * Staff with operations:replay or operations:reconcile.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { RouteHandler, RouteTableOf } from '../../shared/http/api.ts';
import { badRequest, notFound } from '../../shared/http/errors.ts';
import { requirePermission } from '../../shared/auth/principal.ts';
import { listDeadLetters, readDeadLetter, replayDeadLetter, type DeadLetter } from '../../shared/events/outbox.ts';
import { readReconciliation, reconcile } from '../../shared/reconciliation/store/reconcile.ts';
import { mapLimit } from '../../shared/runtime/concurrency.ts';

const eventKey = z.string().min(1).max(512);

export const deadLettersQuery = z.strictObject({
  /** One dead letter, with its detail. */
  key: eventKey.optional(),
  /** Replayed ones too (kept, with who replayed them and when). */
  all: z.enum(['true', 'false']).optional(),
});

export const replayBody = z.strictObject({
  /** The dead letters to replay, by event key (as listed). */
  keys: z.array(eventKey).min(1).max(100),
});

const MAX_WINDOW_MS = 7 * 24 * 3_600_000;

export const reconciliationBody = z
  .strictObject({
    /** Claims whose settlement committed from this time (inclusive)… */
    from: z.iso.datetime({ offset: true }),
    /** …to this time (exclusive); at most seven days after `from`. */
    to: z.iso.datetime({ offset: true }),
  })
  .refine((w) => Date.parse(w.from) < Date.parse(w.to), { path: ['to'], message: 'to comes after from', params: { rule: 'date_order' } })
  .refine((w) => Date.parse(w.to) - Date.parse(w.from) <= MAX_WINDOW_MS, {
    path: ['to'],
    message: 'a window of at most seven days (run a longer one in parts)',
    params: { rule: 'too_big' },
  });

export const reconciliationParams = z.object({ runId: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, 'a run id as a report names it') });

/** A dead letter as listed: its detail's size, not the detail (ask for the key to see it). */
const summary = ({ detail, ...d }: DeadLetter) => ({ ...d, detailBytes: Buffer.byteLength(detail, 'utf8') });

const listRoute: RouteHandler = async (request) => {
  requirePermission(request.principal(), 'operations:replay');
  const query = request.query(deadLettersQuery);
  if (query.key) {
    const dead = await readDeadLetter(query.key);
    if (!dead) throw notFound(`no dead letter ${query.key}`);
    return { statusCode: 200, body: { deadLetter: { ...dead, detail: JSON.parse(dead.detail) } } };
  }
  const deadLetters = await listDeadLetters({ includeReplayed: query.all === 'true' });
  return { statusCode: 200, body: { count: deadLetters.length, deadLetters: deadLetters.map(summary) } };
};

const replayRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requirePermission(principal, 'operations:replay');
  const { keys } = request.body(replayBody);
  const now = new Date();
  const outcomes = await mapLimit([...new Set(keys)], 8, async (key) => ({
    key,
    outcome: await replayDeadLetter(key, principal.sub, now),
  }));
  request.logger.info('Dead letters replayed', { outcomes });
  return { statusCode: 200, body: { replayed: outcomes } };
};

const startRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requirePermission(principal, 'operations:reconcile');
  const window = request.body(reconciliationBody);
  const normalised = { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() };
  if (Date.parse(normalised.from) > Date.now())
    throw badRequest('body.from: the window starts in the future', {
      problems: [{ field: 'body.from', rule: 'future', message: 'the window starts in the future' }],
    });
  const runId = `r-${normalised.from.slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  const report = await reconcile({ runId, trigger: 'request', requestedBy: principal.sub, window: normalised, now: () => new Date() });
  request.logger.info('Reconciliation run', { runId, claims: report.claims, missing: report.facts.missing, repaired: report.repaired });
  return { statusCode: 201, body: report };
};

const getRoute: RouteHandler = async (request) => {
  requirePermission(request.principal(), 'operations:reconcile');
  const { runId } = request.params(reconciliationParams);
  const report = await readReconciliation(runId);
  if (!report) throw notFound(`no reconciliation run ${runId}`);
  return { statusCode: 200, body: report };
};

export const operationsRoutes = {
  listDeadLetters: listRoute,
  replayDeadLetters: replayRoute,
  startReconciliation: startRoute,
  getReconciliation: getRoute,
} satisfies Partial<RouteTableOf<'admin'>>;
