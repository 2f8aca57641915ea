import { RecordTokenStore, TokenStoreError, type RefreshLock } from '@tokenstore/core/store-kit';
import mysql, { type Pool, type PoolOptions } from 'mysql2/promise';
import { SCHEMA_VERSION, type MigrationResult } from './migrations.js';
import { MySQLBackend } from './mysql-backend.js';
import { schemaNames } from './schema.js';

interface CommonOptions {
  /** Token table (default `oauthtoken`, the Zoho DBStore's): letters, digits and `_`, at most 53 characters. */
  table?: string;
  /** Run pending migrations on first use (default `true`). With `false`, call `migrate()` yourself. */
  migrate?: boolean;
}

export interface MySQLPoolOptions extends CommonOptions {
  /**
   * Your mysql2 pool: a `mysql2/promise` Pool, or a callback Pool (its `.promise()` wrapper is used).
   * The store never ends it; `close()` only stops the store. The tables live in its current database.
   */
  pool: Pool | { promise(): Pool };
  uri?: never;
  poolOptions?: never;
}

export interface MySQLUriOptions extends CommonOptions {
  /** `mysql://user:password@host:port/database`. The store creates a pool and ends it on `close()`. */
  uri: string;
  /** Extra mysql2 `PoolOptions` for that pool (e.g. `connectionLimit`, `ssl`). */
  poolOptions?: Omit<PoolOptions, 'uri'>;
  pool?: never;
}

export type MySQLStoreOptions = MySQLPoolOptions | MySQLUriOptions;

/** Defaults of the pool the store creates: bounded waits so an unreachable server fails fast. */
const OWN_POOL_DEFAULTS: PoolOptions = {
  connectionLimit: 10,
  waitForConnections: true,
  connectTimeout: 10_000,
  enableKeepAlive: true,
};

/**
 * A TokenStore on a MySQL or MariaDB table through a mysql2 pool, compatible with the Zoho SDK
 * DBStore's `oauthtoken` table (it opens an existing one and migrates it in place). Lookups use
 * indexes, matching is byte-exact, uniqueness of id and user name is enforced by the database, and
 * `lock` is a lease row with a server-side expiry. See README.md for the schema and error codes.
 */
export class MySQLStore extends RecordTokenStore {
  /** The schema version this release migrates to. */
  static readonly SCHEMA_VERSION = SCHEMA_VERSION;

  /** Always present: a lease row in `<table>_leases` (see MySQLLeaseLock). */
  declare readonly lock: RefreshLock;
  readonly table: string;
  /** The promise pool in use (yours if you passed `pool`). */
  readonly pool: Pool;
  readonly #backend: MySQLBackend;

  constructor(options: MySQLStoreOptions) {
    const { pool, owns, names, autoMigrate } = open(options);
    const backend = new MySQLBackend(pool, names, owns, autoMigrate);
    super(backend, 'MySQLStore');
    this.#backend = backend;
    this.table = names.table;
    this.pool = pool;
  }

  /**
   * Applies pending migrations (idempotent; safe to call from many processes at once). Called by the
   * first operation unless the store was created with `migrate: false`.
   */
  migrate(): Promise<MigrationResult> {
    return this.setUpNow('migrate', () => this.#backend.migrate());
  }
}

function open(options: MySQLStoreOptions): { pool: Pool; owns: boolean; names: ReturnType<typeof schemaNames>; autoMigrate: boolean } {
  if (options === null || typeof options !== 'object') throw new TokenStoreError('INVALID_ARGUMENT', 'MySQLStore: options must be an object');
  const names = schemaNames(options.table);
  const autoMigrate = options.migrate ?? true;
  if (typeof autoMigrate !== 'boolean') throw new TokenStoreError('INVALID_ARGUMENT', 'MySQLStore: migrate must be a boolean');
  const hasPool = options.pool !== undefined;
  const hasUri = options.uri !== undefined;
  if (hasPool === hasUri) throw new TokenStoreError('INVALID_ARGUMENT', 'MySQLStore: pass exactly one of `pool` or `uri`');

  if (hasPool) {
    const given = options.pool as Pool | { promise(): Pool };
    // A promise Pool has execute() returning a promise and getConnection(); a callback Pool has
    // promise(). (The promise Pool also has a promise() of its own in some versions: check it last.)
    const pool = isPromisePool(given) ? given : typeof (given as { promise?: unknown })?.promise === 'function' ? (given as { promise(): Pool }).promise() : undefined;
    if (pool === undefined || !isPromisePool(pool)) throw new TokenStoreError('INVALID_ARGUMENT', 'MySQLStore: `pool` must be a mysql2 Pool');
    return { pool, owns: false, names, autoMigrate };
  }
  const { uri, poolOptions } = options as MySQLUriOptions;
  if (typeof uri !== 'string' || uri === '') throw new TokenStoreError('INVALID_ARGUMENT', 'MySQLStore: uri must be a non-empty string');
  const pool = mysql.createPool({ ...OWN_POOL_DEFAULTS, ...poolOptions, uri });
  return { pool, owns: true, names, autoMigrate };
}

function isPromisePool(pool: unknown): pool is Pool {
  const candidate = pool as { execute?: unknown; getConnection?: unknown; pool?: unknown } | null;
  // mysql2/promise's PromisePool wraps the callback pool in `.pool`; a callback Pool has no such field.
  return typeof candidate?.execute === 'function' && typeof candidate.getConnection === 'function' && typeof candidate.pool === 'object' && candidate.pool !== null;
}
