/**
 * What one refresh does once it holds the lease (or the store has no lock): save a pending token
 * first, adopt a token another process already saved, else refresh with the refresh token or exchange
 * the grant token, and recover from invalid_grant and from a lost lease without ever claiming a live
 * grant is dead.
 */
import type { OAuthToken } from '../oauth-token.js';
import { mergeConfigured } from './configured-token.js';
import { found, type FlightResult } from './engine-context.js';
import type { RefreshReason } from './events.js';
import type { HeldToken } from './held-token.js';
import { describe } from './log-fields.js';
import { InvalidGrantError, ReauthorizationRequiredError, RefreshConflictError, RefreshLeaseLostError } from './oauth-errors.js';
import type { RefreshLease } from './refresh-lease.js';
import { leaseLostError, withRetries } from './request-retries.js';
import { persistResponse, saveRefreshTokenOnly } from './token-save.js';
import { salvagedRefreshToken, type TokenResponse } from './token-response.js';

export class RefreshDecision {
  readonly #held: HeldToken;
  readonly #reason: RefreshReason;
  /** The access token the API rejected (401), never handed out again. */
  readonly #rejected: string | undefined;
  readonly #lease: RefreshLease | undefined;

  constructor(held: HeldToken, reason: RefreshReason, rejected: string | undefined, lease: RefreshLease | undefined) {
    this.#held = held;
    this.#reason = reason;
    this.#rejected = rejected;
    this.#lease = lease;
  }

