import { inspect } from 'node:util';
import { TokenStoreError, isTokenStoreError } from './errors.js';
import { findMatch, isBlank } from './matching.js';
import { OAuthToken, tokenOfStoredRecord } from './oauth-token.js';
import { assertLeaseHolder } from './lease-holder.js';
import { leaseTtl } from './lease-ttl.js';
import { putRecords } from './put-records.js';
import type { RecordBackend } from './record-backend.js';
import { recordOfToken } from './record-validation.js';
import { assertStorableString } from './storable-string.js';
import type { StoreDiagnostics } from './store-diagnostics.js';
import { StoreLifecycle } from './store-lifecycle.js';
import { generateTokenId } from './token-id.js';
import { valueFreeError } from './value-free-error.js';
import type { TokenRecord } from './token-record.js';
import type { RefreshLock, TokenStore } from './token-store.js';

/** How many times a save re-reads and retries after losing a uniqueness race. */
const SAVE_ATTEMPTS = 8;

/**
 * A TokenStore built from a RecordBackend: the contract's matching rules and upsert semantics live
 * here once, stores only provide indexed primitives and unique constraints.
 *
 * Upsert under races: a save that loses an insert race (unique id / user name) re-reads and replaces
 * the winner's record instead, so concurrent saves of one new token leave exactly one record. A replace
 * is conditional on the matched record's user name being unchanged (`RecordBackend.replace`'s
 * `expectedUserName`), so two users' saves racing for one unbound record cannot both take it: the
 * loser re-reads and gets a record of its own instead of overwriting the winner's.
 *
 * A save carrying both an id and a user name first tries the backend's optional single-statement
 * `replaceIfSelectable` (see RecordBackend): one round trip instead of a find plus a replace.
 *
 * The kit also owns the backend's life: its optional `setup` runs once before the first
 * operation (lock calls included), there is one closed state, and `close()` closes the backend once.
 * `getTokens()` lists records by id in UTF-16 code unit order, whatever the backend's own order.
 */
export class RecordTokenStore implements TokenStore {
  readonly lock?: RefreshLock;
  readonly #backend: RecordBackend;
  readonly #name: string;
  readonly #lifecycle: StoreLifecycle;

