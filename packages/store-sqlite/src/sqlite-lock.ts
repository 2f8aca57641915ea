import { leaseTtl, type RefreshLock } from '@tokenstore/core/store-kit';
import type { Database, Statement } from 'better-sqlite3';
import { quote, type SchemaNames } from './schema.js';

interface LeaseRow {
  owner: string;
  expiresAt: number;
}

/**
 * RefreshLock as a lease row. `acquire` reads and writes the row inside one `BEGIN IMMEDIATE`
 * transaction: IMMEDIATE takes SQLite's write lock before the read, so two processes on one database
 * file cannot both see the lease as free. A lease ends on release or when its expiry passes, so a
 * crashed holder blocks others for at most `ttlMs`. Processes share one clock (same host).
 *
 * On a database the store opened (WAL mode), lease writes run at `synchronous = NORMAL` (committed to
 * the WAL without waiting for the disk), where token saves keep the store's FULL: a lease only has to outlive a crash of the
 * process that took it (the OS still has the write); after a power loss no holder is left, and a lost
 * release only delays the next holder by the ttl. Each lease write was two fsyncs' worth of waiting,
 * serialized across every process on the file, for every refresh.
 */
export class SQLiteLock implements RefreshLock {
  readonly #read: Statement<[string], LeaseRow>;
  readonly #write: Statement<[string, string, number]>;
  readonly #release: Statement<[string, string]>;
  readonly #acquire: (key: string, owner: string, ttlMs: number) => boolean;
  readonly #now: () => number;

  readonly #db: Database;

  /** False for an app's own database: its pragmas are never touched. */
  readonly #mayLowerSync: boolean;

  constructor(db: Database, names: SchemaNames, now: () => number, mayLowerSync = false) {
    const lease = quote(names.leaseTable);
    this.#db = db;
    this.#mayLowerSync = mayLowerSync;
    this.#now = now;
    this.#read = db.prepare<[string], LeaseRow>(`SELECT "owner" AS "owner", "expires_at" AS "expiresAt" FROM ${lease} WHERE "key" = ?`).safeIntegers(false);
    this.#write = db.prepare<[string, string, number]>(
      `INSERT INTO ${lease} ("key", "owner", "expires_at") VALUES (?, ?, ?) ON CONFLICT ("key") DO UPDATE SET "owner" = excluded."owner", "expires_at" = excluded."expires_at"`,
    );
    this.#release = db.prepare<[string, string]>(`DELETE FROM ${lease} WHERE "key" = ? AND "owner" = ?`);
    const acquire = db.transaction((key: string, owner: string, ttlMs: number): boolean => {
      const now = this.#now();
      const held = this.#read.get(key);
      if (held !== undefined && held.owner !== owner && held.expiresAt > now) return false;
      this.#write.run(key, owner, Math.ceil(now + ttlMs));
      return true;
    });
    this.#acquire = (key, owner, ttlMs) => acquire.immediate(key, owner, ttlMs);
  }

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    // Core's one ttl rule (finite, > 0, clamped to 1e12 ms), so `now + ttl` always fits the INTEGER column.
    const ttl = leaseTtl(ttlMs);
    return this.#withoutWaitingForDisk(() => this.#acquire(key, owner, ttl));
  }

  async release(key: string, owner: string): Promise<void> {
    this.#withoutWaitingForDisk(() => this.#release.run(key, owner));
  }

  /**
   * Runs one lease write at `synchronous = NORMAL` and puts the connection's level back. Synchronous
   * code: no other statement of this connection can run in between. A level already at NORMAL or
   * below, or a database no longer in WAL mode (someone changed `store.database`), is left alone.
   */
  #withoutWaitingForDisk<T>(write: () => T): T {
    if (!this.#mayLowerSync) return write();
    const level = Number(this.#db.pragma('synchronous', { simple: true }));
    // Only in WAL mode: with a rollback journal (an app's own database may use one), NORMAL risks the
    // database file itself on a power loss, not only the last commit.
    if (!(level > SYNCHRONOUS_NORMAL) || String(this.#db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return write();
    this.#db.pragma(`synchronous = ${SYNCHRONOUS_NORMAL}`);
    try {
      return write();
    } finally {
      this.#db.pragma(`synchronous = ${level}`);
    }
  }
}

/** SQLite's `PRAGMA synchronous` levels: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
const SYNCHRONOUS_NORMAL = 1;
