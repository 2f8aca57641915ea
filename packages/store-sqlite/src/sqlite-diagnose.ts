import { RECORD_COLUMNS, fileDiagnostics, lookupsWithoutIndex, type StoreDiagnostics } from '@tokenstore/core/store-kit';
import type { Database } from 'better-sqlite3';
import { SCHEMA_VERSION, tableExists, type SchemaNames } from './schema.js';

/**
 * `RecordBackend.diagnose` for SQLite, read only: `PRAGMA user_version` against SCHEMA_VERSION, which
 * lookup columns lead an index of the table, and the database file's mode and owner.
 */
export function diagnoseSqlite(db: Database, names: SchemaNames): Omit<StoreDiagnostics, 'store'> {
  const found = Number(db.pragma('user_version', { simple: true }));
  // An in-memory database (':memory:', '' for a temporary one) has no file to check.
  const onDisk = db.name !== ':memory:' && db.name !== '' && !db.memory;
  const files = onDisk ? { files: [fileDiagnostics(db.name)] } : {};
  const schemaVersion = { found: found === 0 ? null : found, expected: SCHEMA_VERSION };
  // Dropped behind the store's back: the migration counts as done and will not recreate it.
  if (found !== 0 && !tableExists(db, names.table)) {
    return { schemaVersion, notes: [`no table ${names.table}, although the database says schema version ${found}: it was dropped; every operation fails until it is restored`], ...files };
  }
  const leading = new Set<string>();
  for (const index of db.prepare<[string], { name: string }>('SELECT name FROM pragma_index_list(?)').all(names.table)) {
    const first = db.prepare<[string], { name: string }>('SELECT name FROM pragma_index_info(?) ORDER BY seqno').get(index.name);
    if (first) leading.add(first.name);
  }
  return { schemaVersion, unindexedLookups: lookupsWithoutIndex((field) => leading.has(RECORD_COLUMNS[field])), ...files };
}
