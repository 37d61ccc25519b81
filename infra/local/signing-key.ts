import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Principal } from '../../shared/auth/principal.ts';

/** The local identity provider's settings; on AWS the same three come from cdk.json context. */
export const LOCAL_ISSUER = 'https://yibao.local/auth';
export const LOCAL_AUDIENCE = 'yibao-api';
/** The longest a local token may live unless YIBAO_JWT_MAX_LIFETIME_SECONDS says otherwise (cdk.json says the same for AWS). */
export const LOCAL_MAX_TOKEN_LIFETIME_SECONDS = 12 * 3600;

export interface SigningKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

async function createKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomUUID();
  return {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
  };
}

/**
 * The local cloud's token-signing key. Kept in the data folder so tokens minted by `npm run token`
 * stay valid across restarts; made fresh (and never written) when the cloud runs in memory.
 */
export async function loadOrCreateSigningKey(dataDir: string | undefined): Promise<SigningKey> {
  if (!dataDir) return createKey();
  const dir = join(dataDir, 'keys');
  const file = join(dir, 'signing-key.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SigningKey;
  const key = await createKey();
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, JSON.stringify(key), { mode: 0o600 });
  return key;
}

/** Signs a token for a principal, as the agency's identity provider would. */
export async function mintToken(key: SigningKey, principal: Principal, ttlSeconds: number | null = 8 * 3600): Promise<string> {
  const { sub, ...claims } = principal;
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt();
  // null: a token with no exp at all, which the authorizer must refuse (the authorization matrix sends one).
  if (ttlSeconds !== null) jwt.setExpirationTime(`${ttlSeconds}s`);
  return jwt.sign(await importJWK(key.privateJwk, 'ES256'));
}
