import { RecordTokenStore, TokenStoreError, type RefreshLock } from '@tokenstore/core/store-kit';
import pg, { type Pool, type PoolConfig } from 'pg';
import { SCHEMA_VERSION, type MigrationResult } from './migrations.js';
import { PostgresBackend } from './postgres-backend.js';
import { schemaNames } from './schema.js';

interface CommonOptions {
  /** Schema of the tables (default `public`); created by the first migration if missing. */
  schema?: string;
  /** Token table name (default `oauthtoken`): letters, digits and `_`, at most 40 characters. */
  table?: string;
  /** Run pending migrations on first use (default `true`). With `false`, call `migrate()` yourself. */
  migrate?: boolean;
}

export interface PostgresPoolOptions extends CommonOptions {
  /** Your `pg.Pool`. The store never ends it; `close()` only stops the store. */
  pool: Pool;
  connectionString?: never;
  poolConfig?: never;
}

export interface PostgresConnectionOptions extends CommonOptions {
  /** `postgres://user:password@host:port/database`. The store creates a pool and ends it on `close()`. */
  connectionString: string;
  /** Extra `pg.PoolConfig` for the store's own pool (e.g. `max`, `ssl`). */
  poolConfig?: Omit<PoolConfig, 'connectionString'>;
  pool?: never;
}

export type PostgresStoreOptions = PostgresPoolOptions | PostgresConnectionOptions;

/** Defaults of the pool the store creates: bounded waits so an unreachable server fails fast. */
const OWN_POOL_DEFAULTS: PoolConfig = {
  max: 10,
  connectionTimeoutMillis: 10_000,
  idleTimeoutMillis: 30_000,
  application_name: 'tokenstore',
};

/**
 * A TokenStore on a PostgreSQL table, through a `pg` connection pool. Lookups use indexes, writes
 * are single parameterized statements, uniqueness of id and user name is enforced by the database, and
 * `lock` is a lease row with a server-side expiry. See README.md for the schema and error codes.
 */
export class PostgresStore extends RecordTokenStore {
  /** The schema version this release migrates to. */
  static readonly SCHEMA_VERSION = SCHEMA_VERSION;

  /** Always present: a lease row in `<table>_leases` (see PostgresLeaseLock). */
  declare readonly lock: RefreshLock;
  readonly schema: string;
  readonly table: string;
  /** The pool in use (yours if you passed `pool`). */
  readonly pool: Pool;
  readonly #backend: PostgresBackend;

  constructor(options: PostgresStoreOptions) {
    const { pool, owns, names, autoMigrate } = open(options);
    const backend = new PostgresBackend(pool, names, owns, autoMigrate);
    super(backend, 'PostgresStore');
    this.#backend = backend;
    this.schema = names.schema;
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

function open(options: PostgresStoreOptions): { pool: Pool; owns: boolean; names: ReturnType<typeof schemaNames>; autoMigrate: boolean } {
  if (options === null || typeof options !== 'object') throw new TokenStoreError('INVALID_ARGUMENT', 'PostgresStore: options must be an object');
  const names = schemaNames(options.schema, options.table);
  const autoMigrate = options.migrate ?? true;
  if (typeof autoMigrate !== 'boolean') throw new TokenStoreError('INVALID_ARGUMENT', 'PostgresStore: migrate must be a boolean');
  const hasPool = options.pool !== undefined;
  const hasUrl = options.connectionString !== undefined;
  if (hasPool === hasUrl) throw new TokenStoreError('INVALID_ARGUMENT', 'PostgresStore: pass exactly one of `pool` or `connectionString`');

  if (hasPool) {
    const pool = options.pool as Pool;
    if (typeof pool.query !== 'function' || typeof pool.connect !== 'function') {
      throw new TokenStoreError('INVALID_ARGUMENT', 'PostgresStore: `pool` must be a pg.Pool');
    }
    return { pool, owns: false, names, autoMigrate };
  }
  const { connectionString } = options as PostgresConnectionOptions;
  if (typeof connectionString !== 'string' || connectionString === '') {
    throw new TokenStoreError('INVALID_ARGUMENT', 'PostgresStore: connectionString must be a non-empty string');
  }
  const pool = new pg.Pool({ ...OWN_POOL_DEFAULTS, ...(options as PostgresConnectionOptions).poolConfig, connectionString });
  // pg emits 'error' on the pool when an idle connection dies (e.g. the server restarts); with no
  // listener that would crash the process. The pool has already discarded the connection, and the next
  // statement opens a new one, so there is nothing else to do here.
  pool.on('error', () => {});
  return { pool, owns: true, names, autoMigrate };
}
