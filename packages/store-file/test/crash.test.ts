import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OAuthToken } from '@tokenstore/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FileStore, FORMAT, FORMAT_VERSION } from '../src/index.js';
import { crashToken, HOT_USER, hotToken } from './fixtures/tokens.mjs';
import { assertDistFresh, sleep, startWorker, tempDir } from './helpers.js';

/**
 * Crash safety: a child saves tokens in a loop and prints each one after its save returned; we kill
 * it with SIGKILL at a random moment, 50 times on the same file. After every kill the file must parse
 * as a token file of the current version with no duplicate id or user, and hold every token whose
 * save had returned, byte for byte. The next child must get past the lock file the killed one may
 * have left (dead pid: stale). (SIGKILL is a process crash; power loss is not simulated, fsync of
 * the file and its directory is what covers it.)
 */
const KILLS = 50;

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  assertDistFresh();
  ({ dir, cleanup } = tempDir('tokenstore-file-crash-'));
});
afterAll(() => cleanup());

it(`holds every returned save across ${KILLS} SIGKILLs`, async () => {
  const file = join(dir, 'crash.json');
  const expected = new Map<string, ReturnType<typeof crashToken>>();
  let hotFloor = -1;
  let verifiedTotal = 0;
  const stats = { kills: 0, duringStartup: 0, savesReturned: 0, staleLocksLeft: 0, tempFilesLeft: 0 };

  for (let run = 0; run < KILLS; run++) {
    const worker = startWorker(['save-loop', file, String(run)]);
    // One run in ten is killed during start-up (run 0: before the file exists); the others after
    // their first save returned, at a random point of the loop.
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
    if (readdirSync(dir).includes('crash.json.lock')) stats.staleLocksLeft++;
    stats.tempFilesLeft += readdirSync(dir).filter((n) => n.endsWith('.tmp')).length;

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
    if (expected.size === 0 && hotFloor < 0) continue; // killed before its first save: maybe no file yet

    // 1. The file itself, read without FileStore: complete JSON, our format and version, unique keys.
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { format: string; version: number; tokens: { id: string; userName?: string }[] };
    expect(doc.format).toBe(FORMAT);
    expect(doc.version).toBe(FORMAT_VERSION);
    const ids = doc.tokens.map((t) => t.id);
    const users = doc.tokens.flatMap((t) => (t.userName === undefined ? [] : [t.userName]));
    expect(new Set(ids).size, `run ${run}: duplicate id`).toBe(ids.length);
    expect(new Set(users).size, `run ${run}: duplicate user`).toBe(users.length);

    // 2. Through the store: every save that returned is there, exactly as saved.
    const store = new FileStore({ path: file });
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

  // A last write recovers whatever the final kill left: the stale lock and any temp file are gone.
  const store = new FileStore({ path: file });
  await store.saveToken(new OAuthToken({ userSignature: { name: 'after-the-crashes' }, accessToken: 'ok' }));
  await store.close();
  expect(readdirSync(dir).filter((n) => n !== 'crash.json')).toEqual([]);

  expect(stats.kills).toBe(KILLS);
  expect(expected.size).toBeGreaterThanOrEqual(KILLS - stats.duringStartup); // every in-loop run saved at least one
  console.info(
    `FileStore crash test: ${stats.kills} kills (${stats.duringStartup} during start-up), ${stats.savesReturned} saves returned before a kill, ${expected.size} distinct tokens, ${verifiedTotal} token checks; kills that left a lock file: ${stats.staleLocksLeft}, temp files left: ${stats.tempFilesLeft}`,
  );
}, 120_000);
