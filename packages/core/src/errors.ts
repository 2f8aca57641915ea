/**
 * Every error tokenstore throws carries a stable `code` (for programs) and, when it wraps a driver or
 * network failure, that failure as `cause` (for humans). Messages never contain token secrets.
 */
// Type-only imports: the code groups live next to the errors that use them, without an import cycle.
import type { AuthorizationErrorCode } from './authorization/authorization-errors.js';
import type { EncryptionErrorCode } from './encryption/encryption-errors.js';
import type { OAuthErrorCode } from './engine/oauth-errors.js';

export const StoreErrorCode = {
  /** The backing server or file cannot be reached right now; retrying later may succeed. */
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  /** The store was closed; create a new one. */
  STORE_CLOSED: 'STORE_CLOSED',
  /** A write would break a uniqueness rule (one record per id, one per user name). */
  STORE_CONFLICT: 'STORE_CONFLICT',
  /** The persisted data cannot be read back; nothing was overwritten. */
  STORE_CORRUPT: 'STORE_CORRUPT',
  /** The caller passed something the store cannot accept (bad option, bad identifier, bad value). */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** Any other failure reported by the backing driver. */
  STORE_FAILURE: 'STORE_FAILURE',
} as const;

export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

/** Codes of tokenstore's own tools (the `tokenstore` command of @tokenstore/cli). */
export const ToolErrorCode = {
  /** Bad command line: unknown command or option, missing argument. */
  USAGE: 'USAGE',
  /** The store package a URL needs is not installed. */
  STORE_PACKAGE_MISSING: 'STORE_PACKAGE_MISSING',
  /** `migrate` found a difference between source and target after copying. */
  VERIFY_FAILED: 'VERIFY_FAILED',
  /** `doctor` or `keys rotate` found problems. */
  CHECK_FAILED: 'CHECK_FAILED',
} as const;

export type ToolErrorCode = (typeof ToolErrorCode)[keyof typeof ToolErrorCode];

/**
 * Every code a TokenStoreError can carry: the store's, the refresh engine's, encryption's, the
 * authorization front channel's and the tools'. A literal union, so a misspelt code in
 * `isTokenStoreError(e, 'STORE_CONFILCT')` fails to compile. The README's table lists them all.
 */
export type TokenStoreErrorCode = StoreErrorCode | OAuthErrorCode | EncryptionErrorCode | AuthorizationErrorCode | ToolErrorCode;

export interface TokenStoreErrorOptions {
  cause?: unknown;
}

const BRAND = Symbol.for('@tokenstore/error');

/** Base class of every error tokenstore throws. `code` is stable across releases; `message` is not. */
export class TokenStoreError extends Error {
  readonly code: TokenStoreErrorCode;

  constructor(code: TokenStoreErrorCode, message: string, options: TokenStoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True when `error` is a TokenStoreError, optionally with the given code. */
export function isTokenStoreError(error: unknown, code?: TokenStoreErrorCode): error is TokenStoreError {
  // Branded rather than instanceof alone: an app may load two copies of core (ESM and CJS).
  const branded = error instanceof TokenStoreError || (typeof error === 'object' && error !== null && BRAND in error);
  return branded && (code === undefined || (error as TokenStoreError).code === code);
}