  constructor(backend: RecordBackend, name = 'store') {
    this.#backend = backend;
    this.#name = name;
    this.#lifecycle = new StoreLifecycle(name, backend.setup && (() => (backend.setup as () => Promise<void>).call(backend)), async () => {
      await backend.close?.();
    });
    const lock = backend.lock;
    if (lock) {
      this.lock = {
        acquire: async (key, owner, ttlMs) => {
          assertLeaseHolder(key, owner);
          const ttl = leaseTtl(ttlMs);
          return this.#run('lock.acquire', () => lock.acquire(key, owner, ttl));
        },
        release: async (key, owner) => {
          assertLeaseHolder(key, owner);
          return this.#run('lock.release', () => lock.release(key, owner));
        },
      };
      const acquireAndFindRecord = lock.acquireAndFindRecord;
      if (acquireAndFindRecord) {
        this.lock.acquireAndFind = async (key, owner, ttlMs, id) => {
          assertLeaseHolder(key, owner);
          assertId(id);
          const ttl = leaseTtl(ttlMs);
          return this.#run('lock.acquireAndFind', async () => {
            // An empty id names no record (findTokenById's rule): a plain acquire, nothing to read.
            if (id === '') return { acquired: await lock.acquire(key, owner, ttl), token: null };
            const { acquired, record } = await acquireAndFindRecord.call(lock, key, owner, ttl, id);
            return { acquired, token: record === undefined ? null : tokenOfStoredRecord(record) };
          });
        };
      }
      const replaceAndRelease = lock.replaceAndRelease;
      if (replaceAndRelease && backend.replaceIfSelectable) {
        this.lock.saveAndRelease = async (token, key, owner) => {
          assertLeaseHolder(key, owner);
          const record = recordOfToken(token);
          // Only where saveToken would take its fast path (id and user name given): its one statement,
          // with the release in it. Otherwise (or when it finds nothing to replace) the ordinary save,
          // and the caller releases as usual.
          let fast = !isBlank(record.id) && !isBlank(record.userName);
          if (fast) {
            const replaced = await this.#run('lock.saveAndRelease', () => replaceAndRelease.call(lock, record, key, owner)).catch((error: unknown) => {
              if (isTokenStoreError(error, 'STORE_CONFLICT')) return null; // the user owns another record: saveToken's retries decide
              throw error;
            });
            if (replaced) return { token: OAuthToken.fromRecord(record), released: true };
            // "Nothing to replace" was the fast path's answer: the ordinary save need not ask it again.
            fast = replaced === null;
          }
          return { token: await this.#run('saveToken', () => this.#saveRecord(record, fast)), released: false };
        };
      }
    }
  }

  async findToken(token: OAuthToken): Promise<OAuthToken | null> {
    // A probe follows the write rule too: a value no store can hold (a lone surrogate) would, in a store
    // whose driver encodes it lossily, match another value (`mallory\uFFFD`). INVALID_ARGUMENT, not null.
    const probe = recordOfToken(token);
    return this.#run('findToken', async () => {
      const match = await findMatch(probe, (field, value) => this.#backend.findBy(field, value));
      return match === null ? null : tokenOfStoredRecord(match);
    });
  }

  async findTokenById(id: string): Promise<OAuthToken | null> {
    assertId(id);
    return this.#run('findTokenById', async () => {
      if (id === '') return null;
      const [record] = await this.#backend.findBy('id', id);
      return record === undefined ? null : tokenOfStoredRecord(record);
    });
  }

  async saveToken(token: OAuthToken): Promise<OAuthToken> {
    // Validated once, before anything is written, and the checked copy is what every path (the fast
    // path included) writes: a duck-typed token cannot get a malformed record into any store.
    const record = recordOfToken(token);
    return this.#run('saveToken', () => this.#saveRecord(record, true));
  }

  /**
   * saveToken's work on a checked record. Fast path (one round trip) for a save carrying both the
   * record's id and a user name: the id comes first in the precedence, so the record it selects for
   * this user is the match, and the backend replaces it with the owner check in the same statement.
   * False (no such id, or bound to another user): the ordinary path below decides, exactly as without
   * the fast path. Once it has said false it is not asked again: a retry is the ordinary path's re-read
   * after a lost race. `tryFast: false` when the caller already had that answer.
   */
  async #saveRecord(record: TokenRecord, tryFast: boolean): Promise<OAuthToken> {
    let fast = tryFast && this.#backend.replaceIfSelectable !== undefined && !isBlank(record.id) && !isBlank(record.userName);
    for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
      if (fast) {
        try {
          if (await this.#backend.replaceIfSelectable?.(record)) return OAuthToken.fromRecord(record);
          fast = false;
        } catch (error) {
          // The user already owns another record: retried like a conflicting replace.
          if (!isTokenStoreError(error, 'STORE_CONFLICT')) throw error;
          continue;
        }
      }
      const match = await findMatch(record, (field, value) => this.#backend.findBy(field, value));
      const stored: TokenRecord = { ...record, id: match?.id ?? (record.id || generateTokenId()) };
      // A save that names no user keeps the matched record's owner: otherwise a user-less save
      // (e.g. by access token) would unbind user B's record and let user A adopt it next.
      if (match !== null && stored.userName === null) stored.userName = match.userName;
      try {
        if (match === null) await this.#backend.insert(stored);
        // Compare-and-swap on the owner: replace only while the record is still bound to the user we
        // matched (null: still unbound). Otherwise another save adopted or rebound it in between
        // (e.g. user B's save for the unbound record user A's save matched): re-read, and this save
        // then matches by its own rules again (usually it inserts a record of its own).
        else if (!(await this.#backend.replace(stored.id as string, stored, match.userName))) continue;
        return OAuthToken.fromRecord(stored);
      } catch (error) {
        if (!isTokenStoreError(error, 'STORE_CONFLICT')) throw error;
      }
    }
    throw new TokenStoreError(
      'STORE_CONFLICT',
      `${this.#name}: saveToken conflicts with another record (same id or user name bound elsewhere)`,
    );
  }

  async deleteToken(id: string): Promise<void> {
    assertId(id);
    return this.#run('deleteToken', () => (id === '' ? Promise.resolve() : this.#backend.delete(id)));
  }

  async getTokens(): Promise<OAuthToken[]> {
    // One order for every store (not each backend's natural one), so two stores' listings can be
    // compared side by side, e.g. to verify a migration by streaming both in the same order.
    return this.#run('getTokens', async () => [...(await this.#backend.list())].sort(byId).map((r) => tokenOfStoredRecord(r)));
  }

  async deleteTokens(): Promise<void> {
    return this.#run('deleteTokens', () => this.#backend.clear());
  }

  /** Copies records by id, exactly (migrations, bulk loads; no matching by user or token): see the standalone `putRecords`. */
  async putRecords(records: readonly TokenRecord[]): Promise<void> {
    return this.#run('putRecords', () => putRecords(this.#backend, records, this.#name));
  }

  /** Facts about the store's health (schema version, unindexed lookups, file modes); changes nothing. */
  async diagnose(): Promise<StoreDiagnostics> {
    // Read only, on the store as it is: not after the first-use setup (a migration) it reports on.
    return this.#mapped('diagnose', async () => {
      this.#lifecycle.assertOpen();
      return { ...(await this.#backend.diagnose?.()), store: this.#name };
    });
  }

  async close(): Promise<void> {
    // Mapped like an operation: a backend's close() failing is a TokenStoreError too.
    return this.#mapped('close', () => this.#lifecycle.close());
  }

  /**
   * What JSON.stringify, util.inspect and console.log show of a store: its name and its plain settings
   * (a table, schema or collection name). Not the driver objects a store exposes (`pool`, `client`):
   * their options hold the connection string and the database password.
   */
  toJSON(): Record<string, unknown> {
    const settings = Object.entries(this).filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value));
    return { store: this.#name, ...Object.fromEntries(settings) };
  }

  [inspect.custom](depth: number, options: object, inspectFn: typeof inspect = inspect): string {
    const { store, ...settings } = this.toJSON();
    return `${String(store)} ${inspectFn(settings, { ...options, depth })}`;
  }

  /**
   * For a store's explicit form of its backend's setup (`migrate()`, `ensureIndexes()`): runs `body` now
   * (STORE_CLOSED after close, errors mapped as an operation's); once it succeeded, the first-use
   * setup counts as done and is not run again.
   */
  protected setUpNow<T>(operation: string, body: () => Promise<T>): Promise<T> {
    return this.#mapped(operation, () => this.#lifecycle.setUpNow(body));
  }

  /** An operation: after the first-use setup, on an open store, with errors mapped. */
  #run<T>(operation: string, body: () => Promise<T>): Promise<T> {
    return this.#mapped(operation, async () => {
      await this.#lifecycle.open();
      return body();
    });
  }

  async #mapped<T>(operation: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      if (isTokenStoreError(error)) throw error;
      if (this.#backend.toStoreError) throw this.#backend.toStoreError(error, operation);
      // Without the backend's own mapping, its raw error (which may quote a stored value) is not kept.
      throw new TokenStoreError('STORE_FAILURE', `${this.#name}: ${operation} failed`, { cause: valueFreeError(error) });
    }
  }
}

/** UTF-16 code unit order (what `<` on strings compares), the same in every JavaScript runtime and locale. */
function byId(a: TokenRecord, b: TokenRecord): number {
  const left = a.id ?? '';
  const right = b.id ?? '';
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Ids follow the string rule: an id no store can hold would, stored lossily, name another record. */
function assertId(id: unknown): asserts id is string {
  assertStorableString(id, 'id');
}
