import { RECORD_COLUMNS, lookupsWithoutIndex, type StoreDiagnostics } from '@tokenstore/core/store-kit';
import type { Pool } from 'pg';
import { SCHEMA_VERSION } from './migrations.js';
import type { SchemaNames } from './schema.js';

/** PostgreSQL's "relation does not exist". */
const UNDEFINED_TABLE = '42P01';

/**
 * `RecordBackend.diagnose` for PostgreSQL, read only (straight on the pool: it must not run the
 * first-use migration it reports on): the highest applied migration against SCHEMA_VERSION, and which
 * lookup columns lead an index of the table (the id and user name exclusion constraints have theirs).
 */
export async function diagnosePostgres(pool: Pool, names: SchemaNames): Promise<Omit<StoreDiagnostics, 'store'>> {
  let found: number | null;
  try {
    const { rows } = await pool.query<{ v: number | null }>(`SELECT max("version") AS v FROM ${names.qualifiedMigrationTable}`);
    found = rows[0]?.v ?? null;
  } catch (error) {
    if ((error as { code?: unknown }).code !== UNDEFINED_TABLE) throw error;
    return { schemaVersion: { found: null, expected: SCHEMA_VERSION }, notes: [`no table ${names.schema}.${names.table}_migrations: the store was never created here`] };
  }
  const schemaVersion = { found: found === null ? null : Number(found), expected: SCHEMA_VERSION };
  // Dropped behind the store's back: the migration counts as done and will not recreate it.
  const { rows: tables } = await pool.query('SELECT to_regclass($1) AS t', [names.qualifiedTable]);
  if (tables[0]?.t === null) {
    return { schemaVersion, notes: [`no table ${names.schema}.${names.table}, although ${names.table}_migrations says version ${schemaVersion.found}: it was dropped; every operation fails until it is restored`] };
  }
  const { rows } = await pool.query<{ col: string }>(
    `SELECT a.attname AS col FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0] WHERE n.nspname = $1 AND t.relname = $2`,
    [names.schema, names.table],
  );
  const leading = new Set(rows.map((row) => row.col));
  return { schemaVersion, unindexedLookups: lookupsWithoutIndex((field) => leading.has(RECORD_COLUMNS[field])) };
}
