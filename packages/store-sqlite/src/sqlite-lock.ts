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
 */
export class SQLiteLock implements RefreshLock {
  readonly #read: Statement<[string], LeaseRow>;
  readonly #write: Statement<[string, string, number]>;
  readonly #release: Statement<[string, string]>;
  readonly #acquire: (key: string, owner: string, ttlMs: number) => boolean;
  readonly #now: () => number;

  constructor(db: Database, names: SchemaNames, now: () => number) {
    const lease = quote(names.leaseTable);
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
    return this.#acquire(key, owner, leaseTtl(ttlMs));
  }

  async release(key: string, owner: string): Promise<void> {
    this.#release.run(key, owner);
  }
}
