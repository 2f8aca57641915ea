/** Backoff with jitter, and the sleep of a waiting caller. */

export interface BackoffOptions {
  /** First delay, before jitter. */
  baseMs: number;
  /** Upper bound of any delay. */
  maxMs: number;
  /** Source of randomness in [0, 1). Default Math.random. */
  random?: () => number;
}

/**
 * Delay before retry number `attempt` (0-based): exponential, capped, with "equal jitter" (half fixed,
 * half random) so many clients that failed together do not retry together.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Waits `ms`. The timer is deliberately NOT unref'd: the engine sleeps only for a caller that is
 * awaiting it (a backoff, a lease poll), and a script whose only pending work is that wait must stay
 * alive until the call settles. An unref'd wait let such a process exit with the promise never settled.
 */
export function sleep(ms: number): Promise<void> {
  if (!(ms > 0)) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms));
}
