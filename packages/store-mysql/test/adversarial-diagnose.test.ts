/**
 * diagnose() on a schema broken behind the store's back: the token table dropped while its migrations
 * table still says the current version. The first-use migration will not recreate it (it counts as
 * done), so diagnose must say the table is missing, not report "every lookup unindexed" (whose advice,
 * let the store migrate, does nothing).
 */
import { uniqueName } from '@tokenstore/store-testkit';
import { describe, expect, it } from 'vitest';
import { adminPool, storeTracker } from './helpers.js';

const admin = adminPool();
const tracker = storeTracker(admin).cleanUpAfterTests(() => admin.end());

describe('MySQLStore.diagnose on a dropped token table', () => {
  it('says the table is missing and reports no index facts about it', async () => {
    const table = uniqueName('diagdrop');
    const store = tracker.open({ table });
    await store.migrate();
    await admin.query(`DROP TABLE \`${table}\``);
    const diagnostics = await store.diagnose();
    expect(diagnostics.unindexedLookups).toBeUndefined();
    expect(diagnostics.notes?.join(' ')).toContain(`no table ${table}`);
  });
});
