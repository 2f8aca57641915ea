/**
 * Time, injectable: what "now" is and how to wait. The engine, its leases (heartbeat included), the
 * kit's polling and the stores take one Clock, so tests can run them on controlled time instead of
 * sleeping for real.
 */
import { TokenStoreError } from './errors.js';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /**
   * Resolves after `ms` (at once for ms <= 0 or NaN), or as soon as `signal` aborts. A pending sleep
   * keeps the process alive: the engine only sleeps for a caller that awaits it.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Calls `tick` every `ms` until the returned function is called. Does not keep the process alive
   * (a lease heartbeat must not hold a process whose work is done).
   */
  every(ms: number, tick: () => void): () => void;
}

/** Date.now and Node's timers. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (!(ms > 0) || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      // Deliberately NOT unref'd: a script whose only pending work is this wait must stay alive until
      // the call settles (an unref'd wait let such a process exit with the promise never settled).
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
  },
  every(ms: number, tick: () => void): () => void {
    const timer = setInterval(tick, Math.max(1, ms));
    timer.unref?.();
    return () => clearInterval(timer);
  },
});

/**
 * The clock of options that accept both `clock` and the older `now` shorthand: `now` replaces only
 * the reading of time (waits stay real), `clock` replaces both; neither: the system clock.
 */
export function clockOf(options: { clock?: Clock; now?: () => number }, where: string): Clock {
  const { clock, now } = options;
  if (clock !== undefined) {
    if (clock === null || typeof clock.now !== 'function' || typeof clock.sleep !== 'function' || typeof clock.every !== 'function') {
      throw new TokenStoreError('INVALID_ARGUMENT', `${where}: clock must have now(), sleep(ms) and every(ms, tick)`);
    }
    return clock;
  }
  if (now !== undefined) {
    if (typeof now !== 'function') throw new TokenStoreError('INVALID_ARGUMENT', `${where}: now must be a function`);
    return { now, sleep: systemClock.sleep, every: systemClock.every };
  }
  return systemClock;
}
