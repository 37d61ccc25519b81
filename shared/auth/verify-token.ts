import { createRemoteJWKSet, jwtVerify, errors as joseErrors } from 'jose';
import { principalSchema, type Principal } from './principal.ts';
import { envName, requireEnv } from '../runtime/resource-names.ts';

/**
 * Verifies a bearer token against the configured issuer's published keys (JWKS). The keys are
 * fetched once per container and cached by jose; on AWS the issuer is the agency's identity
 * provider, on the local cloud it is the local key the `npm run token` command signs with.
 */
let keySet: ReturnType<typeof createRemoteJWKSet> | undefined;
let keySetUrl: string | undefined;

function keys(): ReturnType<typeof createRemoteJWKSet> {
  const url = requireEnv(envName.jwtJwksUrl);
  if (!keySet || keySetUrl !== url) {
    keySet = createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
    keySetUrl = url;
  }
  return keySet;
}

/** JWT_MAX_LIFETIME_SECONDS: a positive whole number of seconds; anything else is a deployment fault. */
function maxLifetimeSeconds(): number {
  const raw = requireEnv(envName.jwtMaxLifetimeSeconds);
  const seconds = Number(raw);
  if (!Number.isSafeInteger(seconds) || seconds <= 0)
    throw new Error(`${envName.jwtMaxLifetimeSeconds} must be a positive whole number of seconds, not ${raw}`);
  return seconds;
}

export type VerifyResult = { ok: true; principal: Principal } | { ok: false; reason: string };

export async function verifyBearer(authorization: string | undefined): Promise<VerifyResult> {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(authorization?.trim() ?? '');
  if (!match?.[1]) return { ok: false, reason: 'missing bearer token' };
  try {
    const { payload } = await jwtVerify(match[1], keys(), {
      issuer: requireEnv(envName.jwtIssuer),
      audience: requireEnv(envName.jwtAudience),
      algorithms: ['ES256', 'RS256'],
    });
    // A token must say when it ends, and not live longer than the configured maximum: a stolen
    // token with no exp, or a 100-year one, would otherwise open the API for ever.
    if (typeof payload.exp !== 'number') return { ok: false, reason: 'token has no exp' };
    const maxLifetime = maxLifetimeSeconds();
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = typeof payload.iat === 'number' ? Math.min(payload.iat, now) : now;
    if (payload.exp - issuedAt > maxLifetime) return { ok: false, reason: `token lives longer than ${maxLifetime} s` };
    const principal = principalSchema.safeParse(payload);
    if (!principal.success) return { ok: false, reason: 'token claims do not name a valid role' };
    return { ok: true, principal: principal.data };
  } catch (error) {
    const reason = error instanceof joseErrors.JOSEError ? error.code : 'unverifiable token';
    return { ok: false, reason };
  }
}
