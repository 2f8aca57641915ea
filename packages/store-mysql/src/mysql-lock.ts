import { leaseTtl, RECORD_FIELDS, type RecordLock, type TokenRecord } from '@tokenstore/core/store-kit';
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { fastPathValues } from './fast-path.js';
import { conflictOr, retriedOnDeadlock } from './mysql-errors.js';
import { ReleasedLeases } from './released-leases.js';
import { recordFromRow } from './rows.js';
import { column, lookupKey, quote, sha256, type SchemaNames } from './schema.js';

/**
 * The server's clock in epoch milliseconds, independent of the session time zone: UNIX_TIMESTAMP()
 * without an argument is the statement's start in whole UTC seconds, and the fraction comes from
 * NOW(6) of the same instant (a time zone offset never changes the sub-second part). Converting
 * NOW(3) with UNIX_TIMESTAMP would go through the session time zone and be ambiguous in a DST fold.
 */
const NOW_MS = '(UNIX_TIMESTAMP() * 1000 + MICROSECOND(NOW(6)) DIV 1000)';

/**
 * RefreshLock as a lease row in `<table>_leases`, shared by every process that uses the table.
 *
 * Not GET_LOCK: a named lock belongs to the session that took it, so with a pool the holder would be
 * whichever connection ran `acquire` (release must run on that same connection), it cannot expire
 * after a ttl, and it vanishes when that connection drops.
 *
 * `acquire` takes the row with INSERT ... ON DUPLICATE KEY UPDATE, which replaces owner and expiry
 * only when the lease has expired or is already this owner's. Both assignments test the same condition
 * on the row's values, so the result is the same whether the server applies them left to right (the
 * default) or simultaneously (MariaDB's SIMULTANEOUS_ASSIGNMENT mode). The affected-rows count cannot
 * tell "took it" from "found it held" under every client flag (with CLIENT_FOUND_ROWS, mysql2's
 * default, an insert and an unchanged row both count 1), so the row is then read back (see #upsertThenRead).
 * `acquireAndFindRecord` reads the token's row in that same read.
 *
 * `replaceAndRelease` is the backend's fast-path UPDATE with the lease row joined in and marked
 * released (`expires_at = 0`) in the same statement; the marked rows are deleted in batches
 * (ReleasedLeases).
 */
export class MySQLLeaseLock implements RecordLock {
  readonly #pool: Pool;
  readonly #acquireSql: string;
  readonly #holderSql: string;
  readonly #holderAndTokenSql: string;
  readonly #releaseSql: string;
  readonly #replaceAndReleaseSql: string;
  readonly #released: ReleasedLeases;

