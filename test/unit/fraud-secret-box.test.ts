/**
 * Webhook signing secrets sealed at rest (shared/fraud/secret-box.ts): what is sealed opens to the
 * same secret, and nothing else opens: not an altered value, not one moved to another subscription,
 * not one sealed under another key.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WEBHOOK_KEY_ENV, openSecret, sealSecret } from '../../shared/fraud/secret-box.ts';

const KEY = 'a-test-key-that-is-long-enough-to-be-used-0001';
beforeEach(() => {
  process.env[WEBHOOK_KEY_ENV] = KEY;
});
afterEach(() => {
  delete process.env[WEBHOOK_KEY_ENV];
});

describe('sealed webhook secrets', () => {
  it('open to the secret they sealed, and never show it', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), fc.stringMatching(/^sub_[0-9a-f]{32}$/), (secret, id) => {
        const sealed = sealSecret(secret, id);
        return sealed.startsWith('v1.') && !sealed.includes(secret.length > 8 ? secret : '\u0000') && openSecret(sealed, id) === secret;
      }),
    );
  });

  it('seal the same secret differently each time (a fresh IV), so equal secrets do not show as equal', () => {
    expect(sealSecret('whsec_same', 'sub_1')).not.toBe(sealSecret('whsec_same', 'sub_1'));
  });

  it('refuse an altered value, a value moved to another subscription, and a value sealed under another key', () => {
    const sealed = sealSecret('whsec_abc', 'sub_a');
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 1]! ^= 1;
    expect(() => openSecret(`v1.${raw.toString('base64url')}`, 'sub_a')).toThrow();
    expect(() => openSecret(sealed, 'sub_b')).toThrow();
    process.env[WEBHOOK_KEY_ENV] = `${KEY}-rotated`;
    expect(() => openSecret(sealed, 'sub_a')).toThrow();
  });

  it('fail loudly without a key, or with one too short to be a key', () => {
    delete process.env[WEBHOOK_KEY_ENV];
    expect(() => sealSecret('x', 'sub_a')).toThrow(/WEBHOOK_SECRET_KEY/);
    process.env[WEBHOOK_KEY_ENV] = 'short';
    expect(() => sealSecret('x', 'sub_a')).toThrow(/at least 32/);
  });
});
