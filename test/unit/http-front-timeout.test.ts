/**
 * The local API Gateway stops waiting for a route's function as an HTTP API does (30 s there): 503
 * Service Unavailable in the gateway's own body, never a 500; a function that throws is its 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpFront, startHttpFront } from '../../infra/local/http-front.ts';

let front: HttpFront;
let behaviour: 'hang' | 'throw' | 'answer' = 'answer';

beforeAll(async () => {
  front = await startHttpFront({
    port: 0,
    region: 'cn-north-1',
    account: '000000000000',
    integrationTimeoutMs: 200,
    local: async () => undefined,
    invoke: async () => {
      if (behaviour === 'hang') return new Promise(() => undefined);
      if (behaviour === 'throw') throw new Error('the function crashed');
      return { statusCode: 200, body: '{"ok":true}' };
    },
  });
});
afterAll(async () => {
  await front?.stop();
});

const health = async () => {
  const res = await fetch(`${front.url}/health`);
  return { status: res.status, body: await res.json() };
};

describe('the local gateway and a route function that does not answer', () => {
  it('answers 503 Service Unavailable once it stops waiting, 500 when the function fails, and passes an answer on', async () => {
    behaviour = 'hang';
    expect(await health()).toEqual({ status: 503, body: { message: 'Service Unavailable' } });
    behaviour = 'throw';
    expect(await health()).toEqual({ status: 500, body: { message: 'Internal Server Error' } });
    behaviour = 'answer';
    expect(await health()).toEqual({ status: 200, body: { ok: true } });
  });
});
