import type { LookupField, TokenRecord } from './token-record.js';
import type { RefreshLock } from './token-store.js';

/**
 * The handful of primitives a store provides so `RecordTokenStore` can build the six contract methods
 * (matching, upsert, conflict retry, closed state) on top. Each primitive is one indexed operation.
 *
 * Errors: throw `TokenStoreError` with code `STORE_CONFLICT` when a write breaks the uniqueness of `id`
 * or `userName` (the kit then re-reads and retries); anything else is passed to `toStoreError`.
 */
export interface RecordBackend {
  /** Every record whose `field` equals `value` exactly. */
  findBy(field: LookupField, value: string): Promise<readonly TokenRecord[]>;
  /** Inserts a new record (its id is set). */
  insert(record: TokenRecord): Promise<void>;
  /**
   * Replaces every field of the record with this id; false when no such record exists any more.
   *
   * `expectedUserName` (compare-and-swap on the owner): when given (not `undefined`), replace only if the
   * stored record's user name is still exactly this value (`null`: the record has no user; null matches
   * null, and only null), checked and written atomically: in the same statement (`WHERE id = ? AND
   * user_name IS NOT DISTINCT FROM ?`) or under the store's own write lock. When it differs, write
   * nothing and return false, as for a vanished record; the kit then re-reads and retries.
   *
   * The kit always passes the user name of the record it matched. A backend that ignores the argument
   * still works, but leaves a race open: two users' saves that both match one unbound record can both
   * replace it, and the later one silently overwrites the record the other user just adopted (a
   * cross-user overwrite the contract forbids). Implement it.
   */
  replace(id: string, record: TokenRecord, expectedUserName?: string | null): Promise<boolean>;
  delete(id: string): Promise<void>;
  list(): Promise<readonly TokenRecord[]>;
  clear(): Promise<void>;
  close?(): Promise<void>;
  /** Maps a driver error to a TokenStoreError (e.g. connection refused -> STORE_UNAVAILABLE). */
  toStoreError?(error: unknown, operation: string): Error;
  readonly lock?: RefreshLock;
}
