import { closeSync, constants, openSync } from 'node:fs';
import { RecordTokenStore, assertIdentifierName, TokenStoreError } from '@tokenstore/core/store-kit';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { DEFAULT_TABLE, migrate, refuseIncompatible, schemaNames, SCHEMA_VERSION } from './schema.js';
import { SQLiteBackend } from './sqlite-backend.js';
import { toStoreError } from './sqlite-errors.js';

interface CommonOptions {
  /** Table name (default `oauthtoken`). Letters, digits and `_`, at most 63 characters. */
  table?: string;
  /** Clock for lease expiry, in epoch ms (tests). Default `Date.now`. */
  now?: () => number;
}

export interface SQLiteFileOptions extends CommonOptions {
  /** Path of the database file (created if missing), or `':memory:'` for a private in-memory database. */
  filename: string;
  /** How long a statement waits for another connection's write lock before failing with STORE_UNAVAILABLE. Default 5000 ms. */
  busyTimeoutMs?: number;
  database?: never;
}

export interface SQLiteDatabaseOptions extends CommonOptions {
  /** An open better-sqlite3 Database. The store never closes it and never changes its pragmas. */
  database: Database;
  filename?: never;
  busyTimeoutMs?: never;
}

export type SQLiteStoreOptions = SQLiteFileOptions | SQLiteDatabaseOptions;

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * The embedded default TokenStore: one SQLite table through better-sqlite3. Several processes may
 * share one database file; `lock` is a lease row taken under `BEGIN IMMEDIATE`, so they agree on who
 * refreshes a token. See README.md for the schema, pragmas and error codes.
 */
export class SQLiteStore extends RecordTokenStore {
  /** The schema version this release writes to `PRAGMA user_version`. */
  static readonly SCHEMA_VERSION = SCHEMA_VERSION;

  /** The validated table name. */
  readonly table: string;
  /** The underlying better-sqlite3 Database (yours if you passed `database`). */
  readonly database: Database;

  constructor(options: SQLiteStoreOptions) {
    const { database, table, owns, now, busyTimeoutMs } = open(options);
    let backend: SQLiteBackend;
    try {
      const names = schemaNames(table);
      // Read-only checks first: a file we refuse must not be switched to WAL (or changed at all).
      refuseIncompatible(database, names);
      if (owns) setPragmas(database, busyTimeoutMs);
      migrate(database, names);
      backend = new SQLiteBackend(database, names, owns, now);
    } catch (error) {
      if (owns) database.close();
      throw toStoreError(error, 'open');
    }
    super(backend, 'SQLiteStore');
    this.table = table;
    this.database = database;
  }
}

interface Opened {
  database: Database;
  table: string;
  owns: boolean;
  now: () => number;
  busyTimeoutMs: number;
}

function open(options: SQLiteStoreOptions): Opened {
  if (options === null || typeof options !== 'object') throw new TokenStoreError('INVALID_ARGUMENT', 'SQLiteStore: options must be an object');
  const table = assertIdentifierName(options.table ?? DEFAULT_TABLE, 'SQLiteStore: table');
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TokenStoreError('INVALID_ARGUMENT', 'SQLiteStore: now must be a function');
  const hasDatabase = options.database !== undefined;
  const hasFilename = options.filename !== undefined;
  if (hasDatabase === hasFilename) throw new TokenStoreError('INVALID_ARGUMENT', 'SQLiteStore: pass exactly one of `filename` or `database`');

  if (hasDatabase) {
    const database = options.database as Database;
    if (typeof database.prepare !== 'function' || typeof database.transaction !== 'function') {
      throw new TokenStoreError('INVALID_ARGUMENT', 'SQLiteStore: `database` must be a better-sqlite3 Database');
    }
    if (!database.open) throw new TokenStoreError('STORE_CLOSED', 'SQLiteStore: the given database connection is not open');
    return { database, table, owns: false, now, busyTimeoutMs: DEFAULT_BUSY_TIMEOUT_MS };
  }

  const filename = options.filename;
  if (typeof filename !== 'string' || filename === '') throw new TokenStoreError('INVALID_ARGUMENT', 'SQLiteStore: filename must be a non-empty string');
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new TokenStoreError('INVALID_ARGUMENT', 'SQLiteStore: busyTimeoutMs must be a non-negative integer');
  let database: Database;
  try {
    createPrivately(filename);
    database = new BetterSqlite3(filename, { timeout: busyTimeoutMs });
  } catch (error) {
    throw toStoreError(error, 'open');
  }
  return { database, table, owns: true, now, busyTimeoutMs };
}

/** The pragmas of a database the store opened itself (never of a caller's `database`). */
function setPragmas(database: Database, busyTimeoutMs: number): void {
  // WAL: readers never block the writer and a crash never leaves a half-written page visible.
  // synchronous=FULL: a save that returned survives power loss too, not only a process crash
  // (WAL's default NORMAL may lose the last commits); token writes are rare, the fsync is cheap.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma(`busy_timeout = ${busyTimeoutMs}`);
}

/**
 * Creates a new database file readable by its owner only (0600): it holds refresh tokens and client
 * secrets. SQLite gives its -wal and -shm files the main file's mode. An existing file keeps its mode.
 */
function createPrivately(filename: string): void {
  if (filename === ':memory:' || filename.startsWith('file:')) return;
  try {
    closeSync(openSync(filename, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600));
  } catch {
    // Exists already (keeps its mode), or can't be created: better-sqlite3's open reports that below.
  }
}
