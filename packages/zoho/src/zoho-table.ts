/**
 * Import of a Zoho DBStore table (MySQL `oauthtoken`, as the SDKs' README creates it, or one
 * MySQLStore already migrated) into any tokenstore store. Reads the table once (`SELECT *`, so tables
 * of older SDKs without `api_domain` work too), never writes to it.
 *
 * What the SDKs see in that table is what is imported: values as stored, blank as absent. The
 * table's columns are `_ci` (case-insensitive) in the SDKs' DDL, so for the SDK `Bob@Example.com` and
 * `bob@example.com` are one user (its `where user_name = ?` finds either); tokenstore matches exactly,
 * so the second of such rows is reported, not imported as a second user. Rows are taken in `id` order.
 */
import { TokenStoreError, type TokenStore } from '@tokenstore/core';
import type { ZohoImportOptions, ZohoImportResult } from './import-result.js';
import { importRows, ZOHO_COLUMNS, type LocatedRow, type ZohoRow } from './zoho-rows.js';

/** A mysql2/promise Pool or Connection: `query(sql, values)` resolving `[rows, fields]`. */
export interface MysqlQueryable {
  query(sql: string, values?: unknown[]): Promise<[unknown, unknown]>;
}

/** A mysql2 promise pool or connection, a callback pool (its `.promise()` is used), or a `mysql://` URI (connected once, then closed). */
export type ZohoTableSource = MysqlQueryable | { promise(): MysqlQueryable } | string;

export interface ZohoTableImportOptions extends ZohoImportOptions {
  /** Default `oauthtoken`. */
  table?: string;
}

export async function importZohoTable(source: ZohoTableSource, store: TokenStore, options: ZohoTableImportOptions = {}): Promise<ZohoImportResult> {
  const table = options.table ?? 'oauthtoken';
  // The name is spliced into the query (identifiers cannot be parameters): letters, digits, _ only.
  if (typeof table !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(table)) throw new TokenStoreError('INVALID_ARGUMENT', 'importZohoTable: table must be letters, digits and _ (at most 64)');
  const rows = await readTable(source, table);
  return importRows(rows, [], store, options, `importZohoTable: table ${table}`, { userKey: (name) => name.toLowerCase(), unit: 'row' });
}

async function readTable(source: ZohoTableSource, table: string): Promise<LocatedRow[]> {
  const { db, close } = await connect(source);
  try {
    const [result] = await db.query(`SELECT * FROM \`${table}\` ORDER BY id`);
    if (!Array.isArray(result)) throw new TokenStoreError('STORE_FAILURE', `importZohoTable: SELECT on ${table} returned no rows array`);
    return result.map((raw, i) => {
      const row: ZohoRow = {};
      for (const column of ZOHO_COLUMNS) {
        const value = (raw as Record<string, unknown>)[column];
        // Buffers (binary columns) read as UTF-8 text, as the SDK's driver returns strings.
        row[column] = Buffer.isBuffer(value) ? value.toString('utf8') : (value as string | number | null | undefined);
      }
      return { line: i + 1, row };
    });
  } catch (error) {
    if (error instanceof TokenStoreError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'ER_NO_SUCH_TABLE') throw new TokenStoreError('INVALID_ARGUMENT', `importZohoTable: there is no table ${table}`, { cause: error });
    throw new TokenStoreError('STORE_UNAVAILABLE', `importZohoTable: reading ${table} failed (${code ?? 'error'})`, { cause: error });
  } finally {
    await close();
  }
}

async function connect(source: ZohoTableSource): Promise<{ db: MysqlQueryable; close: () => Promise<void> }> {
  if (typeof source === 'string') {
    if (!/^mysql:\/\//.test(source)) throw new TokenStoreError('INVALID_ARGUMENT', 'importZohoTable: a string source must be a mysql:// URI');
    let mysql: { createConnection(uri: string): Promise<MysqlQueryable & { end(): Promise<void> }> };
    try {
      mysql = (await import('mysql2/promise')) as never;
    } catch (error) {
      throw new TokenStoreError('INVALID_ARGUMENT', 'importZohoTable: a URI needs the mysql2 package (npm install mysql2)', { cause: error });
    }
    let connection: MysqlQueryable & { end(): Promise<void> };
    try {
      connection = await mysql.createConnection(source);
    } catch (error) {
      // The URI holds a password: the message names only the driver's code.
      throw new TokenStoreError('STORE_UNAVAILABLE', `importZohoTable: cannot connect (${(error as { code?: string }).code ?? 'error'})`, { cause: error });
    }
    return { db: connection, close: () => connection.end().catch(() => undefined) };
  }
  const given = source as { query?: unknown; promise?: unknown } | null;
  // A mysql2/promise Pool: query() returns a promise. A callback Pool: use its promise() wrapper.
  if (given !== null && typeof given === 'object' && typeof given.promise === 'function' && !isPromiseApi(given)) {
    return { db: (given as { promise(): MysqlQueryable }).promise(), close: async () => undefined };
  }
  if (given !== null && typeof given === 'object' && typeof given.query === 'function') return { db: given as MysqlQueryable, close: async () => undefined };
  throw new TokenStoreError('INVALID_ARGUMENT', 'importZohoTable: source must be a mysql2 pool or connection, or a mysql:// URI');
}

/** mysql2/promise's wrappers keep the callback object in `.pool` or `.connection`. */
function isPromiseApi(candidate: object): boolean {
  const c = candidate as { pool?: unknown; connection?: unknown };
  return (typeof c.pool === 'object' && c.pool !== null) || (typeof c.connection === 'object' && c.connection !== null);
}
