import { RECORD_COLUMNS, RECORD_FIELDS, type LookupField, type RecordField, TokenStoreError } from '@tokenstore/core/store-kit';
import type { Database } from 'better-sqlite3';

/**
 * The table layout SQLiteStore reads and writes, and the forward migrations that build it.
 *
 * The schema version lives in `PRAGMA user_version`. Version 0 is a database tokenstore never
 * touched; each entry of MIGRATIONS moves one version forward and runs inside the same
 * `BEGIN IMMEDIATE` transaction that bumps `user_version`, so two processes opening a fresh file at
 * once cannot both migrate, and a crash mid-migration leaves the previous version intact.
 */
export const SCHEMA_VERSION = 1;

/** The default table name: the one the Zoho SDKs' DBStore uses. */
export const DEFAULT_TABLE = 'oauthtoken';

/** Names of every object SQLiteStore creates for one token table, derived from the validated table name. */
export interface SchemaNames {
  readonly table: string;
  readonly leaseTable: string;
  /** Unique, partial index on user_name: one record per user, any number of records without one. */
  readonly userIndex: string;
  readonly lookupIndexes: Readonly<Record<'grantToken' | 'refreshToken' | 'accessToken', string>>;
}

export function schemaNames(table: string): SchemaNames {
  return {
    table,
    leaseTable: `${table}_lease`,
    userIndex: `${table}_user_name_uq`,
    lookupIndexes: {
      grantToken: `${table}_grant_token_ix`,
      refreshToken: `${table}_refresh_token_ix`,
      accessToken: `${table}_access_token_ix`,
    },
  };
}

/** Quotes an identifier that `assertIdentifierName` already accepted (letters, digits, underscore). */
export function quote(identifier: string): string {
  return `"${identifier}"`;
}

/** The column of a record field, quoted. */
export function column(field: RecordField): string {
  return quote(RECORD_COLUMNS[field]);
}

/** `"id" AS "id", "user_name" AS "userName", ...`: rows come back keyed by record field. */
export const SELECT_LIST = RECORD_FIELDS.map((field) => `${column(field)} AS ${quote(field)}`).join(', ');

/** Lookup fields and the index that serves each (id: the primary key's own index). */
export const LOOKUP_INDEX: Readonly<Record<LookupField, (names: SchemaNames) => string>> = {
  id: (names) => `sqlite_autoindex_${names.table}_1`,
  userName: (names) => names.userIndex,
  grantToken: (names) => names.lookupIndexes.grantToken,
  refreshToken: (names) => names.lookupIndexes.refreshToken,
  accessToken: (names) => names.lookupIndexes.accessToken,
};

type Migration = (db: Database, names: SchemaNames) => void;

