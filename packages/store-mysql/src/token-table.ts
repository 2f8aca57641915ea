import { TokenStoreError } from '@tokenstore/core';
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { LOOKUP_KEYS, STRING_COLUMNS, VALUE_COLLATION, quote, type LookupKey, type SchemaNames } from './schema.js';

const VALUE_TYPE = `TEXT CHARACTER SET utf8mb4 COLLATE ${VALUE_COLLATION}`;

function valueColumn(name: string): string {
  return `${quote(name)} ${VALUE_TYPE} ${name === 'id' ? 'NOT NULL' : 'NULL'}`;
}

function hashColumn(key: LookupKey): string {
  return `${quote(key.hashColumn)} BINARY(32) AS (UNHEX(SHA2(${quote(key.column)}, 256))) STORED`;
}

function index(key: LookupKey): string {
  return `${key.unique ? 'UNIQUE KEY' : 'KEY'} ${quote(key.index)} (${quote(key.hashColumn)})`;
}

/**
 * Migration 1: makes `<table>` the token table, whether it is missing (created whole) or already there,
 * typically the Zoho SDK DBStore's `oauthtoken`:
 *
 *   id varchar(10) NOT NULL PRIMARY KEY, user_name, client_id, client_secret, refresh_token,
 *   access_token, grant_token varchar(255), expiry_time varchar(20), redirect_url, api_domain varchar(255)
 *
 * An existing table is inspected and altered in one ALTER TABLE that only adds and widens, so every row
 * stays: value columns become TEXT utf8mb4_bin (Zoho's id holds 10 characters, tokenstore's ids are
 * UUIDs, and values may be long), missing columns (token_type, scope, ...) are added, the hash columns
 * and their indexes are added, and the primary key moves from id to a new AUTO_INCREMENT row_id (an
 * InnoDB primary key cannot be on a TEXT column; uniqueness of id is kept by its hash's unique index).
 * expiry_time keeps its type: Zoho's VARCHAR of epoch milliseconds is read and written as such.
 *
 * Inspecting rather than assuming makes this idempotent, so a run interrupted between statements (DDL
 * is not transactional in MySQL) is finished by the next one.
 */
export async function ensureTokenTable(conn: PoolConnection, names: SchemaNames): Promise<void> {
  const columns = await describeColumns(conn, names.table);
  if (columns.size === 0) {
    await conn.query(createTableStatement(names));
    return;
  }
  if (!columns.has('id')) {
    throw new TokenStoreError('INVALID_ARGUMENT', `MySQLStore: table ${names.table} exists but has no id column; it is not a token table`);
  }
  const indexes = await describeIndexes(conn, names.table);
  const clauses: string[] = [];

  const primary = indexes.get('PRIMARY');
  if (!(primary?.columns.length === 1 && primary.columns[0] === 'row_id')) {
    if (primary) clauses.push('DROP PRIMARY KEY');
    clauses.push(columns.has('row_id') ? 'ADD PRIMARY KEY (`row_id`)' : 'ADD COLUMN `row_id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY FIRST');
  }

  const blocking: string[] = [];
  for (const name of STRING_COLUMNS) {
    const info = columns.get(name);
    if (info === undefined) {
      clauses.push(`ADD COLUMN ${valueColumn(name)}`);
      continue;
    }
    if (info.dataType === 'text' && info.collation === VALUE_COLLATION) continue;
    // A VARCHAR column under a full-length secondary index cannot become TEXT (TEXT keys need a
    // prefix length). The store never drops an index it did not create, so it asks instead.
    if (!/text|blob/.test(info.dataType)) {
      for (const [indexName, idx] of indexes) if (indexName !== 'PRIMARY' && idx.columns.includes(name)) blocking.push(`${indexName} (on ${name})`);
    }
    clauses.push(`MODIFY COLUMN ${valueColumn(name)}`);
  }
  if (blocking.length > 0) {
    throw new TokenStoreError(
      'STORE_FAILURE',
      `MySQLStore: migrate must widen columns of ${names.table} to TEXT, which these indexes prevent: ${blocking.join(', ')}. Drop them, then call migrate() again.`,
    );
  }
  if (!columns.has('expiry_time')) clauses.push('ADD COLUMN `expiry_time` BIGINT NULL');
  for (const key of LOOKUP_KEYS) if (!columns.has(key.hashColumn)) clauses.push(`ADD COLUMN ${hashColumn(key)}`);

  for (const key of LOOKUP_KEYS) {
    if (indexes.has(key.index)) continue;
    if (key.unique) await assertNoDuplicates(conn, names, key);
    clauses.push(`ADD ${index(key)}`);
  }
  if (clauses.length > 0) await conn.query(`ALTER TABLE ${names.qualifiedTable} ${clauses.join(', ')}`);
}

export function createTableStatement(names: SchemaNames): string {
  const definitions = [
    '`row_id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT',
    ...STRING_COLUMNS.map(valueColumn),
    // Epoch milliseconds. Zoho's tables have VARCHAR(20) here; both are read alike.
    '`expiry_time` BIGINT NULL',
    ...LOOKUP_KEYS.map(hashColumn),
    'PRIMARY KEY (`row_id`)',
    ...LOOKUP_KEYS.map(index),
  ];
  return `CREATE TABLE ${names.qualifiedTable} (\n  ${definitions.join(',\n  ')}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${VALUE_COLLATION}`;
}

/**
 * A unique index cannot be added over duplicates, and the store does not choose which row to drop:
 * the Zoho DBStore never enforced one row per user, so an old table may hold several. Fail before
 * changing anything, naming the count but no value.
 */
async function assertNoDuplicates(conn: PoolConnection, names: SchemaNames, key: LookupKey): Promise<void> {
  const [rows] = await conn.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${names.qualifiedTable} WHERE ${quote(key.column)} IS NOT NULL GROUP BY SHA2(${quote(key.column)}, 256) HAVING COUNT(*) > 1) AS d`,
  );
  const n = Number(rows[0]?.n ?? 0);
  if (n > 0) {
    throw new TokenStoreError(
      'STORE_CONFLICT',
      `MySQLStore: ${n} value(s) of ${key.column} in ${names.table} occur in more than one row; tokenstore keeps one record per ${key.column}. Remove the duplicates, then call migrate() again.`,
    );
  }
}

interface ColumnInfo {
  dataType: string;
  collation: string | null;
}

async function describeColumns(conn: PoolConnection, table: string): Promise<Map<string, ColumnInfo>> {
  const [rows] = await conn.execute<RowDataPacket[]>(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLLATION_NAME AS collation
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`,
    [table],
  );
  return new Map(rows.map((r) => [String(r.name), { dataType: String(r.dataType).toLowerCase(), collation: r.collation === null ? null : String(r.collation) }]));
}

async function describeIndexes(conn: PoolConnection, table: string): Promise<Map<string, { columns: string[] }>> {
  const [rows] = await conn.execute<RowDataPacket[]>(
    `SELECT INDEX_NAME AS name, COLUMN_NAME AS col FROM information_schema.STATISTICS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [table],
  );
  const indexes = new Map<string, { columns: string[] }>();
  for (const r of rows) {
    const entry = indexes.get(String(r.name)) ?? { columns: [] };
    entry.columns.push(String(r.col));
    indexes.set(String(r.name), entry);
  }
  return indexes;
}
