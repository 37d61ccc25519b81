/**
 * The platform routes (health check and the authenticated ping), documented from the schema the
 * handler validates with. `npm run openapi` collects this (tools/openapi.ts) into docs/openapi.json.
 */
import { routeDocsOf } from '../../tools/route-docs.ts';
import { pingBody } from './handler.ts';

const tags = ['platform'];

export const routeDocs = routeDocsOf<'platform'>({
  health: {
    tags,
    roles: [],
    summary: 'Health check',
    description:
      'No token and no role: the only route that does not go through the authorizer. ' +
      'Answers `{ "status": "ok", "service": "yibao" }`; it reads nothing, so it says the function is reachable, not that its tables are.',
    responses: { 200: { description: 'Up: `{ status: "ok", service: "yibao" }`' } },
  },
  ping: {
    tags,
    roles: ['provider', 'staff', 'regulator'],
    summary: 'Authenticated ping: echoes the caller and publishes PingReceived',
    description:
      'Checks a token end to end and lets an operator follow one request across the bus: publishes PingReceived ' +
      "(role, the provider code or region acted for, the message) with the request's correlation id, straight to the bus (no outbox), " +
      'so a bus failure is a 500. The body may be left out (the message defaults to `ping`). With `providerCode` the caller claims to act ' +
      'for that provider: a provider may name only itself and a regulator none (403); staff may name any.',
    request: { body: pingBody },
    responses: {
      200: {
        description:
          '`{ pong: <the message>, caller: { role, actingFor? }, correlationId, eventId }`: actingFor is the provider code of a provider, ' +
          "the region of a regulator, absent for staff; eventId is the bus's id of the PingReceived event",
      },
    },
  },
});
