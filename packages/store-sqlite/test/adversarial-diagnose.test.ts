/**
 * diagnose() on a database whose token table was dropped behind the store's back while its schema
 * version (PRAGMA user_version) still says current: the migration counts as done and will not
 * recreate it, so diagnose must say the table is missing, not "every lookup unindexed".
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SQLiteStore } from '../src/index.js';
import { tempDir } from './helpers.js';

describe('SQLiteStore.diagnose on a dropped token table', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  it('says the table is missing and reports no index facts about it', async () => {
    const store = new SQLiteStore({ filename: join(dir, 'tokens.db') });
    try {
      await store.getTokens(); // the first use creates the table
      store.database.exec('DROP TABLE "oauthtoken"');
      const diagnostics = await store.diagnose();
      expect(diagnostics.unindexedLookups).toBeUndefined();
      expect(diagnostics.notes?.join(' ')).toContain('no table oauthtoken');
    } finally {
      await store.close();
    }
  });
});
