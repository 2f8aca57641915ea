import BetterSqlite3 from 'better-sqlite3';
import { crashTest } from '@tokenstore/store-testkit';
import { expect } from 'vitest';
import { SQLITE_STORE } from './helpers.js';

// Crash safety (see crashTest): after every kill the database must pass SQLite's integrity check, with
// one record per user. (SIGKILL is a process crash: the OS still writes what the process handed it.
// Power loss is not simulated here; synchronous=FULL is what covers it.)
crashTest({
  store: SQLITE_STORE,
  checkFile({ file, run, saved }) {
    // SQLite's own consistency check, and the uniqueness we rely on.
    const db = new BetterSqlite3(file);
    try {
      expect(db.pragma('integrity_check', { simple: true }), `run ${run}`).toBe('ok');
      // (A run killed while creating the schema may leave no table: its transaction rolled back.)
      const hasTable = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'oauthtoken'`).get() !== undefined;
      if (hasTable) expect(db.prepare('SELECT count(*) FROM (SELECT user_name FROM oauthtoken WHERE user_name IS NOT NULL GROUP BY user_name HAVING count(*) > 1)').pluck().get()).toBe(0);
      else expect(saved, `run ${run}: the table vanished`).toBe(0);
    } finally {
      db.close();
    }
  },
});
