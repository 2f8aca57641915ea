import { StoreTracker, TEST_URLS } from '@tokenstore/store-testkit';
import mysql from 'mysql2/promise';
import { MySQLStore, type MySQLStoreOptions } from '../src/index.js';

/** The test server (scripts/services: MariaDB). Tests fail, never skip, when it is unreachable. */
export const MYSQL_URL = TEST_URLS.mysql;

export function adminPool(): mysql.Pool {
  return mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2 });
}

/** Drops the token table and everything MySQLStore created next to it. */
export async function dropStoreTables(admin: mysql.Pool, table: string): Promise<void> {
  await admin.query(`DROP TABLE IF EXISTS \`${table}\`, \`${table}_leases\`, \`${table}_migrations\``);
}

type TestOptions = Partial<MySQLStoreOptions> & { table: string };

/** A MySQLStore on the test server, with a pool of its own (4 connections). */
export function openStore(options: TestOptions): MySQLStore {
  return new MySQLStore({ uri: MYSQL_URL, poolOptions: { connectionLimit: 4 }, ...options } as MySQLStoreOptions);
}

/** Stores opened by a test file, closed (and their tables dropped through `admin`) by `cleanup`. */
export function storeTracker(admin: mysql.Pool): StoreTracker<MySQLStore, TestOptions> {
  return new StoreTracker(openStore, (options) => options.table, (table) => dropStoreTables(admin, table));
}
