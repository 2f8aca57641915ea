import { TokenStoreError } from './errors.js';
import { RetriedOnce } from './retried-once.js';

/**
 * Open, first-use setup and close of a kit store, kept once here instead of in every backend (as
 * abstract-level's base class does for its stores).
 *
 * - Setup (a migration, index builds, connecting) runs before the first operation: concurrent first
 *   calls share one run, a success is remembered, a failure (server down) is not, so the next call
 *   retries it.
 * - One closed flag. Operations after close() reject with STORE_CLOSED, also those that were waiting
 *   for a setup when close() came.
 * - close() never closes the backend under a running setup: a connect or migration finishing on a
 *   pool that was just ended would fail oddly, or reopen a client that nobody closes again. It waits
 *   for the setup to settle (either way), then closes the backend once.
 */
export class StoreLifecycle {
  readonly #name: string;
  readonly #setup: RetriedOnce | undefined;
  readonly #closeBackend: () => Promise<void>;
  /** Setups running now (first-use or explicit): close() waits for them. */
  readonly #running = new Set<Promise<unknown>>();
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(name: string, setup: (() => Promise<void>) | undefined, closeBackend: () => Promise<void>) {
    this.#name = name;
    this.#setup = setup === undefined ? undefined : new RetriedOnce(setup);
    this.#closeBackend = closeBackend;
  }

  /** Resolves once the store is set up and still open; STORE_CLOSED otherwise. */
  async open(): Promise<void> {
    this.assertOpen();
    if (this.#setup === undefined) return;
    try {
      await this.#track(this.#setup.run());
    } finally {
      // Closed while setting up: that, not the setup's outcome, is what the caller must hear.
      this.assertOpen();
    }
  }

  /**
   * Runs a store's explicit form of its setup (`migrate()`, `ensureIndexes()`) now; once it succeeds,
   * the first-use setup counts as done.
   */
  async setUpNow<T>(body: () => Promise<T>): Promise<T> {
    this.assertOpen();
    const result = await this.#track(body());
    this.#setup?.markDone();
    return result;
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= Promise.allSettled([...this.#running]).then(() => this.#closeBackend());
    return this.#closing;
  }

  /** STORE_CLOSED after close(); for what runs without the setup (a read-only diagnosis). */
  assertOpen(): void {
    if (this.#closed) throw new TokenStoreError('STORE_CLOSED', `${this.#name} is closed`);
  }

  async #track<T>(work: Promise<T>): Promise<T> {
    this.#running.add(work);
    try {
      return await work;
    } finally {
      this.#running.delete(work);
    }
  }
}
