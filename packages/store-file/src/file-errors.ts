import { TokenStoreError, isTokenStoreError } from '@tokenstore/core';

/** errno codes that mean "the file system cannot serve us right now": retrying later may work. */
const UNAVAILABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EIO', 'EMFILE', 'ENFILE', 'EBUSY', 'EAGAIN', 'ENOTCONN', 'ESTALE', 'ETIMEDOUT']);

/** Maps a file-system error to a TokenStoreError naming the file and the errno code, never a value. */
export function toStoreError(error: unknown, operation: string, path: string): TokenStoreError {
  if (isTokenStoreError(error)) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string') {
    if (UNAVAILABLE.has(code)) return new TokenStoreError('STORE_UNAVAILABLE', `FileStore: ${operation} failed on ${path} (${code})`, { cause: error });
    if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'ELOOP') {
      return new TokenStoreError('INVALID_ARGUMENT', `FileStore: ${operation} failed: ${path} is not a usable file path (${code})`, { cause: error });
    }
    return new TokenStoreError('STORE_FAILURE', `FileStore: ${operation} failed on ${path} (${code})`, { cause: error });
  }
  return new TokenStoreError('STORE_FAILURE', `FileStore: ${operation} failed on ${path}`, { cause: error });
}
