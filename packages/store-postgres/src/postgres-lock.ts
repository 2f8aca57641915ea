import { createHash } from 'node:crypto';
import { leaseTtl, TokenStoreError, type RefreshLock } from '@tokenstore/core/store-kit';
import type { QueryResult } from 'pg';
import type { SchemaNames } from './schema.js';

type Query = (text: string, values: unknown[]) => Promise<QueryResult>;

/**
 * RefreshLock as a lease row in `<table>_leases`, shared by every process that uses the table.
 *
 * A lease row rather than advisory locks: advisory locks belong to a session, so with a pool the
 * holder's connection is whichever one ran `acquire`, they cannot expire after a ttl, and they vanish
 * when the connection drops (for instance during a server restart). A row carries its owner and its
 * expiry on the server's clock (`clock_timestamp()`), so every client agrees on when it lapses.
 *
 * `acquire` is one statement: insert the lease, or on conflict take it over only when it has expired
 * or is already ours (which extends it). PostgreSQL serializes concurrent upserts of one key, so
 * exactly one contender sees a returned row.
 */
export class PostgresLeaseLock implements RefreshLock {
  readonly #query: Query;
  readonly #acquireSql: string;
  readonly #releaseSql: string;

  constructor(query: Query, names: SchemaNames) {
    this.#query = query;
    const leases = names.qualifiedLeaseTable;
    this.#acquireSql = `INSERT INTO ${leases} AS lease ("key_hash", "owner", "expires_at")
      VALUES ($1, $2, clock_timestamp() + $3::double precision * interval '1 millisecond')
      ON CONFLICT ("key_hash") DO UPDATE SET "owner" = EXCLUDED."owner", "expires_at" = EXCLUDED."expires_at"
      WHERE lease."owner" = EXCLUDED."owner" OR lease."expires_at" <= clock_timestamp()
      RETURNING 1`;
    this.#releaseSql = `DELETE FROM ${leases} WHERE "key_hash" = $1 AND "owner" = $2`;
  }

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    assertOwner(owner);
    // Core's one ttl rule (finite, > 0, clamped to 1e12 ms: about 31 years, so the timestamp cannot overflow).
    const result = await this.#query(this.#acquireSql, [keyHash(key), owner, leaseTtl(ttlMs)]);
    return result.rowCount === 1;
  }

  async release(key: string, owner: string): Promise<void> {
    assertOwner(owner);
    await this.#query(this.#releaseSql, [keyHash(key), owner]);
  }
}

/** Keys may be any length; the row is keyed by their SHA-256 (of the UTF-8 bytes). */
function keyHash(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

function assertOwner(owner: string): void {
  if (owner.includes('\0')) throw new TokenStoreError('INVALID_ARGUMENT', 'PostgresStore: lock owner must not contain a NUL character');
}
