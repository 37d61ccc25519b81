import * as z from 'zod';
import { httpApi } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { requireActingFor } from '../../shared/auth/principal.ts';
import { PingReceived } from '../../events/platform.ts';
import { byTrigger } from '../../shared/runtime/triggers.ts';
import { publishNotice, relayOutbox } from '../../shared/events/outbox.ts';

const logger = createLogger('platform');

export const pingBody = z
  .object({
    message: z.string().min(1).max(200).default('ping'),
    /** When set, the caller claims to act for this provider: a provider may only name itself. */
    providerCode: z.string().optional(),
  })
  .strict();

const api = httpApi(logger, 'platform', {
  'GET /health': () => ({ statusCode: 200, body: { status: 'ok', service: 'yibao' } }),

  /** Echoes the caller and message, and publishes PingReceived so the request can be traced across the bus. */
  'POST /v1/ping': async (request) => {
    const principal = request.principal();
    const body = request.body(pingBody.default({ message: 'ping' }));
    if (body.providerCode) requireActingFor(principal, body.providerCode);
    const actingFor =
      principal.role === 'provider' ? principal.providerCode : principal.role === 'regulator' ? principal.region : undefined;
    // A ping reports no stored fact: published while the caller waits, not through the outbox.
    const eventId = await publishNotice(PingReceived, { role: principal.role, actingFor, message: body.message }, request.correlationId);
    logger.info('Ping', { role: principal.role, eventId });
    return {
      statusCode: 200,
      body: { pong: body.message, caller: { role: principal.role, actingFor }, correlationId: request.correlationId, eventId },
    };
  },
});

export const handler = byTrigger({
  http: api,
  /** The outbox relay: events a request committed but did not get onto the bus (shared/events/outbox.ts). */
  // The grace period counts from now, not the firing time: an operator may fire the relay by hand for any time.
  schedule: async () => {
    const report = await relayOutbox(new Date());
    if (report.found > 0) logger.warn('Outbox relay published events a request left behind', { ...report });
    if (report.waiting > 0) throw new Error(`The bus refused ${report.waiting} outbox events; the next run tries again`);
    return { run: 'outbox-relay', ...report };
  },
});
