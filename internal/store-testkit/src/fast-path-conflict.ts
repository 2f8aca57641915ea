import { OAuthToken, type TokenStore } from '@tokenstore/core';
import { expect, it } from 'vitest';
import { rejection } from './rejections.js';

/**
 * A save carrying an unbound record's id and a user name that already has another record: the fast
 * path's UPDATE must not adopt it, the save rejects with STORE_CONFLICT, and neither record changes.
 */
export function fastPathConflictTest(open: () => TokenStore): void {
  it('reject with STORE_CONFLICT when the user already has another record, and change neither', async () => {
    const store = open();
    const own = await store.saveToken(new OAuthToken({ userSignature: { name: 'alice' }, accessToken: 'a1' }));
    const unbound = await store.saveToken(new OAuthToken({ accessToken: 'u1' }));
    const error = await rejection(store.saveToken(new OAuthToken({ id: unbound.id, userSignature: { name: 'alice' }, accessToken: 'a2' })));
    expect(error.code).toBe('STORE_CONFLICT');
    expect((await store.findTokenById(own.id as string))?.toRecord()).toEqual(own.toRecord());
    expect((await store.findTokenById(unbound.id as string))?.toRecord()).toEqual(unbound.toRecord());
  });
}
