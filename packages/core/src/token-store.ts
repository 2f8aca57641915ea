import type { OAuthToken } from './oauth-token.js';

/**
 * How processes that share one store agree on who refreshes a token. A lease: `acquire` returns true
 * when `owner` now holds `key` until `ttlMs` has passed (or it releases it); false when someone else
 * holds an unexpired lease. Re-acquiring a lease you hold extends it.
 */
export interface RefreshLock {
  acquire(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Releases the lease only if `owner` holds it; otherwise does nothing. */
  release(key: string, owner: string): Promise<void>;
  /**
   * Optional capability: `acquire`, then `findTokenById(id)` of the same store, in one round trip.
   * The engine reads the token it is about to refresh right after every acquire; a store that can do
   * both at once saves a round trip per refresh (and per poll while another process holds the lease).
   *
   * The read must see every save that completed before the lease was taken, whatever the outcome:
   * above all the last holder's, saved just before its release. A read from a snapshot older than the
   * acquire could return the refresh token that holder has just spent, and refreshing with it is the
   * reuse a rotating server punishes by revoking the grant.
   */
  acquireAndFind?(key: string, owner: string, ttlMs: number, id: string): Promise<LeaseAndToken>;
  /**
   * Optional capability: `saveToken(token)` of the same store and, once it succeeded, `release(key,
   * owner)`, in one round trip where the store can. The engine uses it for the save that ends a
   * refresh. `released` says whether the lease was given back: false when the store saved without
   * releasing (the caller then releases as usual). If it rejects, nothing was released.
   */
  saveAndRelease?(token: OAuthToken, key: string, owner: string): Promise<SavedAndReleased>;
}

/** What `RefreshLock.saveAndRelease` answers. */
export interface SavedAndReleased {
  /** What `saveToken(token)` answers: the stored token. */
  token: OAuthToken;
  /** Whether the lease was released with the save (only ever the lease `owner` holds). */
  released: boolean;
}

/** What `RefreshLock.acquireAndFind` answers. */
export interface LeaseAndToken {
  /** What `acquire` would have answered. */
  acquired: boolean;
  /** What `findTokenById(id)` answers once the acquire took effect: the stored token, or null. */
  token: OAuthToken | null;
}

/**
 * The six methods of the Zoho SDKs' TokenStore, asynchronous. The matching rules are in the core
 * README ("The store contract"); the store kit (RecordTokenStore) implements them once for every store.
 */
export interface TokenStore {
  /** The stored token the probe matches, or null (also for a probe with no identifier). */
  findToken(token: OAuthToken): Promise<OAuthToken | null>;
  /** The stored token with this id, or null. */
  findTokenById(id: string): Promise<OAuthToken | null>;
  /** Upsert: replaces the matched record (keeping its id) or inserts one. Returns the stored token. */
  saveToken(token: OAuthToken): Promise<OAuthToken>;
  /** Deletes the record with this id; an unknown id is not an error. */
  deleteToken(id: string): Promise<void>;
  /**
   * Every record, sorted by id in UTF-16 code unit order (what `<` compares on strings): one order for
   * every store, so two stores' listings can be compared side by side (a migration's verification).
   */
  getTokens(): Promise<OAuthToken[]>;
  deleteTokens(): Promise<void>;
  /** Releases connections/handles. Idempotent; other calls afterwards fail with STORE_CLOSED. */
  close?(): Promise<void>;
  /** Optional capability: a cross-process lease used by the refresh engine. */
  readonly lock?: RefreshLock;
}
