/**
 * On a database the store opened, lease writes do not wait for the disk: a lease only has to outlive a crash of the process that took
 * it (after a power loss no holder is left anyway, and a lost release only delays others by the ttl),
 * while every token save stays synchronous = FULL. The connection's level is restored either way, and an app's own database is never touched.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SQLiteStore } from '../src/index.js';
import { tempDir } from './helpers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function scratch(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return dir;
}

function open(database?: BetterSqlite3.Database) {
  const store = database ? new SQLiteStore({ database }) : new SQLiteStore({ filename: join(scratch(), 'leases.db') });
  cleanups.unshift(() => store.database.close());
  return store;
}

describe('lease writes', () => {
  it('acquire and release run at synchronous = NORMAL; the connection goes back to FULL for saves', async () => {
    const store = open();
    const db = store.database;
    const pragma = vi.spyOn(db, 'pragma');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    pragma.mockClear();
    expect(await store.lock!.acquire('k', 'o', 10_000)).toBe(true);
    await store.lock!.release('k', 'o');
    expect(pragma.mock.calls.map((c) => String(c[0]))).toEqual(['synchronous', 'journal_mode', 'synchronous = 1', 'synchronous = 2', 'synchronous', 'journal_mode', 'synchronous = 1', 'synchronous = 2']);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('restores the level after a failed lease write, and leaves a level already lower (or a rollback journal) alone', async () => {
    const store = open();
    const db = store.database;
    const pragma = vi.spyOn(db, 'pragma');
    db.prepare(`DROP TABLE "${store.table}_lease"`).run(); // the next lease write fails
    pragma.mockClear();
    await expect(store.lock!.acquire('k', 'o', 10_000)).rejects.toThrow();
    expect(db.pragma('synchronous', { simple: true })).toBe(2);

    const other = open();
    other.database.pragma('synchronous = OFF');
    const calls = vi.spyOn(other.database, 'pragma');
    expect(await other.lock!.acquire('k', 'o', 10_000)).toBe(true);
    other.database.pragma('synchronous = FULL');
    other.database.pragma('journal_mode = DELETE');
    await other.lock!.release('k', 'o');
    expect(calls.mock.calls.map((c) => String(c[0]))).toEqual(['synchronous', 'synchronous = FULL', 'journal_mode = DELETE', 'synchronous', 'journal_mode']);
  });

  it("never touches the pragmas of an app's own database", async () => {
    const own = new BetterSqlite3(join(scratch(), 'own.db'));
    own.pragma('journal_mode = WAL');
    own.pragma('synchronous = FULL');
    const store = open(own);
    const pragma = vi.spyOn(own, 'pragma');
    expect(await store.lock!.acquire('k', 'o', 10_000)).toBe(true);
    await store.lock!.release('k', 'o');
    expect(pragma).not.toHaveBeenCalled();
  });
});
