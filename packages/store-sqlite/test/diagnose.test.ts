import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SQLiteStore } from '../src/index.js';
import { tempDir } from './helpers.js';

describe('SQLiteStore.diagnose', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  it('reports the schema version, every lookup indexed and the file private to its owner; then a dropped index and a readable file', async () => {
    const filename = join(dir, 'tokens.db');
    const store = new SQLiteStore({ filename });
    try {
      expect(await store.diagnose()).toEqual({
        store: 'SQLiteStore',
        schemaVersion: { found: SQLiteStore.SCHEMA_VERSION, expected: SQLiteStore.SCHEMA_VERSION },
        unindexedLookups: [],
        files: [{ path: filename, exists: true, mode: 0o600, ownerUid: process.getuid?.(), directoryMode: expect.any(Number) }],
      });
      store.database.exec('DROP INDEX "oauthtoken_refresh_token_ix"');
      chmodSync(filename, 0o644);
      const after = await store.diagnose();
      expect(after.unindexedLookups).toEqual(['refreshToken']);
      expect(after.files?.[0]?.mode).toBe(0o644);
    } finally {
      await store.close();
    }
  });

  it('an in-memory database has no file to report', async () => {
    const store = new SQLiteStore({ filename: ':memory:' });
    try {
      expect((await store.diagnose()).files).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
