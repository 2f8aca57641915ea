import { createHash } from 'node:crypto';
import { leaseTtl, RECORD_FIELDS, TokenStoreError, type RecordLock, type TokenRecord } from '@tokenstore/core/store-kit';
import type { QueryResult } from 'pg';
import { userNameConflictOr } from './postgres-errors.js';
import { isStorableRecord, recordFromRow, rowValues } from './rows.js';
import { COLUMN_LIST, type SchemaNames } from './schema.js';

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
 *
 * `acquireAndFindRecord` is the same upsert and the token's row in one statement (see #acquireAndFindSql);
 * `replaceAndRelease` is the backend's fast-path save and the release in one statement.
 */
export class PostgresLeaseLock implements RecordLock {
  readonly #query: Query;
  readonly #acquireSql: string;
  readonly #acquireAndFindSql: string;
  readonly #findSql: string;
  readonly #releaseSql: string;
  readonly #replaceAndReleaseSql: string;

  /**
   * `tokenSql`: the backend's statements this lock builds on: the read by id (`$1`) and the fast-path
   * UPDATE (its parameters the record's fields in RECORD_FIELDS order).
   */
  constructor(query: Query, names: SchemaNames, tokenSql: { findById: string; replaceIfSelectable: string }) {
    this.#query = query;
    const leases = names.qualifiedLeaseTable;
    this.#acquireSql = `INSERT INTO ${leases} AS lease ("key_hash", "owner", "expires_at")
      VALUES ($1, $2, clock_timestamp() + $3::double precision * interval '1 millisecond')
      ON CONFLICT ("key_hash") DO UPDATE SET "owner" = EXCLUDED."owner", "expires_at" = EXCLUDED."expires_at"
      WHERE lease."owner" = EXCLUDED."owner" OR lease."expires_at" <= clock_timestamp()
      RETURNING 1`;
    // One snapshot serves the whole statement, and it is taken before the upsert waits for, and then
    // replaces, the last holder's row: a plain read could return the token as it was before that
    // holder's save, i.e. the refresh token it just spent. FOR SHARE makes the read take the row's
    // newest committed version instead (READ COMMITTED re-fetches a row updated since the snapshot),
    // and a save still running holds the row until it commits. A row inserted since the snapshot is
    // not seen at all: see acquireAndFindRecord.
    //
    // The token row is locked before the lease row, as in saveAndRelease (UPDATE the token, then
    // DELETE the lease): the upsert's input reads the token CTE, so the order does not depend on the
    // plan. Taken in opposite orders the two could deadlock, and PostgreSQL would abort one of them.
    this.#findSql = tokenSql.findById;
    this.#acquireAndFindSql = `WITH token AS (SELECT ${COLUMN_LIST} FROM ${names.qualifiedTable} WHERE "id" = $4 FOR SHARE),
      lease AS (INSERT INTO ${leases} AS lease ("key_hash", "owner", "expires_at")
        SELECT $1::bytea, $2::text, clock_timestamp() + $3::double precision * interval '1 millisecond'
        FROM (SELECT count(*) FROM token) AS after_the_token_row
        ON CONFLICT ("key_hash") DO UPDATE SET "owner" = EXCLUDED."owner", "expires_at" = EXCLUDED."expires_at"
        WHERE lease."owner" = EXCLUDED."owner" OR lease."expires_at" <= clock_timestamp()
        RETURNING 1)
      SELECT (SELECT count(*) FROM lease)::int AS "lease_taken", token.* FROM (VALUES (1)) AS one LEFT JOIN token ON true`;
    this.#releaseSql = `DELETE FROM ${leases} WHERE "key_hash" = $1 AND "owner" = $2`;
    // The save and the release commit together; the release only if the UPDATE replaced the row (a
    // save that found nothing to replace leaves the lease held, and the kit saves the ordinary way).
    const n = RECORD_FIELDS.length;
    this.#replaceAndReleaseSql = `WITH saved AS (${tokenSql.replaceIfSelectable} RETURNING 1),
      released AS (DELETE FROM ${leases} WHERE "key_hash" = $${n + 1} AND "owner" = $${n + 2} AND EXISTS (SELECT 1 FROM saved))
      SELECT count(*)::int AS "saved" FROM saved`;
  }

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    assertOwner(owner);
    // Core's one ttl rule (finite, > 0, clamped to 1e12 ms: about 31 years, so the timestamp cannot overflow).
    const result = await this.#query(this.#acquireSql, [keyHash(key), owner, leaseTtl(ttlMs)]);
    return result.rowCount === 1;
  }

  async acquireAndFindRecord(key: string, owner: string, ttlMs: number, id: string): Promise<{ acquired: boolean; record: TokenRecord | undefined }> {
    assertOwner(owner);
    const result = await this.#query(this.#acquireAndFindSql, [keyHash(key), owner, leaseTtl(ttlMs), id]);
    const row = result.rows[0] as Record<string, unknown>;
    const acquired = row.lease_taken === 1;
    if (row.id !== null) return { acquired, record: recordFromRow(row) };
    // No row in the statement's snapshot. A save that *inserted* this id since (after a delete, the
    // holder's save creates the row again) is invisible to FOR SHARE, so a lease just taken reads once
    // more, after the acquire. A lease not taken needs no such care: its caller only looks for a token
    // to adopt, and polls again.
    if (!acquired) return { acquired, record: undefined };
    const again = await this.#query(this.#findSql, [id]);
    return { acquired, record: again.rows[0] === undefined ? undefined : recordFromRow(again.rows[0]) };
  }

  async replaceAndRelease(record: TokenRecord, key: string, owner: string): Promise<boolean> {
    assertOwner(owner);
    // A value text cannot hold: the ordinary path reports it (INVALID_ARGUMENT).
    if (!isStorableRecord(record)) return false;
    try {
      const result = await this.#query(this.#replaceAndReleaseSql, [...rowValues(record), keyHash(key), owner]);
      return (result.rows[0] as { saved: number }).saved === 1;
    } catch (error) {
      throw userNameConflictOr(error);
    }
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
