import { RECORD_FIELDS, type LookupField, type RecordBackend, type StoreDiagnostics, type TokenRecord } from '@tokenstore/core/store-kit';
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { assignedValues, fastPathUpdate, fastPathValues } from './fast-path.js';
import { runMigrations, type MigrationResult } from './migrations.js';
import { insertRowsInTransaction } from './mysql-bulk.js';
import { diagnoseMysql } from './mysql-diagnose.js';
import { MySQLLeaseLock } from './mysql-lock.js';
import { conflictOr, retriedOnDeadlock, toStoreError } from './mysql-errors.js';
import { recordFromRow, rowValues } from './rows.js';
import { COLUMN_LIST, LOOKUP_KEYS, lookupKey, quote, sha256, type SchemaNames } from './schema.js';

/** Statement parameters as mysql2's `execute` takes them. */
export type Params = (string | number | Buffer | null)[];

/**
 * The RecordBackend of MySQLStore: one prepared statement per primitive (`execute`, so values travel
 * separately from the statement), on the pool. Only identifiers validated by `assertIdentifierName`
 * are spliced into statements. Lookups go through the `*_sha256` columns' indexes.
 */
export class MySQLBackend implements RecordBackend {
  readonly lock: MySQLLeaseLock;
  readonly #pool: Pool;
  readonly #names: SchemaNames;
  readonly #ownsPool: boolean;
  readonly #autoMigrate: boolean;
  readonly #sql: Readonly<
    Record<'insert' | 'replaceIfUser' | 'replaceIfSelectable' | 'existsWithUser' | 'delete' | 'list' | 'clear', string> & { findBy: Record<LookupField, string> }
  >;

