/**
 * A write-behind save: a token the server issued but the store refused is kept here (and in memory)
 * and saved again later: in the background at most once per backoff interval, under the lease before
 * the next refresh, or on flush/close. Its own state and backoff, nothing else.
 *
 * It also keeps the refresh lease of the flight that could not save (renewed by its heartbeat) until
 * the save lands, the token is superseded, or the engine closes: while the rotated refresh token
 * exists only in this memory, another process must wait, not re-read the store's spent one and spend
 * it again (reuse detection would revoke the grant).
 */
import { isTokenStoreError } from '../errors.js';
import type { OAuthToken } from '../oauth-token.js';
import type { EngineContext } from './engine-context.js';
import { describe } from './log-fields.js';
import { TokenPersistError } from './oauth-errors.js';
import { backoffDelay } from '../backoff.js';
import type { RefreshLease } from './refresh-lease.js';

export class PendingSave {
  readonly #ctx: EngineContext;
  readonly #onSaved: (pending: OAuthToken, saved: OAuthToken) => void;
  #token: OAuthToken | undefined;
  #running: Promise<void> | undefined;
  #nextAttempt = 0;
  #failures = 0;
  #lease: RefreshLease | undefined;

  /** `onSaved` runs when the store finally took `pending` (as `saved`, with its id). */
  constructor(ctx: EngineContext, onSaved: (pending: OAuthToken, saved: OAuthToken) => void) {
    this.#ctx = ctx;
    this.#onSaved = onSaved;
  }

  /** The token still waiting for its save, if any. */
  get token(): OAuthToken | undefined {
    return this.#token;
  }

  /** Keeps `token` for a later save (the first retry waits one backoff). */
  keep(token: OAuthToken): void {
    this.#token = token;
    this.#nextAttempt = this.#ctx.clock.now() + this.#ctx.options.backoffMs;
  }

  /** Nothing is pending any more (saved by someone, superseded, or deleted). */
  drop(): void {
    this.#token = undefined;
    void this.#releaseLease();
  }

  /** Takes over the lease of the flight that left this save pending; held until the save lands. */
  holdLease(lease: RefreshLease): void {
    if (this.#lease !== undefined && this.#lease !== lease) void this.#releaseLease();
    this.#lease = lease;
  }

  /** The lease back to a flight of this engine (which then owns its release), if one is kept. */
  takeLease(): RefreshLease | undefined {
    const lease = this.#lease;
    this.#lease = undefined;
    return lease;
  }

  /** On close: a last save attempt, and the lease given back whatever its outcome. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.#releaseLease();
    }
  }

  /** Resolves once a background attempt on its way settled (never rejects). */
  async settled(): Promise<void> {
    await this.#running?.catch(() => undefined);
  }

  /** Retries in the background, at most once per backoff interval. Synchronous: the hot path calls it. */
  kick(): void {
    const pending = this.#token;
    if (!pending || this.#running || this.#ctx.clock.now() < this.#nextAttempt) return;
    this.#running = this.saveNow()
      .catch(() => undefined)
      .finally(() => {
        this.#running = undefined;
      });
  }

  /** Saves the pending token now (no-op when none); rejects with the store's error. */
  async saveNow(): Promise<void> {
    const pending = this.#token;
    if (!pending) return;
    const { store, logger, options, clock, events } = this.#ctx;
    try {
      const saved = await store.saveToken(pending);
      if (this.#token === pending) {
        this.#token = undefined;
        this.#failures = 0;
        this.#onSaved(pending, saved);
        await this.#releaseLease();
      }
      logger.info('pending token saved', describe(saved));
      events.emit('tokenRefreshed', { token: saved, tokenId: saved.id, userName: saved.userSignature?.name, expiresAt: saved.expiresAt, reason: 'expired', rotated: false });
    } catch (error) {
      this.#failures++;
      this.#nextAttempt = clock.now() + backoffDelay(this.#failures, { baseMs: Math.max(options.backoffMs, 100), maxMs: Math.max(options.maxBackoffMs, 1000), random: this.#ctx.random });
      logger.error('token still NOT SAVED: the store keeps failing', { ...describe(pending), code: isTokenStoreError(error) ? error.code : undefined, failures: this.#failures });
      throw error;
    }
  }

  /** Retries now after any background attempt; throws TokenPersistError if the store still refuses. */
  async flush(): Promise<void> {
    await this.settled();
    const pending = this.#token;
    if (!pending) return;
    try {
      await this.saveNow();
    } catch (cause) {
      throw new TokenPersistError('a refreshed token is still not saved: the store keeps failing', { cause, tokenId: pending.id });
    }
  }

  async #releaseLease(): Promise<void> {
    const lease = this.takeLease();
    if (!lease) return;
    try {
      await lease.release();
    } catch (error) {
      // The lease expires by itself; a failed release only delays others by its ttl.
      this.#ctx.logger.warn('could not release the refresh lease', { code: isTokenStoreError(error) ? error.code : undefined });
    }
  }
}
