/**
 * Webhook signatures: HMAC-SHA256 with the subscription's secret over `<timestamp>.<body>`, sent as
 * `x-yibao-signature: v1=<hex>` beside `x-yibao-timestamp: <unix seconds>`. Signing the timestamp
 * with the body lets a receiver refuse a replayed delivery (older than its tolerance) as well as a
 * forged one. Receivers compare in constant time; `verifySignature` is the reference.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-yibao-signature';
export const TIMESTAMP_HEADER = 'x-yibao-timestamp';
export const DELIVERY_HEADER = 'x-yibao-delivery';
export const EVENT_HEADER = 'x-yibao-event';

const SECRET_PREFIX = 'whsec_';

/** A signing secret from 32 random bytes (the caller draws them: the domain has no randomness). */
export function secretFrom(randomBytes: Uint8Array): string {
  if (randomBytes.length < 32) throw new RangeError('a signing secret needs at least 32 random bytes');
  return `${SECRET_PREFIX}${Buffer.from(randomBytes).toString('base64url')}`;
}

const mac = (secret: string, timestamp: number | string, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

export function signature(secret: string, timestamp: number, body: string): string {
  return `v1=${mac(secret, timestamp, body)}`;
}

/** True when one of the header's v1 signatures matches and the timestamp is within tolerance. */
export function verifySignature(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const ts = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(ts) || Math.abs(nowSeconds - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(mac(secret, ts, body), 'hex');
  return headers.signature
    .split(',')
    .map((s) => s.trim())
    .some((part) => {
      if (!part.startsWith('v1=')) return false;
      const given = Buffer.from(part.slice(3), 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}
