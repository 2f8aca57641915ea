/**
 * A Clock that moves only when a test says so: `advance(ms)` fires every sleep and heartbeat due in
 * that span, in time order, letting the code they wake run (I/O included) before the next one.
 */
import type { Clock } from '../../src/index.js';

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
  /** Set for `every` timers: their period. */
  periodMs?: number;
}

/** Lets promise chains and pending I/O callbacks run. */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers = new Set<Timer>();
  /** Every sleep asked for, in ms (tests assert on waits instead of measuring them). */
  readonly sleeps: number[] = [];

  /** Starts at the real time, so tokens made with Date.now() keep their meaning. */
  constructor(start = Date.now()) {
    this.#now = start;
  }

  now = (): number => this.#now;

  sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    this.sleeps.push(ms);
    if (!(ms > 0) || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer: Timer = { at: this.#now + ms, seq: this.#seq++, fire: resolve };
      this.#timers.add(timer);
      signal?.addEventListener('abort', () => {
        this.#timers.delete(timer);
        resolve();
      }, { once: true });
    });
  };

  every = (ms: number, tick: () => void): (() => void) => {
    const periodMs = Math.max(1, ms);
    const timer: Timer = { at: this.#now + periodMs, seq: this.#seq++, fire: tick, periodMs };
    this.#timers.add(timer);
    return () => this.#timers.delete(timer);
  };

  /** Timers waiting (sleeps and heartbeats). */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing what falls due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await turn();
    for (;;) {
      const next = this.#earliest();
      if (!next || next.at > target) break;
      this.#now = Math.max(this.#now, next.at);
      this.#fire(next);
      await turn();
    }
    this.#now = target;
    await turn();
  }

  /**
   * Advances in steps of `stepMs` until `promise` settles (at most `limitMs` of clock time), and
   * returns it: for calls whose waits the test does not want to count out.
   */
  async settle<T>(promise: Promise<T>, stepMs = 10, limitMs = 600_000): Promise<T> {
    let settled = false;
    promise.then(() => (settled = true), () => (settled = true));
    for (let spent = 0; !settled && spent < limitMs; spent += stepMs) await this.advance(stepMs);
    return promise;
  }

  #earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of this.#timers) if (!best || timer.at < best.at || (timer.at === best.at && timer.seq < best.seq)) best = timer;
    return best;
  }

  #fire(timer: Timer): void {
    if (timer.periodMs === undefined) this.#timers.delete(timer);
    else timer.at += timer.periodMs;
    timer.fire();
  }
}
