/**
 * The errors of the front channel (authorization request and callback). Each is a TokenStoreError with
 * a stable code; a server-provided `error_description` reaches a message only scrubbed of everything the
 * flow holds (state, code, verifier, client secret) and cut to a short, printable line.
 */
import { TokenStoreError, type TokenStoreErrorOptions } from '../errors.js';

export const AuthorizationErrorCode = {
  /** The callback's `state` is missing or differs from the one kept in the user's session (CSRF). */
  AUTHORIZATION_STATE_MISMATCH: 'AUTHORIZATION_STATE_MISMATCH',
  /** This `state` was already used for a callback (a replayed redirect). */
  AUTHORIZATION_STATE_REPLAYED: 'AUTHORIZATION_STATE_REPLAYED',
  /** The pending authorization is older than its maxAgeMs. */
  AUTHORIZATION_EXPIRED: 'AUTHORIZATION_EXPIRED',
  /** The user (or the server for them) refused: `error=access_denied`. */
  AUTHORIZATION_DENIED: 'AUTHORIZATION_DENIED',
  /** Any other `error` in the callback (`invalid_request`, `invalid_scope`, `server_error`, ...). */
  AUTHORIZATION_FAILED: 'AUTHORIZATION_FAILED',
  /** The callback has neither `code` nor `error`. */
  AUTHORIZATION_CODE_MISSING: 'AUTHORIZATION_CODE_MISSING',
  /** The token endpoint refused the code (already used, expired, wrong PKCE verifier or redirect URI). */
  AUTHORIZATION_CODE_REJECTED: 'AUTHORIZATION_CODE_REJECTED',
  /** Zoho's `accounts-server` / `location` name no Zoho data center, or disagree with each other. */
  AUTHORIZATION_UNTRUSTED_ACCOUNTS_SERVER: 'AUTHORIZATION_UNTRUSTED_ACCOUNTS_SERVER',
} as const;

export type AuthorizationErrorCode = (typeof AuthorizationErrorCode)[keyof typeof AuthorizationErrorCode];

export interface AuthorizationErrorDetails extends TokenStoreErrorOptions {
  /** The callback's `error` value, when it had one (printable ASCII, at most 64 characters). */
  oauthError?: string;
  /** The callback's `error_description`, scrubbed and truncated. */
  description?: string;
}

export class AuthorizationError extends TokenStoreError {
  readonly oauthError: string | undefined;
  readonly description: string | undefined;

  constructor(code: AuthorizationErrorCode, message: string, details: AuthorizationErrorDetails = {}) {
    super(code, message, details.cause === undefined ? {} : { cause: details.cause });
    this.oauthError = details.oauthError;
    this.description = details.description;
  }
}
