/**
 * The refresh engine for one token (see "Refresh engine" in ARCHITECTURE.md):
 *
 * 1. a valid token cached in memory is returned with no I/O;
 * 2. otherwise one refresh per token key runs in the process (single-flight), every caller awaits it;
 * 3. with `store.lock` the flight takes the store's lease (random owner, ttl > HTTP timeout, renewed
 *    by a heartbeat every ttl/3 while held: see refresh-lease.ts), re-reads the store and adopts a
 *    token another process already refreshed;
 * 4. otherwise it refreshes (keeping the old refresh token when the response has none) or exchanges the
 *    grant token (once, never retried), saves, releases the lease and only then emits tokenRefreshed;
 * 5. invalid_grant re-reads the store before giving up with ReauthorizationRequiredError, and never
 *    deletes the record; transient failures are retried boundedly with backoff and jitter;
 * 6. a lease that was lost (the holder stalled past its ttl) fences: no further token request, and a
 *    newer token a successor saved is adopted rather than overwritten.
 */
import { createHash, randomUUID } from 'node:crypto';
import { TokenStoreError, isTokenStoreError } from '../errors.js';
import { OAuthToken } from '../oauth-token.js';
import type { TokenStore } from '../token-store.js';
import type { TokenEvents, RefreshReason, TokenRefreshedEvent } from './events.js';
import type { SafeLogger } from './logger.js';
import {
  InvalidGrantError,
  InvalidTokenResponseError,
  ReauthorizationRequiredError,
  RefreshConflictError,
  RefreshLeaseLostError,
  RefreshLockTimeoutError,
  TokenNotFoundError,
  TokenPersistError,
  TransportError,
} from './oauth-errors.js';
import { acceptsApiDomain } from './environments.js';
import { isHeaderSafeToken } from './header-value.js';
import { RefreshLease } from './refresh-lease.js';
import { backoffDelay, sleep } from './retry.js';
import type { RefreshRegistry } from './single-flight.js';
import type { TokenEndpointClient } from './token-endpoint.js';
import { salvagedRefreshToken, type TokenResponse } from './token-response.js';

/** Tuning of the refresh engine. Every field is optional. */
export interface RefreshOptions {
  /** Refresh this long before expiry, capped at half the token's lifetime. Default 60 000. */
  skewMs?: number;
  /** Timeout of one token endpoint request. Default 10 000. */
  timeoutMs?: number;
  /** Extra attempts after a transient failure (network, timeout, 5xx, 429, temporarily_unavailable). Default 2. */
  retries?: number;
  /**
   * Lease duration in the store's lock; must exceed timeoutMs. Renewed every lockTtlMs / 3 while held,
   * so it bounds how long a stalled or dead holder blocks others. Default max(30 000, 2 x timeoutMs + maxBackoffMs).
   */
  lockTtlMs?: number;
  /** How long to wait for a lease another process holds before RefreshLockTimeoutError. Default lockTtlMs + timeoutMs. */
  lockWaitMs?: number;
  /** First poll interval while waiting for the lease (doubles, with jitter, up to 1 s). Default 25. */
  lockPollMs?: number;
  /** Base of the retry backoff. Default 200. */
  backoffMs?: number;
  /** Cap of the retry backoff; a Retry-After longer than this is not waited for (the error is thrown). Default 5 000. */
  maxBackoffMs?: number;
  /** Extra immediate save attempts after a store failure, before TokenPersistError. Default 2. */
  saveRetries?: number;
}

export type ResolvedRefreshOptions = Required<RefreshOptions>;

export function resolveRefreshOptions(options: RefreshOptions = {}): ResolvedRefreshOptions {
  if (options === null || typeof options !== 'object') throw new TokenStoreError('INVALID_ARGUMENT', 'refresh options must be an object');
  const timeoutMs = positive('timeoutMs', options.timeoutMs, 10_000);
  const maxBackoffMs = nonNegative('maxBackoffMs', options.maxBackoffMs, 5_000);
  const lockTtlMs = positive('lockTtlMs', options.lockTtlMs, Math.max(30_000, 2 * timeoutMs + maxBackoffMs));
  if (lockTtlMs <= timeoutMs) {
    throw new TokenStoreError('INVALID_ARGUMENT', 'refresh.lockTtlMs must be greater than refresh.timeoutMs (a lease must outlive the request it protects)');
  }
  return {
    skewMs: nonNegative('skewMs', options.skewMs, 60_000),
    timeoutMs,
    retries: integer('retries', options.retries, 2),
    lockTtlMs,
    lockWaitMs: nonNegative('lockWaitMs', options.lockWaitMs, lockTtlMs + timeoutMs),
    lockPollMs: positive('lockPollMs', options.lockPollMs, 25),
    backoffMs: nonNegative('backoffMs', options.backoffMs, 200),
    maxBackoffMs,
    saveRetries: integer('saveRetries', options.saveRetries, 2),
  };
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TokenStoreError('INVALID_ARGUMENT', `refresh.${name} must be a finite number >= 0`);
  return value;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const n = nonNegative(name, value, fallback);
  if (n === 0) throw new TokenStoreError('INVALID_ARGUMENT', `refresh.${name} must be > 0`);
  return n;
}

