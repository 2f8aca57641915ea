/**
 * The errors of the refresh engine and the token endpoint client. All of them are TokenStoreErrors (so
 * `isTokenStoreError(e, code)` works across two loaded copies of core) with a stable `code`.
 * No message, field or cause ever carries a token secret: server-provided descriptions are scrubbed of
 * the values that were sent before they reach a message.
 */
import { TokenStoreError } from '../errors.js';

export const OAuthErrorCode = {
  /** The grant is gone (refresh token revoked, expired or rotated away; code already used): ask the user to authorise again. */
  REAUTHORIZATION_REQUIRED: 'REAUTHORIZATION_REQUIRED',
  /** The server answered `invalid_grant` (raw, from the token endpoint client; the engine turns it into REAUTHORIZATION_REQUIRED). */
  INVALID_GRANT: 'INVALID_GRANT',
  /** `invalid_client` / `unauthorized_client`: wrong client id or secret, or a client not allowed this grant. */
  INVALID_CLIENT: 'INVALID_CLIENT',
  /** `invalid_scope`. */
  INVALID_SCOPE: 'INVALID_SCOPE',
  /** Any other OAuth error the server reported (`invalid_request`, `unsupported_grant_type`, ...). */
  OAUTH_ERROR: 'OAUTH_ERROR',
  /** The server answered, but not with a usable token (not JSON, no usable access_token, larger than 1 MiB). */
  INVALID_TOKEN_RESPONSE: 'INVALID_TOKEN_RESPONSE',
  /** Network error, timeout, HTTP 5xx, 429, `temporarily_unavailable`: see `transient` and `retryAfterMs`. */
  TRANSPORT_ERROR: 'TRANSPORT_ERROR',
  /** The store's refresh lease could not be had in time (another process holds it). */
  REFRESH_LOCK_TIMEOUT: 'REFRESH_LOCK_TIMEOUT',
  /**
   * This process's refresh lease lapsed (it stalled past lockTtlMs) while another process may be
   * refreshing: it sent no further token request. Transient: the next call re-reads the store.
   */
  REFRESH_LEASE_LOST: 'REFRESH_LEASE_LOST',
  /**
   * invalid_grant right after taking over the lease from another holder, while the store still shows
   * the refresh token that was sent: that holder may be stalled with the new token in memory, so the
   * grant is not declared dead. Transient: the next call re-reads the store (and, if nobody else is
   * involved, gets the definitive REAUTHORIZATION_REQUIRED).
   */
  REFRESH_CONFLICT: 'REFRESH_CONFLICT',
  /** A new token was obtained but could not be saved; it is kept in memory and the save is retried. */
  TOKEN_PERSIST_FAILED: 'TOKEN_PERSIST_FAILED',
  /** The token named by id or user signature is not in the store. */
  TOKEN_NOT_FOUND: 'TOKEN_NOT_FOUND',
  /** The Initializer instance was closed. */
  INITIALIZER_CLOSED: 'INITIALIZER_CLOSED',
  /**
   * Only in a `refreshFailed` event: a refresh failed with something that was not a TokenStoreError
   * (a bug, or a custom store throwing a plain Error, kept as `cause`). The caller gets that error as is.
   */
  REFRESH_FAILED: 'REFRESH_FAILED',
} as const;

export type OAuthErrorCode = (typeof OAuthErrorCode)[keyof typeof OAuthErrorCode];

export interface OAuthErrorDetails {
  /** HTTP status of the response, when there was one. */
  status?: number;
  /** The server's `error` value (`invalid_grant`, ...), when it sent one. */
  oauthError?: string;
  /** The server's `error_description`, scrubbed of anything that was sent, truncated. */
  description?: string;
  cause?: unknown;
}

/** Base class of the errors a token endpoint (or the API) reported. */
export class OAuthError extends TokenStoreError {
  readonly status: number | undefined;
  readonly oauthError: string | undefined;
  readonly description: string | undefined;

  constructor(code: OAuthErrorCode, message: string, details: OAuthErrorDetails = {}) {
    super(code, message, { cause: details.cause });
    this.status = details.status;
    this.oauthError = details.oauthError;
    this.description = details.description;
  }
}

