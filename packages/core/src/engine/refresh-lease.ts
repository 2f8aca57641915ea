/**
 * A refresh lease held in the store's RefreshLock, with a heartbeat. While held (from acquire to
 * release: request, retries, save) it is renewed every ttl/3, so a live holder never loses it; only a
 * holder that stalls past its ttl (stopped process, long GC pause) or dies does.
 *
 * Loss is tracked conservatively, on this process's clock: a renewal proves the lease was continuous
 * only if it *completed* before the previous grant ran out (`start + ttl` of the last successful
 * acquire). A renewal that answers false, or one that only succeeds after that point, means a
 * successor may have held the lease meanwhile (and may be refreshing, or may have come and gone): the
 * lease is then lost for good, and the engine fences itself (no further token request, no blind save).
 *
 * The fence before a save (confirmForSave) costs no round trip while the last confirmed grant is
 * recent: a grant that started less than half a ttl ago still has more than half a ttl to run, which
 * is a stronger margin than a renewal answered just before the save gives (ttl minus its round trip,
 * however slow). Only when the heartbeat fell behind (its renewals failing or slow) is a renewal made.
 */
import type { Clock } from '../clock.js';
import type { OAuthToken } from '../oauth-token.js';
import type { LeaseAndToken, RefreshLock } from '../token-store.js';

/** A save needs no renewal while the last confirmed grant is younger than this share of the ttl. */
const FRESH_GRANT_SHARE = 1 / 2;

export class RefreshLease {
  readonly key: string;
  readonly owner: string;
  readonly #lock: RefreshLock;
  readonly #ttlMs: number;
  readonly #clock: Clock;
  /** Until when (this process's clock) the last successful acquire holds the lease. */
  #validUntil = 0;
  /** When the acquire that set #validUntil started (this process's clock). */
  #grantedAt = 0;
  #lost = false;
  /** Stops the heartbeat, while it runs. */
  #stopBeating: (() => void) | undefined;
  /** The renewal on its way to the store, if any (release waits for it). */
  #renewing: Promise<boolean> | undefined;
  /** The stored token the last acquireAndFind read, and the held token it was read for (see takeRead). */
  #read: { for: OAuthToken; token: OAuthToken | null } | undefined;
  /** Given back with the save, with no renewal on its way then: release() has nothing to send. */
  #givenBack = false;
  /** True when someone else held the lease while we waited for it (see RefreshConflictError). */
  waited = false;

  constructor(lock: RefreshLock, key: string, owner: string, ttlMs: number, clock: Clock) {
    this.#lock = lock;
    this.key = key;
    this.owner = owner;
    this.#ttlMs = ttlMs;
    this.#clock = clock;
  }

