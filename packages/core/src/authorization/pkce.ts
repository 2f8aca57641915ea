/**
 * RFC 7636 PKCE, S256 only: `plain` would hand the verifier to anyone who sees the authorization URL,
 * which is exactly the interception PKCE exists to defeat.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface PkcePair {
  /** 43 characters of base64url (32 random bytes): kept in the user's session, sent at the token endpoint. */
  codeVerifier: string;
  /** base64url(SHA-256(codeVerifier)): sent in the authorization URL. */
  codeChallenge: string;
  codeChallengeMethod: 'S256';
}

export function createPkcePair(): PkcePair {
  const codeVerifier = randomBytes(32).toString('base64url');
  return { codeVerifier, codeChallenge: codeChallengeOf(codeVerifier), codeChallengeMethod: 'S256' };
}

export function codeChallengeOf(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}

/** RFC 7636 4.1: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~]. */
export function isCodeVerifier(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9\-._~]{43,128}$/.test(value);
}
