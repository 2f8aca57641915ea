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
