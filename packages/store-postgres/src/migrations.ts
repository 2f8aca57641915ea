import type { Pool, PoolClient } from 'pg';
import { quote, type SchemaNames } from './schema.js';

/**
 * Versioned, forward-only migrations. Each applied version is a row of `<table>_migrations`.
 *
 * `runMigrations` takes a transaction-scoped advisory lock per schema, then applies every missing
 * version and records it in the same transaction: PostgreSQL DDL is transactional, so a crash leaves
 * the previous version intact, and processes that start together wait for each other instead of
 * racing on CREATE. The lock is per schema (not per table) because two tables in one new schema would
 * otherwise race on CREATE SCHEMA.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  statements(names: SchemaNames): string[];
}

/** Append only; never edit a shipped entry. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'token table',
    statements: (n) => [
      // row_id is a surrogate primary key (logical replication and most tooling want one); the
      // contract's keys are id and user_name. Their uniqueness is enforced by exclusion constraints
      // over hash indexes rather than UNIQUE B-tree indexes, because a B-tree entry is limited to
      // 2704 bytes and the contract allows values of any length (8 KiB is tested). Equality under
      // the database's deterministic collation is byte equality, so 'ABC' and 'abc' are distinct.
      `CREATE TABLE IF NOT EXISTS ${n.qualifiedTable} (
        "row_id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        "id" text NOT NULL,
        "user_name" text,
        "client_id" text,
        "client_secret" text,
        "grant_token" text,
        "refresh_token" text,
        "access_token" text,
        "redirect_url" text,
        "expiry_time" bigint,
        "api_domain" text,
        "token_type" text,
        "scope" text,
        CONSTRAINT ${quote(n.lookupIndex.id)} EXCLUDE USING hash ("id" WITH =),
        CONSTRAINT ${quote(n.lookupIndex.userName)} EXCLUDE USING hash ("user_name" WITH =)
      )`,
      // Token lookups: hash indexes, O(1) equality on values of any length.
      `CREATE INDEX IF NOT EXISTS ${quote(n.lookupIndex.grantToken)} ON ${n.qualifiedTable} USING hash ("grant_token")`,
      `CREATE INDEX IF NOT EXISTS ${quote(n.lookupIndex.refreshToken)} ON ${n.qualifiedTable} USING hash ("refresh_token")`,
      `CREATE INDEX IF NOT EXISTS ${quote(n.lookupIndex.accessToken)} ON ${n.qualifiedTable} USING hash ("access_token")`,
    ],
  },
  {
    version: 2,
    name: 'lease table',
    statements: (n) => [
      // One row per lock key: key_hash is SHA-256 of the key (keys may be long), owner is compared
      // byte for byte, expires_at is on the server's clock so every client agrees on expiry.
      `CREATE TABLE IF NOT EXISTS ${n.qualifiedLeaseTable} (
        "key_hash" bytea PRIMARY KEY,
        "owner" text NOT NULL,
        "expires_at" timestamptz NOT NULL
      )`,
    ],
  },
];

/** The schema version this release migrates to. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export interface MigrationResult {
  /** The schema version the table is at now. */
  readonly version: number;
  /** Versions this call applied (empty when the table was already up to date). */
  readonly applied: number[];
}

export async function runMigrations(pool: Pool, names: SchemaNames): Promise<MigrationResult> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      const result = await migrateInTransaction(client, names);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    }
  } finally {
    // A client whose ROLLBACK failed is in an unknown state: destroy it rather than pool it.
    client.release(broken);
  }
}

async function migrateInTransaction(client: PoolClient, names: SchemaNames): Promise<MigrationResult> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`tokenstore:migrate:${names.schema}`]);
  // Only create the schema when it is missing: CREATE SCHEMA IF NOT EXISTS still needs the CREATE
  // privilege on the database, which an app role using `public` may not have.
  const schema = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [names.schema]);
  if (schema.rowCount === 0) await client.query(`CREATE SCHEMA ${quote(names.schema)}`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${names.qualifiedMigrationTable} (
    "version" integer PRIMARY KEY,
    "name" text NOT NULL,
    "applied_at" timestamptz NOT NULL DEFAULT now()
  )`);
  const done = new Set((await client.query<{ version: number }>(`SELECT "version" FROM ${names.qualifiedMigrationTable}`)).rows.map((r) => r.version));
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.version)) continue;
    for (const statement of migration.statements(names)) await client.query(statement);
    await client.query(`INSERT INTO ${names.qualifiedMigrationTable} ("version", "name") VALUES ($1, $2)`, [migration.version, migration.name]);
    applied.push(migration.version);
  }
  return { version: Math.max(SCHEMA_VERSION, ...done), applied };
}
