/**
 * The token one engine holds in memory, and the one place a refresh's outcome becomes that token
 * (adopt). The pieces of a flight read and update the engine's state only through here.
 */
import type { OAuthToken } from '../oauth-token.js';
import type { EngineContext, FlightResult } from './engine-context.js';
import { PendingSave } from './pending-save.js';
import type { RefreshLease } from './refresh-lease.js';
import { TokenValidity } from './token-validity.js';

export class HeldToken {
  readonly ctx: EngineContext;
  readonly validity: TokenValidity;
  readonly pending: PendingSave;
  /** A refresh token the server rejected (invalid_grant) for good: never sent again. */
  deadRefreshToken: string | undefined;
  /** The grant token this engine already exchanged (at most once: a reused code can revoke its tokens). */
  grantAttempted: string | undefined;
  #token: OAuthToken;
  #adopted: FlightResult | undefined;

  constructor(ctx: EngineContext, token: OAuthToken) {
    this.ctx = ctx;
    this.validity = new TokenValidity(ctx);
    this.pending = new PendingSave(ctx, (pending, saved) => {
      if (this.#token === pending) this.#token = saved;
    });
    this.#token = token;
    this.validity.remember(token, undefined);
  }

  get token(): OAuthToken {
    return this.#token;
  }

  usable(token: OAuthToken, rejected?: string): boolean {
    return this.validity.usable(token, rejected);
  }

  /**
   * Takes a flight's result: its token becomes the one in memory; an unsaved one is kept for a later
   * save, and a pending save the result supersedes is dropped. The flight's owner and every engine
   * that awaited the same flight call it; a result is adopted once.
   */
  adopt(result: FlightResult): void {
    if (this.#adopted === result) return;
    this.#adopted = result;
    this.#hold(result.token, result.lifetimeMs);
    if (result.persistError) this.pending.keep(result.token);
    else if (this.pending.token && result.token !== this.pending.token) this.pending.drop();
  }

  /** A token saved outside a flight's result (a salvaged refresh token): nothing pending any more. */
  adoptSaved(token: OAuthToken): void {
    this.#hold(token, undefined);
    this.pending.drop();
  }

  /** A token the store refused outside a flight's result: kept in memory and saved later. */
  adoptUnsaved(token: OAuthToken): void {
    this.#hold(token, undefined);
    this.pending.keep(token);
  }

  /** After revoke: the record is gone, nothing pending, the tokens forgotten. */
  forget(token: OAuthToken): void {
    this.pending.drop();
    this.#token = token;
    this.deadRefreshToken = undefined;
  }

  /**
   * The stored version of the held token (by id, else by its identifiers), or null. With `lease`, what
   * its acquire read for this very token is used instead of a round trip (see RefreshLease.takeRead).
   */
  async reread(lease?: RefreshLease): Promise<OAuthToken | null> {
    const { store, logger } = this.ctx;
    const token = this.#token;
    const readWithAcquire = lease?.takeRead(token);
    let stored: OAuthToken | null;
    if (readWithAcquire) stored = readWithAcquire.token;
    else if (token.id) stored = await store.findTokenById(token.id);
    else if (token.userSignature || token.grantToken || token.refreshToken || token.accessToken) stored = await store.findToken(token);
    else stored = null;
    if (stored) logger.addSecrets(stored.clientSecret, stored.grantToken, stored.refreshToken, stored.accessToken);
    return stored;
  }

  #hold(token: OAuthToken, lifetimeMs: number | undefined): void {
    if (token === this.#token && lifetimeMs === undefined) return;
    this.#token = token;
    this.validity.remember(token, lifetimeMs);
  }
}
