/**
 * putRecords into a store holding an older copy of the same records, where user names moved between
 * records since (what `tokenstore migrate` run again meets): the batch is consistent (no user twice),
 * only the store's state in between is not. The copy must end exactly as the batch, whatever order
 * the records are copied in, and a user owned by a record the batch does not rebind is still
 * STORE_CONFLICT with nothing of that record written.
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore, OAuthToken } from '../src/index.js';
import { isTokenStoreError, type TokenRecord } from '../src/store-kit.js';

const record = (id: string, user: string | null, access = `A-${id}`): TokenRecord => ({
  ...new OAuthToken({ userSignature: user === null ? null : { name: user }, accessToken: access }).toRecord(),
  id,
});

async function storeHolding(records: TokenRecord[]): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.putRecords(records);
  return store;
}

const listed = async (store: MemoryStore) => (await store.getTokens()).map((t) => t.toRecord());

describe('putRecords over an older copy whose user names moved', () => {
  it('two records that swapped users are copied exactly (each frees the other\'s user first)', async () => {
    for (const order of [['a', 'b'], ['b', 'a']]) {
      const store = await storeHolding([record('a', 'user-v', 'old-a'), record('b', 'user-u', 'old-b')]);
      const batch = { a: record('a', 'user-u'), b: record('b', 'user-v') };
      await store.putRecords(order.map((id) => batch[id as 'a' | 'b']));
      expect(await listed(store), order.join()).toEqual([batch.a, batch.b]);
    }
  });

  it('three records that rotated users are copied exactly', async () => {
    const store = await storeHolding([record('a', 'u1'), record('b', 'u2'), record('c', 'u3')]);
    const batch = [record('a', 'u2'), record('b', 'u3'), record('c', 'u1')];
    await store.putRecords(batch);
    expect(await listed(store)).toEqual(batch);
  });

  it('a user moved to another record, its old record now unbound, in either order', async () => {
    for (const order of [['a', 'b'], ['b', 'a']]) {
      const store = await storeHolding([record('b', 'user-u')]);
      const batch = { a: record('a', 'user-u'), b: record('b', null) };
      await store.putRecords(order.map((id) => batch[id as 'a' | 'b']));
      expect(await listed(store), order.join()).toEqual([batch.a, batch.b]);
    }
  });

  it('a user owned by a record outside the batch is still STORE_CONFLICT, and that owner is untouched', async () => {
    const owner = record('owner', 'user-u');
    const store = await storeHolding([owner]);
    const error = await store.putRecords([record('a', 'user-u')]).catch((e: unknown) => e);
    expect(isTokenStoreError(error, 'STORE_CONFLICT')).toBe(true);
    expect(await listed(store)).toEqual([owner]);
  });
});
