import { TokenStoreError } from './errors.js';

/**
 * Longest lease any lock grants: 1e12 ms (about 31 years). Longer ttls are clamped, so `now + ttl`
 * stays a safe integer and fits every store's column (SQLite INTEGER, BIGINT, timestamps, BSON Long).
 */
export const MAX_LEASE_TTL_MS = 1e12;

/**
 * The one ttl rule of every RefreshLock: a finite number > 0 (else INVALID_ARGUMENT), rounded up to
 * whole milliseconds and clamped to MAX_LEASE_TTL_MS. A lock calls it before it writes anything.
 */
export function leaseTtl(ttlMs: unknown): number {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || !(ttlMs > 0)) {
    throw new TokenStoreError('INVALID_ARGUMENT', 'lock ttlMs must be a finite number greater than 0');
  }
  return Math.min(Math.ceil(ttlMs), MAX_LEASE_TTL_MS);
}
