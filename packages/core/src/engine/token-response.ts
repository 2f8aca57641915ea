/**
 * Reading a token endpoint's success body into a TokenResponse. The rule that shapes it: a response that
 * carries a new refresh token must never lose it. The server may already have spent the refresh token
 * it was sent (rotation), so dropping the new one because some other field is unusable would turn a
 * cosmetic server bug into "the user must authorise again". Hence:
 *
 * - optional fields (`api_domain`, `token_type`, `scope`, a non-string `refresh_token`) that are unusable
 *   are dropped, not fatal;
 * - an unusable `expires_in` (not a positive finite number) counts as FALLBACK_EXPIRES_IN_SECONDS, and
 *   any lifetime is capped at MAX_EXPIRES_IN_SECONDS: neither a refresh storm (0, -1) nor trust in an
 *   absurd value (1e20) for longer than a day;
 * - an unusable `access_token` (missing, not a string, or not a header-safe token) makes the response
 *   invalid (INVALID_TOKEN_RESPONSE), but the error remembers the new refresh token out of sight (a
 *   module-private WeakMap, never a property: errors are logged and serialised), so the engine can
 *   persist it before rethrowing.
 */
import { isHeaderSafeToken } from './header-value.js';
import { InvalidTokenResponseError } from './oauth-errors.js';

/** Used when expires_in is present but unusable (0, negative, not a number). */
export const FALLBACK_EXPIRES_IN_SECONDS = 300;
/** No access token is trusted for longer than this, whatever expires_in says. */
export const MAX_EXPIRES_IN_SECONDS = 24 * 3600;

/** A validated token response. */
export interface TokenResponse {
  accessToken: string;
  /** Present when the server issued (or rotated to) a refresh token. */
  refreshToken: string | undefined;
  /** Epoch ms: the time the request was sent plus the lifetime. */
  expiresAt: number;
  /** The lifetime used, in ms (expires_in, capped; or a fallback, see `expiryAdjusted`). */
  expiresInMs: number;
  apiDomain: string | undefined;
  tokenType: string | undefined;
  scope: string | undefined;
  /** Set when the server's expires_in was not used as sent: `capped` or `unusable` (fallback used). */
  expiryAdjusted?: 'capped' | 'unusable';
  /** Fields the server sent that were unusable and dropped (names only, never values). */
  dropped?: string[];
}

const salvaged = new WeakMap<InvalidTokenResponseError, string>();

/** The new refresh token of a response rejected for another reason, if it carried one. */
export function salvagedRefreshToken(error: unknown): string | undefined {
  return error instanceof InvalidTokenResponseError ? salvaged.get(error) : undefined;
}

/** `body` is a parsed JSON object without an `error` field; `sentAt` is when the request left. */
export function readTokenResponse(body: Record<string, unknown>, sentAt: number, status: number, defaultExpiresInSeconds: number): TokenResponse {
  const dropped: string[] = [];
  const optional = (field: string): string | undefined => {
    const value = body[field];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string') return value;
    dropped.push(field);
    return undefined;
  };
  const refreshToken = optional('refresh_token');
  const accessToken = body.access_token;
  if (typeof accessToken !== 'string' || !isHeaderSafeToken(accessToken)) {
    const why = typeof accessToken !== 'string' || accessToken === '' ? 'has no access_token string' : 'has an access_token with characters a token cannot hold (control, space or non-ASCII)';
    const error = new InvalidTokenResponseError(`token endpoint response ${why}`, { status });
    if (refreshToken !== undefined) salvaged.set(error, refreshToken);
    throw error;
  }
  // Zoho's older API sends expires_in in ms alongside expires_in_sec in seconds; prefer the latter.
  const raw = 'expires_in_sec' in body ? body.expires_in_sec : body.expires_in;
  const lifetime = lifetimeSeconds(raw, defaultExpiresInSeconds);
  const expiresInMs = Math.round(lifetime.seconds * 1000);
  return {
    accessToken,
    refreshToken,
    expiresAt: sentAt + expiresInMs,
    expiresInMs,
    apiDomain: optional('api_domain'),
    tokenType: optional('token_type'),
    scope: optional('scope'),
    ...(lifetime.adjusted ? { expiryAdjusted: lifetime.adjusted } : {}),
    ...(dropped.length > 0 ? { dropped } : {}),
  };
}

function lifetimeSeconds(value: unknown, defaultSeconds: number): { seconds: number; adjusted?: 'capped' | 'unusable' } {
  if (value === undefined || value === null) return { seconds: Math.min(defaultSeconds, MAX_EXPIRES_IN_SECONDS) };
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0) return { seconds: FALLBACK_EXPIRES_IN_SECONDS, adjusted: 'unusable' };
  if (n > MAX_EXPIRES_IN_SECONDS) return { seconds: MAX_EXPIRES_IN_SECONDS, adjusted: 'capped' };
  return { seconds: n };
}
