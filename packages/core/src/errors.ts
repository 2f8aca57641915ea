/**
 * Every error tokenstore throws carries a stable `code` (for programs) and, when it wraps a driver or
 * network failure, that failure as `cause` (for humans). Messages never contain token secrets.
 */
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

export interface TokenStoreErrorOptions {
  cause?: unknown;
}

/** Base class of every error tokenstore throws. `code` is stable across releases; `message` is not. */
const BRAND = Symbol.for('@tokenstore/error');

export class TokenStoreError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options: TokenStoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True when `error` is a TokenStoreError, optionally with the given code. */
export function isTokenStoreError(error: unknown, code?: string): error is TokenStoreError {
  // Branded rather than instanceof alone: an app may load two copies of core (ESM and CJS).
  const branded = error instanceof TokenStoreError || (typeof error === 'object' && error !== null && BRAND in error);
  return branded && (code === undefined || (error as TokenStoreError).code === code);
}
