/**
 * No 500 for a handler that runs out of time (issue 20: never a 500). A slow dependency is injected
 * at the SDK's transport (LocalIam.delayMs: the settlement's TransactWriteItems held back) and the
 * adjudication function given a 3-second deadline instead of 29, so the route's timeout arrives in
 * seconds: it answers 503 TIMEOUT with Retry-After, as an HTTP API answers an integration it stopped
 * waiting for. The settlement then either completed (the same request sent again is a replay) or
 * wrote nothing (sent again, it settles once): never twice, whatever the held write does later.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';
import { HANDLER_TIMEOUT_MARGIN_MS } from '../../shared/http/api.ts';
import { TIMEOUT_RETRY_AFTER_SECONDS } from '../../shared/http/errors.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { api, eventually, openFuxinHospital, startTestCloud } from '../support/local-cloud.ts';

const HOSPITAL = 'H21090200001';
const DEADLINE_SECONDS = 3;
const WARM_UP = 'TO-WARM';
/** How long the settlement's transaction is held: past the route's answer (deadline − margin). */
let holdMs = 0;
let held = 0;

let cloud: LocalCloud;
let provider: string;
let memberId: string;

beforeAll(async () => {
  cloud = await startTestCloud({ functionTimeouts: { adjudication: DEADLINE_SECONDS } });
  cloud.iam.delayMs = (call) => {
    if (holdMs === 0 || call.function !== 'adjudication' || call.operation !== 'TransactWriteItems') return undefined;
    held++;
    return holdMs;
  };
  const staff = await cloud.mint({ sub: 'timeout-clerk', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
  provider = await openFuxinHospital(cloud, staff, HOSPITAL, '阜新市第二人民医院');
  const enrolled = await api(cloud, 'POST', '/v1/members', {
    token: staff,
    body: {
      idNumber: idNumbers(Date.UTC(1958, 2, 3))('210902', '007'),
      year: 2020,
      region: '210900',
      scheme: 'resident',
      categories: [{ code: 'dibao', validFrom: '2019-01-01' }],
    },
  });
  expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
  memberId = enrolled.body.member.memberId;
  // One settlement first, unheld: the function's caches (policy, provider, catalogue) and the JIT are
  // warm, so what runs into the deadline below is the held transaction, not a cold start on a loaded machine.
  const warm = await settle(WARM_UP);
  expect(warm.status, JSON.stringify(warm.body)).toBe(201);
}, 120_000);

afterAll(async () => {
  holdMs = 0;
  await cloud?.stop();
});

const bill = (claimNo: string) => ({
  providerCode: HOSPITAL,
  claimNo,
  memberId,
  visit: { type: 'outpatient', serviceDate: '2020-06-01' },
  diagnoses: { principal: 'J06.900' },
  lines: [exampleLine(1, 'A', 'drug', 120)],
});
const settle = (claimNo: string) => api(cloud, 'POST', '/v1/claims', { token: provider, body: bill(claimNo) });
const claim = (claimNo: string) => api(cloud, 'GET', `/v1/claims/${HOSPITAL}/${claimNo}`, { token: provider });

const answeredAfter = new WeakMap<object, number>();
const answeredIn = (res: object) => answeredAfter.get(res) ?? -1;

/** The route's answer when its handler is still waiting at the deadline. */
function expectTimeout(res: Awaited<ReturnType<typeof settle>>, startedAt: number): void {
  answeredAfter.set(res, Date.now() - startedAt);
  expect(res.status, JSON.stringify(res.body)).toBe(503);
  expect(res.body.error.code).toBe('TIMEOUT');
  expect(res.headers.get('retry-after')).toBe(String(TIMEOUT_RETRY_AFTER_SECONDS));
  expect(res.headers.get('x-correlation-id')).toBeTruthy();
  // Answered before the deadline, not by the gateway after it.
  expect(Date.now() - startedAt).toBeLessThan(DEADLINE_SECONDS * 1000 + 500);
  expect(Date.now() - startedAt).toBeGreaterThanOrEqual(DEADLINE_SECONDS * 1000 - HANDLER_TIMEOUT_MARGIN_MS - 200);
}

describe('a route that runs out of time', () => {
  it('answers 503 TIMEOUT with Retry-After; the write it held completes, and the same request again replays it', async () => {
    holdMs = 2_500;
    const startedAt = Date.now();
    const first = await settle('TO-1');
    holdMs = 0;
    expectTimeout(first, startedAt);
    expect(held).toBeGreaterThan(0);
    // The held transaction goes out after the answer and commits: the claim exists once.
    const settled = await eventually(async () => {
      const res = await claim('TO-1');
      return res.status === 200 ? res.body : undefined;
    }, 'the held settlement to commit');
    const again = await settle('TO-1');
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.headers.get('x-idempotent-replay')).toBe('true');
    expect(again.body.statement).toEqual(settled.claim?.statement ?? again.body.statement);
    expect(settled.ledger).toEqual([expect.objectContaining({ kind: 'settlement', settlementNo: 1 })]);
    console.log(
      `handler timeout: 503 ${first.body.error.code} after ${answeredIn(first)} ms (deadline ${DEADLINE_SECONDS} s), Retry-After ${first.headers.get('retry-after')}; ` +
        `the held write completed, the retry replayed it (${again.status}); ledger entries ${settled.ledger.length}`,
    );
  }, 60_000);

  it('answers 503 TIMEOUT; sent again before the held write, it settles once, and the held write then changes nothing', async () => {
    held = 0;
    holdMs = 4_000;
    const startedAt = Date.now();
    const first = await settle('TO-2');
    holdMs = 0;
    expectTimeout(first, startedAt);
    // Nothing committed yet: the claim is missing, and the retry settles it.
    expect((await claim('TO-2')).status).toBe(404);
    const retry = await settle('TO-2');
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    // The first request's transaction goes out ~1.5 s later, conditional on what it read: it fails.
    await sleep(4_000 - (Date.now() - startedAt) + 1_500);
    const after = await claim('TO-2');
    expect(after.status).toBe(200);
    expect(after.body.ledger).toEqual([
      expect.objectContaining({
        kind: 'settlement',
        settlementNo: 1,
        amounts: expect.objectContaining({ fundPaidFen: retry.body.statement.totals.fundPaidFen }),
      }),
    ]);
    // The member's year counts each settled bill once: its counters are the sum of the claims' ledgers.
    const ledgers = (await Promise.all([WARM_UP, 'TO-1', 'TO-2'].map(claim))).filter((r) => r.status === 200).flatMap((r) => r.body.ledger);
    const eligibility = await api(cloud, 'GET', `/v1/members/${memberId}/eligibility?date=2020-06-01`, { token: provider });
    console.log(
      `handler timeout: 503 ${first.body.error.code} after ${answeredIn(first)} ms; the retry before the held write settled (${retry.status}), ` +
        `the held write then changed nothing: ledger entries ${after.body.ledger.length}, fund paid once ${retry.body.statement.totals.fundPaidFen} fen`,
    );
    expect(eligibility.body.accumulators.counters).toMatchObject({
      claims: ledgers.length,
      fundPaid: ledgers.reduce((sum: number, e: { amounts: { fundPaidFen: number } }) => sum + e.amounts.fundPaidFen, 0),
    });
  }, 60_000);
});
