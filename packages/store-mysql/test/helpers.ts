import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { MySQLStore, type MySQLStoreOptions } from '../src/index.js';

/** The test server (scripts/services: MariaDB). Tests fail, never skip, when it is unreachable. */
export const MYSQL_URL = process.env.TOKENSTORE_MYSQL_URL ?? 'mysql://tokenstore:tokenstore@127.0.0.1:3306/tokenstore_test';

export const SERVICES_SCRIPT = fileURLToPath(new URL('../../../scripts/services', import.meta.url));

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export function adminPool(): mysql.Pool {
  return mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2 });
}

/** Drops the token table and everything MySQLStore created next to it. */
export async function dropStoreTables(admin: mysql.Pool, table: string): Promise<void> {
  await admin.query(`DROP TABLE IF EXISTS \`${table}\`, \`${table}_leases\`, \`${table}_migrations\``);
}

/** Stores opened by a test file, closed (and their tables dropped) by `cleanup`. */
export class StoreTracker {
  readonly #stores: MySQLStore[] = [];
  readonly #tables = new Set<string>();

  open(options: Partial<MySQLStoreOptions> & { table: string }): MySQLStore {
    const store = new MySQLStore({ uri: MYSQL_URL, poolOptions: { connectionLimit: 4 }, ...options } as MySQLStoreOptions);
    this.#stores.push(store);
    this.#tables.add(options.table);
    return store;
  }

  /** Marks a table created outside a store for dropping by `cleanup`. */
  track(table: string): void {
    this.#tables.add(table);
  }

  async cleanup(admin: mysql.Pool): Promise<void> {
    await Promise.all(this.#stores.splice(0).map((s) => s.close()));
    for (const table of this.#tables) await dropStoreTables(admin, table);
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
