import { readdirSync, readFileSync } from 'node:fs';
import { OAuthToken } from '@tokenstore/core';
import { crashTest } from '@tokenstore/store-testkit';
import { expect } from 'vitest';
import { FileStore, FORMAT, FORMAT_VERSION } from '../src/index.js';
import { FILE_STORE } from './helpers.js';

// Crash safety (see crashTest): after every kill the file must parse as a token file of the current
// version with no duplicate id or user. The next child must get past the lock file the killed one may
// have left (dead pid: stale). Power loss is not simulated: fsync of the file and its directory is
// what covers it.
const stats = { staleLocksLeft: 0, tempFilesLeft: 0 };

crashTest({
  store: FILE_STORE,
  checkFile({ dir, file, run, saved, hotFloor }) {
    if (readdirSync(dir).includes('crash.json.lock')) stats.staleLocksLeft++;
    stats.tempFilesLeft += readdirSync(dir).filter((n) => n.endsWith('.tmp')).length;
    if (saved === 0 && hotFloor < 0) return false; // killed before its first save: maybe no file yet

    // Read without FileStore: complete JSON, our format and version, unique keys.
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { format: string; version: number; tokens: { id: string; userName?: string }[] };
    expect(doc.format).toBe(FORMAT);
    expect(doc.version).toBe(FORMAT_VERSION);
    const ids = doc.tokens.map((t) => t.id);
    const users = doc.tokens.flatMap((t) => (t.userName === undefined ? [] : [t.userName]));
    expect(new Set(ids).size, `run ${run}: duplicate id`).toBe(ids.length);
    expect(new Set(users).size, `run ${run}: duplicate user`).toBe(users.length);
  },
  async afterKills(dir, file) {
    // A last write recovers whatever the final kill left: the stale lock and any temp file are gone.
    const store = new FileStore({ path: file });
    await store.saveToken(new OAuthToken({ userSignature: { name: 'after-the-crashes' }, accessToken: 'ok' }));
    await store.close();
    expect(readdirSync(dir).filter((n) => n !== 'crash.json')).toEqual([]);
  },
  summary: () => `; kills that left a lock file: ${stats.staleLocksLeft}, temp files left: ${stats.tempFilesLeft}`,
});
