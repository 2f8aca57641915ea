import { OAuthToken, type TokenStore } from '@tokenstore/core';
import { expect, it } from 'vitest';

/** expiresAt survives the store's column type: to the millisecond, negative, up to the largest safe integer. */
export function expiresAtRoundTripTest(open: () => TokenStore): void {
  it('round-trip expiresAt to the millisecond, up to the largest safe integer', async () => {
    const store = open();
    for (const expiresAt of [0, 1, 1_700_000_000_123, Number.MAX_SAFE_INTEGER, -1]) {
      const saved = await store.saveToken(new OAuthToken({ userSignature: { name: `u${expiresAt}` }, accessToken: 'a', expiresAt }));
      expect((await store.findTokenById(saved.id as string))?.expiresAt).toBe(expiresAt);
    }
  });
}
