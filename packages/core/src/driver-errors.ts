import { TokenStoreError, isTokenStoreError } from './errors.js';

/** Node's socket errno codes that mean the server cannot be reached right now: retrying later may work. */
export const UNREACHABLE_SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);

/** How a database store reads its driver's errors, for `driverStoreError`. */
export interface DriverErrorRules {
  /** The store as messages name it (`PostgresStore`). */
  readonly store: string;
  /** The value-free copy of a driver error that is kept as `cause` (driver errors may quote values). */
  sanitize(error: unknown): Error;
  /** The server cannot be reached or cannot serve right now: STORE_UNAVAILABLE. */
  isUnavailable(error: unknown): boolean;
  /** A unique key rejected the write: STORE_CONFLICT. */
  isConflict(error: unknown): boolean;
  /** What the driver's pool throws once it has been ended (`message`), and how the store says so. */
  readonly closedPool: { readonly message: string; readonly description: string };
}

/**
 * Maps a driver error to a TokenStoreError with a stable code, a message naming the store and the
 * operation, and the sanitised copy as `cause`: never the driver's error itself, never a value.
 */
export function driverStoreError(rules: DriverErrorRules, error: unknown, operation: string): TokenStoreError {
  if (isTokenStoreError(error)) return error;
  const cause = rules.sanitize(error);
  const prefix = `${rules.store}: ${operation} failed`;
  if (rules.isUnavailable(error)) {
    return new TokenStoreError('STORE_UNAVAILABLE', `${prefix}: the database server is unavailable (${cause.message})`, { cause });
  }
  if (error instanceof Error && error.message === rules.closedPool.message) {
    return new TokenStoreError('STORE_CLOSED', `${prefix}: ${rules.closedPool.description}`, { cause });
  }
  if (rules.isConflict(error)) {
    return new TokenStoreError('STORE_CONFLICT', `${prefix}: ${cause.message}`, { cause });
  }
  return new TokenStoreError('STORE_FAILURE', `${prefix}: ${cause.message}`, { cause });
}
