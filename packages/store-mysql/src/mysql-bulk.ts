import { RECORD_FIELDS, type TokenRecord } from '@tokenstore/core/store-kit';
import type { Pool } from 'mysql2/promise';
import { conflictOr } from './mysql-errors.js';
import { rowValues } from './rows.js';
import { COLUMN_LIST, type SchemaNames } from './schema.js';

/** Rows per INSERT: 12 placeholders each stays far below a prepared statement's 65,535, and the packet small. */
const ROWS_PER_STATEMENT = 500;

/**
 * `RecordBackend.insertMany` for MySQL: multi-row INSERTs (values bound, never spliced) in one
 * transaction on one connection, so a batch is all in or, on a taken id or user name (STORE_CONFLICT,
 * rolled back), none of it. Every row's values are built (and their size checked) before the first
 * statement is sent.
 */
export async function insertRowsInTransaction(pool: Pool, names: SchemaNames, records: readonly TokenRecord[]): Promise<void> {
  const rows = records.map(rowValues);
  const row = `(${RECORD_FIELDS.map(() => '?').join(', ')})`;
  const connection = await pool.getConnection();
  try {
    await connection.beginTransaction();
    try {
      for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
        const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
        await connection.execute(`INSERT INTO ${names.qualifiedTable} (${COLUMN_LIST}) VALUES ${chunk.map(() => row).join(', ')}`, chunk.flat());
      }
      await connection.commit();
    } catch (error) {
      await connection.rollback().catch(() => undefined);
      throw conflictOr(error, 'an id or user name of the batch is already taken');
    }
  } finally {
    connection.release();
  }
}
