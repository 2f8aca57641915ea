import { uniqueName } from '@tokenstore/store-testkit';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { MySQLStore } from '../src/index.js';
import { adminPool, dropStoreTables, MYSQL_URL } from './helpers.js';

// Every refresh of every process takes a lease, so its statements are paid by the whole fleet: an
// acquire is one upsert and one read of the holder, each on its own (autocommit). A transaction
// around them added BEGIN and COMMIT (two more round trips and a pool checkout) and bought nothing:
// the read after the upsert answers "ours" only if our upsert (or our earlier grant) set the row.

const admin = adminPool();
const table = uniqueName('rt');
afterAll(async () => {
  await dropStoreTables(admin, table);
  await admin.end();
});

/** A pool whose statements (and transaction calls, on it or on a connection taken from it) are logged. */
function loggedPool(log: string[]): mysql.Pool {
  const pool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 4 });
  const verb = (sql: unknown) => String(typeof sql === 'string' ? sql : (sql as { sql: string }).sql).trim().split(/\s+/)[0]?.toUpperCase() ?? '';
  const logged = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (property === 'execute' || property === 'query') return (sql: unknown, ...rest: unknown[]) => (log.push(verb(sql)), (value as (...a: unknown[]) => unknown).call(object, sql, ...rest));
        if (property === 'beginTransaction' || property === 'commit' || property === 'rollback') return (...a: unknown[]) => (log.push(String(property)), (value as (...a: unknown[]) => unknown).apply(object, a));
        if (property === 'getConnection') return async () => logged(await (value as () => Promise<object>).call(object));
        return (value as (...a: unknown[]) => unknown).bind(object);
      },
    });
  return logged(pool);
}

describe('MySQLStore lease statements', () => {
  it('an acquire is an upsert and a read, with no transaction around them; a release is one delete', async () => {
    const log: string[] = [];
    const pool = loggedPool(log);
    const store = new MySQLStore({ pool, table });
    try {
      await store.migrate();
      log.length = 0;
      expect(await store.lock.acquire('k', 'o1', 60_000)).toBe(true);
      expect(log).toEqual(['INSERT', 'SELECT']);
      log.length = 0;
      expect(await store.lock.acquire('k', 'o2', 60_000)).toBe(false);
      expect(log).toEqual(['INSERT', 'SELECT']);
      log.length = 0;
      await store.lock.release('k', 'o1');
      expect(log).toEqual(['DELETE']);
      expect(await store.lock.acquire('k', 'o2', 60_000)).toBe(true);
      // The engine's acquire reads the token too: the same two statements, the token in the read.
      log.length = 0;
      expect((await store.lock.acquireAndFind?.('k2', 'o1', 60_000, 'some-id'))?.acquired).toBe(true);
      expect(log).toEqual(['INSERT', 'SELECT']);
    } finally {
      await store.close();
      await pool.end();
    }
  });
});
