/**
 * Holding the store's refresh lease around a piece of work: take it (waiting, with jittered backoff,
 * while another process holds it, up to lockWaitMs), run the work, give it back (in the background
 * when asked: see LeaseReleases). Without a lock in the store the work just runs.
 */
import { randomUUID } from 'node:crypto';
import { isTokenStoreError } from '../errors.js';
import { pollWithBackoff } from '../poll.js';
import type { OAuthToken } from '../oauth-token.js';
import type { EngineContext } from './engine-context.js';
import { describe } from './log-fields.js';
import { RefreshLockTimeoutError } from './oauth-errors.js';
import { RefreshLease } from './refresh-lease.js';

/** How a piece of work hands its lease over instead of releasing it (see PendingSave). */
export interface LeaseHandover {
  /** A lease this engine kept from an earlier flight: used (not taken again) while still held. */
  inherited?: RefreshLease | undefined;
  /** Asked after the work, whatever its outcome: true when it took the lease over (it is not released). */
  keep?: (lease: RefreshLease) => boolean;
  /**
   * Resolve with the work's result as soon as it is done, and give the lease back in the background
   * (a failed release is logged: the lease expires by itself). The work's outcome is settled by then
   * (a refresh's token is saved), so nothing the caller gets depends on the release.
   */
  releaseInBackground?: boolean;
}

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
  whileWaiting?: (lease: RefreshLease) => Promise<T | undefined>,
  handover: LeaseHandover = {},
): Promise<T> {
  const lock = ctx.store.lock;
  if (!lock) return body(undefined);
  const leaseKey = `tokenstore:refresh:${key}`;
  let lease = handover.inherited;
  if (lease && (lease.key !== leaseKey || !lease.held)) {
    await release(ctx, lease); // lapsed or for another key (the token got its id): take a fresh one
    lease = undefined;
  }
  if (!lease) {
    await ctx.releases.settled(leaseKey); // our own previous lease on this key, still being given back
    lease = new RefreshLease(lock, leaseKey, randomUUID(), ctx.options.lockTtlMs, ctx.clock);
    const early = await acquire(ctx, lease, subject, whileWaiting);
    if (early !== undefined) return early;
  }
  try {
    return await body(lease);
  } finally {
    if (!handover.keep?.(lease)) {
      const releasing = release(ctx, lease);
      ctx.releases.track(leaseKey, releasing);
      if (!handover.releaseInBackground) await releasing;
    }
  }
}

async function release(ctx: EngineContext, lease: RefreshLease): Promise<void> {
  try {
    await lease.release();
  } catch (error) {
    // The lease expires by itself; a failed release only delays others by its ttl.
    ctx.logger.warn('could not release the refresh lease', { code: isTokenStoreError(error) ? error.code : undefined });
  }
}

/** Takes the lease (resolves undefined), or resolves to what `whileWaiting` found while it was held. */
async function acquire<T>(ctx: EngineContext, lease: RefreshLease, subject: OAuthToken, whileWaiting?: (lease: RefreshLease) => Promise<T | undefined>): Promise<T | undefined> {
  const { clock, options, logger } = ctx;
  const started = clock.now();
  const outcome = await pollWithBackoff<{ found: T | undefined; polls: number }>(
    async (attempt) => {
      // The subject's stored version is read with the acquire where the store can (acquireAndFind):
      // the body's first read, or whileWaiting's, then costs no round trip of its own.
      if (await lease.tryAcquire(subject)) return { found: undefined, polls: attempt };
      const found = await whileWaiting?.(lease);
      if (found !== undefined) return { found, polls: attempt };
      if (attempt === 0) logger.debug('refresh lease held elsewhere; waiting', describe(subject));
      return undefined;
    },
    { timeoutMs: options.lockWaitMs, firstDelayMs: options.lockPollMs, maxDelayMs: 1000, clock, random: ctx.random },
  );
  const waitedMs = clock.now() - started;
  if (outcome === undefined) {
    logger.warn('refresh lease timeout', { waitedMs, ...describe(subject) });
    throw new RefreshLockTimeoutError(`could not acquire the refresh lease within ${options.lockWaitMs} ms: another process holds it`, waitedMs);
  }
  if (outcome.found !== undefined) {
    logger.debug('token refreshed by the lease holder; not waiting for the lease', { waitedMs, polls: outcome.polls });
  } else if (outcome.polls > 0) {
    // Someone held it: a stalled holder may have the newest token in memory (see RefreshConflictError).
    lease.waited = true;
    logger.debug('refresh lease acquired after waiting', { waitedMs, polls: outcome.polls });
  }
  return outcome.found;
}
