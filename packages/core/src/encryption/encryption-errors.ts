import { TokenStoreError } from '../errors.js';

/**
 * Codes of the errors an EncryptedStore throws besides the store's own. A stored value that fails
 * to decrypt is never handed out: the caller gets one of these instead of a wrong token.
 */
export const EncryptionErrorCode = {
  /** A stored value is in the encrypted format but does not authenticate: tampered, moved, or a wrong key under that id. */
  DECRYPTION_FAILED: 'DECRYPTION_FAILED',
  /** A stored value names a key id that is not in the key ring (removed too early, or a ring from another app). */
  UNKNOWN_KEY: 'UNKNOWN_KEY',
  /** A record holds plaintext secrets while the store is configured with `acceptPlaintext: false`. */
  PLAINTEXT_REJECTED: 'PLAINTEXT_REJECTED',
  /** The key provider failed or returned something that is not a key ring. */
  KEY_PROVIDER_FAILED: 'KEY_PROVIDER_FAILED',
  /** rotateKeys could not take a record's refresh lease in time (a refresh held it); running it again resumes. */
  ROTATION_LOCK_TIMEOUT: 'ROTATION_LOCK_TIMEOUT',
} as const;

export type EncryptionErrorCode = (typeof EncryptionErrorCode)[keyof typeof EncryptionErrorCode];

/** Messages name record ids, field names and key ids, never a value or key material. */
export function encryptionError(code: EncryptionErrorCode, message: string, cause?: unknown): TokenStoreError {
  return new TokenStoreError(code, message, cause === undefined ? {} : { cause });
}
