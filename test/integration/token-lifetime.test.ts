/**
 * Tokens must say when they end, within the configured maximum lifetime (JWT_MAX_LIFETIME_SECONDS,
 * 12 hours here and in cdk.json): a token with no exp, or one that lives for a century, is refused
 * by the authorizer (403, as API Gateway answers a denied request).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, LOCAL_MAX_TOKEN_LIFETIME_SECONDS, loadOrCreateSigningKey } from '../../infra/local/signing-key.ts';
import { api, startTestCloud } from '../support/local-cloud.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'yibao-token-life-'));
let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startTestCloud({ dataDir });
});
afterAll(async () => {
  await cloud.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const staff = { sub: 'clerk', role: 'staff' as const, permissions: [] };
const ping = async (token: string) => (await api(cloud, 'POST', '/v1/ping', { token, body: {} })).status;

/** Signs with the cloud's own key (kept in the data folder), with whatever claims a test wants. */
async function signed(claims: { iat?: number; exp?: number }): Promise<string> {
  const key = await loadOrCreateSigningKey(dataDir);
  let jwt = new SignJWT({ role: 'staff', permissions: [] })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setSubject('clerk')
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE);
  if (claims.iat !== undefined) jwt = jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt = jwt.setExpirationTime(claims.exp);
  return jwt.sign(await importJWK(key.privateJwk, 'ES256'));
}

const now = () => Math.floor(Date.now() / 1000);

describe("a token's lifetime", () => {
  it('is accepted up to the maximum (12 hours)', async () => {
    expect(await ping(await cloud.mint(staff, LOCAL_MAX_TOKEN_LIFETIME_SECONDS))).toBe(200);
    expect(await ping(await cloud.mint(staff, 60))).toBe(200);
  });

  it('is refused a second past the maximum, and at a hundred years', async () => {
    expect(await ping(await cloud.mint(staff, LOCAL_MAX_TOKEN_LIFETIME_SECONDS + 1))).toBe(403);
    expect(await ping(await cloud.mint(staff, 100 * 365 * 24 * 3600))).toBe(403);
  });

  it('is refused when the token has no exp at all, with or without iat', async () => {
    expect(await ping(await signed({ iat: now() }))).toBe(403);
    expect(await ping(await signed({}))).toBe(403);
    // The same key and claims with an exp are accepted: the refusal is the missing exp alone.
    expect(await ping(await signed({ iat: now(), exp: now() + 600 }))).toBe(200);
  });

  it('counts from iat: a token issued a year ago that ends in an hour lived too long', async () => {
    expect(await ping(await signed({ iat: now() - 365 * 24 * 3600, exp: now() + 3600 }))).toBe(403);
  });

  it('counts from now when there is no iat', async () => {
    expect(await ping(await signed({ exp: now() + 600 }))).toBe(200);
    expect(await ping(await signed({ exp: now() + 13 * 3600 }))).toBe(403);
  });
});
