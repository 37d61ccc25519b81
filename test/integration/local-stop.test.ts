/**
 * A stop of the local cloud (Ctrl-C on `npm start`, a test's teardown) lets the handlers in flight
 * finish before the tables and queues they call go: the gateway, the schedules and the pollers stop
 * taking work first, then the running invocations are waited for (LocalLambda.drain, ten seconds at
 * most), then the bus, fauxqs and DynamoDB Local stop. Before, a request caught by the stop failed
 * mid-way on a DynamoDB already gone and logged an error on every Ctrl-C during the demo.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { api, eventually, startTestCloud } from '../support/local-cloud.ts';

let cloud: LocalCloud | undefined;
afterAll(async () => {
  await cloud?.stop();
});

describe('stopping the local cloud', () => {
  it('lets a request in flight finish its writes before DynamoDB Local goes', async () => {
    cloud = await startTestCloud();
    const running = cloud;
    const staff = await running.mint({ sub: 'stop-clerk', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
    let held = 0;
    // The enrolment's write is held at the SDK's transport, so the stop arrives while it waits.
    running.iam.delayMs = (call) => {
      if (call.function !== 'enrolment' || call.operation !== 'TransactWriteItems') return undefined;
      held++;
      return 1_500;
    };
    const answer = api(running, 'POST', '/v1/members', {
      token: staff,
      body: { idNumber: idNumbers(Date.UTC(1970, 4, 6))('330902', '011'), year: 2026, region: '330900', scheme: 'resident' },
    }).catch((error: unknown) => error);
    await eventually(() => (held > 0 ? true : undefined), 'the enrolment write held');

    await running.stop();
    cloud = undefined;
    const enrolments = running.lambda.invocations.filter((i) => i.function === 'enrolment' && i.trigger === 'http');
    expect(enrolments).toHaveLength(1);
    expect(enrolments[0]!.ok).toBe(true);
    await answer;
  }, 60_000);
});
