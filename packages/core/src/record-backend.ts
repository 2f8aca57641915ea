import type { StoreDiagnostics } from './store-diagnostics.js';
import type { LookupField, TokenRecord } from './token-record.js';
import type { RefreshLock } from './token-store.js';

/**
 * The handful of primitives a store provides so `RecordTokenStore` can build the six contract methods
 * (matching, upsert, conflict retry, closed state, first-use setup, order of `getTokens()`) on top.
 * Each primitive is one indexed operation.
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
   * `expectedUserName` (compare-and-swap on the owner, always given: the user name of the record the kit
   * matched): replace only if the stored record's user name is still exactly this value (`null`: the
   * record has no user; null matches null, and only null), checked and written atomically: in the same
   * statement (`WHERE id = ? AND user_name IS NOT DISTINCT FROM ?`) or under the store's own write lock.
   * When it differs, write nothing and return false, as for a vanished record; the kit then re-reads
   * and retries. There is no unchecked replace: without the check two users' saves that both match one
   * unbound record could both replace it, the later silently overwriting the record the other just
   * adopted (a cross-user overwrite the contract forbids).
   */
  replace(id: string, record: TokenRecord, expectedUserName: string | null): Promise<boolean>;
  /**
   * Optional fast path for the common save (the refresh engine's): a token that carries both its
   * record's `id` and a user name. In ONE atomic step (one statement, or under the store's own write
   * lock), replace every field of the record whose id is exactly `record.id` and whose user name is
   * null or exactly `record.userName` (`UPDATE ... WHERE id = ? AND (user_name IS NULL OR user_name = ?)`),
   * and return whether a record was replaced. Comparisons are byte-exact, as `findBy`'s are.
   *
   * Why this is the contract's save and not a shortcut around it: `id` comes first in the match
   * precedence, and a record with that id is selected for a probe naming user U exactly when it has no
   * user or belongs to U, so the record this writes is the one the kit's find would have matched; the
   * owner condition in the same statement is the compare-and-swap `replace` does. The kit calls it only
   * when the token's `id` and `userName` are both non-blank, so the written user name is never null and
   * "a user-less save keeps the matched owner" does not arise.
   *
   * Return false (write nothing) when no record has that id, or it is bound to another user, or whatever
   * else keeps it from writing (a record whose user name is `''`, a value the store cannot compare): the
   * kit then runs its ordinary path (find, then replace or insert), so the outcome is the same as without
   * this primitive. Throw `STORE_CONFLICT` when the write would give `record.userName` to a second record
   * (the user already owns another one), as `replace` does; the kit retries as it does for `replace`.
   *
   * Leave it out when the store cannot check and write atomically (e.g. a server that applies a filter
   * and its write separately): the kit's ordinary path is always correct.
   */
  replaceIfSelectable?(record: TokenRecord): Promise<boolean>;
  /**
   * Optional bulk insert for `putRecords` (migrations): inserts every record (each has an id; the kit
   * validated them and no id or user name repeats in the batch), or throws STORE_CONFLICT when an id
   * or user name is taken. Best in one step (one transaction, one multi-row statement, one file write);
   * after a conflict some records may be in, which the kit's per-record fallback copies idempotently.
   */
  insertMany?(records: readonly TokenRecord[]): Promise<void>;
  /** Optional: facts about the store's health (schema version, unindexed lookups, file modes); changes nothing. */
  diagnose?(): Promise<Omit<StoreDiagnostics, 'store'>>;
  delete(id: string): Promise<void>;
  /** Every record, in any order: the kit sorts them (see `TokenStore.getTokens`). */
  list(): Promise<readonly TokenRecord[]>;
  clear(): Promise<void>;
  /**
   * First-use setup (a migration, index builds, connecting), run by the kit once before the first
   * operation, lock calls included: concurrent first calls share one run, a failure is not remembered
   * (the next call runs it again), and nothing runs it after `close()`. Must be idempotent and safe to
   * run from several processes at once. A store whose setup can be turned off (`migrate: false`) makes
   * it a no-op then; a store's explicit form (`migrate()`) goes through `RecordTokenStore.setUpNow`.
   */
  setup?(): Promise<void>;
  /**
   * Releases what the backend opened itself (never a pool or client the caller passed in). The kit
   * calls it once, after any running setup settled, and rejects every operation after close itself.
   */
  close?(): Promise<void>;
  /**
   * Maps a driver error to a TokenStoreError (e.g. connection refused -> STORE_UNAVAILABLE), with a cause
   * free of values. Without it the kit throws STORE_FAILURE whose cause keeps only the error's kind and
   * code, never its message (which may quote a stored value).
   */
  toStoreError?(error: unknown, operation: string): Error;
  readonly lock?: RecordLock;
}

/**
 * A backend's lease. Beyond RefreshLock's `acquire` and `release` it may offer the raw half of
 * `acquireAndFind`: the kit checks the arguments, runs it like every operation and turns the record
 * into a token (validated as `findTokenById` validates it).
 */
export interface RecordLock extends Omit<RefreshLock, 'acquireAndFind'> {
  /**
   * `acquire`, then `findBy('id', id)`'s record (undefined: none), in one round trip. The read must see
   * every save committed before the lease was taken (see RefreshLock.acquireAndFind): not one snapshot
   * taken before the acquire.
   */
  acquireAndFindRecord?(key: string, owner: string, ttlMs: number, id: string): Promise<{ acquired: boolean; record: TokenRecord | undefined }>;
  /**
   * The backend's `replaceIfSelectable(record)` and, when it replaced, `release(key, owner)`, atomically
   * and in one round trip: true when both happened, false when nothing was written (and nothing
   * released); STORE_CONFLICT as replaceIfSelectable. The kit uses it for `saveAndRelease` where its
   * save would take the fast path, and saves the ordinary way (without releasing) otherwise.
   */
  replaceAndRelease?(record: TokenRecord, key: string, owner: string): Promise<boolean>;
}
