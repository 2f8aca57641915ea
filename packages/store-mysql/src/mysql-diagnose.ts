import { lookupsWithoutIndex, type StoreDiagnostics } from '@tokenstore/core/store-kit';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { SCHEMA_VERSION } from './migrations.js';
import { lookupKey, type SchemaNames } from './schema.js';

/** MySQL's "table doesn't exist". */
const NO_SUCH_TABLE = 1146;

/**
 * `RecordBackend.diagnose` for MySQL, read only (straight on the pool: it must not run the first-use
 * migration it reports on): the highest applied migration against SCHEMA_VERSION, and which lookups'
 * `<column>_sha256` columns (the ones MySQLStore looks up by) lead an index.
 */
export async function diagnoseMysql(pool: Pool, names: SchemaNames): Promise<Omit<StoreDiagnostics, 'store'>> {
  let found: number | null;
  try {
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT max(\`version\`) AS v FROM ${names.qualifiedMigrationTable}`);
    found = rows[0]?.v === null || rows[0]?.v === undefined ? null : Number(rows[0].v);
  } catch (error) {
    if ((error as { errno?: unknown }).errno !== NO_SUCH_TABLE) throw error;
    return { schemaVersion: { found: null, expected: SCHEMA_VERSION }, notes: [`no table ${names.table}_migrations: the store was never created here`] };
  }
  // Dropped behind the store's back: the migration counts as done and will not recreate it.
  const [tables] = await pool.query<RowDataPacket[]>('SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [names.table]);
  if (tables.length === 0) {
    return { schemaVersion: { found, expected: SCHEMA_VERSION }, notes: [`no table ${names.table}, although ${names.table}_migrations says version ${found}: it was dropped; every operation fails until it is restored`] };
  }
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT COLUMN_NAME AS col FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND SEQ_IN_INDEX = 1',
    [names.table],
  );
  const leading = new Set(rows.map((row) => String(row.col)));
  return { schemaVersion: { found, expected: SCHEMA_VERSION }, unindexedLookups: lookupsWithoutIndex((field) => leading.has(lookupKey(field).hashColumn)) };
}