function integer(name: string, value: number | undefined, fallback: number): number {
  const n = nonNegative(name, value, fallback);
  if (!Number.isInteger(n) || n > 20) throw new TokenStoreError('INVALID_ARGUMENT', `refresh.${name} must be an integer from 0 to 20`);
  return n;
}

/** What every engine of one Initializer family (the root and its switchUser instances) shares. */
export interface EngineContext {
  readonly store: TokenStore;
  readonly client: TokenEndpointClient;
  readonly registry: RefreshRegistry;
  readonly logger: SafeLogger;
  readonly events: TokenEvents;
  readonly options: ResolvedRefreshOptions;
  readonly now: () => number;
  readonly random: () => number;
  /** The access-token lifetime the server last granted (learned from responses). */
  readonly learned: { lifetimeMs: number | undefined };
}

interface FlightResult {
  token: OAuthToken;
  /** Known when the token came from the server in this flight. */
  lifetimeMs: number | undefined;
  persistError: TokenPersistError | undefined;
  /** Set when this flight saved a token from the server: emitted once the lease is released. */
  refreshed?: TokenRefreshedEvent;
}

type Lease = RefreshLease;

/** The single-flight / lease key of a token: its record id once stored, else a stable derivation. */
export function tokenKey(token: OAuthToken): string {
  if (token.id) return `id:${token.id}`;
  const user = token.userSignature?.name;
  if (user) return `user:${user}`;
  const hash = (kind: string, value: string) => `${kind}:${createHash('sha256').update(`${token.clientId ?? ''}\u0000${value}`).digest('hex').slice(0, 40)}`;
  if (token.grantToken) return hash('grant', token.grantToken);
  if (token.refreshToken) return hash('refresh', token.refreshToken);
  if (token.accessToken) return hash('access', token.accessToken);
  return `anonymous:${randomUUID()}`;
}

function describe(token: OAuthToken): { tokenId: string | undefined; user: string | undefined; clientId: string | undefined } {
  return { tokenId: token.id, user: token.userSignature?.name, clientId: token.clientId };
}

export class RefreshEngine {
  readonly #ctx: EngineContext;
  #token: OAuthToken;
  #lifetime: { expiresAt: number; ms: number } | undefined;
  #pendingSave: OAuthToken | undefined;
  #pendingSaveRunning: Promise<void> | undefined;
  #nextSaveAttempt = 0;
  #saveFailures = 0;
  #grantAttempted: string | undefined;
  #deadRefreshToken: string | undefined;
  /** The last access token found header-safe (see #usable). */
  #headerSafeAccessToken: string | undefined;

  private constructor(ctx: EngineContext, token: OAuthToken) {
    this.#ctx = ctx;
    this.#token = token;
    this.#remember(token, undefined);
  }

