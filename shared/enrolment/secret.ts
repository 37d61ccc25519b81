/**
 * The secret behind the keyed ID-number hash. On AWS it comes from Secrets Manager into the
 * function's environment; the local cloud sets a fixed local-only value. A missing or short
 * secret is a deployment fault, so it fails loudly at first use (and never falls back to a
 * guessable default in a deployed function).
 */
export const ID_HASH_SECRET_ENV = 'ID_HASH_SECRET';
const MIN_LENGTH = 32;

export function idHashSecret(): string {
  const value = process.env[ID_HASH_SECRET_ENV];
  if (!value || value.length < MIN_LENGTH) {
    throw new Error(
      `${ID_HASH_SECRET_ENV} must be set to a secret of at least ${MIN_LENGTH} characters (the stack or the local cloud sets it)`,
    );
  }
  return value;
}
