import type { OAuthToken } from '@tokenstore/core';
import { byId, expectNoSecrets, expectStoreError, listRecords, save } from '../assertions.js';
import type { ConformanceCase } from '../conformance-case.js';
import { fullInit } from './full-init.js';

export const errorCases: ConformanceCase[] = [
  {
    id: 'errors.invalid-token',
    title: 'saveToken/findToken with null, undefined, a number or a string reject with TokenStoreError INVALID_ARGUMENT',
    async run(t) {
      for (const bad of [null, undefined, 42, 'token']) {
        const label = JSON.stringify(bad) ?? 'undefined';
        await expectStoreError(t, () => t.store.saveToken(bad as unknown as OAuthToken), 'INVALID_ARGUMENT', `saveToken(${label})`);
        await expectStoreError(t, () => t.store.findToken(bad as unknown as OAuthToken), 'INVALID_ARGUMENT', `findToken(${label})`);
      }
      t.expect(await listRecords(t), 'nothing stored').toEqual([]);
    },
  },
  {
    id: 'errors.no-secrets',
    title: 'errors the store throws (conflict, invalid argument, closed) never show a secret, not even in their cause',
    async run(t) {
      const b = await save(t, t.token(fullInit(t, 'b')));
      const intruder = t.token({ ...fullInit(t, 'a'), id: b.id });
      await expectStoreError(t, () => t.store.saveToken(intruder), undefined, "saveToken(A's token with B's id)");
      t.expect(await byId(t, b.id as string), "B's record").toEqual(b);
      const plain = { refreshToken: `refresh-plain-${t.uid}`, accessToken: `access-plain-${t.uid}`, clientSecret: `secret-plain-${t.uid}` };
      // Not built with t.token(), so register the secrets by building (and discarding) a token from them.
      t.token(plain);
      let error: unknown;
      try {
        await t.store.saveToken(plain as unknown as OAuthToken);
      } catch (e) {
        error = e;
      }
      if (error !== undefined) expectNoSecrets(t, error, 'saveToken(a plain object holding secrets)');
      if (typeof t.store.close === 'function') {
        await t.store.close();
        await expectStoreError(t, () => t.store.saveToken(t.token(fullInit(t, 'c'))), undefined, 'saveToken after close');
        await expectStoreError(t, () => t.store.findToken(t.token(fullInit(t, 'c'))), undefined, 'findToken after close');
      }
    },
  },
];