  /**
   * Resolves the configured token against the store: by id, by user signature, or by the grant /
   * refresh / access token it carries (see the README for which side wins).
   */
  static async load(ctx: EngineContext, probe: OAuthToken): Promise<RefreshEngine> {
    const { store, logger } = ctx;
    logger.addSecrets(probe.clientSecret, probe.grantToken, probe.refreshToken, probe.accessToken);
    const hasSecret = Boolean(probe.grantToken || probe.refreshToken || probe.accessToken);
    if ((probe.grantToken || probe.refreshToken) && !probe.clientId) {
      throw new TokenStoreError('INVALID_ARGUMENT', 'a token with a grant or refresh token needs its clientId');
    }
    if (!hasSecret) {
      if (!probe.id && !probe.userSignature) {
        throw new TokenStoreError('INVALID_ARGUMENT', 'token needs an id, a user signature, a grant token, a refresh token or an access token');
      }
      const stored = probe.id ? await store.findTokenById(probe.id) : await store.findToken(probe);
      if (!stored) {
        throw new TokenNotFoundError(probe.id ? `no stored token with id ${probe.id}` : `no stored token for user ${probe.userSignature?.name ?? ''}`);
      }
      logger.addSecrets(stored.clientSecret, stored.grantToken, stored.refreshToken, stored.accessToken);
      logger.debug('token loaded from the store', describe(stored));
      return new RefreshEngine(ctx, mergeConfigured(stored, probe));
    }
    const stored = await store.findToken(probe);
    if (!stored) {
      logger.debug('token not in the store yet', describe(probe));
      return new RefreshEngine(ctx, probe);
    }
    logger.addSecrets(stored.clientSecret, stored.grantToken, stored.refreshToken, stored.accessToken);
    if (probe.grantToken && stored.grantToken !== probe.grantToken) {
      // A new authorization for a stored user: exchange the new code into the existing record.
      logger.debug('new grant token for a stored record', describe(stored));
      return new RefreshEngine(
        ctx,
        probe.with({
          id: stored.id,
          userSignature: probe.userSignature ?? stored.userSignature,
          clientSecret: probe.clientSecret ?? stored.clientSecret,
          redirectUrl: probe.redirectUrl ?? stored.redirectUrl,
        }),
      );
    }
    // The store is the source of truth for refresh and access tokens: rotation may have replaced the
    // configured refresh token long ago.
    logger.debug('token loaded from the store', describe(stored));
    return new RefreshEngine(ctx, mergeConfigured(stored, probe));
  }

  /** The token in memory (may be expired). */
  get token(): OAuthToken {
    return this.#token;
  }

  get key(): string {
    return tokenKey(this.#token);
  }

  /**
   * The hot path, synchronous: the access token when the one in memory is valid now, else undefined
   * (the caller then takes the async path). No promise, no I/O.
   */
  validAccessToken(): string | undefined {
    this.#kickPendingSave();
    const token = this.#token;
    return this.#usable(token) ? token.accessToken : undefined;
  }

  /** A token whose access token is valid now, refreshing it when needed. */
  async getToken(): Promise<OAuthToken> {
    if (this.validAccessToken() !== undefined) return this.#token;
    return this.#refresh('expired', undefined);
  }

  /** The API rejected `accessToken` (HTTP 401): refresh unless someone already replaced it. */
  async refreshRejected(accessToken: string): Promise<OAuthToken> {
    this.#kickPendingSave();
    if (this.#token.accessToken !== accessToken && this.#usable(this.#token)) return this.#token;
    return this.#refresh('rejected', accessToken);
  }

  /** Revokes the refresh token (or the access token) at the server and deletes the record. */
  async revoke(): Promise<void> {
    const { registry, store, client, logger } = this.#ctx;
    const key = this.key;
    // An in-flight refresh must not save again what is about to be deleted.
    await registry.current(key)?.catch(() => undefined);
    await this.#withLease(key, async (lease) => {
      const stored = await this.#reread();
      const target = stored ? mergeConfigured(stored, this.#token) : this.#token;
      const secret = target.refreshToken ?? target.accessToken;
      if (secret && client.environment.revocationEndpoint) {
        await this.#withRetries(
          () => client.revoke({ clientId: target.clientId ?? '', clientSecret: target.clientSecret, token: secret, tokenTypeHint: target.refreshToken ? 'refresh_token' : 'access_token' }),
          lease,
        );
        logger.info('token revoked at the server', describe(target));
      } else if (secret) {
        logger.warn('environment has no revocation endpoint; deleting the record only', describe(target));
      }
      const id = stored?.id ?? target.id;
      if (id) await store.deleteToken(id);
      this.#pendingSave = undefined;
      this.#token = target.with({ id: null, accessToken: null, refreshToken: null, grantToken: null, expiresAt: null });
      this.#deadRefreshToken = undefined;
      logger.info('token record deleted', { tokenId: id, user: target.userSignature?.name });
    });
  }

  /** Retries a pending save now; throws TokenPersistError if the store still refuses it. */
  async flush(): Promise<void> {
    await this.#pendingSaveRunning?.catch(() => undefined);
    const pending = this.#pendingSave;
    if (!pending) return;
    try {
      await this.#savePending(pending);
    } catch (cause) {
      throw new TokenPersistError('a refreshed token is still not saved: the store keeps failing', { cause, tokenId: pending.id });
    }
  }

