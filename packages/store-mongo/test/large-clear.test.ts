import { OAuthToken } from '@tokenstore/core';
import { uniqueName } from '@tokenstore/store-testkit';
import { describe, expect, it } from 'vitest';
import { adminClient, storeTracker } from './helpers.js';

const admin = adminClient();
const tracker = storeTracker(admin).cleanUpAfterTests(() => admin.close());

// FerretDB 1.x deletes what a filter matched by listing every matched _id as a parameter of one
// PostgreSQL statement, which the protocol caps at 65,535: `deleteMany({})` on a bigger collection
// fails. deleteTokens() must empty a store of any size (a fleet or a migration target easily holds more).
describe('deleteTokens on a collection larger than one statement can delete', () => {
  it('removes every one of 70,000 documents, and the store is usable afterwards', async () => {
    const collection = uniqueName('big_clear');
    const store = tracker.open({ collection });
    await store.saveToken(new OAuthToken({ userSignature: { name: 'kept-shape' }, clientId: 'c', refreshToken: 'r-0' }));
    // Filler documents written behind the store's back (a real save per document would take minutes on
    // FerretDB); deleteTokens must remove whatever the collection holds.
    const tokens = admin.db().collection<{ _id: string }>(collection);
    const filler = Array.from({ length: 70_000 }, (_, i) => ({ _id: `filler-${String(i).padStart(6, '0')}` }));
    for (let i = 0; i < filler.length; i += 10_000) await tokens.insertMany(filler.slice(i, i + 10_000), { ordered: false });

    await store.deleteTokens();

    expect(await tokens.countDocuments()).toBe(0);
    expect(await store.getTokens()).toEqual([]);
    const saved = await store.saveToken(new OAuthToken({ userSignature: { name: 'after' }, clientId: 'c', refreshToken: 'r-1' }));
    expect((await store.findTokenById(saved.id as string))?.toRecord().userName).toBe('after');
  }, 120_000);
});
