import { StoreTracker, TEST_URLS } from '@tokenstore/store-testkit';
import pg from 'pg';
import { PostgresStore, type PostgresStoreOptions } from '../src/index.js';

/** The test server (scripts/services). Tests fail, never skip, when it is unreachable. */
export const PG_URL = TEST_URLS.postgres;

export function adminPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
  pool.on('error', () => {});
  return pool;
}

/** Drops the token table and everything PostgresStore created next to it. */
export async function dropStoreTables(admin: pg.Pool, table: string, schema = 'public'): Promise<void> {
  const q = (name: string) => `"${schema}"."${name}"`;
  await admin.query(`DROP TABLE IF EXISTS ${q(table)}, ${q(`${table}_leases`)}, ${q(`${table}_migrations`)}`);
}

type TestOptions = Partial<PostgresStoreOptions> & { table: string };

/** A PostgresStore on the test server, with a pool of its own (4 connections). */
export function openStore(options: TestOptions): PostgresStore {
  return new PostgresStore({ connectionString: PG_URL, poolConfig: { max: 4 }, ...options } as PostgresStoreOptions);
}

/** Stores opened by a test file, closed (and their tables dropped through `admin`) by `cleanup`. */
export function storeTracker(admin: pg.Pool): StoreTracker<PostgresStore, TestOptions> {
  return new StoreTracker(
    openStore,
    (options) => `${options.schema ?? 'public'}.${options.table}`,
    (qualified) => {
      const [schema, table] = qualified.split('.') as [string, string];
      return dropStoreTables(admin, table, schema);
    },
  );
}
