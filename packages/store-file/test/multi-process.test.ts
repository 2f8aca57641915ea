import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { OAuthToken } from '@tokenstore/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from '../src/index.js';
import { assertDistFresh, runWorker, tempDir } from './helpers.js';

// Separate processes on one JSON file: the read-modify-write under the lock file loses no update,
// keeps one record per user however the saves interleave, and grants a lease to exactly one process.
let dir: string;
let cleanup: () => void;
beforeAll(assertDistFresh);
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const PROCESSES = 4;

describe('several processes on one JSON file', () => {
  it('keeps every token each process saved (no lost update)', async () => {
    const file = join(dir, 'shared.json');
    await Promise.all(Array.from({ length: PROCESSES }, (_, p) => runWorker(['save-many', file, `p${p}`, '25'])));
    const names = (await new FileStore({ path: file }).getTokens()).map((t) => t.userSignature?.name).sort();
    expect(names).toEqual(Array.from({ length: PROCESSES }, (_, p) => Array.from({ length: 25 }, (_, i) => `p${p}-${i}`)).flat().sort());
    expect(readdirSync(dir).sort()).toEqual(['shared.json']); // no lock or temp file left behind
  });

  it('racing saves of one new user from every process leave exactly one record', async () => {
    const file = join(dir, 'race.json');
    const startAt = Date.now() + 600;
    const outputs = await Promise.all(Array.from({ length: PROCESSES }, () => runWorker(['save-same', file, 'shared-user', String(startAt)])));
    expect(new Set(outputs.flatMap((lines) => (lines[0] ?? '').split(' '))).size).toBe(1);
    const store = new FileStore({ path: file });
    expect(await store.getTokens()).toHaveLength(1);
    expect(await store.findToken(new OAuthToken({ userSignature: { name: 'shared-user' } }))).not.toBeNull();
  });

  it('grants the lease to exactly one of several processes asking at the same moment', async () => {
    const file = join(dir, 'lease.json');
    const startAt = Date.now() + 600;
    const outputs = await Promise.all(Array.from({ length: PROCESSES + 2 }, (_, p) => runWorker(['lease', file, `owner-${p}`, String(startAt)])));
    expect(outputs.map((lines) => lines[0]).filter((l) => l === 'true')).toHaveLength(1);
    expect(outputs.map((lines) => lines[0]).filter((l) => l === 'false')).toHaveLength(PROCESSES + 1);
  });
});
