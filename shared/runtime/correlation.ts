import { randomUUID } from 'node:crypto';

/** Header a caller may set to trace its request; echoed on every response. */
export const CORRELATION_HEADER = 'x-correlation-id';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's correlation id if it is sane, otherwise starts a new one. */
export function correlationIdFrom(candidate: unknown, fallback?: string): string {
  if (typeof candidate === 'string' && ACCEPTABLE.test(candidate)) return candidate;
  return fallback && ACCEPTABLE.test(fallback) ? fallback : randomUUID();
}
