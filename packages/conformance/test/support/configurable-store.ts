/**
 * A test-only TokenStore written from scratch (not on core's RecordTokenStore, whose exact re-checks would
 * hide some flaws), with one optional deliberate flaw. Without a flaw it is a correct store with real
 * instances on shared data (openPeer) and persistence across reopen, so the suite's cross-instance and
 * reopen tests run for real; each flaw must make the suite fail.
 */
import { randomUUID } from 'node:crypto';
import { type TokenRecord, assertLeaseHolder, assertStorableString, leaseTtl, putRecords, recordOfToken, validateRecord, OAuthToken, type RecordBackend, type RefreshLock, type TokenStore, TokenStoreError } from '@tokenstore/core/store-kit';
import type { ConformanceOptions } from '../../src/index.js';

/** Each flaw, what it does, and the conformance test ids it must fail (at least). */
export const FLAWS = {
  'save-race': { does: 'saveToken checks for a match, yields, then inserts without unique constraints', mustFail: ['save.upsert.concurrent-new-user', 'save.upsert.concurrent-same-id'] },
  'adopt-race': {
    does: "saveToken finds the matching record, yields, then replaces it without checking it still has the owner it had (two users can both adopt one unbound record; the later overwrites the other's)",
    mustFail: ['save.user-binding.concurrent-adopt', 'save.user-binding.concurrent-adopt-by-id'],
  },
  'reverse-precedence': {
    does: 'findToken tries the identifiers in reverse order (access token first)',
    mustFail: ['find.precedence.id-over-user-name', 'find.precedence.user-name-over-grant-token', 'find.precedence.grant-token-over-refresh-token', 'find.precedence.refresh-token-over-access-token', 'find.precedence.first-selecting-identifier', 'save.upsert.follows-precedence'],
  },
  'user-binding-ignored': { does: "matching ignores the user binding (cross-user reads and overwrites)", mustFail: ['find.user-binding.other-user', 'save.user-binding.no-overwrite', 'save.user-binding.id-of-other-user'] },
  'client-id-ignored': { does: 'grant and refresh tokens match without (or with another) clientId', mustFail: ['find.grant-token.needs-same-client-id', 'find.refresh-token.needs-same-client-id', 'save.no-client-id-no-match'] },
  'empty-string-counts': { does: "'' counts as an identifier value", mustFail: ['find.empty-strings-absent'] },
  'empty-probe-matches-first': { does: 'a probe with no identifier returns the first record (an empty query filter)', mustFail: ['find.no-identifier'] },
  'delete-tokens-noop': { does: 'deleteTokens does nothing', mustFail: ['delete-tokens.clears'] },
  trim: { does: 'values are trimmed on write', mustFail: ['roundtrip.whitespace'] },
  'truncate-255': { does: 'values are truncated to 255 characters (VARCHAR(255))', mustFail: ['roundtrip.long-values'] },
  'expires-seconds': { does: 'expiresAt is rounded down to whole seconds', mustFail: ['roundtrip.expires-at'] },
  'unicode-normalized': { does: 'values are NFC-normalised on write and lookup', mustFail: ['roundtrip.unicode', 'match.unicode-exact'] },
  'find-by-id-throws-unknown': { does: 'findTokenById of an unknown id throws', mustFail: ['find-by-id.unknown'] },
  'find-by-id-accepts-non-string': { does: 'findTokenById(42) resolves null instead of rejecting', mustFail: ['find-by-id.rejects-non-string'] },
  'throws-synchronously': { does: 'argument errors are thrown synchronously instead of rejecting', mustFail: ['find-by-id.rejects-non-string', 'delete.rejects-non-string', 'errors.invalid-token'] },
  'plain-errors': { does: 'argument errors are plain TypeErrors, not TokenStoreErrors', mustFail: ['find-by-id.rejects-non-string', 'delete.rejects-non-string', 'errors.invalid-token'] },
  'delete-unknown-throws': { does: 'deleteToken of an unknown id throws', mustFail: ['delete.unknown-id'] },
  'delete-token-removes-all': { does: 'deleteToken(id) deletes every record', mustFail: ['delete.removes-one'] },
  'put-records-by-save': { does: 'putRecords saves each record through saveToken (matching by user and token values, no batch validation)', mustFail: ['put-records.exact', 'put-records.validation-before-write'] },
  'get-tokens-limit': { does: 'getTokens returns at most 5 records (a forgotten LIMIT)', mustFail: ['get-tokens.lists-all'] },
  'get-tokens-unsorted': { does: 'getTokens lists records in insertion order (a SELECT without ORDER BY, a file in write order)', mustFail: ['get-tokens.sorted-by-id'] },
  'get-tokens-first-page': { does: "getTokens returns the first page only (a LIMIT 100 left in the query, MongoDB's first cursor batch of 101)", mustFail: ['get-tokens.many-records'] },
  'delete-tokens-first-page': { does: 'deleteTokens deletes one batch of 100 records and stops', mustFail: ['delete-tokens.many-records'] },
  'find-first-page': { does: 'lookups scan only the first 100 records (a paged scan that never fetches the next page)', mustFail: ['find.many-records'] },
  'sequential-ids': { does: 'generated ids are max(id)+1', mustFail: ['save.generated-id.not-sequential'] },
  'upsert-merges': { does: 'upsert merges the new fields into the old record instead of replacing it', mustFail: ['save.upsert.replaces-fields'] },
  'like-matching': { does: "lookups use LIKE semantics ('%' and '_' are wildcards)", mustFail: ['match.like-wildcards'] },
  'case-insensitive': { does: 'lookups and unique keys are case-insensitive', mustFail: ['match.case-sensitive'] },
  'pad-space': { does: 'lookups ignore trailing spaces (PAD SPACE collation)', mustFail: ['match.whitespace-exact'] },
  'prefix-matching': { does: 'lookups match values that start with the probe value', mustFail: ['match.no-partial'] },
  'json-operator-injection': { does: 'a probe value that parses as a JSON object is used as a query operator ($gt, $ne, $regex)', mustFail: ['match.operator-strings'] },
  'not-persistent': { does: 'reopening loses every record', mustFail: ['reopen.persists-all-fields', 'reopen.upsert-after-reopen'] },
  'close-not-idempotent': { does: 'a second close() throws', mustFail: ['close.idempotent'] },
  'no-closed-state': { does: 'methods keep working after close()', mustFail: ['close.rejects-after-close'] },
  'secret-in-error': { does: "conflict errors print the token's fields, secrets included", mustFail: ['errors.no-secrets', 'save.user-binding.id-of-other-user'] },
  'lock-not-exclusive': { does: 'lock.acquire always returns true', mustFail: ['lock.acquire-exclusive', 'lock.two-instances', 'lock.concurrent-acquire'] },
  'lock-release-any-owner': { does: 'lock.release releases whoever holds the lease', mustFail: ['lock.release-owner-only', 'lock.stale-release', 'lock.stalled-holder'] },
  'lock-never-expires': { does: 'leases ignore their ttl', mustFail: ['lock.expiry'] },
  'lock-race': { does: 'lock.acquire reads the lease, yields, then writes it (check-then-set race)', mustFail: ['lock.concurrent-acquire'] },
  'lock-takeover-race': { does: 'taking over an expired lease reads it, yields, then writes it (creating one is atomic)', mustFail: ['lock.concurrent-takeover'] },
  'lock-key-case-insensitive': { does: 'lock keys are compared case-insensitively (like MySQL GET_LOCK names)', mustFail: ['lock.keys-independent'] },
  'lock-renew-no-extend': { does: "re-acquire by the holder returns true without extending the lease", mustFail: ['lock.renewal-extends', 'lock.stalled-holder'] },
  'lock-renew-cached': {
    does: 'an instance answers re-acquire by an owner it granted a lease to from memory (true, without checking or extending the shared lease)',
    mustFail: ['lock.renewal-extends', 'lock.stalled-holder'],
  },
  'lock-renew-forever': { does: 'a renewal makes the lease permanent (the expiry column cleared on update)', mustFail: ['lock.renewed-lease-expires'] },
  'lock-holder-unchecked': {
    does: "acquire and release take any key and owner ('', a lone surrogate, a NUL) and a UTF-8 driver stores lone surrogates as U+FFFD",
    mustFail: ['lock.invalid-key-or-owner'],
  },
  'lock-ttl-unchecked': { does: 'acquire takes any ttl (0, NaN, a string) and writes a lease with it', mustFail: ['lock.ttl.invalid'] },
  'acquire-and-find-cached': { does: 'lock.acquireAndFind answers a token it read earlier for the id (a stale copy)', mustFail: ['lock.acquire-and-find.reads-the-holders-save'] },
  'acquire-and-find-always-acquires': { does: 'lock.acquireAndFind answers acquired: true even when another owner holds the lease', mustFail: ['lock.acquire-and-find.answers-like-acquire'] },
  'acquire-and-find-unchecked-id': { does: 'lock.acquireAndFind takes the lease for any id and answers null for one findTokenById rejects', mustFail: ['lock.acquire-and-find.arguments'] },
  'save-and-release-releases-first': { does: 'lock.saveAndRelease releases the lease, then saves (a rejected save has released it)', mustFail: ['lock.save-and-release.failed-save-keeps-lease'] },
  'save-and-release-any-owner': { does: 'lock.saveAndRelease releases the lease whoever holds it', mustFail: ['lock.save-and-release.only-its-own-lease'] },
  'save-and-release-claims-released': { does: 'lock.saveAndRelease answers released: true but keeps the lease', mustFail: ['lock.save-and-release.saves-then-releases'] },
  'lock-ttl-overflow': { does: 'a huge ttl fails with STORE_FAILURE (now + ttl overflows the expiry column) instead of being clamped', mustFail: ['lock.ttl.huge'] },
  'no-record-validation': {
    does: "saveToken and findToken use the token's toRecord() as it comes (no type or well-formedness checks)",
    mustFail: ['validation.invalid-record', 'validation.unstorable-strings.save', 'validation.unstorable-strings.find'],
  },
  'validates-after-write': { does: 'saveToken writes the record, then validates it and rejects (the bad record stays)', mustFail: ['validation.invalid-record', 'validation.unstorable-strings.save'] },
  'utf8-lossy': {
    does: 'strings are encoded as UTF-8 without a well-formedness check: a lone surrogate is stored and looked up as U+FFFD',
    mustFail: ['validation.unstorable-strings.save', 'validation.unstorable-strings.find'],
  },
} as const satisfies Record<string, { does: string; mustFail: readonly string[] }>;

