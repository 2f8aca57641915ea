import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PostgresStore, type PostgresStoreOptions } from '../src/index.js';

/** The test server (scripts/services). Tests fail, never skip, when it is unreachable. */
export const PG_URL = process.env.TOKENSTORE_PG_URL ?? 'postgres://tokenstore:tokenstore@127.0.0.1:5432/tokenstore_test';

export const SERVICES_SCRIPT = fileURLToPath(new URL('../../../scripts/services', import.meta.url));

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

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

/** Stores opened by a test file, closed (and their tables dropped) by `cleanup`. */
export class StoreTracker {
  readonly #stores: PostgresStore[] = [];
  readonly #tables = new Set<string>();

  open(options: Partial<PostgresStoreOptions> & { table: string }): PostgresStore {
    const store = new PostgresStore({ connectionString: PG_URL, poolConfig: { max: 4 }, ...options } as PostgresStoreOptions);
    this.#stores.push(store);
    this.#tables.add(`${options.schema ?? 'public'}.${options.table}`);
    return store;
  }

  async cleanup(admin: pg.Pool): Promise<void> {
    await Promise.all(this.#stores.splice(0).map((s) => s.close()));
    for (const qualified of this.#tables) {
      const [schema, table] = qualified.split('.') as [string, string];
      await dropStoreTables(admin, table, schema);
    }
    this.#tables.clear();
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on (it was free a moment ago, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
