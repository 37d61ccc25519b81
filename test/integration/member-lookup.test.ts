/**
 * Looking members up by ID number (POST /v1/members/lookup): every look-up is in the audit trail
 * (who, the masked number, found or not, never the number itself), and a provider is limited to
 * PROVIDER_LOOKUPS_PER_MINUTE a minute (429 past it, answered alike for known and unknown numbers).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { PROVIDER_LOOKUPS_PER_MINUTE } from '../../shared/enrolment/lookup-limit.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { api, eventually, startTestCloud } from '../support/local-cloud.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

let cloud: LocalCloud;
let staff: string;
const person = idNumbers(Date.UTC(1970, 0, 1));
const fresh = () => person('532501', '002');

beforeAll(async () => {
  cloud = await startTestCloud();
  staff = await cloud.mint({ sub: 'clerk-1', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
});
afterAll(() => cloud?.stop());

const lookup = (token: string, idNumber: string, correlationId?: string) =>
  api(cloud, 'POST', '/v1/members/lookup', {
    token,
    body: { idNumber },
    ...(correlationId ? { headers: { 'x-correlation-id': correlationId } } : {}),
  });

async function trail(correlationId: string): Promise<{ detailType: string; detail: Record<string, unknown> }[]> {
  return eventually(async () => {
    const res = await api(cloud, 'GET', `/v1/audit/${correlationId}`, { token: staff });
    return res.body.events.length > 0 ? res.body.events : undefined;
  }, `audit of ${correlationId}`);
}

/** Waits, if need be, until a minute has at least `seconds` left, so a burst stays inside one window. */
async function freshMinute(seconds: number): Promise<void> {
  const left = 60 - new Date().getUTCSeconds();
  if (left < seconds) await sleep(left * 1000 + 200);
}

describe('a look-up by ID number', () => {
  it('is recorded in the audit trail with who, the masked number and whether a member was found', async () => {
    const idNumber = fresh();
    const enrolled = await api(cloud, 'POST', '/v1/members', {
      token: staff,
      body: { idNumber, year: 2025, region: '532500', scheme: 'resident' },
    });
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
    const memberId = enrolled.body.member.memberId as string;
    const hospital = await cloud.mint({ sub: 'his-1', role: 'provider', providerCode: 'H53250100001' });

    expect((await lookup(hospital, idNumber, 'lookup-found-1')).body.memberId).toBe(memberId);
    const [found] = await trail('lookup-found-1');
    expect(found).toMatchObject({
      detailType: 'MemberLookedUp',
      detail: {
        by: { role: 'provider', sub: 'his-1', providerCode: 'H53250100001' },
        maskedId: `${idNumber.slice(0, 4)}**********${idNumber.slice(14)}`,
        found: true,
        memberId,
      },
    });
    expect(JSON.stringify(found)).not.toContain(idNumber);

    const stranger = fresh();
    expect((await lookup(hospital, stranger, 'lookup-missing-1')).status).toBe(404);
    const [missing] = await trail('lookup-missing-1');
    expect(missing?.detail).toMatchObject({ found: false, maskedId: `${stranger.slice(0, 4)}**********${stranger.slice(14)}` });
    expect(missing?.detail).not.toHaveProperty('memberId');
    expect(JSON.stringify(missing)).not.toContain(stranger);
  });

  it(`is limited to ${PROVIDER_LOOKUPS_PER_MINUTE} a minute for a provider, known or unknown numbers alike, per provider`, async () => {
    const prober = await cloud.mint({ sub: 'his-2', role: 'provider', providerCode: 'H53250100002' });
    const other = await cloud.mint({ sub: 'his-3', role: 'provider', providerCode: 'H53250100003' });
    await freshMinute(40);
    const statuses: number[] = [];
    for (let i = 0; i < PROVIDER_LOOKUPS_PER_MINUTE; i++) statuses.push((await lookup(prober, fresh())).status);
    expect(statuses.every((s) => s === 404)).toBe(true);

    const refused = await lookup(prober, fresh(), 'lookup-limited-1');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'TOO_MANY_REQUESTS', details: { limit: PROVIDER_LOOKUPS_PER_MINUTE } });
    expect(refused.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    // Another provider is not held back by the first one's minute.
    expect((await lookup(other, fresh())).status).toBe(404);
    // A refused look-up wrote nothing: no audit record for its correlation id.
    await sleep(500);
    expect((await api(cloud, 'GET', '/v1/audit/lookup-limited-1', { token: staff })).body.events).toEqual([]);
  }, 60_000);

  it('is not limited for staff, and still recorded', async () => {
    await freshMinute(30);
    for (let i = 0; i < PROVIDER_LOOKUPS_PER_MINUTE + 5; i++)
      expect((await lookup(staff, fresh(), i === 0 ? 'lookup-staff-1' : undefined)).status).toBe(404);
    const [record] = await trail('lookup-staff-1');
    expect(record?.detail).toMatchObject({ by: { role: 'staff', sub: 'clerk-1' }, found: false });
  }, 60_000);
});
