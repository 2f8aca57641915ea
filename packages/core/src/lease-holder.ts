import { TokenStoreError } from './errors.js';
import { assertStorableString } from './storable-string.js';

/**
 * The one rule for a lease's key and owner, applied before a lock touches anything: storable strings
 * (a lone surrogate would reach a UTF-8 driver as U+FFFD, so `owner\uD800` could renew or release the
 * lease of `owner\uFFFD`) and non-empty (an empty key or owner names nobody and, in stores that treat
 * '' as NULL, every or no lease). INVALID_ARGUMENT otherwise; the message names the argument, never its value.
 */
export function assertLeaseHolder(key: unknown, owner: unknown): void {
  assertStorableString(key, 'lock key');
  assertStorableString(owner, 'lock owner');
  if (key === '') throw new TokenStoreError('INVALID_ARGUMENT', 'lock key must be a non-empty string');
  if (owner === '') throw new TokenStoreError('INVALID_ARGUMENT', 'lock owner must be a non-empty string');
}
