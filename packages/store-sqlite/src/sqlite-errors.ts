import { TokenStoreError, isTokenStoreError, type StoreErrorCode } from '@tokenstore/core';

/**
 * Maps a better-sqlite3 error to a TokenStoreError with a stable code. The driver error stays as
 * `cause`; the message carries only the operation and SQLite's result code, never a bound value
 * (SQLite's own messages name columns, not values, but we do not rely on that).
 */
export function toStoreError(error: unknown, operation: string): TokenStoreError {
  if (isTokenStoreError(error)) return error;
  const code = sqliteCode(error);
  if (code === undefined) {
    // better-sqlite3 throws a TypeError once the Database has been closed by its owner.
    if (error instanceof TypeError && /database connection is not open/i.test(error.message)) {
      return new TokenStoreError('STORE_CLOSED', `SQLiteStore: ${operation} failed: the database connection is not open`, { cause: error });
    }
    // better-sqlite3 checks the directory itself before SQLite gets to say SQLITE_CANTOPEN.
    if (error instanceof TypeError && /cannot open database/i.test(error.message)) {
      return new TokenStoreError('STORE_UNAVAILABLE', `SQLiteStore: ${operation} failed: ${error.message}`, { cause: error });
    }
    return new TokenStoreError('STORE_FAILURE', `SQLiteStore: ${operation} failed`, { cause: error });
  }
  return new TokenStoreError(codeFor(code), `SQLiteStore: ${operation} failed (${code}${hint(code)})`, { cause: error });
}

/**
 * For the backend's write primitives: a unique violation must reach the kit as a STORE_CONFLICT
 * TokenStoreError (its signal to re-read and retry); anything else is left for `toStoreError`.
 */
export function rethrowConflict(error: unknown): never {
  const code = sqliteCode(error);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    throw new TokenStoreError('STORE_CONFLICT', `SQLiteStore: write conflicts with another record (${code})`, { cause: error });
  }
  throw error;
}

function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

function codeFor(code: string): StoreErrorCode {
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'STORE_CONFLICT';
  // BUSY: another connection held the write lock for longer than busy_timeout. LOCKED: a conflict
  // inside this connection's shared cache. Both go away when the other side finishes: retryable.
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'STORE_UNAVAILABLE';
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_FULL' || code.startsWith('SQLITE_READONLY')) return 'STORE_UNAVAILABLE';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'STORE_CORRUPT';
  return 'STORE_FAILURE';
}

function hint(code: string): string {
  if (code.startsWith('SQLITE_BUSY')) return ': the database stayed locked by another connection for longer than busy_timeout';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return ': the file is not a readable SQLite database';
  return '';
}