  async run(): Promise<FlightResult> {
    const held = this.#held;
    // A token the store refused earlier is newer than what the store holds: save it now, under the
    // lease; if the store still refuses, refresh from it rather than from the older stored one (its
    // refresh token may be the only live one).
    await held.pending.settled();
    await held.pending.saveNow().catch(() => undefined);
    let base = held.token;
    const stored = held.pending.token ? null : await held.reread(this.#lease);
    if (stored) {
      base = mergeConfigured(stored, held.token);
      if (held.usable(base, this.#rejected)) {
        held.ctx.logger.debug('using a token refreshed by another process', describe(base));
        return found(base);
      }
    }
    return this.#obtain(base, true);
  }

  async #obtain(base: OAuthToken, mayRecheck: boolean): Promise<FlightResult> {
    const held = this.#held;
    const { client, logger } = held.ctx;
    const lease = this.#lease;
    const ids = describe(base);
    if (base.refreshToken) {
      if (base.refreshToken === held.deadRefreshToken) throw reauthorization(base, undefined);
      const refreshToken = base.refreshToken;
      logger.debug('refreshing the access token', { ...ids, reason: this.#reason });
      let response: TokenResponse;
      try {
        response = await withRetries(
          held.ctx,
          () => client.refresh({ clientId: base.clientId ?? '', clientSecret: base.clientSecret, refreshToken, redirectUrl: base.redirectUrl }),
          lease,
        );
      } catch (error) {
        if (error instanceof RefreshLeaseLostError) return this.#afterLeaseLost(error);
        const salvaged = salvagedRefreshToken(error);
        if (salvaged !== undefined) await saveRefreshTokenOnly(held, base, salvaged, lease);
        if (!(error instanceof InvalidGrantError)) throw error;
        return this.#afterInvalidGrant(base, error, mayRecheck, refreshToken);
      }
      return persistResponse(held, base, response, this.#reason, lease);
    }
    if (base.grantToken && held.grantAttempted !== base.grantToken) {
      // Exchanged at most once per engine and never retried: a reused code can revoke what it issued.
      if (lease && !lease.held) return this.#afterLeaseLost(leaseLostError());
      held.grantAttempted = base.grantToken;
      logger.debug('exchanging the grant token', ids);
      let response: TokenResponse;
      try {
        response = await client.exchangeGrantToken({ clientId: base.clientId ?? '', clientSecret: base.clientSecret, grantToken: base.grantToken, redirectUrl: base.redirectUrl });
      } catch (error) {
        const salvaged = salvagedRefreshToken(error);
        if (salvaged !== undefined) await saveRefreshTokenOnly(held, base, salvaged, lease);
        if (!(error instanceof InvalidGrantError)) throw error;
        // Another process may have exchanged this very code and saved the result.
        const stored = await held.reread();
        if (stored && (stored.refreshToken || held.usable(stored))) {
          const merged = mergeConfigured(stored, base);
          if (held.usable(merged, this.#rejected)) return found(merged);
          if (mayRecheck && merged.refreshToken) return this.#obtain(merged, false);
        }
        throw reauthorization(base, error, 'the grant token was rejected (invalid_grant)');
      }
      return persistResponse(held, base, response, 'grant', lease);
    }
    if (held.ctx.clientCredentials) return this.#requestForClient(base);
    if (base.grantToken) throw reauthorization(base, undefined, 'the grant token was already used');
    throw reauthorization(base, undefined, 'the access token is no longer valid and there is no refresh token');
  }

  /** Client credentials: a new token for the client itself. Safe to retry: a request spends nothing. */
  async #requestForClient(base: OAuthToken): Promise<FlightResult> {
    const held = this.#held;
    held.ctx.logger.debug('requesting a client credentials token', { ...describe(base), reason: this.#reason });
    let response: TokenResponse;
    try {
      response = await withRetries(held.ctx, () => held.ctx.client.clientCredentials({ clientId: base.clientId ?? '', clientSecret: base.clientSecret, scope: base.scope }), this.#lease);
    } catch (error) {
      if (error instanceof RefreshLeaseLostError) return this.#afterLeaseLost(error);
      throw error;
    }
    return persistResponse(held, base, response, this.#reason, this.#lease);
  }

  async #afterInvalidGrant(base: OAuthToken, error: InvalidGrantError, mayRecheck: boolean, used: string): Promise<FlightResult> {
    const held = this.#held;
    // Another process may have rotated the refresh token since we read it: never give up (or delete
    // anything) before looking at the store again.
    const stored = await held.reread();
    if (stored && stored.refreshToken && stored.refreshToken !== used) {
      const merged = mergeConfigured(stored, base);
      held.ctx.logger.debug('refresh token was rotated elsewhere; using the stored one', describe(merged));
      if (held.usable(merged, this.#rejected)) return found(merged);
      if (mayRecheck) return this.#obtain(merged, false);
    }
    if (this.#lease?.waited) {
      // We took the lease over from another holder. If it stalled past its ttl, it may hold the new
      // token in memory and save it yet: the grant is not proven dead, so nothing is marked dead and
      // the next call (re-reading the store, not waiting for anyone) decides.
      const user = base.userSignature?.name;
      held.ctx.logger.warn('invalid_grant after taking over the refresh lease; not declaring the grant dead', describe(base));
      throw new RefreshConflictError(
        `the refresh token was rejected (invalid_grant) right after another process held the refresh lease; it may still save a newer token, so the grant is not declared dead (retry)${user ? ` (user ${user})` : ''}`,
        { cause: error, tokenId: base.id, userName: user },
      );
    }
    held.deadRefreshToken = used;
    throw reauthorization(base, error, 'the refresh token was rejected (invalid_grant)');
  }

  /** Fenced: a successor may be refreshing. Use what it saved if that is usable, else say so. */
  async #afterLeaseLost(error: RefreshLeaseLostError): Promise<FlightResult> {
    const result = await refreshedElsewhere(this.#held, this.#rejected);
    if (result) {
      this.#held.ctx.logger.debug('refresh lease lost; using the token the new holder saved', describe(result.token));
      return result;
    }
    this.#held.ctx.logger.warn('refresh lease lost; no token request sent', describe(this.#held.token));
    throw error;
  }
}

/** A usable token another process has already saved, or undefined (also when the read fails). */
export async function refreshedElsewhere(held: HeldToken, rejected: string | undefined, lease?: RefreshLease): Promise<FlightResult | undefined> {
  const stored = await held.reread(lease).catch(() => undefined);
  if (!stored) return undefined;
  const base = mergeConfigured(stored, held.token);
  return held.usable(base, rejected) ? found(base) : undefined;
}

function reauthorization(base: OAuthToken, cause: InvalidGrantError | undefined, why = 'the refresh token is no longer accepted'): ReauthorizationRequiredError {
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