/** MIGRATIONS[n] moves a database from version n to n + 1. Append only; never edit a shipped entry. */
const MIGRATIONS: readonly Migration[] = [
  // 0 -> 1: the token table, its indexes and the lease table.
  (db, n) => {
    // STRICT: expiry_time can only ever hold an INTEGER (epoch ms), never text or a float.
    db.exec(`CREATE TABLE IF NOT EXISTS ${quote(n.table)} (
      "id" TEXT NOT NULL PRIMARY KEY,
      "user_name" TEXT,
      "client_id" TEXT,
      "client_secret" TEXT,
      "grant_token" TEXT,
      "refresh_token" TEXT,
      "access_token" TEXT,
      "redirect_url" TEXT,
      "expiry_time" INTEGER,
      "api_domain" TEXT,
      "token_type" TEXT,
      "scope" TEXT
    ) STRICT`);
    // A table of that name that was already there must be ours before we index its columns.
    assertColumns(db, n.table);
    // Partial indexes: NULLs are not indexed (they are never looked up), and the unique index on
    // user_name tolerates any number of records that have no user.
    db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS ${quote(n.userIndex)} ON ${quote(n.table)} ("user_name") WHERE "user_name" IS NOT NULL`);
    db.exec(`CREATE INDEX IF NOT EXISTS ${quote(n.lookupIndexes.grantToken)} ON ${quote(n.table)} ("grant_token") WHERE "grant_token" IS NOT NULL`);
    db.exec(`CREATE INDEX IF NOT EXISTS ${quote(n.lookupIndexes.refreshToken)} ON ${quote(n.table)} ("refresh_token") WHERE "refresh_token" IS NOT NULL`);
    db.exec(`CREATE INDEX IF NOT EXISTS ${quote(n.lookupIndexes.accessToken)} ON ${quote(n.table)} ("access_token") WHERE "access_token" IS NOT NULL`);
    db.exec(`CREATE TABLE IF NOT EXISTS ${quote(n.leaseTable)} (
      "key" TEXT NOT NULL PRIMARY KEY,
      "owner" TEXT NOT NULL,
      "expires_at" INTEGER NOT NULL
    ) STRICT`);
  },
];

if (MIGRATIONS.length !== SCHEMA_VERSION) throw new Error('SQLiteStore: MIGRATIONS and SCHEMA_VERSION disagree');

function userVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function tableExists(db: Database, table: string): boolean {
  return db.prepare('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?').pluck().get('table', table) !== undefined;
}

/**
 * Refuses a database this release must not touch (a newer schema version, a foreign table with our
 * name) by reading only, so it can run before anything that writes: `journal_mode = WAL` rewrites the
 * file header and leaves a -wal file, and a refused file must stay byte for byte as it was. `migrate`
 * checks the same again under its write lock (another process may have changed the file since).
 */
export function refuseIncompatible(db: Database, names: SchemaNames): void {
  assertNotNewer(userVersion(db));
  if (tableExists(db, names.table)) assertColumns(db, names.table);
}

function assertNotNewer(version: number): void {
  if (version > SCHEMA_VERSION) {
    throw new TokenStoreError(
      'STORE_FAILURE',
      `SQLiteStore: database schema version ${version} is newer than this SQLiteStore supports (${SCHEMA_VERSION}); upgrade @tokenstore/store-sqlite`,
    );
  }
}

/**
 * Brings the database to SCHEMA_VERSION. Runs the pending migrations, or, for a table that does not
 * exist yet in a database already at the current version (a second table in one file), creates it
 * through the same migration steps (every step is idempotent: IF NOT EXISTS).
 * Refuses a database written by a newer SQLiteStore rather than guessing at its layout.
 */
export function migrate(db: Database, names: SchemaNames): void {
  const run = db.transaction(() => {
    const from = userVersion(db);
    assertNotNewer(from);
    const start = tableExists(db, names.table) && tableExists(db, names.leaseTable) ? from : 0;
    for (let version = start; version < SCHEMA_VERSION; version++) (MIGRATIONS[version] as Migration)(db, names);
    if (from < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
    assertColumns(db, names.table);
  });
  // IMMEDIATE takes the write lock before reading user_version, so concurrent openers serialise.
  run.immediate();
}

/** A pre-existing table of that name that is not ours (e.g. a Zoho `oauthtoken` table) is refused. */
function assertColumns(db: Database, table: string): void {
  const columns = new Map(
    (db.prepare(`SELECT name, type FROM pragma_table_info(?)`).all(table) as { name: string; type: string }[]).map((c) => [c.name, c.type.toUpperCase()]),
  );
  const missing = RECORD_FIELDS.map((f) => RECORD_COLUMNS[f]).filter((c) => !columns.has(c));
  if (missing.length > 0 || columns.get('expiry_time') !== 'INTEGER') {
    throw new TokenStoreError(
      'INVALID_ARGUMENT',
      `SQLiteStore: table "${table}" exists but is not a tokenstore table (missing or mistyped columns: ${missing.join(', ') || 'expiry_time'}); choose another \`table\``,
    );
  }
}
