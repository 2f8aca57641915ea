/**
 * "Try until it works or a deadline passes, with a jittered growing pause in between": the one loop
 * behind the engine's wait for a refresh lease, the kit's stores' record leases and lock files.
 */
import { backoffDelay } from './backoff.js';
import { systemClock, type Clock } from './clock.js';

export interface PollOptions {
  /** How long to keep trying, from the first attempt. After it, one more attempt is not made. */
  timeoutMs: number;
  /** The first pause (before jitter); it doubles per attempt up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Default: the system clock. */
  clock?: Clock;
  /** Source of randomness in [0, 1). Default Math.random. */
  random?: () => number;
}

/**
 * Calls `attempt` (with its 0-based number) until it resolves to something other than undefined, and
 * resolves to that; resolves to undefined once `timeoutMs` has passed without success (the caller
 * throws its own error). Pauses never run past the deadline.
 */
export async function pollWithBackoff<T>(attempt: (n: number) => Promise<T | undefined>, options: PollOptions): Promise<T | undefined> {
  const clock = options.clock ?? systemClock;
  const deadline = clock.now() + options.timeoutMs;
  for (let n = 0; ; n++) {
    const result = await attempt(n);
    if (result !== undefined) return result;
    const remaining = deadline - clock.now();
    if (remaining <= 0) return undefined;
    await clock.sleep(Math.min(remaining, backoffDelay(n, { baseMs: options.firstDelayMs, maxMs: options.maxDelayMs, random: options.random })));
  }
}
