import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { OAuthToken } from '@tokenstore/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SQLiteStore } from '../src/index.js';
import { crashToken, HOT_USER, hotToken } from './fixtures/tokens.mjs';
import { assertDistFresh, sleep, startWorker, tempDir } from './helpers.js';

/**
 * Crash safety: a child saves tokens in a loop and prints each one after its save returned; we kill
 * it with SIGKILL at a random moment, 50 times on the same file. After every kill the database must
 * pass SQLite's integrity check and hold every token whose save had returned, byte for byte, with
 * one record per user. (SIGKILL is a process crash: the OS still writes what the process handed it.
 * Power loss is not simulated here; synchronous=FULL is what covers it.)
 */
const KILLS = 50;

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  assertDistFresh();
  ({ dir, cleanup } = tempDir('tokenstore-sqlite-crash-'));
});
afterAll(() => cleanup());

it(`holds every returned save across ${KILLS} SIGKILLs`, async () => {
  const file = join(dir, 'crash.db');
  const expected = new Map<string, ReturnType<typeof crashToken>>();
  let hotFloor = -1;
  let verifiedTotal = 0;
  const stats = { kills: 0, duringStartup: 0, savesReturned: 0 };

  for (let run = 0; run < KILLS; run++) {
    const worker = startWorker(['save-loop', file, String(run)]);
    // One run in ten is killed during start-up (run 0: on a fresh file, while the schema is created);
    // the others after their first save returned, at a random point of the loop.
    if (run % 10 === 0) {
      await sleep(Math.random() * 80);
      stats.duringStartup++;
    } else {
      await worker.waitFor((line) => line.startsWith('N '));
      await sleep(Math.random() * 120);
    }
    worker.child.kill('SIGKILL');
    const { signal } = await worker.exited;
    expect(signal, `run ${run} ended on its own: ${worker.stderr()}`).toBe('SIGKILL');
    stats.kills++;

    for (const line of worker.lines) {
      const [kind, n] = line.split(' ');
      if (kind === 'N') {
        const token = crashToken(run, Number(n));
        expected.set(token.id, token);
        stats.savesReturned++;
      } else if (kind === 'H') {
        hotFloor = Math.max(hotFloor, hotToken(run, Number(n)).expiresAt);
        stats.savesReturned++;
      }
    }

    // 1. The file itself: SQLite's own consistency check, and the uniqueness we rely on.
    const db = new BetterSqlite3(file);
    try {
      expect(db.pragma('integrity_check', { simple: true }), `run ${run}`).toBe('ok');
      // (A run killed while creating the schema may leave no table: its transaction rolled back.)
      const hasTable = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'oauthtoken'`).get() !== undefined;
      if (hasTable) expect(db.prepare('SELECT count(*) FROM (SELECT user_name FROM oauthtoken WHERE user_name IS NOT NULL GROUP BY user_name HAVING count(*) > 1)').pluck().get()).toBe(0);
      else expect(expected.size, `run ${run}: the table vanished`).toBe(0);
    } finally {
      db.close();
    }

    // 2. Through the store: every save that returned is there, exactly as saved.
    const store = new SQLiteStore({ filename: file });
    try {
      const stored = new Map((await store.getTokens()).map((t) => [t.id, t]));
      for (const [id, token] of expected) {
        const found = stored.get(id);
        expect(found, `run ${run}: token ${id} was saved before the kill but is missing`).toBeDefined();
        expect(found!.toRecord()).toEqual(new OAuthToken(token).toRecord());
        verifiedTotal++;
      }
      const hot = await store.findToken(new OAuthToken({ userSignature: { name: HOT_USER } }));
      if (hotFloor >= 0) expect(hot!.expiresAt!, `run ${run}: the hot record went backwards`).toBeGreaterThanOrEqual(hotFloor);
    } finally {
      await store.close();
    }
  }

  expect(stats.kills).toBe(KILLS);
  expect(expected.size).toBeGreaterThanOrEqual(KILLS - stats.duringStartup); // every in-loop run saved at least one
  console.info(`SQLiteStore crash test: ${stats.kills} kills (${stats.duringStartup} during start-up), ${stats.savesReturned} saves returned before a kill, ${expected.size} distinct tokens, ${verifiedTotal} token checks`);
}, 120_000);
