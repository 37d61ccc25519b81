/**
 * Timeouts that tell the truth: API Gateway (HTTP API) stops waiting for an integration after 30
 * seconds, so a function that serves routes and may run longer would only turn a slow answer into a
 * 503 the caller can't tell from a failure. Long work belongs to schedules and queues.
 */
import { describe, expect, it } from 'vitest';
import { functions, routes } from '../../infra/topology.ts';

const API_GATEWAY_LIMIT_SECONDS = 30;

describe('function timeouts', () => {
  const routed = [...new Set(routes.map((r) => r.function))];

  it('every function behind a route gives up before API Gateway does', () => {
    const tooLong = routed
      .filter((fn) => functions[fn].timeoutSeconds >= API_GATEWAY_LIMIT_SECONDS)
      .map((fn) => `${fn}: ${functions[fn].timeoutSeconds} s`);
    expect(tooLong).toEqual([]);
  });

  it('the long runs (monthly prepayment, year-end) have functions of their own, not behind a route', () => {
    expect(routed).not.toContain('prepayment');
    expect(routed).not.toContain('yearEndSettlement');
    expect(functions.yearEndSettlement.timeoutSeconds).toBe(900);
  });
});