  constructor(pool: Pool, names: SchemaNames, ownsPool: boolean, autoMigrate: boolean) {
    this.#pool = pool;
    this.#names = names;
    this.#ownsPool = ownsPool;
    this.#autoMigrate = autoMigrate;
    const t = names.qualifiedTable;
    const select = `SELECT ${COLUMN_LIST} FROM ${t}`;
    const findBy = Object.fromEntries(LOOKUP_KEYS.map((k) => [k.field, `${select} WHERE ${quote(k.hashColumn)} = ?`])) as Record<LookupField, string>;
    const idHash = quote(lookupKey('id').hashColumn);
    // Compare-and-swap on the owner, null-safe (`<=>`: NULL <=> NULL is 1), on the user name's SHA-256
    // column rather than on the value: byte-exact, where `user_name = ?` would ignore trailing spaces
    // (MariaDB's utf8mb4_bin is PAD SPACE). The parameter is sha256(user name), or NULL for "unbound".
    const userHash = quote(lookupKey('userName').hashColumn);
    const ownerIs = `${userHash} <=> ?`;
    const fastPath = fastPathUpdate('t');
    this.#sql = {
      findBy,
      // A plain INSERT, not INSERT ... ON DUPLICATE KEY UPDATE: on a duplicate id or user name that
      // would overwrite a record the matching rules did not select (another user's, say). A duplicate
      // is reported instead, and core re-reads and replaces the record that does match.
      insert: `INSERT INTO ${t} (${COLUMN_LIST}) VALUES (${RECORD_FIELDS.map(() => '?').join(', ')})`,
      // InnoDB's UPDATE reads the latest committed row under its row lock, so the owner check and the
      // write are one atomic step: two saves can never both take one unbound record.
      replaceIfUser: `UPDATE ${t} AS t SET ${fastPath.set} WHERE t.${idHash} = ? AND t.${ownerIs}`,
      // The save fast path (replaceIfSelectable): the record with this id if it has no user or this one,
      // checked and written under the row lock like replaceIfUser.
      replaceIfSelectable: `UPDATE ${t} AS t SET ${fastPath.set} WHERE ${fastPath.where}`,
      existsWithUser: `SELECT 1 FROM ${t} WHERE ${idHash} = ? AND ${ownerIs}`,
      delete: `DELETE FROM ${t} WHERE ${idHash} = ?`,
      list: select,
      clear: `DELETE FROM ${t}`,
    };
    this.lock = new MySQLLeaseLock(pool, names, fastPath);
  }

  /** Runs pending migrations now (MySQLStore.migrate(), through the kit). */
  async migrate(): Promise<MigrationResult> {
    try {
      return await runMigrations(this.#pool, this.#names);
    } catch (error) {
      throw toStoreError(error, 'migrate');
    }
  }

  /** The kit's first-use setup: pending migrations, unless the store was created with `migrate: false`. */
  async setup(): Promise<void> {
    if (this.#autoMigrate) await this.migrate();
  }

  async #rows(sql: string, params: Params): Promise<RowDataPacket[]> {
    const [rows] = await this.#pool.execute<RowDataPacket[]>(sql, params);
    return rows;
  }

  async #write(sql: string, params: Params): Promise<ResultSetHeader> {
    try {
      const [result] = await this.#pool.execute<ResultSetHeader>(sql, params);
      return result;
    } catch (error) {
      // InnoDB can pick one of several concurrent inserts of one key as a deadlock victim; like a
      // duplicate, it means another writer got there first: re-read and retry (core does).
      throw conflictOr(error, 'the id or user name is bound to another record');
    }
  }

  async findBy(field: LookupField, value: string): Promise<readonly TokenRecord[]> {
    return (await this.#rows(this.#sql.findBy[field], [sha256(value)])).map(recordFromRow);
  }

  async insert(record: TokenRecord): Promise<void> {
    await this.#write(this.#sql.insert, rowValues(record));
  }

  async replace(id: string, record: TokenRecord, expectedUserName: string | null): Promise<boolean> {
    const where: Params = [sha256(id), expectedUserName === null ? null : sha256(expectedUserName)];
    const result = await this.#write(this.#sql.replaceIfUser, [...assignedValues({ ...record, id }), ...where]);
    if (result.affectedRows > 0) return true;
    // Without the FOUND_ROWS client flag (mysql2 sets it by default, an app's pool may not), an UPDATE
    // that changes nothing reports 0 rows: ask whether the record is there (and still has that owner;
    // if it has another, the UPDATE did not apply and the kit must re-read).
    return (await this.#rows(this.#sql.existsWithUser, where)).length > 0;
  }

  async replaceIfSelectable(record: TokenRecord): Promise<boolean> {
    // Without the FOUND_ROWS client flag (see replace) an UPDATE that changes nothing reports 0 rows;
    // false is still right then: the kit's ordinary path finds the record and replace confirms it. No
    // existence query here, so a save for a new id pays one statement, not two, before that path.
    return (await this.#write(this.#sql.replaceIfSelectable, fastPathValues(record))).affectedRows > 0;
  }

  async insertMany(records: readonly TokenRecord[]): Promise<void> {
    await insertRowsInTransaction(this.#pool, this.#names, records);
  }

  async diagnose(): Promise<Omit<StoreDiagnostics, 'store'>> {
    return diagnoseMysql(this.#pool, this.#names);
  }

  // A delete chosen as a deadlock victim (racing a bulk insert's transaction) is run again: it is no
  // conflict a caller could resolve, and running it again is safe.
  async delete(id: string): Promise<void> {
    await retriedOnDeadlock(() => this.#pool.execute(this.#sql.delete, [sha256(id)]));
  }

  async list(): Promise<readonly TokenRecord[]> {
    return (await this.#rows(this.#sql.list, [])).map(recordFromRow);
  }

  async clear(): Promise<void> {
    await retriedOnDeadlock(() => this.#pool.execute(this.#sql.clear, []));
  }

  async close(): Promise<void> {
    await this.lock.close();
    // The app's own pool is the app's to end.
    if (this.#ownsPool) await this.#pool.end();
  }

  toStoreError(error: unknown, operation: string): Error {
    return toStoreError(error, operation);
  }
}
