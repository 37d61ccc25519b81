import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalCloud } from './cloud.ts';
import { yearEndDemo } from '../../functions/year-end-settlement/demo.ts';

/**
 * What `npm start` shows once the cloud is up: the health route, a provider's authenticated ping
 * through the authorizer and handler, the event it published crossing the bus and a queue into the
 * audit trail, a provider refused when it claims to act for another, and a schedule fired by hand.
 */
export async function runDemo(cloud: LocalCloud, print: (line: string) => void): Promise<void> {
  const call = async (method: string, path: string, token?: string, body?: unknown, correlationId?: string) => {
    const res = await fetch(`${cloud.apiUrl}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(correlationId ? { 'x-correlation-id': correlationId } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  print('── demo ─────────────────────────────────────────────');
  const health = await call('GET', '/health');
  print(`GET /health                         → ${health.status} ${JSON.stringify(health.body)}`);

  const provider = await cloud.mint({ sub: 'his-demo', role: 'provider', providerCode: 'H33090100001' });
  const staff = await cloud.mint({ sub: 'clerk-demo', role: 'staff', permissions: ['audit:read'] });
  const correlationId = `demo-${Date.now()}`;
  const ping = await call('POST', '/v1/ping', provider, { message: 'hello from the HIS' }, correlationId);
  print(`POST /v1/ping (provider)            → ${ping.status} ${JSON.stringify(ping.body)}`);

  const other = await call('POST', '/v1/ping', provider, { providerCode: 'H33090100002' });
  print(`POST /v1/ping for another provider  → ${other.status} ${JSON.stringify(other.body)}`);
  const anonymous = await call('POST', '/v1/ping');
  print(`POST /v1/ping without a token       → ${anonymous.status} ${JSON.stringify(anonymous.body)}`);

  // The ping's event goes bus → rule → audit queue → audit function → table: wait for it.
  let trail: Record<string, unknown> = {};
  for (let i = 0; i < 50; i++) {
    trail = (await call('GET', `/v1/audit/${correlationId}`, staff)).body;
    if (Array.isArray(trail.events) && trail.events.length > 0) break;
    await sleep(100);
  }
  const events = (trail.events as { detailType: string; source: string }[] | undefined) ?? [];
  print(
    `GET /v1/audit/${correlationId} (staff) → ${events.length} event(s): ${events.map((e) => `${e.source} ${e.detailType}`).join(', ')}`,
  );

  const firing = await cloud.scheduler.fire('monthlyPrepayment');
  print(`schedule monthlyPrepayment fired    → ${firing.function}: ${JSON.stringify(firing.result)}`);
  print('── budgets, prepayment and year-end (Honghe 2025) ─────');
  await yearEndDemo(cloud, print);
  print('──────────────────────────────────────────────────────');
  print('Ctrl-C stops the platform; data stays in the data folder.');
}
