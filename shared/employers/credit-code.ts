/**
 * The unified social credit code (统一社会信用代码, GB 32100-2015) every employer registers under:
 * 18 characters: the registering authority (1), the kind of body (1), the administrative division
 * of registration (6 digits, GB/T 2260), the organisation code (9) and a check character.
 *
 * The alphabet is the digits and 21 capital letters (no I, O, S, V, Z, which read like digits).
 * Each of the first 17 characters counts as its position in that alphabet (0–30), weighted by
 * 3^i mod 31; the check character is the one at position 31 − (sum mod 31), where 31 counts as 0.
 * Pure.
 */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type CreditCodeCheck =
  | { ok: true; code: string; division: string }
  | { ok: false; rule: 'credit_code_format' | 'credit_code_check'; message: string };

/** The check character the first 17 characters call for (they must be in the alphabet). */
export function creditCodeCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_ALPHABET.indexOf(first17[i]!) * WEIGHTS[i]!;
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** Checks a code as typed (spaces around it and lower case are forgiven) and returns it in its canonical form. */
export function checkCreditCode(input: string): CreditCodeCheck {
  const code = input.trim().toUpperCase();
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) {
    return {
      ok: false,
      rule: 'credit_code_format',
      message: '18 characters: 2 of the code alphabet, a 6-digit division code, then 10 of the alphabet (no I, O, S, V, Z)',
    };
  }
  const expected = creditCodeCheckCharacter(code.slice(0, 17));
  if (code[17] !== expected) {
    return { ok: false, rule: 'credit_code_check', message: `the check character is wrong (GB 32100 gives ${expected} for the first 17)` };
  }
  return { ok: true, code, division: code.slice(2, 8) };
}
