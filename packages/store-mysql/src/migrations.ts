import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { TokenStoreError } from '@tokenstore/core';
import { withOwnConnection } from './own-connection.js';
import type { SchemaNames } from './schema.js';
import { ensureTokenTable } from './token-table.js';

/**
 * Versioned, forward-only migrations. Each applied version is a row of `<table>_migrations`.
 *
 * MySQL commits DDL implicitly, so migrations cannot share a transaction with the version rows.
 * Instead `runMigrations` holds a named lock (GET_LOCK, on one connection for the whole run) so
 * processes that start together wait for each other, and each migration is idempotent, so one
 * interrupted before its version row was written is simply completed by the next run.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  apply(conn: PoolConnection, names: SchemaNames): Promise<void>;
}

/** Append only; never edit a shipped entry. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'token table', apply: ensureTokenTable },
  {
    version: 2,
    name: 'lease table',
    // One row per lock key. Keys and owners are stored as SHA-256 (fixed size, any length, compared
    // byte for byte); expires_at is epoch ms on the server's clock, so every client agrees on expiry.
    apply: async (conn, n) => {
      await conn.query(`CREATE TABLE IF NOT EXISTS ${n.qualifiedLeaseTable} (
        \`key_hash\` BINARY(32) NOT NULL PRIMARY KEY,
        \`owner_hash\` BINARY(32) NOT NULL,
        \`expires_at\` BIGINT NOT NULL
      ) ENGINE=InnoDB`);
    },
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

/** How long a process waits for another one's migration of the same table. */
const MIGRATION_LOCK_TIMEOUT_S = 60;

/** GET_LOCK names are limited to 64 characters: hash database and table into a fixed-size name. */
const LOCK_NAME = `CONCAT('tokenstore:', LEFT(SHA2(CONCAT(DATABASE(), '.', ?), 256), 40))`;

export async function runMigrations(pool: Pool, names: SchemaNames): Promise<MigrationResult> {
  return withOwnConnection(pool, async (conn, discard) => {
    const [locked] = await conn.execute<RowDataPacket[]>(`SELECT GET_LOCK(${LOCK_NAME}, ?) AS got`, [names.table, MIGRATION_LOCK_TIMEOUT_S]);
    if (Number(locked[0]?.got) !== 1) {
      throw new TokenStoreError('STORE_UNAVAILABLE', `MySQLStore: migrate waited ${MIGRATION_LOCK_TIMEOUT_S} s for another process migrating ${names.table}`);
    }
    try {
      return await migrateUnderLock(conn, names);
    } finally {
      // The lock belongs to this session; if RELEASE_LOCK fails the connection is destroyed, which
      // releases it too.
      await conn.execute(`SELECT RELEASE_LOCK(${LOCK_NAME})`, [names.table]).catch(discard);
    }
  });
}

async function migrateUnderLock(conn: PoolConnection, names: SchemaNames): Promise<MigrationResult> {
  await conn.query(`CREATE TABLE IF NOT EXISTS ${names.qualifiedMigrationTable} (
    \`version\` INT NOT NULL PRIMARY KEY,
    \`name\` VARCHAR(100) NOT NULL,
    \`applied_at\` TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
  ) ENGINE=InnoDB`);
  const [rows] = await conn.query<RowDataPacket[]>(`SELECT \`version\` FROM ${names.qualifiedMigrationTable}`);
  const done = new Set(rows.map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.version)) continue;
    await migration.apply(conn, names);
    await conn.execute(`INSERT INTO ${names.qualifiedMigrationTable} (\`version\`, \`name\`) VALUES (?, ?)`, [migration.version, migration.name]);
    applied.push(migration.version);
  }
  return { version: Math.max(SCHEMA_VERSION, ...done), applied };
}
