import { RECORD_FIELDS, type TokenRecord } from '@tokenstore/core/store-kit';
import type { Database, Statement } from 'better-sqlite3';
import { rethrowConflict } from './sqlite-errors.js';

/**
 * `RecordBackend.insertMany` for SQLite: every insert in one transaction (one fsync instead of one
 * per record), so a batch is all in or, on a taken id or user name (STORE_CONFLICT), none of it.
 */
export function insertRowsAtomically(db: Database, insert: Statement<(string | number | null)[]>, records: readonly TokenRecord[]): void {
  try {
    db.transaction(() => {
      for (const record of records) insert.run(...RECORD_FIELDS.map((field) => record[field]));
    })();
  } catch (error) {
    rethrowConflict(error);
  }
}
