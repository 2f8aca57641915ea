import { RECORD_FIELDS, type LookupField, type RecordBackend, type StoreDiagnostics, type TokenRecord, TokenStoreError } from '@tokenstore/core/store-kit';
import type { Pool, QueryResult, QueryResultRow } from 'pg';
import { runMigrations, type MigrationResult } from './migrations.js';
import { insertRowsInOneStatement } from './postgres-bulk.js';
import { diagnosePostgres } from './postgres-diagnose.js';
import { PostgresLeaseLock } from './postgres-lock.js';
import { toStoreError, userNameConflictOr } from './postgres-errors.js';
import { isStorableRecord, recordFromRow, rowValues } from './rows.js';
import { COLUMN_LIST, column, type SchemaNames } from './schema.js';

/** `$1, $2, ... $12`: one placeholder per record field. */
const VALUE_PLACEHOLDERS = RECORD_FIELDS.map((_, i) => `$${i + 1}`).join(', ');
/** `"user_name" = $2, ...`: every column but id (a replaced record keeps its id, which is $1). */
const UPDATE_ASSIGNMENTS = RECORD_FIELDS.map((field, i) => ({ field, i }))
  .filter(({ field }) => field !== 'id')
  .map(({ field, i }) => `${column(field)} = $${i + 1}`)
  .join(', ');

/**
 * The RecordBackend of PostgresStore: one parameterized statement per primitive, on the pool.
 * Nothing is ever spliced into a statement except identifiers validated by `assertIdentifierName`.
 */
export class PostgresBackend implements RecordBackend {
  readonly lock: PostgresLeaseLock;
  readonly #pool: Pool;
  readonly #names: SchemaNames;
  readonly #ownsPool: boolean;
  readonly #autoMigrate: boolean;
  readonly #sql: Readonly<Record<'insert' | 'replaceIfUser' | 'replaceIfSelectable' | 'delete' | 'list' | 'clear', string> & { findBy: Record<LookupField, string> }>;

  constructor(pool: Pool, names: SchemaNames, ownsPool: boolean, autoMigrate: boolean) {
    this.#pool = pool;
    this.#names = names;
    this.#ownsPool = ownsPool;
    this.#autoMigrate = autoMigrate;
    const t = names.qualifiedTable;
    const select = `SELECT ${COLUMN_LIST} FROM ${t}`;
    this.#sql = {
      findBy: {
        id: `${select} WHERE "id" = $1`,
        userName: `${select} WHERE "user_name" = $1`,
        grantToken: `${select} WHERE "grant_token" = $1`,
        refreshToken: `${select} WHERE "refresh_token" = $1`,
        accessToken: `${select} WHERE "access_token" = $1`,
      },
      // DO NOTHING without a conflict target covers both keys (id and user_name). A lost race
      // inserts no row and raises nothing; the kit then re-reads and replaces the winner's record.
      insert: `INSERT INTO ${t} (${COLUMN_LIST}) VALUES (${VALUE_PLACEHOLDERS}) ON CONFLICT DO NOTHING`,
      // Compare-and-swap on the owner ($13: the user name the save matched; NULL: still unbound).
      // IS NOT DISTINCT FROM is null-safe, and under READ COMMITTED an UPDATE that waited for a
      // concurrent one re-checks its WHERE against the row that one committed, so two saves can never
      // both take one unbound record.
      replaceIfUser: `UPDATE ${t} SET ${UPDATE_ASSIGNMENTS} WHERE "id" = $1 AND "user_name" IS NOT DISTINCT FROM $${RECORD_FIELDS.length + 1}::text`,
      // The save fast path: the record with this id, if it has no user or this one ($2, the record's
      // user name, also assigned above). Same re-check under READ COMMITTED as replaceIfUser.
      replaceIfSelectable: `UPDATE ${t} SET ${UPDATE_ASSIGNMENTS} WHERE "id" = $1 AND ("user_name" IS NULL OR "user_name" = $2)`,
      delete: `DELETE FROM ${t} WHERE "id" = $1`,
      list: select,
      clear: `DELETE FROM ${t}`,
    };
    this.lock = new PostgresLeaseLock((text, values) => this.query(text, values), names, { findById: this.#sql.findBy.id, replaceIfSelectable: this.#sql.replaceIfSelectable });
  }

  /** Runs pending migrations now (PostgresStore.migrate(), through the kit). */
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

  /** A statement on the pool (the kit ran the first-use setup before any operation gets here). */
  async query<R extends QueryResultRow = Record<string, unknown>>(text: string, values: unknown[]): Promise<QueryResult<R>> {
    return this.#pool.query<R>(text, values);
  }

  async findBy(field: LookupField, value: string): Promise<readonly TokenRecord[]> {
    // PostgreSQL text cannot hold NUL, so no stored value equals one that contains it (and the
    // server would reject it as a parameter).
    if (value.includes('\0')) return [];
    const result = await this.query(this.#sql.findBy[field], [value]);
    return result.rows.map(recordFromRow);
  }

  async insert(record: TokenRecord): Promise<void> {
    assertStorable(record);
    const result = await this.query(this.#sql.insert, rowValues(record));
    if (result.rowCount === 0) throw new TokenStoreError('STORE_CONFLICT', 'PostgresStore: the id or user name is already taken');
  }

  async replace(id: string, record: TokenRecord, expectedUserName: string | null): Promise<boolean> {
    assertStorable(record);
    try {
      const result = await this.query(this.#sql.replaceIfUser, [...rowValues({ ...record, id }), expectedUserName]);
      return (result.rowCount ?? 0) > 0;
    } catch (error) {
      throw userNameConflictOr(error);
    }
  }

  async replaceIfSelectable(record: TokenRecord): Promise<boolean> {
    // A value text cannot hold: the ordinary path reports it (INVALID_ARGUMENT) or finds nothing by it.
    if (!isStorableRecord(record)) return false;
    try {
      const result = await this.query(this.#sql.replaceIfSelectable, rowValues(record));
      return (result.rowCount ?? 0) > 0;
    } catch (error) {
      throw userNameConflictOr(error);
    }
  }

  async insertMany(records: readonly TokenRecord[]): Promise<void> {
    await insertRowsInOneStatement((text, values) => this.query(text, values), this.#names, records);
  }

  async diagnose(): Promise<Omit<StoreDiagnostics, 'store'>> {
    return diagnosePostgres(this.#pool, this.#names);
  }

  async delete(id: string): Promise<void> {
    if (id.includes('\0')) return;
    await this.query(this.#sql.delete, [id]);
  }

  async list(): Promise<readonly TokenRecord[]> {
    const result = await this.query(this.#sql.list, []);
    return result.rows.map(recordFromRow);
  }

  async clear(): Promise<void> {
    await this.query(this.#sql.clear, []);
  }

  async close(): Promise<void> {
    // The app's own pool is the app's to end.
    if (this.#ownsPool) await this.#pool.end();
  }

  toStoreError(error: unknown, operation: string): Error {
    return toStoreError(error, operation);
  }
}

function assertStorable(record: TokenRecord): void {
  for (const field of RECORD_FIELDS) {
    const value = record[field];
    if (typeof value === 'string' && value.includes('\0')) {
      throw new TokenStoreError('INVALID_ARGUMENT', `PostgresStore: token field "${field}" contains a NUL character, which PostgreSQL text cannot store`);
    }
  }
}
