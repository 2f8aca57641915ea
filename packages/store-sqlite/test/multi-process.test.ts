import { join } from 'node:path';
import { OAuthToken } from '@tokenstore/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SQLiteStore } from '../src/index.js';
import { assertDistFresh, runWorker, tempDir } from './helpers.js';

// Separate processes on one database file: no lost updates, one record per user however the saves
// interleave, and the lease is granted to exactly one process.
let dir: string;
let cleanup: () => void;
beforeAll(assertDistFresh);
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const PROCESSES = 4;

describe('several processes on one SQLite file', () => {
  it('keeps every token each process saved', async () => {
    const file = join(dir, 'shared.db');
    await Promise.all(Array.from({ length: PROCESSES }, (_, p) => runWorker(['save-many', file, `p${p}`, '25'])));
    const store = new SQLiteStore({ filename: file });
    const names = (await store.getTokens()).map((t) => t.userSignature?.name).sort();
    expect(names).toEqual(Array.from({ length: PROCESSES }, (_, p) => Array.from({ length: 25 }, (_, i) => `p${p}-${i}`)).flat().sort());
    await store.close();
  });

  it('racing saves of one new user from every process leave exactly one record', async () => {
    const file = join(dir, 'race.db');
    new SQLiteStore({ filename: file }).close(); // create the schema first so the race is about the row
    const startAt = Date.now() + 600;
    const outputs = await Promise.all(Array.from({ length: PROCESSES }, () => runWorker(['save-same', file, 'shared-user', String(startAt)])));
    const ids = new Set(outputs.flatMap((lines) => (lines[0] ?? '').split(' ')));
    expect(ids.size).toBe(1);
    const store = new SQLiteStore({ filename: file });
    expect((await store.getTokens()).filter((t) => t.userSignature?.name === 'shared-user')).toHaveLength(1);
    expect(await store.findToken(new OAuthToken({ userSignature: { name: 'shared-user' } }))).not.toBeNull();
    await store.close();
  });

  it('grants the lease to exactly one of several processes asking at the same moment', async () => {
    const file = join(dir, 'lease.db');
    new SQLiteStore({ filename: file }).close();
    const startAt = Date.now() + 600;
    const outputs = await Promise.all(Array.from({ length: PROCESSES + 2 }, (_, p) => runWorker(['lease', file, `owner-${p}`, String(startAt)])));
    expect(outputs.map((lines) => lines[0]).filter((l) => l === 'true')).toHaveLength(1);
    expect(outputs.map((lines) => lines[0]).filter((l) => l === 'false')).toHaveLength(PROCESSES + 1);
  });
});
