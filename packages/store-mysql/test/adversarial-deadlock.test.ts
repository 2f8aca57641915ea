/**
 * A delete that InnoDB picks as a deadlock victim (seen when deleteToken races putRecords' multi-row
 * INSERT transaction): it changed nothing, and running it again is all it takes. deleteToken and
 * deleteTokens must do that, not report STORE_CONFLICT ("the id or user name is bound to another
 * record"), which no caller of a delete can resolve. The deadlock is injected into the app's own pool
 * (a real one, a real server): a real server gives one only under a race that no test can time.
 */
import { uniqueName } from '@tokenstore/store-testkit';
import { OAuthToken } from '@tokenstore/core';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { MySQLStore } from '../src/index.js';
import { MYSQL_URL, adminPool, dropStoreTables } from './helpers.js';

/** The error mysql2 raises for a deadlock victim (what the store reads: its code and errno). */
function deadlockError(): Error {
  return Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { code: 'ER_LOCK_DEADLOCK', errno: 1213, sqlState: '40001' });
}

/** The app's pool, whose next `times` DELETE statements fail as deadlock victims before reaching the server. */
function poolWithDeadlockedDeletes(times: number): { pool: mysql.Pool; end(): Promise<void> } {
  const real = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2 });
  let left = times;
  const pool = new Proxy(real, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (key !== 'execute' && key !== 'query') return typeof value === 'function' ? value.bind(target) : value;
      return async (sql: unknown, ...rest: unknown[]) => {
        const text = typeof sql === 'string' ? sql : String((sql as { sql?: unknown }).sql);
        if (/^\s*DELETE\b/i.test(text) && !/_leases/.test(text) && left > 0) {
          left--;
          throw deadlockError();
        }
        return (value as (...args: unknown[]) => unknown).call(target, sql, ...rest);
      };
    },
  });
  return { pool, end: () => real.end() };
}

describe('MySQLStore deletes chosen as deadlock victims', () => {
  const admin = adminPool();
  const tables: string[] = [];
  afterAll(async () => {
    for (const table of tables) await dropStoreTables(admin, table);
    await admin.end();
  });

  it('deleteToken and deleteTokens run the delete again and succeed', async () => {
    const table = uniqueName('deadlock');
    tables.push(table);
    const app = poolWithDeadlockedDeletes(2);
    const store = new MySQLStore({ pool: app.pool, table });
    try {
      await store.saveToken(new OAuthToken({ id: 'one', userSignature: { name: 'one' }, accessToken: 'A-one' }));
      await store.saveToken(new OAuthToken({ id: 'two', userSignature: { name: 'two' }, accessToken: 'A-two' }));
      await store.deleteToken('one');
      expect((await store.getTokens()).map((t) => t.id)).toEqual(['two']);
      await store.deleteTokens();
      expect(await store.getTokens()).toEqual([]);
    } finally {
      await store.close();
      await app.end();
    }
  });
});