/** `invalid_grant` from the token endpoint. */
export class InvalidGrantError extends OAuthError {
  constructor(message: string, details: OAuthErrorDetails = {}) {
    super(OAuthErrorCode.INVALID_GRANT, message, details);
  }
}

/**
 * The token can no longer be refreshed (invalid_grant after re-reading the store, a spent grant token,
 * or an expired access token with nothing to refresh it with). The stored record is kept: the app
 * decides whether to delete it once the user authorised again.
 */
export class ReauthorizationRequiredError extends OAuthError {
  readonly tokenId: string | undefined;
  readonly userName: string | undefined;

  constructor(message: string, details: OAuthErrorDetails & { tokenId?: string; userName?: string } = {}) {
    super(OAuthErrorCode.REAUTHORIZATION_REQUIRED, message, details);
    this.tokenId = details.tokenId;
    this.userName = details.userName;
  }
}

export class InvalidClientError extends OAuthError {
  constructor(message: string, details: OAuthErrorDetails = {}) {
    super(OAuthErrorCode.INVALID_CLIENT, message, details);
  }
}

export class InvalidScopeError extends OAuthError {
  constructor(message: string, details: OAuthErrorDetails = {}) {
    super(OAuthErrorCode.INVALID_SCOPE, message, details);
  }
}

export class InvalidTokenResponseError extends OAuthError {
  constructor(message: string, details: OAuthErrorDetails = {}) {
    super(OAuthErrorCode.INVALID_TOKEN_RESPONSE, message, details);
  }
}

export type TransportErrorReason = 'network' | 'timeout' | 'http' | 'oauth' | 'rate_limited';

export interface TransportErrorDetails extends OAuthErrorDetails {
  reason: TransportErrorReason;
  /** Whether retrying soon may succeed (the engine retries these, boundedly). */
  transient: boolean;
  /** From a Retry-After header, in milliseconds. */
  retryAfterMs?: number;
}

/** The request did not get a usable answer: network error, timeout, 5xx, 429, temporarily_unavailable. */
export class TransportError extends OAuthError {
  readonly reason: TransportErrorReason;
  readonly transient: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: TransportErrorDetails) {
    super(OAuthErrorCode.TRANSPORT_ERROR, message, details);
    this.reason = details.reason;
    this.transient = details.transient;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** The store's lease for this token could not be acquired within `lockWaitMs`. */
export class RefreshLockTimeoutError extends TokenStoreError {
  readonly waitedMs: number;

  constructor(message: string, waitedMs: number) {
    super(OAuthErrorCode.REFRESH_LOCK_TIMEOUT, message);
    this.waitedMs = waitedMs;
  }
}

/** See OAuthErrorCode.REFRESH_LEASE_LOST. */
export class RefreshLeaseLostError extends TokenStoreError {
  constructor(message: string) {
    super(OAuthErrorCode.REFRESH_LEASE_LOST, message);
  }
}

/** See OAuthErrorCode.REFRESH_CONFLICT. Carries the server's answer (status, oauthError) as its cause. */
export class RefreshConflictError extends TokenStoreError {
  readonly tokenId: string | undefined;
  readonly userName: string | undefined;

  constructor(message: string, options: { cause?: unknown; tokenId?: string; userName?: string } = {}) {
    super(OAuthErrorCode.REFRESH_CONFLICT, message, { cause: options.cause });
    this.tokenId = options.tokenId;
    this.userName = options.userName;
  }
}

/**
 * A new token came from the server but the store did not take it. The engine keeps the token in memory
 * (so the app keeps working), retries the save on later calls and on close(), and throws this once to
 * every caller that was waiting on that refresh, so the failure cannot go unnoticed.
 */
export class TokenPersistError extends TokenStoreError {
  readonly tokenId: string | undefined;

  constructor(message: string, options: { cause?: unknown; tokenId?: string } = {}) {
    super(OAuthErrorCode.TOKEN_PERSIST_FAILED, message, { cause: options.cause });
    this.tokenId = options.tokenId;
  }
}

export class TokenNotFoundError extends TokenStoreError {
  constructor(message: string) {
    super(OAuthErrorCode.TOKEN_NOT_FOUND, message);
  }
}
