import { setTimeout as sleep } from 'node:timers/promises';
import type { SQSEvent } from 'aws-lambda';
import { expect } from 'vitest';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../infra/local/cloud.ts';

/** A local cloud for one test file: in memory, quiet, failed messages retried at once. */
export function startTestCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  return startLocalCloud({ retryDelaySeconds: 0, logLevel: 'SILENT', ...options });
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: any;
}

export async function api(
  cloud: LocalCloud,
  method: string,
  path: string,
  init: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  const res = await fetch(`${cloud.apiUrl}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    ...(init.rawBody !== undefined ? { body: init.rawBody } : init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Hands `seen` the body of every event the audit consumer is given (every yibao event passes there). */
export function onAuditEvent(cloud: LocalCloud, seen: (body: string) => void): void {
  cloud.lambda.observe((fn, event, trigger) => {
    if (fn !== 'audit' || trigger !== 'sqs') return;
    for (const r of (event as SQSEvent).Records) seen(r.body);
  });
}

/** Registers a provider (定点医药机构) through POST /v1/providers, as staff holding `token`; the setup stops unless it answers 201. */
export async function registerProvider(
  cloud: LocalCloud,
  token: string,
  provider: { providerCode: string; name: string; level: string; region: string; kind: string },
): Promise<void> {
  const res = await api(cloud, 'POST', '/v1/providers', { token, body: provider });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

/** Registers a secondary hospital of 阜新 (region 210902) as staff holding `staff`; a token of its system (HIS). */
export async function openFuxinHospital(cloud: LocalCloud, staff: string, providerCode: string, name: string): Promise<string> {
  await registerProvider(cloud, staff, { providerCode, name, level: 'secondary', region: '210902', kind: 'hospital' });
  return cloud.mint({ sub: `his-${providerCode}`, role: 'provider', providerCode });
}

/** Enrols a resident of 210900 for 2020 with the 特困 category (a member every claim test can settle for); its member id. */
export async function enrolTekunResident(cloud: LocalCloud, token: string, idNumber: string): Promise<string> {
  const res = await api(cloud, 'POST', '/v1/members', {
    token,
    body: { idNumber, year: 2020, region: '210900', scheme: 'resident', categories: [{ code: 'tekun', validFrom: '2019-01-01' }] },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.member.memberId;
}

/** Polls until `probe` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * Runs `work` while the bus refuses every event. The handlers run in the test's process and read the
 * bus name at each publish: naming a bus that does not exist makes the local bus refuse each entry
 * (ResourceNotFoundException), as EventBridge would.
 */
export async function whileTheBusRefuses<T>(work: () => Promise<T>): Promise<T> {
  const saved = process.env.EVENT_BUS_NAME;
  process.env.EVENT_BUS_NAME = 'no-such-bus';
  try {
    return await work();
  } finally {
    process.env.EVENT_BUS_NAME = saved;
  }
}
