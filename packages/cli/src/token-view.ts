import type { OAuthToken } from '@tokenstore/core';

export type TokenState = 'valid' | 'expired' | 'needs re-authorization';

/**
 * What the CLI shows of a token: identity, client, expiry, state and which secrets are *present*,
 * never a secret's value (nor its length, prefix or any encoding of it).
 */
export interface TokenView {
  id: string | null;
  user: string | null;
  clientId: string | null;
  expiresAt: number | null;
  /** Milliseconds from now until expiry (negative: expired); null without an expiry. */
  expiresInMs: number | null;
  state: TokenState;
  hasAccessToken: boolean;
  hasRefreshToken: boolean;
  hasGrantToken: boolean;
  hasClientSecret: boolean;
  redirectUrl: string | null;
  apiDomain: string | null;
  tokenType: string | null;
  scope: string | null;
}

const present = (value: string | null | undefined): boolean => typeof value === 'string' && value !== '';

/**
 * The state as far as the store can tell: valid (an access token not yet expired), expired (but a
 * refresh or grant token can renew it), needs re-authorization (nothing left to renew it with).
 */
export function tokenState(token: OAuthToken, now: number): TokenState {
  if (present(token.accessToken) && typeof token.expiresAt === 'number' && now < token.expiresAt) return 'valid';
  return present(token.refreshToken) || present(token.grantToken) ? 'expired' : 'needs re-authorization';
}

export function tokenView(token: OAuthToken, now: number): TokenView {
  const expiresAt = typeof token.expiresAt === 'number' ? token.expiresAt : null;
  return {
    id: token.id ?? null,
    user: token.userSignature?.name ?? null,
    clientId: token.clientId ?? null,
    expiresAt,
    expiresInMs: expiresAt === null ? null : expiresAt - now,
    state: tokenState(token, now),
    hasAccessToken: present(token.accessToken),
    hasRefreshToken: present(token.refreshToken),
    hasGrantToken: present(token.grantToken),
    hasClientSecret: present(token.clientSecret),
    redirectUrl: token.redirectUrl ?? null,
    apiDomain: token.apiDomain ?? null,
    tokenType: token.tokenType ?? null,
    scope: token.scope ?? null,
  };
}

/** `3h 12m`, `45s`, `-2d 4h` (expired that long ago), `-` without an expiry. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '-';
  const sign = ms < 0 ? '-' : '';
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return `${sign}${d}d ${h}h`;
  if (h > 0) return `${sign}${h}h ${m}m`;
  if (m > 0) return `${sign}${m}m ${s}s`;
  return `${sign}${s}s`;
}
