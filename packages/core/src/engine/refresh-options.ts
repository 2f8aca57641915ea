/**
 * The refresh engine's tuning: the options an application passes as `refresh`, checked once
 * (INVALID_ARGUMENT) and completed with their defaults.
 */
import { TokenStoreError } from '../errors.js';

/** Tuning of the refresh engine. Every field is optional. */
export interface RefreshOptions {
  /** Refresh this long before expiry, capped at half the token's lifetime. Default 60 000. */
  skewMs?: number;
  /** Timeout of one token endpoint request. Default 10 000. */
  timeoutMs?: number;
  /** Extra attempts after a transient failure (network, timeout, 5xx, 429, temporarily_unavailable). Default 2. */
  retries?: number;
  /**
   * Lease duration in the store's lock; must exceed timeoutMs. Renewed every lockTtlMs / 3 while held,
   * so it bounds how long a stalled or dead holder blocks others. Default max(30 000, 2 x timeoutMs + maxBackoffMs).
   */
  lockTtlMs?: number;
  /** How long to wait for a lease another process holds before RefreshLockTimeoutError. Default lockTtlMs + timeoutMs. */
  lockWaitMs?: number;
  /** First poll interval while waiting for the lease (doubles, with jitter, up to 1 s). Default 25. */
  lockPollMs?: number;
  /** Base of the retry backoff. Default 200. */
  backoffMs?: number;
  /** Cap of the retry backoff; a Retry-After longer than this is not waited for (the error is thrown). Default 5 000. */
  maxBackoffMs?: number;
  /** Extra immediate save attempts after a store failure, before TokenPersistError. Default 2. */
  saveRetries?: number;
}

export type ResolvedRefreshOptions = Required<RefreshOptions>;

export function resolveRefreshOptions(options: RefreshOptions = {}): ResolvedRefreshOptions {
  if (options === null || typeof options !== 'object') throw new TokenStoreError('INVALID_ARGUMENT', 'refresh options must be an object');
  const timeoutMs = positive('timeoutMs', options.timeoutMs, 10_000);
  const maxBackoffMs = nonNegative('maxBackoffMs', options.maxBackoffMs, 5_000);
  const lockTtlMs = positive('lockTtlMs', options.lockTtlMs, Math.max(30_000, 2 * timeoutMs + maxBackoffMs));
  if (lockTtlMs <= timeoutMs) {
    throw new TokenStoreError('INVALID_ARGUMENT', 'refresh.lockTtlMs must be greater than refresh.timeoutMs (a lease must outlive the request it protects)');
  }
  return {
    skewMs: nonNegative('skewMs', options.skewMs, 60_000),
    timeoutMs,
    retries: integer('retries', options.retries, 2),
    lockTtlMs,
    lockWaitMs: nonNegative('lockWaitMs', options.lockWaitMs, lockTtlMs + timeoutMs),
    lockPollMs: positive('lockPollMs', options.lockPollMs, 25),
    backoffMs: nonNegative('backoffMs', options.backoffMs, 200),
    maxBackoffMs,
    saveRetries: integer('saveRetries', options.saveRetries, 2),
  };
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TokenStoreError('INVALID_ARGUMENT', `refresh.${name} must be a finite number >= 0`);
  return value;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const n = nonNegative(name, value, fallback);
  if (n === 0) throw new TokenStoreError('INVALID_ARGUMENT', `refresh.${name} must be > 0`);
  return n;
}

function integer(name: string, value: number | undefined, fallback: number): number {
  const n = nonNegative(name, value, fallback);
  if (!Number.isInteger(n) || n > 20) throw new TokenStoreError('INVALID_ARGUMENT', `refresh.${name} must be an integer from 0 to 20`);
  return n;
}
