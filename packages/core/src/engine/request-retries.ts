/**
 * The token endpoint's retry loop: transient failures (network, timeout, 5xx, 429 with Retry-After,
 * temporarily_unavailable) are retried up to `retries` times with jittered backoff, and, under a
 * lease, no request is sent once the lease may have passed to a successor (fencing).
 */
import type { EngineContext } from './engine-context.js';
import { RefreshLeaseLostError, TransportError } from './oauth-errors.js';
import type { RefreshLease } from './refresh-lease.js';
import { backoffDelay } from '../backoff.js';

export async function withRetries<T>(ctx: EngineContext, request: () => Promise<T>, lease: RefreshLease | undefined): Promise<T> {
  const { options, logger, random } = ctx;
  for (let attempt = 0; ; attempt++) {
    // Fencing: never send a request once the lease may have passed to a successor.
    if (lease && !(attempt === 0 ? lease.held : await lease.renew())) throw leaseLostError();
    try {
      return await request();
    } catch (error) {
      if (!(error instanceof TransportError) || !error.transient || attempt >= options.retries) throw error;
      let delay = backoffDelay(attempt, { baseMs: options.backoffMs, maxMs: options.maxBackoffMs, random });
      if (error.retryAfterMs !== undefined) {
        if (error.retryAfterMs > options.maxBackoffMs) throw error;
        delay = error.retryAfterMs;
      }
      logger.warn('token endpoint request failed; retrying', { code: error.code, reason: error.reason, status: error.status, attempt: attempt + 1, delayMs: delay });
      await ctx.clock.sleep(delay);
    }
  }
}

/** The fence's error: this process stalled past its lease and sent nothing more. */
export function leaseLostError(): RefreshLeaseLostError {
  return new RefreshLeaseLostError(
    'the refresh lease lapsed (this process stalled past lockTtlMs) while another process may be refreshing: no further token request was sent (retry)',
  );
}