  async #refresh(reason: RefreshReason, rejected: string | undefined): Promise<OAuthToken> {
    const result = await this.#ctx.registry.run(this.key, () => this.#flight(reason, rejected));
    this.#adopt(result);
    if (result.persistError) throw result.persistError;
    return result.token;
  }

  #adopt(result: FlightResult): void {
    if (result.token !== this.#token) {
      this.#token = result.token;
      this.#remember(result.token, result.lifetimeMs);
    }
    if (result.persistError) {
      this.#pendingSave = result.token;
      this.#nextSaveAttempt = this.#ctx.now() + this.#ctx.options.backoffMs;
    } else if (this.#pendingSave && result.token !== this.#pendingSave) {
      this.#pendingSave = undefined;
    }
  }

  async #flight(reason: RefreshReason, rejected: string | undefined): Promise<FlightResult> {
    const before = this.#token;
    try {
      const result = await this.#withLease(
        this.key,
        (lease) => this.#underLease(reason, rejected, lease),
        () => this.#refreshedElsewhere(rejected),
      );
      this.#adopt(result);
      // After the lease is released (withLease returned): listeners may take their time.
      if (result.refreshed) this.#ctx.events.emit('tokenRefreshed', result.refreshed);
      if (result.persistError) {
        this.#ctx.events.emit('refreshFailed', { error: result.persistError, tokenId: before.id, userName: before.userSignature?.name });
      }
      return result;
    } catch (error) {
      const code = isTokenStoreError(error) ? error.code : undefined;
      this.#ctx.logger.warn('token refresh failed', { ...describe(before), code, reason });
      const wrapped = isTokenStoreError(error) ? error : new TokenStoreError('REFRESH_FAILED', 'token refresh failed', { cause: error });
      this.#ctx.events.emit('refreshFailed', { error: wrapped, tokenId: before.id, userName: before.userSignature?.name });
      throw error;
    }
  }

  /**
   * Runs `body` holding the store's lease. While another process holds it, `whileWaiting` is asked
   * after each failed attempt: the holder usually saves a fresh token long before it releases the
   * lease, so a waiter that finds it in the store returns it at once instead of queueing for the lease.
   */
  async #withLease<T>(key: string, body: (lease: Lease | undefined) => Promise<T>, whileWaiting?: () => Promise<T | undefined>): Promise<T> {
    const lock = this.#ctx.store.lock;
    if (!lock) return body(undefined);
    const lease = new RefreshLease(lock, `tokenstore:refresh:${key}`, randomUUID(), this.#ctx.options.lockTtlMs, this.#ctx.now);
    const early = await this.#acquire(lease, whileWaiting);
    if (early !== undefined) return early;
    try {
      return await body(lease);
    } finally {
      try {
        await lease.release();
      } catch (error) {
        // The lease expires by itself; a failed release only delays others by its ttl.
        this.#ctx.logger.warn('could not release the refresh lease', { code: isTokenStoreError(error) ? error.code : undefined });
      }
    }
  }

  /** Takes the lease (returns undefined), or returns what `whileWaiting` found while it was held. */
  async #acquire<T>(lease: Lease, whileWaiting?: () => Promise<T | undefined>): Promise<T | undefined> {
    const { now, options, logger } = this.#ctx;
    const started = now();
    const deadline = started + options.lockWaitMs;
    for (let attempt = 0; ; attempt++) {
      if (await lease.tryAcquire()) {
        if (attempt > 0) {
          // Someone held it: a stalled holder may have the newest token in memory (see afterInvalidGrant).
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
        logger.warn('refresh lease timeout', { waitedMs: waited, ...describe(this.#token) });
        throw new RefreshLockTimeoutError(`could not acquire the refresh lease within ${options.lockWaitMs} ms: another process holds it`, waited);
      }
      if (attempt === 0) logger.debug('refresh lease held elsewhere; waiting', describe(this.#token));
      await sleep(Math.min(remaining, backoffDelay(attempt, { baseMs: options.lockPollMs, maxMs: 1000, random: this.#ctx.random })));
    }
  }

  /** A usable token another process has already saved, or undefined (also when the read fails). */
  async #refreshedElsewhere(rejected: string | undefined): Promise<FlightResult | undefined> {
    const stored = await this.#reread().catch(() => undefined);
    if (!stored) return undefined;
    const base = mergeConfigured(stored, this.#token);
    return this.#usable(base, rejected) ? { token: base, lifetimeMs: undefined, persistError: undefined } : undefined;
  }

  async #underLease(reason: RefreshReason, rejected: string | undefined, lease: Lease | undefined): Promise<FlightResult> {
    // A token the store refused earlier is newer than what the store holds: save it now, under the
    // lease; if the store still refuses, refresh from it rather than from the older stored one (its
    // refresh token may be the only live one).
    await this.#pendingSaveRunning?.catch(() => undefined);
    if (this.#pendingSave) await this.#savePending(this.#pendingSave).catch(() => undefined);
    let base = this.#token;
    const stored = this.#pendingSave ? null : await this.#reread();
    if (stored) {
      base = mergeConfigured(stored, this.#token);
      if (this.#usable(base, rejected)) {
        this.#ctx.logger.debug('using a token refreshed by another process', describe(base));
        return { token: base, lifetimeMs: undefined, persistError: undefined };
      }
    }
    return this.#obtain(base, reason, rejected, lease, true);
  }

  async #obtain(base: OAuthToken, reason: RefreshReason, rejected: string | undefined, lease: Lease | undefined, mayRecheck: boolean): Promise<FlightResult> {
    const { client, logger } = this.#ctx;
    const ids = describe(base);
    if (base.refreshToken) {
      if (base.refreshToken === this.#deadRefreshToken) throw this.#reauthorization(base, undefined);
      const refreshToken = base.refreshToken;
      logger.debug('refreshing the access token', { ...ids, reason });
      let response: TokenResponse;
      try {
        response = await this.#withRetries(
          () => client.refresh({ clientId: base.clientId ?? '', clientSecret: base.clientSecret, refreshToken, redirectUrl: base.redirectUrl }),
          lease,
        );
      } catch (error) {
        if (error instanceof RefreshLeaseLostError) return this.#afterLeaseLost(error, rejected);
        const salvaged = salvagedRefreshToken(error);
        if (salvaged !== undefined) await this.#saveRefreshTokenOnly(base, salvaged, lease);
        if (!(error instanceof InvalidGrantError)) throw error;
        return this.#afterInvalidGrant(base, error, reason, rejected, lease, mayRecheck, refreshToken);
      }
      return this.#persist(base, response, reason, lease);
    }
    if (base.grantToken && this.#grantAttempted !== base.grantToken) {
      // Exchanged at most once per engine and never retried: a reused code can revoke what it issued.
      if (lease && !lease.held) return this.#afterLeaseLost(this.#leaseLost(), rejected);
      this.#grantAttempted = base.grantToken;
      logger.debug('exchanging the grant token', ids);
      let response: TokenResponse;
      try {
        response = await client.exchangeGrantToken({ clientId: base.clientId ?? '', clientSecret: base.clientSecret, grantToken: base.grantToken, redirectUrl: base.redirectUrl });
      } catch (error) {
        const salvaged = salvagedRefreshToken(error);
        if (salvaged !== undefined) await this.#saveRefreshTokenOnly(base, salvaged, lease);
        if (!(error instanceof InvalidGrantError)) throw error;
        // Another process may have exchanged this very code and saved the result.
        const stored = await this.#reread();
        if (stored && (stored.refreshToken || this.#usable(stored))) {
          const merged = mergeConfigured(stored, base);
          if (this.#usable(merged, rejected)) return { token: merged, lifetimeMs: undefined, persistError: undefined };
          if (mayRecheck && merged.refreshToken) return this.#obtain(merged, reason, rejected, lease, false);
        }
        throw this.#reauthorization(base, error, 'the grant token was rejected (invalid_grant)');
      }
      return this.#persist(base, response, 'grant', lease);
    }
    if (base.grantToken) throw this.#reauthorization(base, undefined, 'the grant token was already used');
    throw this.#reauthorization(base, undefined, 'the access token is no longer valid and there is no refresh token');
  }

  async #afterInvalidGrant(
    base: OAuthToken,
    error: InvalidGrantError,
    reason: RefreshReason,
    rejected: string | undefined,
    lease: Lease | undefined,
    mayRecheck: boolean,
    used: string,
  ): Promise<FlightResult> {
    // Another process may have rotated the refresh token since we read it: never give up (or delete
    // anything) before looking at the store again.
    const stored = await this.#reread();
    if (stored && stored.refreshToken && stored.refreshToken !== used) {
      const merged = mergeConfigured(stored, base);
      this.#ctx.logger.debug('refresh token was rotated elsewhere; using the stored one', describe(merged));
      if (this.#usable(merged, rejected)) return { token: merged, lifetimeMs: undefined, persistError: undefined };
      if (mayRecheck) return this.#obtain(merged, reason, rejected, lease, false);
    }
    if (lease?.waited) {
      // We took the lease over from another holder. If it stalled past its ttl, it may hold the new
      // token in memory and save it yet: the grant is not proven dead, so nothing is marked dead and
      // the next call (re-reading the store, not waiting for anyone) decides.
      const user = base.userSignature?.name;
      this.#ctx.logger.warn('invalid_grant after taking over the refresh lease; not declaring the grant dead', describe(base));
      throw new RefreshConflictError(
        `the refresh token was rejected (invalid_grant) right after another process held the refresh lease; it may still save a newer token, so the grant is not declared dead (retry)${user ? ` (user ${user})` : ''}`,
        { cause: error, tokenId: base.id, userName: user },
      );
    }
    this.#deadRefreshToken = used;
    throw this.#reauthorization(base, error, 'the refresh token was rejected (invalid_grant)');
  }

  #leaseLost(): RefreshLeaseLostError {
    return new RefreshLeaseLostError(
      'the refresh lease lapsed (this process stalled past lockTtlMs) while another process may be refreshing: no further token request was sent (retry)',
    );
  }

  /** Fenced: a successor may be refreshing. Use what it saved if that is usable, else say so. */
  async #afterLeaseLost(error: RefreshLeaseLostError, rejected: string | undefined): Promise<FlightResult> {
    const found = await this.#refreshedElsewhere(rejected);
    if (found) {
      this.#ctx.logger.debug('refresh lease lost; using the token the new holder saved', describe(found.token));
      return found;
    }
    this.#ctx.logger.warn('refresh lease lost; no token request sent', describe(this.#token));
    throw error;
  }

  #reauthorization(base: OAuthToken, cause: InvalidGrantError | undefined, why = 'the refresh token is no longer accepted'): ReauthorizationRequiredError {
    const user = base.userSignature?.name;
    return new ReauthorizationRequiredError(`${why}: the user must authorise again${user ? ` (user ${user})` : ''}; the stored record was kept`, {
      cause,
      status: cause?.status,
      oauthError: cause?.oauthError,
      description: cause?.description,
      tokenId: base.id,
      userName: user,
    });
  }

  async #persist(base: OAuthToken, response: TokenResponse, reason: RefreshReason, lease: Lease | undefined): Promise<FlightResult> {
    const { logger, learned } = this.#ctx;
    logger.addSecrets(response.accessToken, response.refreshToken);
    learned.lifetimeMs = response.expiresInMs;
    const rotated = base.refreshToken !== undefined && response.refreshToken !== undefined && response.refreshToken !== base.refreshToken;
    if (response.expiryAdjusted || response.dropped) {
      logger.warn('token response had unusable fields; see the README for how they are treated', {
        ...describe(base),
        expiresIn: response.expiryAdjusted,
        dropped: response.dropped?.join(','),
        expiresInMs: response.expiresInMs,
      });
    }
    const next = this.#tokenFrom(base, this.#withAcceptedApiDomain(base, response));
    if (!next) {
      // The token model refused what the server sent: keep at least its new refresh token.
      const error = new InvalidTokenResponseError('token endpoint response holds values a token cannot store');
      if (response.refreshToken !== undefined) await this.#saveRefreshTokenOnly(base, response.refreshToken, lease);
      throw error;
    }
    const newer = await this.#newerInStore(base, next, lease);
    if (newer) return { token: newer, lifetimeMs: undefined, persistError: undefined };
    let saved: OAuthToken;
    try {
      saved = await this.#save(next);
    } catch (cause) {
      const code = isTokenStoreError(cause) ? cause.code : undefined;
      logger.error('new token obtained but NOT SAVED: kept in memory, the save will be retried', { ...describe(next), code });
      const persistError = new TokenPersistError(
        'a new token was obtained but the store could not save it; it is kept in memory and the save will be retried (call close() to flush)',
        { cause, tokenId: next.id },
      );
      return { token: next, lifetimeMs: response.expiresInMs, persistError };
    }
    const result: FlightResult = { token: saved, lifetimeMs: response.expiresInMs, persistError: undefined };
    this.#adopt(result);
    logger.info(reason === 'grant' ? 'grant token exchanged' : 'access token refreshed', {
      ...describe(saved),
      reason,
      rotated,
      expiresAt: saved.expiresAt,
      expiresInMs: response.expiresInMs,
    });
    result.refreshed = { token: saved, tokenId: saved.id, userName: saved.userSignature?.name, expiresAt: saved.expiresAt, reason, rotated };
    return result;
  }

  /** The response, without an api_domain the environment's URL rules refuse (logged, never used). */
  #withAcceptedApiDomain(base: OAuthToken, response: TokenResponse): TokenResponse {
    const { apiDomain } = response;
    if (apiDomain === undefined || acceptsApiDomain(this.#ctx.client.environment, apiDomain)) return response;
    this.#ctx.logger.warn('token response api_domain refused by the environment (https only, except loopback or allowInsecureHttp; no credentials); ignored', describe(base));
    return { ...response, apiDomain: undefined };
  }

  /** `base` updated with a response; undefined if the token model refuses even the essential fields. */
  #tokenFrom(base: OAuthToken, response: TokenResponse): OAuthToken | undefined {
    const essential = { accessToken: response.accessToken, refreshToken: response.refreshToken ?? base.refreshToken, expiresAt: response.expiresAt };
    try {
      return base.with({ ...essential, apiDomain: response.apiDomain ?? base.apiDomain, tokenType: response.tokenType ?? base.tokenType, scope: response.scope ?? base.scope });
    } catch {
      // An optional field the token model refuses (its error names the field, never the value): drop them.
      this.#ctx.logger.warn('token response fields refused by the token model; saving without api_domain, token_type and scope', describe(base));
    }
    try {
      return base.with(essential);
    } catch {
      return undefined;
    }
  }

  /**
   * With a lease that lapsed, a successor may have refreshed meanwhile: the token it saved, if the
   * store holds a refresh token that is neither the one we sent nor the one we got (it was issued after
   * ours). Never drop what the server just sent, and never replace a newer token with ours.
   */
  async #newerInStore(base: OAuthToken, ours: OAuthToken, lease: Lease | undefined): Promise<OAuthToken | undefined> {
    if (!lease || (await lease.renew())) return undefined;
    const { logger } = this.#ctx;
    logger.warn('refresh lease lapsed before the save; re-reading the store', describe(ours));
    const stored = await this.#reread().catch(() => null);
    const used = base.refreshToken;
    if (!stored?.refreshToken || used === undefined || stored.refreshToken === used || stored.refreshToken === ours.refreshToken) return undefined;
    const merged = mergeConfigured(stored, base);
    logger.info('a newer token is in the store; adopting it instead of saving ours', describe(merged));
    return merged;
  }

  /**
   * The response was unusable but carried a new refresh token: the server may already have spent the
   * one we sent, so persist the new one (no access token, no expiry: the next call refreshes with it).
   * Best effort: the caller gets the response's error either way.
   */
  async #saveRefreshTokenOnly(base: OAuthToken, refreshToken: string, lease: Lease | undefined): Promise<void> {
    if (refreshToken === base.refreshToken) return; // nothing new to keep
    const { logger } = this.#ctx;
    logger.addSecrets(refreshToken);
    let token: OAuthToken;
    try {
      token = base.with({ refreshToken, accessToken: null, expiresAt: null });
    } catch {
      logger.error('token response refused, and its new refresh token cannot be stored either', describe(base));
      return;
    }
    if (await this.#newerInStore(base, token, lease)) return;
    try {
      this.#token = await this.#save(token);
      this.#pendingSave = undefined;
      logger.warn('token response refused; its new refresh token was saved', describe(this.#token));
    } catch (cause) {
      // Kept in memory and retried like any unsaved token.
      this.#token = token;
      this.#pendingSave = token;
      this.#nextSaveAttempt = this.#ctx.now() + this.#ctx.options.backoffMs;
      logger.error('token response refused and its new refresh token NOT SAVED: kept in memory, the save will be retried', { ...describe(token), code: isTokenStoreError(cause) ? cause.code : undefined });
    }
  }

  async #save(token: OAuthToken): Promise<OAuthToken> {
    const { store, options, logger, random } = this.#ctx;
    for (let attempt = 0; ; attempt++) {
      try {
        return await store.saveToken(token);
      } catch (error) {
        if (attempt >= options.saveRetries) throw error;
        logger.warn('saving the token failed; retrying', { code: isTokenStoreError(error) ? error.code : undefined, attempt: attempt + 1 });
        await sleep(backoffDelay(attempt, { baseMs: options.backoffMs, maxMs: options.maxBackoffMs, random }));
      }
    }
  }

  /** Retries a pending save in the background, at most once per backoff interval. */
  #kickPendingSave(): void {
    const pending = this.#pendingSave;
    if (!pending || this.#pendingSaveRunning || this.#ctx.now() < this.#nextSaveAttempt) return;
    this.#pendingSaveRunning = this.#savePending(pending)
      .catch(() => undefined)
      .finally(() => {
        this.#pendingSaveRunning = undefined;
      });
  }

  async #savePending(pending: OAuthToken): Promise<void> {
    const { store, logger, options, now, events } = this.#ctx;
    try {
      const saved = await store.saveToken(pending);
      if (this.#pendingSave === pending) {
        this.#pendingSave = undefined;
        this.#saveFailures = 0;
        if (this.#token === pending) this.#token = saved;
      }
      logger.info('pending token saved', describe(saved));
      events.emit('tokenRefreshed', { token: saved, tokenId: saved.id, userName: saved.userSignature?.name, expiresAt: saved.expiresAt, reason: 'expired', rotated: false });
    } catch (error) {
      this.#saveFailures++;
      this.#nextSaveAttempt = now() + backoffDelay(this.#saveFailures, { baseMs: Math.max(options.backoffMs, 100), maxMs: Math.max(options.maxBackoffMs, 1000), random: this.#ctx.random });
      logger.error('token still NOT SAVED: the store keeps failing', { ...describe(pending), code: isTokenStoreError(error) ? error.code : undefined, failures: this.#saveFailures });
      throw error;
    }
  }

  async #withRetries<T>(request: () => Promise<T>, lease: Lease | undefined): Promise<T> {
    const { options, logger, random } = this.#ctx;
    for (let attempt = 0; ; attempt++) {
      // Fencing: never send a request once the lease may have passed to a successor.
      if (lease && !(attempt === 0 ? lease.held : await lease.renew())) throw this.#leaseLost();
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
        await sleep(delay);
      }
    }
  }

  async #reread(): Promise<OAuthToken | null> {
    const { store, logger } = this.#ctx;
    const token = this.#token;
    let stored: OAuthToken | null;
    if (token.id) stored = await store.findTokenById(token.id);
    else if (token.userSignature || token.grantToken || token.refreshToken || token.accessToken) stored = await store.findToken(token);
    else stored = null;
    if (stored) logger.addSecrets(stored.clientSecret, stored.grantToken, stored.refreshToken, stored.accessToken);
    return stored;
  }

  /**
   * Valid now: an access token that is not `rejected`, can be sent in a header, and is not within skew
   * of its expiry. A token that cannot be a header value (CR/LF, controls, non-ASCII: a corrupt record
   * or a configured typo) is never handed out: it would make fetch throw an error quoting it.
   */
  #usable(token: OAuthToken, rejected?: string): boolean {
    const accessToken = token.accessToken;
    if (!accessToken || accessToken === rejected) return false;
    if (accessToken !== this.#headerSafeAccessToken) {
      // Checked once per distinct value: the hot path then only compares one string reference.
      if (!isHeaderSafeToken(accessToken)) return false;
      this.#headerSafeAccessToken = accessToken;
    }
    const expiresAt = token.expiresAt;
    if (expiresAt === undefined) {
      // Unknown expiry: usable until the API rejects it, unless it can be refreshed (to learn it).
      return !token.refreshToken && !token.grantToken;
    }
    return !token.isExpired(this.#ctx.now(), this.#skewFor(token));
  }

  /** skew = min(configured, half the token's lifetime). */
  #skewFor(token: OAuthToken): number {
    const expiresAt = token.expiresAt as number;
    let lifetime: number;
    if (this.#lifetime && this.#lifetime.expiresAt === expiresAt) lifetime = this.#lifetime.ms;
    else lifetime = this.#ctx.learned.lifetimeMs ?? expiresAt - this.#ctx.now();
    return Math.max(0, Math.min(this.#ctx.options.skewMs, Math.floor(lifetime / 2)));
  }

  #remember(token: OAuthToken, lifetimeMs: number | undefined): void {
    const expiresAt = token.expiresAt;
    if (expiresAt === undefined) return;
    if (this.#lifetime?.expiresAt === expiresAt && lifetimeMs === undefined) return;
    // A token from the store: its lifetime is what the server last granted, or at least what is left.
    this.#lifetime = { expiresAt, ms: lifetimeMs ?? this.#ctx.learned.lifetimeMs ?? Math.max(0, expiresAt - this.#ctx.now()) };
  }
}

/** A stored token, with the client settings of the configured one where it has them. */
function mergeConfigured(stored: OAuthToken, configured: OAuthToken): OAuthToken {
  return stored.with({
    clientId: configured.clientId ?? stored.clientId,
    clientSecret: configured.clientSecret ?? stored.clientSecret,
    redirectUrl: configured.redirectUrl ?? stored.redirectUrl,
    userSignature: stored.userSignature ?? configured.userSignature,
    refreshToken: stored.refreshToken ?? configured.refreshToken,
  });
}


