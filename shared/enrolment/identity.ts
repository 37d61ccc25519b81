/**
 * How a person is found without the ID number ever being a key: a keyed hash (HMAC-SHA256 with
 * the agency's secret). Without the secret the hash cannot be reversed by running through every
 * possible number (the ID space is small enough for that with a plain hash); with it, the agency
 * can look a person up. The number itself is stored only inside the member item.
 *
 * The member id is derived the same way under a different label, so one person always gets the
 * same member id: a re-run bulk file, a retried request and two racing requests all name the same
 * member, and no "create the person first" step can race. It reveals nothing about the number.
 *
 * Rotating the secret means re-hashing every member item's `idHash` (member ids stay as stored).
 */
import { createHmac } from 'node:crypto';

const ID_LABEL = 'yibao:id-number:v1\u0000';
const MEMBER_LABEL = 'yibao:member-id:v1\u0000';

/** Crockford's base32 alphabet: no I, L, O or U, so a member id read aloud is not misheard. */
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The lookup key of an ID number: 64 hex characters. */
export function idHash(idNumber: string, secret: string): string {
  return createHmac('sha256', secret)
    .update(ID_LABEL + idNumber)
    .digest('hex');
}

/** M + 16 base32 characters (80 bits): stable per person, meaningless without the secret. */
export function memberIdFor(idNumber: string, secret: string): string {
  const digest = createHmac('sha256', secret)
    .update(MEMBER_LABEL + idNumber)
    .digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 16) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === 16) break;
    value &= (1 << bits) - 1;
  }
  return `M${out}`;
}

export const MEMBER_ID_PATTERN = /^M[0-9A-HJKMNP-TV-Z]{16}$/;
