/**
 * A route that runs out of time answers 503 TIMEOUT with Retry-After, never a 500 (shared/http/api.ts),
 * and the member lane of settlement stops waiting for work whose request was already answered.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { HANDLER_TIMEOUT_MARGIN_MS, httpRoutes } from '../../shared/http/api.ts';
import { TIMEOUT_RETRY_AFTER_SECONDS, tooManyRequests } from '../../shared/http/errors.ts';
import type { ApiEvent } from '../../shared/middleware/http.ts';
import { keyedLane } from '../../shared/runtime/concurrency.ts';

const logger = new Logger({ serviceName: 'timeout-test', logLevel: 'SILENT' });
const contextWith = (remainingMs: number) => {
  const deadline = Date.now() + remainingMs;
  return {
    functionName: 'test',
    awsRequestId: 'r-1',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  } as unknown as Context;
};
const event = (routeKey: string) =>
  ({
    routeKey,
    rawPath: '/v1/x',
    headers: {},
    requestContext: { requestId: 'req-1', authorizer: { lambda: { role: 'staff', sub: 's', permissions: '' } } },
  }) as unknown as ApiEvent;

describe('a route that runs out of time', () => {
  it(`answers 503 TIMEOUT with Retry-After ${TIMEOUT_RETRY_AFTER_SECONDS} ${HANDLER_TIMEOUT_MARGIN_MS} ms before the deadline, and aborts the request's signal`, async () => {
    let signal: AbortSignal | undefined;
    let routeFinished = false;
    const handler = httpRoutes(logger, {
      'GET /v1/x': async (request) => {
        signal = request.signal;
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        routeFinished = true;
        return { statusCode: 200, body: {} };
      },
    });
    const res = await handler(event('GET /v1/x'), contextWith(HANDLER_TIMEOUT_MARGIN_MS + 300));
    // Answered at the deadline, not when the route's own work ended (no wall-clock bound: CI is loaded).
    expect(routeFinished).toBe(false);
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe(String(TIMEOUT_RETRY_AFTER_SECONDS));
    expect(JSON.parse(String(res.body)).error).toMatchObject({
      code: 'TIMEOUT',
      details: { retryAfterSeconds: TIMEOUT_RETRY_AFTER_SECONDS },
    });
    expect(signal?.aborted).toBe(true);
  });

  it('answers in time as usual, and a refusal that names retryAfterSeconds carries the header too (429)', async () => {
    const handler = httpRoutes(logger, {
      'GET /v1/x': async () => ({ statusCode: 200, body: { ok: true } }),
      'GET /v1/y': async () => {
        throw tooManyRequests('slow down', { retryAfterSeconds: 17 });
      },
    });
    const ok = await handler(event('GET /v1/x'), contextWith(10_000));
    expect(ok.statusCode).toBe(200);
    expect(ok.headers?.['retry-after']).toBeUndefined();
    const limited = await handler(event('GET /v1/y'), contextWith(10_000));
    expect(limited.statusCode).toBe(429);
    expect(limited.headers?.['retry-after']).toBe('17');
  });
});

describe('keyedLane', () => {
  it('runs work of one key in order, and lets the next go once the work ahead is abandoned', async () => {
    const lane = keyedLane();
    const order: string[] = [];
    const abandoned = new AbortController();
    let finishFirst!: () => void;
    const first = lane(
      'M1#2020',
      () =>
        new Promise<void>((resolve) => {
          finishFirst = () => {
            order.push('first');
            resolve();
          };
        }),
      abandoned.signal,
    );
    const second = lane('M1#2020', async () => {
      order.push('second');
    });
    const other = lane('M2#2020', async () => {
      order.push('other key');
    });
    await other;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual(['other key']);
    abandoned.abort();
    await second;
    expect(order).toEqual(['other key', 'second']);
    finishFirst();
    await first;
    expect(order).toEqual(['other key', 'second', 'first']);
  });
});
