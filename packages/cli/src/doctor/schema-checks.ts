import type { TokenStore } from '@tokenstore/core';
import type { StoreLocation } from '../store-url.js';
import { ok, problem, type Finding } from './finding.js';

/**
 * Schema version and lookup indexes, read through the driver object each store exposes (`database`,
 * `pool`, `client`). Which column or field serves each lookup is each store's documented layout:
 * SQLite and PostgreSQL index the value columns, MySQL generated `<column>_sha256` columns, MongoDB
 * `<field>Digest` fields (the id through `_id`). Every lookup of the contract must be indexed, or its
 * cost grows with the number of tokens.
 */
const LOOKUP_COLUMNS = ['id', 'user_name', 'grant_token', 'refresh_token', 'access_token'];

type Store = TokenStore & Record<string, unknown>;

export async function schemaChecks(location: StoreLocation, store: Store, expectedVersion: number | undefined): Promise<Finding[]> {
  switch (location.kind) {
    case 'sqlite':
      return sqlite(store, expectedVersion);
    case 'postgres':
      return postgres(store, expectedVersion);
    case 'mysql':
      return mysql(store, expectedVersion);
    case 'mongodb':
      return mongo(store);
    case 'file':
      return [ok('schema', 'a JSON token file (format version checked on every read)')];
  }
}

function versionFinding(version: number, expected: number | undefined): Finding {
  if (expected === undefined || version === expected) return ok('schema version', `${version}`);
  if (version < expected) return problem('schema version', `${version}, this release expects ${expected}: open the store once with migrations enabled (any tokenstore command but doctor does)`);
  return problem('schema version', `${version} is newer than this release (${expected}): upgrade the store package`);
}

function indexFinding(indexed: Set<string>, columns: string[]): Finding {
  const missing = columns.filter((c) => !indexed.has(c));
  return missing.length === 0 ? ok('indexes', `every lookup is indexed (${columns.length})`) : problem('indexes', `no index on ${missing.join(', ')}: lookups scan the whole table; let the store migrate it`);
}

interface SqliteDatabase {
  pragma(source: string, options?: { simple?: boolean }): unknown;
  prepare(source: string): { all(...params: unknown[]): Record<string, unknown>[] };
}

function sqlite(store: Store, expected: number | undefined): Finding[] {
  const db = store.database as SqliteDatabase;
  const table = store.table as string;
  const version = Number(db.pragma('user_version', { simple: true }));
  const indexed = new Set<string>();
  for (const index of db.prepare(`SELECT name FROM pragma_index_list(?)`).all(table)) {
    const [first] = db.prepare(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`).all(index.name);
    if (first) indexed.add(String(first.name));
  }
  return [versionFinding(version, expected), indexFinding(indexed, LOOKUP_COLUMNS)];
}

interface PgPool {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

async function postgres(store: Store, expected: number | undefined): Promise<Finding[]> {
  const pool = store.pool as PgPool;
  const schema = store.schema as string;
  const table = store.table as string;
  const findings: Finding[] = [];
  try {
    const { rows } = await pool.query(`SELECT max("version") AS v FROM "${schema}"."${table}_migrations"`);
    findings.push(versionFinding(Number(rows[0]?.v ?? 0), expected));
  } catch (error) {
    // Only "no such table" means the store was never created; anything else (unreachable) is the connect finding.
    if ((error as { code?: unknown }).code !== '42P01') throw error;
    findings.push(problem('schema version', `no table ${schema}.${table}_migrations: the store was never created here; open it once with migrations enabled`));
    return findings;
  }
  const { rows } = await pool.query(
    `SELECT a.attname AS col FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0] WHERE n.nspname = $1 AND t.relname = $2
     UNION SELECT a.attname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = c.conkey[1] WHERE n.nspname = $1 AND t.relname = $2`,
    [schema, table],
  );
  findings.push(indexFinding(new Set(rows.map((r) => String(r.col))), LOOKUP_COLUMNS));
  return findings;
}

async function mysql(store: Store, expected: number | undefined): Promise<Finding[]> {
  const pool = store.pool as { query(sql: string, values?: unknown[]): Promise<[Record<string, unknown>[], unknown]> };
  const table = store.table as string;
  const findings: Finding[] = [];
  try {
    const [rows] = await pool.query(`SELECT max(\`version\`) AS v FROM \`${table}_migrations\``);
    findings.push(versionFinding(Number(rows[0]?.v ?? 0), expected));
  } catch (error) {
    if ((error as { errno?: unknown }).errno !== 1146) throw error;
    findings.push(problem('schema version', `no table ${table}_migrations: the store was never created here; open it once with migrations enabled`));
    return findings;
  }
  const [rows] = await pool.query(
    'SELECT COLUMN_NAME AS col FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND SEQ_IN_INDEX = 1',
    [table],
  );
  findings.push(indexFinding(new Set(rows.map((r) => String(r.col))), LOOKUP_COLUMNS.map((c) => `${c}_sha256`)));
  return findings;
}

async function mongo(store: Store): Promise<Finding[]> {
  const client = store.client as { db(name: string): { collection(name: string): { indexes(): Promise<{ key: Record<string, unknown> }[]> } } };
  const indexes = await client.db(store.dbName as string).collection(store.collectionName as string).indexes();
  const indexed = new Set(indexes.map((index) => Object.keys(index.key)[0] as string));
  const expectedFields = ['_id', 'userNameDigest', 'grantTokenDigest', 'refreshTokenDigest', 'accessTokenDigest'];
  return [ok('schema version', 'documents (no schema version)'), indexFinding(indexed, expectedFields)];
}
