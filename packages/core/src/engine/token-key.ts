/** The single-flight and lease key of a token. */
import { createHash, randomUUID } from 'node:crypto';
import type { OAuthToken } from '../oauth-token.js';

/**
 * Its record id once stored, else a stable derivation (user name, or a hash of the client id with the
 * grant / refresh / access token: never the secret itself, since keys appear in lock rows).
 */
export function tokenKey(token: OAuthToken): string {
  if (token.id) return `id:${token.id}`;
  const user = token.userSignature?.name;
  if (user) return `user:${user}`;
  const hash = (kind: string, value: string) => `${kind}:${createHash('sha256').update(`${token.clientId ?? ''}\u0000${value}`).digest('hex').slice(0, 40)}`;
  if (token.grantToken) return hash('grant', token.grantToken);
  if (token.refreshToken) return hash('refresh', token.refreshToken);
  if (token.accessToken) return hash('access', token.accessToken);
  return `anonymous:${randomUUID()}`;
}
