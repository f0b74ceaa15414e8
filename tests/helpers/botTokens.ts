import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/**
 * Bot Framework tokens for tests, without Microsoft's servers. The SDK reads the channel's signing keys from an
 * OpenID metadata document it caches per URL (JwtTokenExtractor.openIdMetadataCache); `trustTestSigningKey` puts a
 * metadata object there that knows one test key, endorsed for msteams, so the SDK's real validation runs offline.
 */

// Not exported from the package index; the same module instance the SDK uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { JwtTokenExtractor } = require('botframework-connector/lib/auth/jwtTokenExtractor') as {
  JwtTokenExtractor: { openIdMetadataCache: Map<string, unknown> };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { OpenIdMetadata } = require('botframework-connector/lib/auth/openIdMetadata') as {
  OpenIdMetadata: new (url: string) => { keys?: unknown[]; lastUpdated: number };
};

export const CHANNEL_METADATA_URL = 'https://login.botframework.com/v1/.well-known/openidconfiguration';
export const CHANNEL_ISSUER = 'https://api.botframework.com';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

export function newSigningKey(kid: string): SigningKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey };
}

/** Makes the SDK trust `key` for the msteams channel, as if login.botframework.com had published it. */
export function trustTestSigningKey(key: SigningKey): void {
  const jwk = createPublicKey(key.privateKey).export({ format: 'jwk' }) as { n: string; e: string };
  const metadata = new OpenIdMetadata(CHANNEL_METADATA_URL);
  metadata.keys = [{ kty: 'RSA', use: 'sig', kid: key.kid, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }];
  metadata.lastUpdated = Date.now();
  JwtTokenExtractor.openIdMetadataCache.set(CHANNEL_METADATA_URL, metadata);
}

const b64url = (value: object | Buffer) => (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

/** A channel token as the Bot Connector sends it (RS256), valid for an hour unless `claims` says otherwise. */
export function channelToken(key: SigningKey, claims: { aud: string; serviceUrl: string } & Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', kid: key.kid };
  const { serviceUrl, ...rest } = claims;
  // The Bot Connector's claim is spelled `serviceurl`.
  const payload = { iss: CHANNEL_ISSUER, nbf: now - 60, iat: now - 60, exp: now + 3600, serviceurl: serviceUrl, ...rest };
  const signingInput = `${b64url(header)}.${b64url(payload)}`;
  return `${signingInput}.${b64url(sign('sha256', Buffer.from(signingInput), key.privateKey))}`;
}

/** An unsigned token (`alg: none`) with otherwise valid claims. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ iss: CHANNEL_ISSUER, nbf: now - 60, exp: now + 3600, ...claims })}.`;
}
