/**
 * Holding the store's refresh lease around a piece of work: take it (waiting, with jittered backoff,
 * while another process holds it, up to lockWaitMs), run the work, give it back. Without a lock in
 * the store the work just runs.
 */
import { randomUUID } from 'node:crypto';
import { isTokenStoreError } from '../errors.js';
import type { OAuthToken } from '../oauth-token.js';
import type { EngineContext } from './engine-context.js';
import { describe } from './log-fields.js';
import { RefreshLockTimeoutError } from './oauth-errors.js';
import { RefreshLease } from './refresh-lease.js';
import { backoffDelay, sleep } from './retry.js';

/**
 * Runs `body` holding the store's lease for `key`. While another process holds it, `whileWaiting` is
 * asked after each failed attempt: the holder usually saves a fresh token long before it releases the
 * lease, so a waiter that finds it in the store returns it at once instead of queueing for the lease.
 * `subject` is the token the work is for (logs only).
 */
export async function withLease<T>(
  ctx: EngineContext,
  key: string,
  subject: OAuthToken,
  body: (lease: RefreshLease | undefined) => Promise<T>,
  whileWaiting?: () => Promise<T | undefined>,
): Promise<T> {
  const lock = ctx.store.lock;
  if (!lock) return body(undefined);
  const lease = new RefreshLease(lock, `tokenstore:refresh:${key}`, randomUUID(), ctx.options.lockTtlMs, ctx.now);
  const early = await acquire(ctx, lease, subject, whileWaiting);
  if (early !== undefined) return early;
  try {
    return await body(lease);
  } finally {
    try {
      await lease.release();
    } catch (error) {
      // The lease expires by itself; a failed release only delays others by its ttl.
      ctx.logger.warn('could not release the refresh lease', { code: isTokenStoreError(error) ? error.code : undefined });
    }
  }
}

/** Takes the lease (resolves undefined), or resolves to what `whileWaiting` found while it was held. */
async function acquire<T>(ctx: EngineContext, lease: RefreshLease, subject: OAuthToken, whileWaiting?: () => Promise<T | undefined>): Promise<T | undefined> {
  const { now, options, logger } = ctx;
  const started = now();
  const deadline = started + options.lockWaitMs;
  for (let attempt = 0; ; attempt++) {
    if (await lease.tryAcquire()) {
      if (attempt > 0) {
        // Someone held it: a stalled holder may have the newest token in memory (see RefreshConflictError).
        lease.waited = true;
        logger.debug('refresh lease acquired after waiting', { waitedMs: now() - started, polls: attempt });
      }
      return undefined;
    }
    const found = await whileWaiting?.();
    if (found !== undefined) {
      logger.debug('token refreshed by the lease holder; not waiting for the lease', { waitedMs: now() - started, polls: attempt });
      return found;
    }
    const remaining = deadline - now();
    if (remaining <= 0) {
      const waited = now() - started;
      logger.warn('refresh lease timeout', { waitedMs: waited, ...describe(subject) });
      throw new RefreshLockTimeoutError(`could not acquire the refresh lease within ${options.lockWaitMs} ms: another process holds it`, waited);
    }
    if (attempt === 0) logger.debug('refresh lease held elsewhere; waiting', describe(subject));
    await sleep(Math.min(remaining, backoffDelay(attempt, { baseMs: options.lockPollMs, maxMs: 1000, random: ctx.random })));
  }
}
