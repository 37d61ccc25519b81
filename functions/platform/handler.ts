import * as z from 'zod';
import { httpApi } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { requireActingFor } from '../../shared/auth/principal.ts';
import { PingReceived } from '../../events/platform.ts';
import { publishNotice } from '../../shared/events/outbox.ts';

const logger = createLogger('platform');

export const pingBody = z
  .object({
    message: z.string().min(1).max(200).default('ping'),
    /** When set, the caller claims to act for this provider: a provider may only name itself. */
    providerCode: z.string().optional(),
  })
  .strict();

/** Health check and the traced ping. The outbox relay's schedule is relay-handler.ts, a Lambda of its own. */
export const handler = httpApi(logger, 'platform', {
  health: () => ({ statusCode: 200, body: { status: 'ok', service: 'yibao' } }),

  /** Echoes the caller and message, and publishes PingReceived so the request can be traced across the bus. */
  ping: async (request) => {
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