  /** `fastPath`: the backend's save fast path on the token table aliased `t` (see fastPathUpdate). */
  constructor(pool: Pool, names: SchemaNames, fastPath: { set: string; where: string }) {
    this.#pool = pool;
    const leases = names.qualifiedLeaseTable;
    const free = `(\`owner_hash\` = VALUES(\`owner_hash\`) OR \`expires_at\` <= ${NOW_MS})`;
    this.#acquireSql = `INSERT INTO ${leases} (\`key_hash\`, \`owner_hash\`, \`expires_at\`) VALUES (?, ?, ${NOW_MS} + ?)
      ON DUPLICATE KEY UPDATE
        \`owner_hash\` = IF(${free}, VALUES(\`owner_hash\`), \`owner_hash\`),
        \`expires_at\` = IF(${free}, VALUES(\`expires_at\`), \`expires_at\`)`;
    this.#holderSql = `SELECT \`owner_hash\` = ? AS held FROM ${leases} WHERE \`key_hash\` = ?`;
    // The holder and the token's row in one read. It is its own autocommit statement, so its read view
    // starts after the upsert above returned: it sees every save committed before the lease was taken
    // (the last holder saves before it releases). LEFT JOINs from one row: an answer even for a missing
    // lease row or token.
    const tokenColumns = RECORD_FIELDS.map((field) => `t.${quote(column(field))}`).join(', ');
    this.#holderAndTokenSql = `SELECT l.\`owner_hash\` = ? AS lease_held, ${tokenColumns} FROM (SELECT 1) AS one
      LEFT JOIN ${leases} AS l ON l.\`key_hash\` = ?
      LEFT JOIN ${names.qualifiedTable} AS t ON t.${quote(lookupKey('id').hashColumn)} = ?`;
    this.#releaseSql = `DELETE FROM ${leases} WHERE \`key_hash\` = ? AND \`owner_hash\` = ?`;
    // The lease row is LEFT JOINed from the token's: no lease of this owner's (it expired and another
    // took it, say) still saves, and marks nothing; no token row selected updates nothing at all, the
    // lease included. Each statement locks at most one token row and one lease row, and nothing else
    // holds both, so no cycle of waits can form through it.
    this.#replaceAndReleaseSql = `UPDATE ${names.qualifiedTable} AS t
      LEFT JOIN ${leases} AS l ON l.\`key_hash\` = ? AND l.\`owner_hash\` = ?
      SET ${fastPath.set}, l.\`expires_at\` = 0 WHERE ${fastPath.where}`;
    this.#released = new ReleasedLeases(pool, leases);
  }

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.#upsertThenRead(key, owner, ttlMs, async (keyHash, ownerHash) => {
      const [rows] = await this.#pool.execute<RowDataPacket[]>(this.#holderSql, [ownerHash, keyHash]);
      return Number(rows[0]?.held) === 1;
    });
  }

  /** `acquire`, with the token's row read in the same read of the holder. */
  async acquireAndFindRecord(key: string, owner: string, ttlMs: number, id: string): Promise<{ acquired: boolean; record: TokenRecord | undefined }> {
    return this.#upsertThenRead(key, owner, ttlMs, async (keyHash, ownerHash) => {
      const [rows] = await this.#pool.execute<RowDataPacket[]>(this.#holderAndTokenSql, [ownerHash, keyHash, sha256(id)]);
      const row = rows[0] as Record<string, unknown>;
      return { acquired: Number(row.lease_held) === 1, record: row[column('id')] === null ? undefined : recordFromRow(row) };
    });
  }

  /**
   * The upsert, then `read` of the holder, each on its own (autocommit, any pooled connection): the
   * read says "ours" only if our upsert (or an earlier grant to this owner) set the row, and a lease
   * that expired and was taken between the two statements reads as someone else's (false, which is
   * what it is by then). A transaction around them cost two more round trips per lease. Deadlock
   * victims change nothing; trying again a few times is enough to get a real answer.
   */
  async #upsertThenRead<T>(key: string, owner: string, ttlMs: number, read: (keyHash: Buffer, ownerHash: Buffer) => Promise<T>): Promise<T> {
    const keyHash = sha256(key);
    const ownerHash = sha256(owner);
    // Core's one ttl rule: finite, > 0, whole ms, clamped to 1e12 ms (about 31 years).
    const ttl = leaseTtl(ttlMs);
    return retriedOnDeadlock(async () => {
      await this.#pool.execute(this.#acquireSql, [keyHash, ownerHash, ttl]);
      return read(keyHash, ownerHash);
    });
  }

  async release(key: string, owner: string): Promise<void> {
    await this.#pool.execute(this.#releaseSql, [sha256(key), sha256(owner)]);
  }

  /**
   * True when the token row was written; this owner then holds no lease on `key` (a lease it held is
   * marked released, in the same statement). Counting affected rows is right under either client flag:
   * with FOUND_ROWS (mysql2's default) the token row counts whenever it was selected; without it, an
   * unchanged token row counts 0, and the answer is 0 (false) only if no lease was marked either, so
   * the kit's ordinary save runs and the caller's release finds nothing to free.
   */
  async replaceAndRelease(record: TokenRecord, key: string, owner: string): Promise<boolean> {
    const keyHash = sha256(key);
    let result: ResultSetHeader;
    try {
      [result] = await this.#pool.execute<ResultSetHeader>(this.#replaceAndReleaseSql, [keyHash, sha256(owner), ...fastPathValues(record)]);
    } catch (error) {
      throw conflictOr(error, 'the id or user name is bound to another record');
    }
    if (result.affectedRows === 0) return false;
    this.#released.add(keyHash);
    return true;
  }

  /** Deletes the rows this lock marked released (the store is closing). */
  async close(): Promise<void> {
    await this.#released.flush();
  }
}