  /**
   * One attempt to take the lease; on success the heartbeat starts. With `readFor` (the token the
   * engine holds) and a store that offers `acquireAndFind`, the stored version of that token is read
   * in the same round trip, for the engine's next read (see takeRead).
   */
  async tryAcquire(readFor?: OAuthToken): Promise<boolean> {
    const started = this.#clock.now();
    if (!(await this.#acquire(readFor))) return false;
    this.#grant(started);
    this.#startHeartbeat();
    return true;
  }

  /**
   * What the last acquire read for `token`, once: undefined when it read nothing for that very object
   * (the engine then reads the store). The identity is the freshness check: the engine replaces the
   * token it holds on every save or adoption, so a read made before either is never used after it.
   */
  takeRead(token: OAuthToken): { token: OAuthToken | null } | undefined {
    const read = this.#read;
    this.#read = undefined;
    return read?.for === token ? { token: read.token } : undefined;
  }

  async #acquire(readFor: OAuthToken | undefined): Promise<boolean> {
    const lock = this.#lock;
    const id = readFor?.id;
    if (readFor === undefined || !id || !lock.acquireAndFind) return lock.acquire(this.key, this.owner, this.#ttlMs);
    let answer: LeaseAndToken;
    try {
      answer = await lock.acquireAndFind(this.key, this.owner, this.#ttlMs, id);
    } catch (error) {
      // The read may have failed after the acquire took (a corrupt record): give back what this
      // owner, new to this lease, may now hold, instead of leaving it to block others for a ttl.
      await lock.release(this.key, this.owner).catch(() => undefined);
      throw error;
    }
    this.#read = { for: readFor, token: answer.token };
    return answer.acquired;
  }

  /** Held right now, as far as this process can prove. Synchronous, no I/O. */
  get held(): boolean {
    if (!this.#lost && this.#clock.now() >= this.#validUntil) this.#lose();
    return !this.#lost;
  }

  /** Renews now; resolves to whether the lease is still (provably) held. Never rejects. */
  async renew(): Promise<boolean> {
    if (!this.held) return false;
    const started = this.#clock.now();
    let granted: boolean;
    const renewing = this.#lock.acquire(this.key, this.owner, this.#ttlMs);
    this.#renewing = renewing;
    try {
      granted = await renewing;
    } catch {
      // The store did not answer: no proof either way. The lease stays held until its last grant runs out.
      return this.held;
    } finally {
      if (this.#renewing === renewing) this.#renewing = undefined;
    }
    if (!granted || this.#lost || this.#clock.now() >= this.#validUntil) {
      this.#lose();
      return false;
    }
    if (started + this.#ttlMs > this.#validUntil) this.#grant(started);
    return true;
  }

  /**
   * Whether a save may be made under this lease now. A renewal already on its way is waited for (it
   * may be the one that reports the loss); then a grant younger than half a ttl proves the lease
   * without a round trip, and an older one (the heartbeat fell behind) is renewed first.
   */
  async confirmForSave(): Promise<boolean> {
    const renewing = this.#renewing;
    if (renewing && this.held) await settledWithin(renewing, this.#validUntil - this.#clock.now(), this.#clock);
    if (!this.held) return false;
    if (this.#clock.now() - this.#grantedAt < this.#ttlMs * FRESH_GRANT_SHARE) return true;
    return this.renew();
  }

  /**
   * The store gave the lease back together with the save (RefreshLock.saveAndRelease). Held no longer;
   * release() then sends nothing, unless a renewal was on its way at that moment: it may land after
   * the give-back and take the lease again, so release() waits for it and releases as usual.
   */
  givenBack(): void {
    this.#stopHeartbeat();
    this.#lost = true;
    this.#givenBack = this.#renewing === undefined;
  }

  /** Stops the heartbeat and gives the lease back (only ours: the lock checks the owner). */
  async release(): Promise<void> {
    this.#stopHeartbeat();
    if (this.#givenBack) return;
    // A heartbeat renewal still on its way could reach the store after the release (another pooled
    // connection) and take the lease again for a whole ttl: let it land first. Not longer than a ttl:
    // a store that does not answer must not keep the caller from settling (the lease expires anyway).
    if (this.#renewing) await settledWithin(this.#renewing, this.#ttlMs, this.#clock);
    this.#lost = true;
    await this.#lock.release(this.key, this.owner);
  }

  #grant(startedAt: number): void {
    this.#grantedAt = startedAt;
    this.#validUntil = startedAt + this.#ttlMs;
  }

  #startHeartbeat(): void {
    if (this.#stopBeating !== undefined) return;
    // Clock.every does not keep the process alive: a pending call does so by its own I/O and waits.
    this.#stopBeating = this.#clock.every(Math.max(1, Math.floor(this.#ttlMs / 3)), () => void this.renew());
  }

  #stopHeartbeat(): void {
    this.#stopBeating?.();
    this.#stopBeating = undefined;
  }

  #lose(): void {
    this.#lost = true;
    this.#stopHeartbeat();
  }
}

/** Resolves once `promise` settles or `ms` passed, whichever is first. */
async function settledWithin(promise: Promise<unknown>, ms: number, clock: Clock): Promise<void> {
  const stop = new AbortController();
  try {
    await Promise.race([promise.then(() => undefined, () => undefined), clock.sleep(ms, stop.signal)]);
  } finally {
    stop.abort(); // ends the sleep: a settled renewal must not keep the process alive for a ttl
  }
}
