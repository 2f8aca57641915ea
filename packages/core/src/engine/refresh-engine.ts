/**
 * The refresh engine for one token (see "Refresh engine" in ARCHITECTURE.md). One refresh, top to
 * bottom:
 *
 * 1. `validAccessToken` (hot path): a valid token in memory is returned with no I/O (token-validity.ts);
 * 2. otherwise `#refresh` runs one flight per token key in the process (single-flight.ts); every caller
 *    awaits it and adopts its result (held-token.ts);
 * 3. `#flight` takes the store's lease when the store has a lock, waiting while another process holds
 *    it and returning early with a token that process saved meanwhile (lease-wait.ts; the lease and its
 *    heartbeat: refresh-lease.ts);
 * 4. under the lease, the decision (refresh-decision.ts): save a pending token first (pending-save.ts),
 *    adopt a token another process refreshed, else refresh or exchange the grant token through the
 *    retry loop (request-retries.ts), recovering from invalid_grant and a lost lease;
 * 5. the response becomes a saved token (token-save.ts); `tokenRefreshed` is emitted and the caller
 *    gets the token while the lease is given back in the background (lease-releases.ts).
 *
 * The configured token is resolved against the store once, in `load` (configured-token.ts).
 */
import { TokenStoreError, isTokenStoreError } from '../errors.js';
import type { OAuthToken } from '../oauth-token.js';
import { mergeConfigured, resolveConfigured } from './configured-token.js';
import type { EngineContext, FlightResult } from './engine-context.js';
import type { RefreshReason } from './events.js';
import { HeldToken } from './held-token.js';
import { withLease } from './lease-wait.js';
import { describe } from './log-fields.js';
import { RefreshDecision, refreshedElsewhere } from './refresh-decision.js';
import { withRetries } from './request-retries.js';
import { tokenKey } from './token-key.js';

export class RefreshEngine {
  readonly #ctx: EngineContext;
  readonly #held: HeldToken;

  private constructor(ctx: EngineContext, token: OAuthToken) {
    this.#ctx = ctx;
    this.#held = new HeldToken(ctx, token);
  }

  /** An engine for the configured token, resolved against the store (see configured-token.ts). */
  static async load(ctx: EngineContext, probe: OAuthToken): Promise<RefreshEngine> {
    return new RefreshEngine(ctx, await resolveConfigured(ctx, probe));
  }

  /** The token in memory (may be expired). */
  get token(): OAuthToken {
    return this.#held.token;
  }

  get key(): string {
    return tokenKey(this.#held.token);
  }

  /**
   * The hot path, synchronous: the access token when the one in memory is valid now, else undefined
   * (the caller then takes the async path). No promise, no I/O.
   */
  validAccessToken(): string | undefined {
    this.#held.pending.kick();
    return this.#held.validity.validAccessToken(this.#held.token);
  }

  /** A token whose access token is valid now, refreshing it when needed. */
  async getToken(): Promise<OAuthToken> {
    if (this.validAccessToken() !== undefined) return this.#held.token;
    return this.#refresh('expired', undefined);
  }

  /** The API rejected `accessToken` (HTTP 401): refresh unless someone already replaced it. */
  async refreshRejected(accessToken: string): Promise<OAuthToken> {
    this.#held.pending.kick();
    const token = this.#held.token;
    if (token.accessToken !== accessToken && this.#held.usable(token)) return token;
    return this.#refresh('rejected', accessToken);
  }

  /** Revokes the refresh token (or the access token) at the server and deletes the record. */
  async revoke(): Promise<void> {
    const { registry, store, client, logger } = this.#ctx;
    const held = this.#held;
    const key = this.key;
    // An in-flight refresh must not save again what is about to be deleted.
    await registry.current(key)?.catch(() => undefined);
    await withLease(this.#ctx, key, held.token, async (lease) => {
      const stored = await held.reread(lease);
      const target = stored ? mergeConfigured(stored, held.token) : held.token;
      const secret = target.refreshToken ?? target.accessToken;
      if (secret && client.environment.revocationEndpoint) {
        await withRetries(
          this.#ctx,
          () => client.revoke({ clientId: target.clientId ?? '', clientSecret: target.clientSecret, token: secret, tokenTypeHint: target.refreshToken ? 'refresh_token' : 'access_token' }),
          lease,
        );
        logger.info('token revoked at the server', describe(target));
      } else if (secret) {
        logger.warn('environment has no revocation endpoint; deleting the record only', describe(target));
      }
      const id = stored?.id ?? target.id;
      if (id) await store.deleteToken(id);
      held.forget(target.with({ id: null, accessToken: null, refreshToken: null, grantToken: null, expiresAt: null }));
      logger.info('token record deleted', { tokenId: id, user: target.userSignature?.name });
    }, undefined, { inherited: held.pending.takeLease() });
  }

  /** Retries a pending save now; throws TokenPersistError if the store still refuses it. */
  flush(): Promise<void> {
    return this.#held.pending.flush();
  }

  /** Flushes, and gives back a lease kept for a pending save whatever the outcome; waits for releases on their way. */
  async close(): Promise<void> {
    try {
      await this.#held.pending.close();
    } finally {
      await this.#ctx.releases.allSettled();
    }
  }

  /** One flight per key; this engine adopts its result whether it ran the flight or joined it. */
  async #refresh(reason: RefreshReason, rejected: string | undefined): Promise<OAuthToken> {
    const result = await this.#ctx.registry.run(this.key, () => this.#flight(reason, rejected));
    this.#held.adopt(result);
    if (result.persistError) throw result.persistError;
    return result.token;
  }

  async #flight(reason: RefreshReason, rejected: string | undefined): Promise<FlightResult> {
    const { events, logger } = this.#ctx;
    const held = this.#held;
    const before = held.token;
    try {
      const result = await withLease(
        this.#ctx,
        this.key,
        before,
        async (lease) => {
          const decided = await new RefreshDecision(held, reason, rejected, lease).run();
          held.adopt(decided); // under the lease: an unsaved token keeps it (below)
          return decided;
        },
        (lease) => refreshedElsewhere(held, rejected, lease),
        {
          inherited: held.pending.takeLease(),
          // The token is saved by now: the caller need not wait for the store to take the lease back.
          releaseInBackground: true,
          // A token only this memory holds keeps the lease until its save lands (see PendingSave).
          keep: (lease) => {
            if (held.pending.token === undefined) return false;
            held.pending.holdLease(lease);
            return true;
          },
        },
      );
      // Adopted (also when found while waiting) before the events, so a listener gets this token.
      held.adopt(result);
      // After the save (withLease returned, the lease being given back): a listener sees the stored token.
      if (result.refreshed) events.emit('tokenRefreshed', result.refreshed);
      if (result.persistError) {
        events.emit('refreshFailed', { error: result.persistError, tokenId: before.id, userName: before.userSignature?.name });
      }
      return result;
    } catch (error) {
      const code = isTokenStoreError(error) ? error.code : undefined;
      logger.warn('token refresh failed', { ...describe(before), code, reason });
      const wrapped = isTokenStoreError(error) ? error : new TokenStoreError('REFRESH_FAILED', 'token refresh failed', { cause: error });
      events.emit('refreshFailed', { error: wrapped, tokenId: before.id, userName: before.userSignature?.name });
      throw error;
    }
  }
}
