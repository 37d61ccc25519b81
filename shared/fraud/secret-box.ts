/**
 * Webhook signing secrets sealed at rest. The delivery consumer must sign with a subscription's
 * secret, so it cannot be hashed; it is stored encrypted (AES-256-GCM) under a key that only the two
 * functions that make and use secrets hold: a copy of the alerts table, or a backup of it, does not
 * let anyone forge alerts to a regulator's webhook. The key comes from Secrets Manager on AWS and is
 * a fixed local-only value on the local cloud; a missing or short key fails loudly at first use.
 *
 * Sealed form: `v1.<base64url of iv (12 bytes) | tag (16 bytes) | ciphertext>`. The subscription id
 * is bound in as additional data, so a sealed secret copied onto another subscription does not open.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export const WEBHOOK_KEY_ENV = 'WEBHOOK_SECRET_KEY';
const MIN_KEY_LENGTH = 32;
const VERSION = 'v1.';

function key(): Buffer {
  const value = process.env[WEBHOOK_KEY_ENV];
  if (!value || value.length < MIN_KEY_LENGTH) {
    throw new Error(
      `${WEBHOOK_KEY_ENV} must be set to a secret of at least ${MIN_KEY_LENGTH} characters (the stack or the local cloud sets it)`,
    );
  }
  // The configured secret is a passphrase of any length; the cipher wants exactly 32 bytes.
  return createHash('sha256').update(value).digest();
}

export function sealSecret(secret: string, subscriptionId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(), iv);
  cipher.setAAD(Buffer.from(subscriptionId));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
}

/** The secret, or an error if the sealed value was altered, belongs to another subscription, or was sealed under another key. */
export function openSecret(sealed: string, subscriptionId: string): string {
  if (!sealed.startsWith(VERSION)) throw new Error('Not a sealed webhook secret');
  const raw = Buffer.from(sealed.slice(VERSION.length), 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key(), raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(subscriptionId));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
