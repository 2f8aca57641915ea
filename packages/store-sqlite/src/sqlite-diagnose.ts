import { RECORD_COLUMNS, fileDiagnostics, lookupsWithoutIndex, type StoreDiagnostics } from '@tokenstore/core/store-kit';
import type { Database } from 'better-sqlite3';
import { SCHEMA_VERSION, type SchemaNames } from './schema.js';

/**
 * `RecordBackend.diagnose` for SQLite, read only: `PRAGMA user_version` against SCHEMA_VERSION, which
 * lookup columns lead an index of the table, and the database file's mode and owner.
 */
export function diagnoseSqlite(db: Database, names: SchemaNames): Omit<StoreDiagnostics, 'store'> {
  const found = Number(db.pragma('user_version', { simple: true }));
  const leading = new Set<string>();
  for (const index of db.prepare<[string], { name: string }>('SELECT name FROM pragma_index_list(?)').all(names.table)) {
    const first = db.prepare<[string], { name: string }>('SELECT name FROM pragma_index_info(?) ORDER BY seqno').get(index.name);
    if (first) leading.add(first.name);
  }
  // An in-memory database (':memory:', '' for a temporary one) has no file to check.
  const onDisk = db.name !== ':memory:' && db.name !== '' && !db.memory;
  return {
    schemaVersion: { found: found === 0 ? null : found, expected: SCHEMA_VERSION },
    unindexedLookups: lookupsWithoutIndex((field) => leading.has(RECORD_COLUMNS[field])),
    ...(onDisk ? { files: [fileDiagnostics(db.name)] } : {}),
  };
}