export type Flaw = keyof typeof FLAWS;

/** The backing data several instances share: rows (as JSON, like a table with a rowid) and leases. */
export class SharedData {
  /** The persisted form (JSON, so nothing is shared by reference) and its parsed copy. */
  readonly rows = new Map<number, { json: string; record: TokenRecord }>();
  nextRow = 1;
  counter = 0;
  readonly leases = new Map<string, { owner: string; expiresAt: number }>();
}

const IDENTIFIERS = ['id', 'userName', 'grantToken', 'refreshToken', 'accessToken'] as const;
type Identifier = (typeof IDENTIFIERS)[number];
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class ConfigurableStore implements TokenStore {
  readonly lock: RefreshLock;
  readonly #data: SharedData;
  readonly #flaw: Flaw | null;
  /** lock-renew-cached: the leases this instance granted, as `key\0owner`. */
  readonly #granted = new Set<string>();
  /** acquire-and-find-cached: the token each acquireAndFind read, by id. */
  readonly #reads = new Map<string, OAuthToken | null>();
  #closed = false;

  constructor(data: SharedData, flaw: Flaw | null) {
    this.#data = data;
    this.#flaw = flaw;
    this.lock = {
      acquire: (key, owner, ttlMs) => this.#call(() => this.#acquire(...this.#leaseHolder(key, owner), ttlMs)),
      release: (key, owner) => this.#call(() => this.#release(...this.#leaseHolder(key, owner))),
      acquireAndFind: async (key, owner, ttlMs, id) => {
        if (this.#flaw !== 'acquire-and-find-unchecked-id') assertStorableString(id, 'id');
        const acquired = await this.lock.acquire(key, owner, ttlMs);
        const cached = this.#flaw === 'acquire-and-find-cached' ? this.#reads.get(id) : undefined;
        const token = cached !== undefined ? cached : await this.findTokenById(id).catch((error: unknown) => {
          if (this.#flaw === 'acquire-and-find-unchecked-id') return null;
          throw error;
        });
        this.#reads.set(id, token);
        return { acquired: acquired || this.#flaw === 'acquire-and-find-always-acquires', token };
      },
      saveAndRelease: async (token, key, owner) => {
        const [k, o] = this.#leaseHolder(key, owner);
        const release = () => this.#call(() => (this.#flaw === 'save-and-release-any-owner' ? this.#data.leases.delete(k) : this.#release(k, o)));
        if (this.#flaw === 'save-and-release-releases-first') await release();
        const saved = await this.saveToken(token);
        if (this.#flaw !== 'save-and-release-releases-first' && this.#flaw !== 'save-and-release-claims-released') await release();
        return { token: saved, released: true };
      },
    };
  }

  /** Another live instance on the same data. */
  peer(): ConfigurableStore {
    return new ConfigurableStore(this.#data, this.#flaw);
  }

  /** A new instance on the same data (or, with the not-persistent flaw, on nothing). */
  reopened(): ConfigurableStore {
    return new ConfigurableStore(this.#flaw === 'not-persistent' ? new SharedData() : this.#data, this.#flaw);
  }

  findToken(token: OAuthToken): Promise<OAuthToken | null> {
    return this.#call(() => {
      const record = this.#probe(token);
      const match = this.#match(record);
      return match === null ? null : OAuthToken.fromRecord(match.record);
    });
  }

  findTokenById(id: string): Promise<OAuthToken | null> {
    if (this.#flaw === 'find-by-id-accepts-non-string' && typeof id !== 'string') return Promise.resolve(null);
    return this.#call(() => {
      this.#assertId(id);
      const row = id === '' ? undefined : this.#rows().find((r) => this.#eq(r.record.id, this.#lossy(id)));
      if (row === undefined && this.#flaw === 'find-by-id-throws-unknown') throw new TokenStoreError('STORE_FAILURE', 'no such token');
      return row === undefined ? null : OAuthToken.fromRecord(row.record);
    });
  }

  saveToken(token: OAuthToken): Promise<OAuthToken> {
    return this.#call(async () => {
      const record = this.#probe(token);
      const match = this.#match(record);
      if (this.#flaw === 'save-race') await yieldTurn();
      const unchecked = this.#flaw === 'save-race';
      if (match !== null) {
        // Find-then-replace with a turn in between and no re-check of the owner: every save started in
        // the same turn has matched the same record before any of them writes.
        if (this.#flaw === 'adopt-race') await yieldTurn();
        let stored = this.#normalize({ ...record, id: match.record.id, userName: record.userName ?? match.record.userName });
        if (this.#flaw === 'upsert-merges') {
          const merged = { ...match.record };
          for (const [k, v] of Object.entries(stored)) if (v !== null) (merged as Record<string, unknown>)[k] = v;
          stored = merged;
        }
        if (!unchecked) this.#assertUnique(stored, match.row, record);
        this.#write(match.row, stored);
        if (this.#flaw === 'validates-after-write') recordOfToken(token);
        return OAuthToken.fromRecord(stored);
      }
      const stored = this.#normalize({ ...record, id: record.id || this.#generateId() });
      if (!unchecked) this.#assertUnique(stored, undefined, record);
      this.#write(this.#data.nextRow++, stored);
      if (this.#flaw === 'validates-after-write') recordOfToken(token);
      return OAuthToken.fromRecord(stored);
    });
  }

  deleteToken(id: string): Promise<void> {
    return this.#call(() => {
      this.#assertId(id);
      if (this.#flaw === 'delete-token-removes-all') {
        this.#data.rows.clear();
        return;
      }
      const rows = this.#rows().filter((r) => id !== '' && this.#eq(r.record.id, this.#lossy(id)));
      if (rows.length === 0 && this.#flaw === 'delete-unknown-throws') throw new TokenStoreError('STORE_FAILURE', 'no such token');
      for (const r of rows) this.#data.rows.delete(r.row);
    });
  }

  getTokens(): Promise<OAuthToken[]> {
    return this.#call(() => {
      const inserted = this.#rows();
      // The contract's order: by id in UTF-16 code units (what Array#sort does to strings).
      const rows = this.#flaw === 'get-tokens-unsorted' ? inserted : [...inserted].sort((x, y) => ((x.record.id as string) < (y.record.id as string) ? -1 : 1));
      const limit = this.#flaw === 'get-tokens-limit' ? 5 : this.#flaw === 'get-tokens-first-page' ? 101 : rows.length;
      return rows.slice(0, limit).map((r) => OAuthToken.fromRecord(r.record));
    });
  }

  /** The store kit's bulk copy by id (the put-records.* cases): core's putRecords over this store's rows. */
  putRecords(records: readonly TokenRecord[]): Promise<void> {
    return this.#call(async () => {
      if (this.#flaw !== 'put-records-by-save') return putRecords(this.#rowBackend(), records, 'ConfigurableStore');
      for (const record of records) await this.saveToken(OAuthToken.fromRecord(record));
    });
  }

  /** This store's rows as the RecordBackend primitives putRecords needs (find by id/user, insert, replace with the owner check). */
  #rowBackend(): RecordBackend {
    const rowOf = (id: string) => this.#rows().find((r) => r.record.id === id);
    return {
      findBy: async (field, value) => this.#rows().filter((r) => r.record[field] === value).map((r) => r.record),
      insert: async (record) => {
        this.#assertUnique(record, undefined, record);
        this.#write(this.#data.nextRow++, record);
      },
      replace: async (id, record, expectedUserName) => {
        const row = rowOf(id);
        if (row === undefined || row.record.userName !== expectedUserName) return false;
        this.#assertUnique(record, row.row, record);
        this.#write(row.row, record);
        return true;
      },
      delete: async () => undefined,
      list: async () => this.#rows().map((r) => r.record),
      clear: async () => undefined,
    };
  }

  deleteTokens(): Promise<void> {
    return this.#call(() => {
      if (this.#flaw === 'delete-tokens-first-page') for (const r of this.#rows().slice(0, 100)) this.#data.rows.delete(r.row);
      else if (this.#flaw !== 'delete-tokens-noop') this.#data.rows.clear();
    });
  }

  async close(): Promise<void> {
    if (this.#closed && this.#flaw === 'close-not-idempotent') throw new TokenStoreError('STORE_CLOSED', 'already closed');
    if (this.#flaw !== 'no-closed-state') this.#closed = true;
  }

  /** Runs a method body: closed check, async errors (sync throws with the throws-synchronously flaw). */
  #call<T>(body: () => T | Promise<T>): Promise<T> {
    if (this.#flaw === 'throws-synchronously') {
      if (this.#closed) throw new TokenStoreError('STORE_CLOSED', 'closed');
      const result = body();
      return Promise.resolve(result);
    }
    return (async () => {
      if (this.#closed) throw new TokenStoreError('STORE_CLOSED', 'ConfigurableStore is closed');
      return body();
    })();
  }

  #invalid(message: string): Error {
    return this.#flaw === 'plain-errors' ? new TypeError(message) : new TokenStoreError('INVALID_ARGUMENT', message);
  }

  #assertId(id: unknown): asserts id is string {
    if (typeof id !== 'string') throw this.#invalid('id must be a string');
    // Core's string rule, as a store implementing TokenStore directly applies it.
    if (this.#flaw !== 'utf8-lossy') assertStorableString(id, 'id');
  }

  /** The record of a token to save or a probe: core's exported validator, as a direct TokenStore uses it. */
  #probe(token: unknown): TokenRecord {
    if (typeof (token as OAuthToken | null)?.toRecord !== 'function') throw this.#invalid('expected an OAuthToken');
    if (this.#flaw === 'no-record-validation' || this.#flaw === 'validates-after-write') return (token as OAuthToken).toRecord();
    if (this.#flaw === 'utf8-lossy') {
      const raw = (token as OAuthToken).toRecord() as unknown as Record<string, unknown>;
      const lossy = Object.fromEntries(Object.entries(raw ?? {}).map(([k, v]) => [k, typeof v === 'string' ? this.#lossy(v) : v]));
      return validateRecord(lossy);
    }
    return recordOfToken(token);
  }

  /** What a UTF-8 round trip makes of a string (utf8-lossy: lone surrogates become U+FFFD). */
  #lossy(value: string): string {
    return this.#flaw === 'utf8-lossy' ? Buffer.from(value, 'utf8').toString('utf8') : value;
  }

  #rows(): { row: number; record: TokenRecord }[] {
    return [...this.#data.rows.entries()].map(([row, { record }]) => ({ row, record }));
  }

  #write(row: number, record: TokenRecord): void {
    const json = JSON.stringify(record);
    this.#data.rows.set(row, { json, record: Object.freeze(JSON.parse(json) as TokenRecord) });
  }

  #generateId(): string {
    if (this.#flaw === 'sequential-ids') return String(++this.#data.counter);
    return randomUUID();
  }

  #blank(value: string | null | undefined): boolean {
    return value === null || value === undefined || (value === '' && this.#flaw !== 'empty-string-counts');
  }

  #eq(stored: string | null, probe: string): boolean {
    if (stored === null) return false;
    switch (this.#flaw) {
      case 'like-matching':
        return new RegExp(`^${probe.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 's').test(stored);
      case 'case-insensitive':
        return stored.toLowerCase() === probe.toLowerCase();
      case 'pad-space':
        return stored.replace(/ +$/, '') === probe.replace(/ +$/, '');
      case 'unicode-normalized':
        return stored.normalize('NFC') === probe.normalize('NFC');
      case 'prefix-matching':
        return stored.startsWith(probe);
      case 'json-operator-injection': {
        const operator = parseOperator(probe);
        if (operator !== undefined) return operator(stored);
        return stored === probe;
      }
      default:
        return stored === probe;
    }
  }

  #match(probe: TokenRecord): { row: number; record: TokenRecord } | null {
    const rows = this.#flaw === 'find-first-page' ? this.#rows().slice(0, 100) : this.#rows();
    const order: Identifier[] = this.#flaw === 'reverse-precedence' ? [...IDENTIFIERS].reverse() : [...IDENTIFIERS];
    let any = false;
    for (const field of order) {
      const value = probe[field];
      if (this.#blank(value)) continue;
      const needsClient = field === 'grantToken' || field === 'refreshToken';
      if (needsClient && this.#blank(probe.clientId) && this.#flaw !== 'client-id-ignored') continue;
      any = true;
      const candidates = rows.filter(({ record }) => {
        if (!this.#eq(record[field], value as string)) return false;
        if (needsClient && this.#flaw !== 'client-id-ignored' && record.clientId !== probe.clientId) return false;
        if (this.#flaw === 'user-binding-ignored' || this.#blank(probe.userName) || this.#blank(record.userName)) return true;
        return this.#eq(record.userName, probe.userName as string);
      });
      candidates.sort((a, b) => rank(probe, a.record) - rank(probe, b.record) || ((a.record.id ?? '') < (b.record.id ?? '') ? -1 : 1));
      if (candidates[0]) return candidates[0];
    }
    if (!any && this.#flaw === 'empty-probe-matches-first') return rows[0] ?? null;
    return null;
  }

  #normalize(record: TokenRecord): TokenRecord {
    const out = { ...record };
    for (const [key, value] of Object.entries(out)) {
      if (typeof value !== 'string') continue;
      let v = value;
      if (this.#flaw === 'trim') v = v.trim();
      if (this.#flaw === 'truncate-255') v = v.slice(0, 255);
      if (this.#flaw === 'unicode-normalized') v = v.normalize('NFC');
      (out as Record<string, unknown>)[key] = v;
    }
    if (this.#flaw === 'expires-seconds' && out.expiresAt !== null) out.expiresAt = Math.floor(out.expiresAt / 1000) * 1000;
    return out;
  }

  /** The unique constraints: one record per id, one per user name. */
  #assertUnique(record: TokenRecord, ownRow: number | undefined, original: TokenRecord): void {
    for (const { row, record: other } of this.#rows()) {
      if (row === ownRow) continue;
      const sameId = this.#eq(other.id, record.id as string);
      const sameUser = record.userName !== null && this.#eq(other.userName, record.userName);
      if (sameId || sameUser) {
        const detail = this.#flaw === 'secret-in-error' ? ` (${JSON.stringify(original)})` : '';
        throw new TokenStoreError('STORE_CONFLICT', `ConfigurableStore: ${sameId ? 'id' : 'user name'} already taken${detail}`);
      }
    }
  }

  #acquire(key: string, owner: string, requestedTtl: number): boolean | Promise<boolean> {
    const k = this.#flaw === 'lock-key-case-insensitive' ? key.toLowerCase() : key;
    const ttlMs = this.#ttl(requestedTtl);
    if (this.#flaw === 'lock-renew-cached' && this.#granted.has(`${k}\0${owner}`)) return true;
    const decide = (): boolean => {
      const now = Date.now();
      const lease = this.#data.leases.get(k);
      const held = lease !== undefined && lease.owner !== owner && lease.expiresAt > now && this.#flaw !== 'lock-not-exclusive';
      if (held) return false;
      const renewal = lease !== undefined && lease.owner === owner && lease.expiresAt > now;
      if (renewal && this.#flaw === 'lock-renew-no-extend') return true;
      const expiresAt = this.#flaw === 'lock-never-expires' || (renewal && this.#flaw === 'lock-renew-forever') ? Number.POSITIVE_INFINITY : now + ttlMs;
      this.#data.leases.set(k, { owner, expiresAt });
      this.#granted.add(`${k}\0${owner}`);
      return true;
    };
    const lease = this.#data.leases.get(k);
    const takeover = lease !== undefined && lease.owner !== owner && lease.expiresAt <= Date.now();
    if (this.#flaw !== 'lock-race' && !(this.#flaw === 'lock-takeover-race' && takeover)) return decide();
    const heldBefore = lease !== undefined && lease.owner !== owner && lease.expiresAt > Date.now();
    return yieldTurn().then(() => {
      if (heldBefore) return false;
      this.#data.leases.set(k, { owner, expiresAt: Date.now() + ttlMs });
      return true;
    });
  }

  /** Core's key and owner rule (assertLeaseHolder), or (lock-holder-unchecked) a lossy UTF-8 form of anything. */
  #leaseHolder(key: string, owner: string): [string, string] {
    if (this.#flaw !== 'lock-holder-unchecked') {
      assertLeaseHolder(key, owner);
      return [key, owner];
    }
    const lossy = (value: string) => Buffer.from(String(value), 'utf8').toString('utf8');
    return [lossy(key), lossy(owner)];
  }

  /** Core's ttl rule (leaseTtl), or one of the flawed ones. */
  #ttl(ttlMs: number): number {
    if (this.#flaw === 'lock-ttl-unchecked') return ttlMs;
    if (this.#flaw === 'lock-ttl-overflow' && ttlMs > 2 ** 53) throw new TokenStoreError('STORE_FAILURE', 'ConfigurableStore: lease expiry out of range');
    return this.#flaw === 'lock-ttl-overflow' ? ttlMs : leaseTtl(ttlMs);
  }

  #release(key: string, owner: string): void {
    const k = this.#flaw === 'lock-key-case-insensitive' ? key.toLowerCase() : key;
    this.#granted.delete(`${k}\0${owner}`);
    if (this.#flaw === 'lock-release-any-owner' || this.#data.leases.get(k)?.owner === owner) this.#data.leases.delete(k);
  }
}

function rank(probe: TokenRecord, record: TokenRecord): number {
  return probe.userName !== null && record.userName === probe.userName ? 0 : 1;
}

function parseOperator(probe: string): ((stored: string) => boolean) | undefined {
  if (!probe.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(probe) as Record<string, unknown>;
    if ('$gt' in parsed) return (s) => s > String(parsed.$gt);
    if ('$ne' in parsed) return (s) => s !== parsed.$ne;
    if ('$regex' in parsed) return (s) => new RegExp(String(parsed.$regex)).test(s);
  } catch {
    // not JSON: a plain value
  }
  return undefined;
}

/** Conformance options for a ConfigurableStore with the given flaw (null: the correct control store). */
export function configurableOptions(flaw: Flaw | null): ConformanceOptions {
  return {
    name: flaw === null ? 'control' : `broken:${flaw}`,
    createStore: async () => new ConfigurableStore(new SharedData(), flaw),
    openPeer: async (store) => (store as ConfigurableStore).peer(),
    reopenStore: async (store) => {
      await store.close?.();
      return (store as ConfigurableStore).reopened();
    },
  };
}
