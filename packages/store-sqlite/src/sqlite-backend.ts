import { LOOKUP_FIELDS, RECORD_FIELDS, recordFromUnknown, type LookupField, type RecordBackend, type StoreDiagnostics, type TokenRecord, TokenStoreError } from '@tokenstore/core/store-kit';
import type { Database, Statement } from 'better-sqlite3';
import { column, quote, SELECT_LIST, type SchemaNames } from './schema.js';
import { insertRowsAtomically } from './sqlite-bulk.js';
import { diagnoseSqlite } from './sqlite-diagnose.js';
import { SQLiteLock } from './sqlite-lock.js';
import { rethrowConflict, toStoreError } from './sqlite-errors.js';

type Row = Record<string, unknown>;
type Values = (string | number | null)[];

/**
 * The RecordBackend over one table: every primitive is one prepared statement (values are always
 * bound, never spliced), every lookup is served by an index. Uniqueness of id and user name is the
 * database's job (primary key, unique partial index); a violation surfaces as STORE_CONFLICT, which
 * makes the kit re-read and retry, so racing saves from several processes still leave one record.
 */
export class SQLiteBackend implements RecordBackend {
  readonly lock: SQLiteLock;
  readonly #db: Database;
  readonly #ownsDatabase: boolean;
  readonly #names: SchemaNames;
  readonly #findBy: Readonly<Record<LookupField, Statement<[string], Row>>>;
  readonly #insert: Statement<Values>;
  /** The replace with a compare-and-swap on the owner: `... AND "user_name" IS ?` (null-safe). */
  readonly #replaceIfUser: Statement<Values>;
  /** The save fast path: replace the record with this id if it has no user or this one (`replaceIfSelectable`). */
  readonly #replaceIfSelectable: Statement<Values>;
  readonly #delete: Statement<[string]>;
  readonly #list: Statement<[], Row>;
  readonly #clear: Statement<[]>;

  constructor(db: Database, names: SchemaNames, ownsDatabase: boolean, now: () => number) {
    this.#db = db;
    this.#ownsDatabase = ownsDatabase;
    this.#names = names;
    const table = quote(names.table);
    // safeIntegers(false): expiry_time comes back as a number even if the caller's Database was
    // opened with defaultSafeIntegers (epoch milliseconds fit a double exactly).
    const select = (sql: string) => db.prepare<[string], Row>(sql).safeIntegers(false);
    this.#findBy = Object.fromEntries(
      LOOKUP_FIELDS.map((field) => [field, select(`SELECT ${SELECT_LIST} FROM ${table} WHERE ${column(field)} = ? ORDER BY "id"`)]),
    ) as Record<LookupField, Statement<[string], Row>>;
    const columns = RECORD_FIELDS.map(column);
    this.#insert = db.prepare<Values>(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    const others = RECORD_FIELDS.filter((f) => f !== 'id');
    const update = `UPDATE ${table} SET ${others.map((f) => `${column(f)} = ?`).join(', ')} WHERE "id" = ?`;
    // IS, not =: NULL IS NULL is true, so "still unbound" is checked in the same statement as the write.
    this.#replaceIfUser = db.prepare<Values>(`${update} AND ${column('userName')} IS ?`);
    // = on TEXT without a COLLATE clause is BINARY: byte-exact, like findBy.
    this.#replaceIfSelectable = db.prepare<Values>(`${update} AND (${column('userName')} IS NULL OR ${column('userName')} = ?)`);
    this.#delete = db.prepare<[string]>(`DELETE FROM ${table} WHERE "id" = ?`);
    this.#list = db.prepare<[], Row>(`SELECT ${SELECT_LIST} FROM ${table} ORDER BY "id"`).safeIntegers(false);
    this.#clear = db.prepare<[]>(`DELETE FROM ${table}`);
    // Lease writes skip the disk wait only on a database the store opened (an app's pragmas stay its own).
    this.lock = new SQLiteLock(db, names, now, ownsDatabase);
  }

  async findBy(field: LookupField, value: string): Promise<readonly TokenRecord[]> {
    return this.#findBy[field].all(value).map(toRecord);
  }

  async insert(record: TokenRecord): Promise<void> {
    try {
      this.#insert.run(...RECORD_FIELDS.map((f) => record[f]));
    } catch (error) {
      rethrowConflict(error);
    }
  }

  async replace(id: string, record: TokenRecord, expectedUserName: string | null): Promise<boolean> {
    const values: Values = RECORD_FIELDS.filter((f) => f !== 'id').map((f) => record[f]);
    try {
      // One statement: SQLite checks the owner and writes under its write lock, atomically.
      return this.#replaceIfUser.run(...values, id, expectedUserName).changes > 0;
    } catch (error) {
      rethrowConflict(error);
    }
  }

  async replaceIfSelectable(record: TokenRecord): Promise<boolean> {
    const values: Values = RECORD_FIELDS.filter((f) => f !== 'id').map((f) => record[f]);
    try {
      // One statement: the owner check and the write happen under SQLite's write lock, atomically.
      return this.#replaceIfSelectable.run(...values, record.id, record.userName).changes > 0;
    } catch (error) {
      rethrowConflict(error);
    }
  }

  async insertMany(records: readonly TokenRecord[]): Promise<void> {
    insertRowsAtomically(this.#db, this.#insert, records);
  }

  async diagnose(): Promise<Omit<StoreDiagnostics, 'store'>> {
    return diagnoseSqlite(this.#db, this.#names);
  }

  async delete(id: string): Promise<void> {
    this.#delete.run(id);
  }

  async list(): Promise<readonly TokenRecord[]> {
    return this.#list.all().map(toRecord);
  }

  async clear(): Promise<void> {
    this.#clear.run();
  }

  async close(): Promise<void> {
    // A Database the caller passed in is theirs: they may still use it after the store is closed.
    if (this.#ownsDatabase && this.#db.open) this.#db.close();
  }

  toStoreError(error: unknown, operation: string): Error {
    return toStoreError(error, operation);
  }
}

/** A row that breaks core's record rules was not written by a store (hand edits, another program): STORE_CORRUPT. */
function toRecord(row: Row): TokenRecord {
  try {
    return recordFromUnknown(row);
  } catch (error) {
    throw new TokenStoreError('STORE_CORRUPT', `SQLiteStore: a stored row cannot be read: ${(error as Error).message}`);
  }
}
